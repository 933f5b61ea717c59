"""Import one ledger sheet: read → check each row with full_clean() → write all or nothing.

Both the admin and `manage.py import_ledger` call `import_ledger()`. The row-by-row path of
django-import-export (a query or two per row, a diff per row) is too slow for a city's ledger,
so rows are read in batches, looked up one query per batch, validated in Python and written
with bulk_create/bulk_update inside one transaction.

full_clean() runs on every row with two parts left out, for speed, because they would cost a
query per row: foreign keys (units are matched by name against the bureau's own units, so they
exist) and unique/check constraints. Uniqueness is checked for the whole file at once (a
duplicate identity in the file is a row error, an existing one is an update); every check
constraint has its twin in the model's clean(), and the database still enforces them, so a
row that slipped through would roll the whole import back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from functools import cached_property

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.audit import audit_link_import, audit_rows, display
from cases.deadlines import HolidayCalendar, UnknownHolidayYear
from cases.models import Bureau, ImportLog, PetitionCase, Unit
from cases.signals import records_changed

from . import cells
from .resources import LedgerResource, resource_for
from .results import ImportResult, RowError
from .xlsx import FileRejected, open_sheet

HEADER_SEARCH_ROWS = 10
BATCH = 1000
WRITE_BATCH = 500
PREVIEW_ROWS = 50
MAX_ERRORS = 10_000  # a wrong file can have millions; past this they are only counted


class ImportContext:
    """What every row of one import shares: the bureau, its units by name, the calendar."""

    def __init__(self, bureau: Bureau):
        self.bureau = bureau
        self.units = {
            cells.header(name): pk for pk, name in Unit.objects.filter(bureau=bureau).values_list("pk", "name")
        }
        self.calendar = _RememberingCalendar(bureau.calendar())
        self.warnings: set[str] = set()

    @cached_property
    def unit_names(self) -> dict[int, str]:
        return dict(Unit.objects.filter(bureau=self.bureau).values_list("pk", "name"))

    @cached_property
    def case_ids(self) -> dict[str, int]:
        return dict(PetitionCase.objects.filter(bureau=self.bureau).values_list("number", "pk"))


class _RememberingCalendar:
    """The bureau's calendar with due dates remembered: a ledger has a few thousand distinct
    dates but 100,000 rows, and each due date walks the holiday tables day by day."""

    def __init__(self, calendar: HolidayCalendar):
        self._calendar = calendar
        self._due: dict[tuple, object] = {}

    def due_date(self, start, days, *, working_days: bool = False):
        key = (start, days, working_days)
        if key not in self._due:
            try:
                self._due[key] = self._calendar.due_date(start, days, working_days=working_days)
            except UnknownHolidayYear as exc:  # remembered too: it fails the same way every time
                self._due[key] = exc.year
        found = self._due[key]
        if isinstance(found, int):
            raise UnknownHolidayYear(found)
        return found

    def __getattr__(self, name):
        return getattr(self._calendar, name)


def import_ledger(
    *,
    kind: str,
    file,
    file_name: str,
    user=None,
    actor: str = "",
    dry_run: bool,
    progress: Callable[[int, float], None] | None = None,
) -> ImportResult:
    """Import `file` (path or binary file object) into the ledger `kind`, or only check it.

    Nothing is written unless every row is valid. Every call is recorded in ImportLog.
    """
    started = time.monotonic()
    resource = resource_for(kind)
    result = ImportResult(kind, resource.title, file_name, dry_run)
    audit_ids: list[int] = []
    try:
        audit_ids = _run(resource, file, result, dry_run=dry_run, progress=progress, user=user, actor=actor)
    except FileRejected as exc:
        result.file_error = str(exc)
    except Bureau.DoesNotExist as exc:
        result.file_error = str(exc)
    result.seconds = time.monotonic() - started
    log = _log(result, user, actor)
    if result.written:
        audit_link_import(entry_ids=audit_ids, import_log=log)
        records_changed.send(sender=import_ledger, bureau=None, years=None)
    return result


class _Rollback(Exception):
    """Leaves the import's transaction without committing what earlier batches wrote."""


