"""A ledger's columns as a django-import-export ModelResource, declared nowhere else.

`model_resource(kind, bureau)` builds, from the ledger's one declaration of its columns
(cases.ledgers.resources), an `import_export.resources.ModelResource`: one `fields.Field` per
column with its Chinese header as `column_name`, and a widget that reads and writes the cell as
the column does (dates as clerks write them, choices by label, short form or mapping, units by
name). It serves what import_export does on its own — its formats (`export()` to a tablib
Dataset: CSV, JSON, XLSX…) and its `import_data()` — and the benchmark that compares its import
with ours (devtools/bench/import_export.py, docs/benchmarks.md, "django-import-export").

The admin's import does not use it: measured on the same file, import_data() in its bulk mode is
slower than cases.ledgers.service and reports less (see the benchmark's section for why).
Related columns (persons, linked case numbers) are not fields here: import_export has no widget
for a list of persons with their attributes, and the resource leaves them out.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.formats.base_formats import XLSX
from import_export.instance_loaders import CachedInstanceLoader, ModelInstanceLoader

from .columns import Column
from .resources import resource_for
from .service import BATCH, ImportContext


class ColumnWidget(widgets.Widget):
    """A cell read and written by the ledger's column (its CellError is a ValueError, which
    import_export reports as the field's error)."""

    def __init__(self, column: Column, ctx: ImportContext):
        super().__init__()
        self.column, self.ctx = column, ctx

    def __deepcopy__(self, memo):  # import_export copies each declared field per resource: share the import's context
        return self

    def clean(self, value, row=None, **kwargs):
        return self.column.read(value, self.ctx)

    def render(self, value, obj=None, **kwargs):
        return self.column.write(value, self.ctx)


def model_resource(kind: str, bureau, *, tuned: bool = True, bulk: bool = True, bare: bool = False, mappings=None):
    """The ledger `kind` of `bureau` as a ModelResource class.

    tuned: full_clean() as cases.ledgers.service runs it (foreign keys and uniqueness left out:
    they cost a query a row) and no diff; otherwise import_export's own validation and diff.
    bulk: import_export's bulk mode (bulk_create/bulk_update per 1,000 rows, no save() signals).
    bare: no full_clean() and no derived fields (due dates) at all, for the benchmark only: what
    its machinery costs without the validation (an import like that stores what it is given)."""
    ledger = resource_for(kind)
    model = ledger.model
    ctx = ImportContext(bureau, kind=kind, mappings=mappings)
    declared = {
        c.field: fields.Field(attribute=c.field, column_name=c.header, widget=ColumnWidget(c, ctx))
        for c in ledger.columns
        if not c.related
    }
    carried = {*declared, *ledger.derived_fields}
    exclude = [f.name for f in model._meta.concrete_fields if f.is_relation or f.attname not in carried]

    class Meta:
        pass

    Meta.model = model
    Meta.fields = tuple(declared)
    Meta.import_id_fields = ledger.identity
    Meta.use_bulk = bulk
    Meta.batch_size = BATCH
    Meta.skip_diff = tuned
    Meta.clean_model_instances = not bare
    Meta.instance_loader_class = CachedInstanceLoader if len(ledger.identity) == 1 else ModelInstanceLoader

    def init_instance(self, row=None):
        return model(bureau=bureau)

    def get_queryset(self):
        return model.objects.filter(bureau=bureau)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        ledger.prepare(instance, ctx)
        if not tuned or bare:
            return resources.ModelResource.validate_instance(self, instance, import_validation_errors, validate_unique)
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*exclude, *errors], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        if not bare:
            ledger.finish(instance, ctx)

    @classmethod
    def get_display_name(cls):
        return ledger.title

    attrs = {
        **declared,
        "Meta": Meta,
        "__module__": __name__,
        "init_instance": init_instance,
        "get_queryset": get_queryset,
        "validate_instance": validate_instance,
        "before_save_instance": before_save_instance,
        "get_display_name": get_display_name,
    }
    return type(resources.ModelResource)(f"{model.__name__}ModelResource", (resources.ModelResource,), attrs)


def dataset(data: bytes):
    """An .xlsx file's first sheet as import_export reads it (its header in the first row)."""
    return XLSX().create_dataset(data)


def errors(result) -> list[tuple[int, str, str]]:
    """(row number as import_export counts it, field, message) of each invalid row or error."""
    found = []
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            found.extend((invalid.number, name, str(m)) for m in messages)
    for number, row_errors in result.row_errors():
        found.extend((number, "", str(e.error)) for e in row_errors)
    return found
