"""Excel ledgers (台账) in and out.

- `xlsx`: checks an upload (size, zip sanity, zip bombs) and streams its first sheet's rows.
- `cells`: reads one cell the tolerant way clerks fill them in (dates, 是/否, full-width digits).
- `columns`, `people`: a ledger's columns, and persons joined in one cell.
- `values`: choices and units as clerks write them (short forms, synonyms, mappings per bureau).
- `resources`: one resource per ledger: columns, identity, related rows.
- `service`: `import_ledger()`, used by the admin and `manage.py import_ledger`; `results`: what it found.
- `export`, `sheetwriter`: ledgers and import templates to .xlsx.
- `iex`: each ledger as a django-import-export ModelResource, built from its columns (its formats,
  `import_data()`); the admin's import and export are ours (docs/benchmarks.md says why).
- `admin`: the import/export buttons mixed into each ledger's ModelAdmin.
"""
