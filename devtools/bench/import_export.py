"""django-import-export's import beside ours, on the same petition-case file in the same run:
`manage.py bench_import_export [ROWS]` (issue 13, item 6).

The ledger's columns are declared once (cases.ledgers.resources); `cases.ledgers.iex` turns them
into an import_export ModelResource (one `fields.Field` per column, Chinese column_name, each cell
read by the column's own reader), so both importers read every cell alike and what is measured is
the machinery around the cells: reading the file, finding existing rows, validating, writing.

Variants, each on an emptied ledger, the same .xlsx file (written by our export):
- ours: `cases.ledgers.service.import_ledger` (batches, all or nothing, audit, ImportedRows);
- iex-bulk: `import_data(dataset, use_transactions=True)` with `use_bulk=True, batch_size=1000,
  skip_diff=True`, CachedInstanceLoader (one query for the existing rows), full_clean() as ours
  runs it (foreign keys and uniqueness left out); the file read by import_export's XLSX format;
- iex-bulk-bare: the same without any full_clean() or due dates: its machinery alone;
- iex-bulk-default: the same with import_export's own full_clean() (every field, the unique
  checks and each check constraint as a query: nine queries a row) and its diff kept, on a
  fiftieth of the rows;
- iex-rows: import_export's default row-by-row save (a savepoint, a save() and its signals a row),
  on a tenth of the rows, since it is an order of magnitude slower;
then a plain bulk_create of the same rows, as the import bench does; and the n rows exported to
.xlsx by ours and by import_export (export() and its XLSX format).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.auth.models import User
from import_export.formats.base_formats import XLSX

from cases.ledgers import iex
from cases.ledgers.export import export_workbook
from cases.ledgers.resources import resource_for
from cases.ledgers.service import import_ledger
from cases.models import PetitionCase
from devtools.bench import write_section
from devtools.bench.imports import Clock, _empty, cases, load, plain_insert, setup

FILE = Path("/tmp/cases-bench-iex.xlsx")
LABEL = "import-export"


def _file(bureau, units, n: int, path: Path) -> bytes:
    """The n cases as our export writes them (the file a clerk re-imports)."""
    _empty()
    PetitionCase.objects.bulk_create(cases(bureau, units, n), batch_size=500)
    user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench", "", "x")
    data = export_workbook(resource_for("cases"), PetitionCase.objects.all(), user=user)
    path.write_bytes(data)
    _empty()
    return data


def _ours(path: Path) -> tuple[Clock, str]:
    clock = Clock()
    with path.open("rb") as stream:
        result = import_ledger(kind="cases", file=stream, file_name="bench.xlsx", dry_run=False)
    clock.stop()
    return clock, result.summary() + (result.file_error or "")


def _iex(bureau, data: bytes, *, rows: int | None = None, **options) -> tuple[Clock, Clock, str]:
    """(reading the file, import_data, what it says) for one configuration of the ModelResource."""
    read = Clock()
    dataset = iex.dataset(data)
    if rows is not None:
        del dataset[rows:]
    read.stop()
    resource = iex.model_resource("cases", bureau, **options)()
    clock = Clock()
    result = resource.import_data(dataset, dry_run=False, use_transactions=True)
    clock.stop()
    totals = {k: v for k, v in result.totals.items() if v}
    return read, clock, f"{totals}, {len(result.invalid_rows)} invalid, {len(result.row_errors())} errors"


def _exports(bureau) -> list[str]:
    """The ledger's rows to .xlsx: ours (cases.ledgers.export) and import_export's (export() to a
    tablib Dataset, then its XLSX format)."""
    user = User.objects.filter(is_superuser=True).first()
    queryset = PetitionCase.objects.order_by("pk")
    clock = Clock()
    ours = export_workbook(resource_for("cases"), queryset, user=user)
    clock.stop()
    theirs = Clock()
    data = XLSX().export_data(iex.model_resource("cases", bureau)().export(queryset))
    theirs.stop()
    return [
        f"export, ours: {clock.wall:.2f} s wall, {clock.cpu:.2f} s CPU, {len(ours)} bytes",
        f"export, iex export() + XLSX format: {theirs.wall:.2f} s wall, {theirs.cpu:.2f} s CPU, {len(data)} bytes "
        f"({theirs.wall / clock.wall:.2f}× ours wall, {theirs.cpu / clock.cpu:.2f}× ours CPU)",
    ]


def _line(label: str, clock: Clock, base: Clock, extra: str = "") -> str:
    return (
        f"{label}: {clock.wall:.2f} s wall, {clock.cpu:.2f} s CPU "
        f"({clock.wall / base.wall:.2f}× ours wall, {clock.cpu / base.cpu:.2f}× ours CPU) {extra}"
    ).rstrip()


def run(n: int, *, file: Path = FILE, quick: bool = False) -> list[str]:
    """The variants' lines; `quick`: ours, the exports and the bulk mode only (a repeat)."""
    bureau, units = setup()
    data = _file(bureau, units, n, file)
    ours, said = _ours(file)
    lines = [f"ours (import_ledger, {n} rows): {ours.wall:.2f} s wall, {ours.cpu:.2f} s CPU — {said}"]
    lines += _exports(bureau)
    _empty()
    read, bulk, said = _iex(bureau, data, tuned=True)
    lines.append(
        f"iex XLSX format reading the file into a tablib Dataset: {read.wall:.2f} s wall, {read.cpu:.2f} s CPU"
    )
    lines.append(_line("iex-bulk, import_data only (our full_clean)", bulk, ours, f"— {said}"))
    total = Clock(wall=read.wall + bulk.wall, cpu=read.cpu + bulk.cpu)
    lines.append(_line("iex-bulk, file + import_data", total, ours))
    _empty()
    read, bulk, said = _iex(bureau, data, tuned=True, bare=True)
    lines.append(_line("iex-bulk-bare (no full_clean, no due dates), import_data only", bulk, ours, f"— {said}"))
    _empty()
    if quick:
        return [*lines, f"({load()})"]
    part = max(n // 50, 1)  # its full_clean() runs every check constraint as a query: ~70 ms a row
    read, bulk, said = _iex(bureau, data, rows=part, tuned=False)
    scaled = Clock(wall=bulk.wall * n / part, cpu=bulk.cpu * n / part)
    lines.append(
        _line(
            f"iex-bulk-default (its full_clean, diff) on {part} rows, ×{n // part} for {n}", scaled, ours, f"— {said}"
        )
    )
    _empty()
    tenth = max(n // 10, 1)
    read, rows, said = _iex(bureau, data, rows=tenth, tuned=True, bulk=False)
    scaled = Clock(wall=rows.wall * n / tenth, cpu=rows.cpu * n / tenth)
    lines.append(_line(f"iex-rows (save() per row) on {tenth} rows, ×{n // tenth} for {n}", scaled, ours, f"— {said}"))
    _empty()
    plain = plain_insert(bureau, units, n)
    lines.append(f"plain bulk_create of the same rows: {plain.wall:.2f} s wall, {plain.cpu:.2f} s CPU; {load()}")
    return lines


def write(output: Path, lines: list[str], rows: int) -> str:
    import datetime

    from django.db import connection

    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    engine = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor, connection.vendor)
    start, end = f"<!-- bench:{LABEL}-{connection.vendor} -->", f"<!-- /bench:{LABEL}-{connection.vendor} -->"
    section = "\n".join(
        [
            start,
            f"### Measured by `manage.py bench_import_export {rows}` on {engine}",
            "",
            f"Run {now}, {os.cpu_count()} cores shared with other work: compare the ratios, not the seconds.",
            "",
            "```",
            *lines,
            "```",
            "",
            end,
            "",
        ]
    )
    write_section(output, section, f"{LABEL}-{connection.vendor}")
    return section