def _run(resource: LedgerResource, file, result: ImportResult, *, dry_run: bool, progress, user, actor) -> list[int]:
    """Check (and unless a dry run, write) the file's rows; returns the audit entries written."""
    sheet = open_sheet(file)
    rows = sheet.rows()
    mapping = _find_header(resource, rows, result)
    if mapping is None:
        return []
    ctx = ImportContext(Bureau.current())
    plan = _Plan(resource, ctx, list(mapping.values()), result, write=not dry_run, user=user, actor=actor)
    # Each checked batch is written at once, inside one transaction, so memory stays at one
    # batch whatever the file's size; the first error stops the writing (checking goes on, to
    # report every error) and the transaction is rolled back at the end. A dry run opens no
    # transaction: on SQLite that would hold the write lock while it only reads.
    try:
        with transaction.atomic() if not dry_run else nullcontext():
            batch: list[tuple[int, list]] = []
            for number, values in rows:
                batch.append((number, values))
                if len(batch) >= BATCH:
                    plan.add(batch, mapping)
                    batch = []
                    if progress:
                        progress(result.rows, sheet.fraction_read())
            plan.add(batch, mapping)
            if progress:
                progress(result.rows, 1.0)
            if result.rows == 0 and result.ok:
                result.file_error = _("表头下没有数据行。")
            if not result.ok or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except (IntegrityError, DatabaseError) as exc:
        result.file_error = _("写入数据库时出错，全部数据均未导入：%(error)s") % {"error": exc}
    else:
        result.written = bool(result.created or result.updated)
    if ctx.warnings:
        result.notices.extend(sorted(ctx.warnings))
    return plan.audit_ids if result.written else []


def _find_header(resource: LedgerResource, rows, result: ImportResult) -> dict[int, object] | None:
    """Column index → Column, from the first of the first ten rows that has every required header.
    Rows above it (titles, merged or not) are skipped; the rows iterator is left just after it."""
    by_key = {c.key: c for c in resource.columns}
    required = {c.key for c in resource.required_columns}
    for _index in range(HEADER_SEARCH_ROWS):
        try:
            _number, values = next(rows)
        except StopIteration:
            break
        keys = [cells.header(v) for v in values]
        if required <= set(keys):
            mapping, ignored = {}, []
            for position, key in enumerate(keys):
                if key in by_key and by_key[key] not in mapping.values():
                    mapping[position] = by_key[key]
                elif key:
                    ignored.append(cells.text(values[position]))
            if ignored:
                result.notices.append(_("以下列未识别，已忽略：%(columns)s") % {"columns": "、".join(ignored)})
            result.headers = [c.header for c in mapping.values()]
            return mapping
    missing = "、".join(c.header for c in resource.required_columns)
    result.file_error = _("前 %(n)d 行中未找到表头。表头行须包含：%(columns)s。可下载导入模板对照。") % {
        "n": HEADER_SEARCH_ROWS,
        "columns": missing,
    }
    return None


class _Plan:
    """The rows of one import, checked batch by batch, and what writing them will do."""

    def __init__(
        self, resource: LedgerResource, ctx: ImportContext, present, result: ImportResult, *, write: bool, user, actor
    ):
        self.resource, self.ctx, self.result, self.writing = resource, ctx, result, write
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.actor = actor
        self.changes: dict[int, dict] = {}  # id(obj) -> {field: [old, new]} for the audit trail
        self.audit_ids: list[int] = []
        self.fields = [c.field for c in present if not c.related]
        self.related_names = [c.field for c in present if c.related]
        self.labels = {c.field: c.header for c in present}
        model = resource.model
        for f in model._meta.concrete_fields:
            self.labels.setdefault(f.attname, str(f.verbose_name))
            self.labels.setdefault(f.name, str(f.verbose_name))
        # As a ModelForm does, fields the file does not carry are left out of clean_fields()
        # (they keep their stored or default values); clean() always runs. Foreign keys are
        # left out because validating one costs a query: units come from the bureau's own list.
        carried = {*self.fields, *resource.derived_fields}
        self.exclude = [f.name for f in model._meta.concrete_fields if f.is_relation or f.attname not in carried]
        self.seen: dict[tuple, int] = {}
        self.to_create: list = []
        self.to_update: list = []
        self.related: dict[int, dict] = {}  # id(obj) -> related values

    def add(self, batch: list[tuple[int, list]], mapping: dict) -> None:
        parsed = []
        self.positions = list(mapping)
        self.readers = [(p, c.field, c.read, c.mask is not None, c.header) for p, c in mapping.items()]
        for number, values in batch:
            row = self._read(number, values, mapping)
            if row is not None:
                parsed.append(row)
        keys = [key for _n, _v, _r, key, _e in parsed if key is not None]
        existing = self.resource.existing(self.ctx.bureau, keys) if keys else {}
        old_related = {}
        if self.related_names and existing:
            old_related = self.resource.related_of(list(existing.values()))
        for number, values, related, key, bad in parsed:
            self._check(number, values, related, existing.get(key), old_related, bad)
        if self.writing and self.result.ok:
            self.write()
        self.to_create, self.to_update, self.related, self.changes = [], [], {}, {}

    def _read(self, number: int, values: list, mapping: dict):
        # A row with nothing under our headers (a notes column, a spacer) is not a record.
        width = len(values)
        if all(_blank(values[p]) for p in mapping if p < width):
            return None
        read, bad = {}, set()
        for position, name, reader, masked, header in self.readers:
            raw = values[position] if position < width else None
            try:
                value = reader(raw, self.ctx)
            except cells.CellError as exc:
                self._error(number, header, str(exc))
                bad.add(name)
                continue
            if masked and value.__class__ is str and "*" in value:
                self._error(number, header, _("含有脱敏字符“*”，请使用未脱敏的原始台账"))
                bad.add(name)
                continue
            read[name] = value
        self.result.rows += 1
        related = {name: read.pop(name) for name in self.related_names if name in read}
        read["__raw__"] = values
        key = None
        identity = self.resource.identity
        if not any(name in bad for name in identity) and read.get(identity[0]) not in (None, ""):
            key = self.resource.key(read)
            first = self.seen.get(key)
            if first is not None:
                label = "、".join(self.labels.get(n, n) for n in self.resource.identity)
                self._error(number, label, _("与第 %(row)d 行重复（%(label)s相同）") % {"row": first, "label": label})
                return None
            self.seen[key] = number
        return number, read, related, key, bad

    def _check(self, number, values, related, obj, old_related, bad) -> None:
        resource = self.resource
        raw = values.pop("__raw__")
        compared = [*values, *resource.derived_fields]
        before = None
        if obj is None:
            obj = resource.model(bureau=self.ctx.bureau, **values)
        else:
            before = tuple(getattr(obj, name) for name in compared)
            for name, value in values.items():
                setattr(obj, name, value)
        resource.prepare(obj, self.ctx)
        try:
            obj.full_clean(exclude=self.exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if name in bad:
                    continue
                column = _("整行") if name == NON_FIELD_ERRORS else self.labels.get(name, name)
                for message in messages:
                    self._error(number, column, message)
            return
        if bad:
            return
        resource.finish(obj, self.ctx)
        if self.writing:
            self.changes[id(obj)] = self._audit_changes(obj, compared, before, related, old_related)
        if before is None:
            action = "new"
            self.to_create.append(obj)
            self.result.created += 1
            if related:
                self.related[id(obj)] = related
        else:
            previous = old_related.get(obj.pk, {})
            related_changed = any(previous.get(k, []) != v for k, v in related.items())
            if before == tuple(getattr(obj, name) for name in compared) and not related_changed:
                self.result.unchanged += 1
                return
            action = "update"
            self.to_update.append(obj)
            self.result.updated += 1
            if related_changed:
                self.related[id(obj)] = related
        if len(self.result.preview) < PREVIEW_ROWS:
            shown = [cells.text(raw[p]) if p < len(raw) else "" for p in self.positions]
            self.result.preview.append((action, number, shown))

    def _audit_changes(self, obj, compared, before, related, old_related) -> dict[str, list[str]]:
        meta = obj._meta
        after = [getattr(obj, name) for name in compared]
        old = before or [None] * len(compared)
        changes = {}
        for name, was, now in zip(compared, old, after, strict=True):
            field = meta.get_field(name)
            if field.is_relation and field.related_model is Unit:
                was_text, now_text = self.ctx.unit_names.get(was, ""), self.ctx.unit_names.get(now, "")
            else:
                was_text, now_text = display(field, was, lookup=False), display(field, now, lookup=False)
            if was_text != now_text:
                changes[field.name] = [was_text, now_text]
        previous = old_related.get(obj.pk, {}) if before is not None else {}
        for name, value in related.items():
            if previous.get(name, []) != value:
                label = self.labels.get(name, name)
                changes[label] = ["；".join(map(str, previous.get(name, []))), "；".join(map(str, value))]
        return changes

    def _error(self, number: int, column: str, message: str) -> None:
        if len(self.result.errors) < MAX_ERRORS:
            self.result.errors.append(RowError(number, column, message))
        else:
            self.result.unlisted_errors += 1

    def write(self) -> None:
        resource = self.resource
        now = timezone.now()
        model = resource.model
        if self.to_create:
            model.objects.bulk_create(self.to_create, batch_size=WRITE_BATCH)
        if self.to_update:
            for obj in self.to_update:
                obj.updated_at = now
            fields = sorted({*self.fields, *resource.derived_fields, "updated_at"} - {"id"})
            _update_rows(model, self.to_update, fields)
        if self.related_names:
            created = [(o, self.related[id(o)]) for o in self.to_create if id(o) in self.related]
            updated = [(o, self.related[id(o)]) for o in self.to_update if id(o) in self.related]
            if created:
                resource.save_related(created, replace=False)
            if updated:
                resource.save_related(updated, replace=True)
        self.audit_ids += audit_rows(
            user=self.user,
            model=model,
            created=[(o, self.changes.pop(id(o), {})) for o in self.to_create],
            updated=[(o, self.changes.pop(id(o), {})) for o in self.to_update],
            username=self.actor,
        )


def _update_rows(model, objs: list, attnames: list[str]) -> None:
    """One UPDATE per row by primary key, sent with executemany.

    bulk_update() builds a CASE WHEN expression per row and field (3 million objects for 100,000
    cases) and took minutes where this takes seconds; values still go through each field's
    get_db_prep_save(), so they are stored exactly as save() would store them.
    """
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), WRITE_BATCH):
            cursor.executemany(
                sql,
                [
                    [*(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields), obj.pk]
                    for obj in objs[start : start + WRITE_BATCH]
                ],
            )


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _log(result: ImportResult, user, actor: str) -> ImportLog:
    if result.file_error and not result.rows:
        outcome = ImportLog.Outcome.REFUSED
    elif not result.ok:
        outcome = ImportLog.Outcome.REJECTED
    elif result.dry_run:
        outcome = ImportLog.Outcome.PREVIEWED
    else:
        outcome = ImportLog.Outcome.IMPORTED
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return ImportLog.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else actor[:150],
        ledger=result.ledger,
        file_name=result.file_name[:255],
        dry_run=result.dry_run,
        outcome=outcome,
        rows=result.rows,
        created=result.created if result.written or result.dry_run else 0,
        updated=result.updated if result.written or result.dry_run else 0,
        unchanged=result.unchanged,
        errors=result.error_count,
        message=(result.file_error or "\n".join(str(e) for e in result.errors[:20]))[:4000],
    )
