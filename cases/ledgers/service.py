"""Import one ledger sheet: read → check each value and each record → write all or nothing.

Both the admin and `manage.py import_ledger` call `import_ledger()`. The row-by-row path of
django-import-export (a query or two per row, a diff per row) is too slow for a city's ledger,
so rows are read in batches, looked up one query per batch, validated in Python and written
with bulk_create/bulk_update.

Each batch is written in its own short transaction, never the whole file in one: on SQLite a
transaction holds the database's only write lock, and 400,000 rows in one held it for minutes,
so that every login and every clerk's save timed out. All or nothing still holds for the clerk:
the import's log is written first (进行中), each batch records what it changed (an ImportedRows
names the rows it created with their Excel rows, an audit entry each row it updated with old → new
values, an ImportBackup the previous values of each row it updated), and if a
later row or the database fails, `import_undo()` takes back what the earlier batches wrote and
the clerk is told nothing was imported. An import killed half-way leaves its log 进行中 with the
rows written so far linked to it; `manage.py import_ledger --undo LOG_ID` takes those back.

Every value is cleaned by its field as it is read (in the reading child for a large sheet,
see `_CellReader`), and the model's clean() then checks each record as a whole: full_clean()
with two parts left out, for speed, because they would cost a query per row: foreign keys (units are matched by
name against the bureau's own units, so they exist) and unique/check constraints. Uniqueness is
checked for the whole file at once (a duplicate identity in the file is a row error, an
existing one is an update); every check constraint has its twin in the model's clean(), and the
database still enforces them, so a
row that slipped through would roll the whole import back.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import sqlite3
import time
from collections.abc import Callable
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import DEFERRED, DateField, DecimalField, Max, TimeField, UUIDField
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.audit import audit_created, audit_forget_import, audit_rows, display, log_action
from cases.deadlines import RememberingCalendar
from cases.models import AuditEntry, Bureau, ImportedRows, ImportLog, PetitionCase, Unit
from cases.models.imports import ImportBackup
from cases.scoping import acting_for, including_voided
from cases.signals import records_changed

from . import cells
from . import values as vals
from .readahead import RowSource
from .resources import LOOKUP_CHUNK, LedgerResource, resource_for
from .results import ImportResult, RowError, RowWarning, UndoResult
from .xlsx import FileRejected, max_upload_bytes, open_sheet

HEADER_SEARCH_ROWS = 10
BATCH = 1000  # rows checked, and then written in one transaction, at a time
WRITE_BATCH = 500
ROWS_PER_INSERT = 100  # SQLite: rows per INSERT statement (see _insert_rows)
PREVIEW_ROWS = 50
KEEP_TYPED_ERRORS = 1000  # rows past the first PREVIEW_ROWS whose cells as typed are kept for it
MAX_ERRORS = 10_000  # a wrong file can have millions; past this they are only counted
UNDO_QUIET = datetime.timedelta(minutes=5)  # an import that wrote more recently than this may be running


class ImportContext:
    """What every row of one import shares: the bureau, its units by name, the calendar, the
    mappings of values (given with this import, then the bureau's remembered ones)."""

    def __init__(self, bureau: Bureau, *, kind: str = "", mappings: dict | None = None):
        self.bureau = bureau
        units = list(Unit.objects.filter(bureau=bureau).values_list("pk", "name"))
        self.units = {cells.header(name): pk for pk, name in units}
        self.unit_list = [name for _pk, name in units]
        self.calendar = RememberingCalendar(bureau.calendar())
        self.warnings: set[str] = set()
        self.mappings = {k: (v, vals.REMEMBERED) for k, v in vals.remembered(bureau, kind).items()} if kind else {}
        self.mappings.update({k: (v, vals.GIVEN) for k, v in (mappings or {}).items()})
        self.counted: dict[tuple[str, str, str, str], int] = {}

    def mapped(self, column: str, raw: str) -> tuple[str, str] | None:
        """(option, how) the text of this column maps to, if a mapping names it."""
        return self.mappings.get((column, raw)) if self.mappings else None

    def used(self, column: str, raw: str, label: str, how: str) -> None:
        key = (column, raw, label, how)
        self.counted[key] = self.counted.get(key, 0) + 1

    @cached_property
    def unit_names(self) -> dict[int, str]:
        return dict(Unit.objects.filter(bureau=self.bureau).values_list("pk", "name"))

    @cached_property
    def case_ids(self) -> dict[str, int]:
        return dict(PetitionCase.objects.filter(bureau=self.bureau).values_list("number", "pk"))


def import_ledger(
    *,
    kind: str,
    file,
    file_name: str,
    user=None,
    actor: str = "",
    dry_run: bool,
    progress: Callable[[int, float], None] | None = None,
    mappings: dict[tuple[str, str], str] | None = None,
) -> ImportResult:
    """Import `file` (path or binary file object) into the ledger `kind`, or only check it.

    Nothing stays written unless every row is valid: batches are committed one by one and taken
    back if a later one fails (see the module's docstring). Every call is recorded in ImportLog;
    a real import's log is written before its first row, as RUNNING, and completed at the end.

    `mappings`: (column, text) → option, for values the file writes its own way (the preview's
    choices, `import_ledger --map`); with the bureau's remembered ones they are applied to every
    row, and a real import that writes remembers those it used (cases.ledgers.values).
    """
    started = time.monotonic()
    resource = resource_for(kind)
    result = ImportResult(kind, resource.title, file_name, dry_run)
    try:
        bureau = Bureau.current()  # the importing user's, or the command's --bureau
    except (Bureau.DoesNotExist, Bureau.MultipleObjectsReturned) as exc:
        result.file_error = str(exc)
        return result
    checksum = _checksum(file)
    log = None if dry_run else _log_start(result, bureau, user, actor, checksum)
    result.log_id = log.pk if log else None
    mappings = {(cells.header(c), vals.key(r)): v for (c, r), v in (mappings or {}).items()}
    try:
        ctx = ImportContext(bureau, kind=kind, mappings=mappings)
        result.file_error = vals.check_mappings(resource, mappings, ctx.unit_list)
        if result.file_error:
            raise FileRejected(result.file_error)
        _run(resource, file, result, ctx, log=log, progress=progress, user=user, actor=actor)
    except FileRejected as exc:
        result.file_error = str(exc)
    except Exception as exc:
        # A fault of ours half-way: take back what was written, say so in the log, and fail loudly.
        # (An interruption, KeyboardInterrupt or a killed process, leaves the log RUNNING instead.)
        if log is not None:
            result.file_error = _("导入中断，全部数据均未导入：%(error)s") % {"error": exc}
            _take_back(log, result)
            with contextlib.suppress(DatabaseError):
                _log_finish(log, result)
        raise
    result.seconds = time.monotonic() - started
    if result.written:
        given = {(c, r): v for (c, r, v, how) in result.mappings_used if how == vals.GIVEN}
        vals.remember(bureau, kind, given, user=user, actor=actor)
    if log is None:
        _log_create(result, bureau, user, actor, checksum)
    else:
        if not result.ok:
            _take_back(log, result)
        _log_finish(log, result)
    if result.written or result.taken_back:
        records_changed.send(sender=import_ledger, bureau=bureau, years=None)
    return result


def _checksum(file) -> str:
    """The file's SHA-256, named by the import's log and by each record it creates; "" for a file
    over the size limit (open_sheet() refuses it) or one that cannot be read."""
    try:
        if hasattr(file, "read"):
            start = file.tell()
            file.seek(0, 2)
            if file.tell() > max_upload_bytes():
                file.seek(start)
                return ""
            file.seek(0)
            digest = hashlib.sha256()
            while chunk := file.read(1 << 20):
                digest.update(chunk)
            file.seek(start)
            return digest.hexdigest()
        with open(file, "rb") as stream:
            return _checksum(stream)
    except (OSError, ValueError, TypeError):
        return ""


def import_stored(
    *,
    bureau: Bureau,
    user,
    kind: str,
    path,
    file_name: str,
    mappings: dict[tuple[str, str], str] | None = None,
    dry_run: bool = False,
    progress: Callable[[int, float], None] | None = None,
) -> ImportResult:
    """The confirm step in one call: import the checked file kept at `path` for `bureau`, as
    `user`, with the values the clerk mapped. Runs as well in a request as in a background
    task (it acts for the bureau itself)."""
    with acting_for(bureau), open(path, "rb") as stream:
        return import_ledger(
            kind=kind,
            file=stream,
            file_name=file_name,
            user=user,
            dry_run=dry_run,
            progress=progress,
            mappings=mappings,
        )


def _run(
    resource: LedgerResource, file, result: ImportResult, ctx: ImportContext, *, log, progress, user, actor
) -> None:
    """Check (and unless a dry run, write) the file's rows."""
    source = RowSource(open_sheet(file))
    rows = source.sheet.rows()
    mapping = _find_header(resource, rows, result)
    if mapping is None:
        return
    plan = _Plan(resource, ctx, list(mapping.values()), result, log=log, user=user, actor=actor)
    # A large sheet's rows are read, and their cells turned into values, by a second process
    # (cases.ledgers.readahead) while this one checks and writes; the mappings it used come back
    # at the end. A sheet with a column that looks records up in the database is read there and
    # its cells turned into values here.
    cells_apart = all(c.apart for c in mapping.values())
    reader = _CellReader(resource, ctx, mapping)
    if cells_apart:
        read_rows = source.each(rows, reader, keep=lambda: ctx.counted)
    else:
        read_rows = (reader(*row) for row in source.each(rows))
    # Each checked batch is written at once, in its own transaction, so memory stays at one batch
    # whatever the file's size and the write lock is held for one batch at a time; the first
    # error stops the writing (checking goes on, to report every error), and import_ledger()
    # takes back what earlier batches wrote. A dry run opens no transaction at all.
    try:
        batch: list[tuple] = []
        for row in read_rows:
            if row is None:
                continue
            batch.append(row)
            if len(batch) >= BATCH:
                plan.add(batch, mapping)
                batch = []
                if progress:
                    progress(result.rows, source.fraction_read())
        plan.add(batch, mapping)
        if source.kept:  # the mappings the reading child used
            for key, count in source.kept.items():
                ctx.counted[key] = ctx.counted.get(key, 0) + count
        if progress:
            progress(result.rows, 1.0)
        if result.rows == 0 and result.ok:
            result.file_error = _("表头下没有数据行。")
    except DatabaseError as exc:  # IntegrityError among them
        result.file_error = _("写入数据库时出错，全部数据均未导入：%(error)s") % {"error": exc}
    if ctx.warnings:
        result.notices.extend(sorted(ctx.warnings))
    result.mappings_used = dict(ctx.counted)
    result.written = plan.wrote and result.ok


def _take_back(log: ImportLog, result: ImportResult) -> None:
    """After a failure: undo what the import's earlier batches wrote, so that nothing of it stays."""
    try:
        undone = _undo_rows(log)
    except DatabaseError as exc:
        result.file_error = (result.file_error + "\n" if result.file_error else "") + _(
            "已写入的部分未能撤销（%(error)s）。请由管理员运行 manage.py import_ledger --undo %(log)d 撤销。"
        ) % {"error": exc, "log": log.pk}
        result.left_written = True
        return
    result.taken_back = undone.deleted + undone.restored
    if undone.kept:
        result.notices.append(
            _("以下 %(n)d 条记录在导入期间已被他人修改，未撤销本次导入对其的改动：%(records)s")
            % {"n": len(undone.kept), "records": "、".join(undone.kept[:20])}
        )


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


class _CellReader:
    """Turns a row's cells into values: (Excel row, values by field, related values, identity
    or None, fields that could not be read, problems, invalid values), or None for a row with
    nothing under our headers (a notes column, a spacer). A problem is an UnknownValue or
    (column, message) of a cell that could not be read; an invalid value is (column, message) of
    a value the field's clean() refused, reported with the record's own checks (_Plan._check).

    It needs no database, so that the reading child (cases.ledgers.readahead) can run it:
    what it learns on the side, the mappings it used, stays in the import's context.
    The row as typed is kept for the first rows only, those a preview can show."""

    def __init__(self, resource: LedgerResource, ctx: ImportContext, mapping: dict):
        self.ctx = ctx
        self.positions = list(mapping)
        fields = {f.attname: f for f in resource.model._meta.concrete_fields}
        trusted_class = {"date": datetime.date, "choice": str, "boolean": bool}
        self.readers = [
            (p, c.field, c.read, c.mask is not None, c.header, *_field_check(c, fields, trusted_class))
            for p, c in mapping.items()
        ]
        self.related_names = [c.field for c in mapping.values() if c.related]
        self.identity, self.key = resource.identity, resource.key
        self.typed_rows = PREVIEW_ROWS + KEEP_TYPED_ERRORS

    def __call__(self, number: int, values: list):
        width = len(values)
        if all(_blank(values[p]) for p in self.positions if p < width):
            return None
        read, bad, problems, invalid = {}, set(), [], []
        ctx = self.ctx
        for position, name, reader, masked, header, field, trusted in self.readers:
            raw = values[position] if position < width else None
            try:
                value = reader(raw, ctx)
                # A value its reader guarantees is left as it is; an empty one is checked, and an
                # empty one of a field that may be blank is not (as clean_fields() does).
                if (
                    field is not None
                    and (value.__class__ is not trusted or value == "")
                    and not (field.blank and value in field.empty_values)
                ):
                    value = field.clean(value, None)
            except vals.UnknownValue as exc:
                problems.append(exc)
                bad.add(name)
                continue
            except cells.CellError as exc:
                problems.append((header, str(exc)))
                bad.add(name)
                continue
            except ValidationError as exc:
                invalid.extend((header, message) for message in exc.messages)
                bad.add(name)
                continue
            if masked and value.__class__ is str and "*" in value:
                problems.append((header, _("含有脱敏字符“*”，请使用未脱敏的原始台账")))
                bad.add(name)
                continue
            read[name] = value
        related = {name: read.pop(name) for name in self.related_names if name in read}
        if self.typed_rows > 0:
            self.typed_rows -= 1
            read["__raw__"] = values
        key = None
        identity = self.identity
        if not any(name in bad for name in identity) and read.get(identity[0]) not in (None, ""):
            key = self.key(read)
        return number, read, related, key, bad, problems, invalid


def _field_check(column, fields: dict, trusted_class: dict) -> tuple:
    """(the model field whose clean() a column's value goes through, the class of a value its
    reader already guarantees). Each value is checked here as full_clean() would check it, so
    that afterwards only the record as a whole is checked (_clean_record). Related rows and
    units are not fields to clean: units are matched by name against the bureau's own (no
    query per row)."""
    field = None if column.related else fields.get(column.field)
    if field is None or field.is_relation or field.generated:
        return None, None
    return field, trusted_class.get(column.kind, _Unguaranteed)


class _Unguaranteed:
    """The class of no value: a value of a column whose reader guarantees nothing is cleaned."""


class _Plan:
    """The rows of one import, checked batch by batch, and what writing them will do."""

    def __init__(
        self, resource: LedgerResource, ctx: ImportContext, present, result: ImportResult, *, log, user, actor
    ):
        self.resource, self.ctx, self.result = resource, ctx, result
        self.log, self.writing, self.wrote = log, log is not None, False
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.actor = actor
        self.changes: dict[int, dict] = {}  # id(obj) -> {field: [old, new]} for the audit trail
        self.previous: dict[int, dict] = {}  # id(obj) -> raw values an update replaces, for undoing it
        self.numbers: dict[int, int] = {}  # id(obj) -> Excel row of a new row
        self.fields = [c.field for c in present if not c.related]
        self.related_names = [c.field for c in present if c.related]
        self.labels = {c.field: c.header for c in present}
        model = resource.model
        for f in model._meta.concrete_fields:
            # A foreign key's errors name the field (case), its column the attname (case_id).
            self.labels.setdefault(f.attname, str(f.verbose_name))
            self.labels.setdefault(f.name, self.labels[f.attname])
        self.as_json = _as_json(model)
        # A new record's arguments in Model(*args)'s order: each field's default, made once where
        # it is a constant, made for each record where it is a callable (see _new).
        concrete = model._meta.concrete_fields
        self.slot_of = {f.attname: i for i, f in enumerate(concrete)}
        self.defaults = [
            DEFERRED if f.generated else None if _made_per_record(f) else f.get_default() for f in concrete
        ]
        self.made = [(i, f.get_default) for i, f in enumerate(concrete) if not f.generated and _made_per_record(f)]
        bureau_field = model._meta.get_field("bureau")
        self.bureau_slot, self.bureau_field = self.slot_of[bureau_field.attname], bureau_field
        self.seen: dict[tuple, int] = {}
        self.to_create: list = []
        self.to_update: list = []
        self.related: dict[int, dict] = {}  # id(obj) -> related values
        # The preview counts rows per unit and year: the first unit column, the first required date.
        self.unit_field = next((c.field for c in present if c.kind == "unit"), None)
        self.year_field = next((c.field for c in resource.columns if c.kind == "date" and c.required), None)

    def add(self, batch: list[tuple], mapping: dict) -> None:
        """Check a batch of rows as _CellReader read them, and write it unless this is a dry run
        or an error was found."""
        parsed = []
        self.present = list(mapping.items())
        for number, read, related, key, bad, problems, invalid in batch:
            self.result.rows += 1
            for problem in problems:
                if isinstance(problem, vals.UnknownValue):
                    self._unknown(number, problem)
                else:
                    self._error(number, *problem)
            if key is not None:
                first = self.seen.get(key)
                if first is not None:
                    label = "、".join(self.labels.get(n, n) for n in self.resource.identity)
                    self._error(
                        number, label, _("与第 %(row)d 行重复（%(label)s相同）") % {"row": first, "label": label}
                    )
                    continue
                self.seen[key] = number
            parsed.append((number, read, related, key, bad, invalid))
        keys = [row[3] for row in parsed if row[3] is not None]
        existing, voided = self._existing(keys)
        if voided:
            parsed = [row for row in parsed if not self._refuse_voided(row, voided)]
        old_related = {}
        if self.related_names and existing:
            old_related = self.resource.related_of(list(existing.values()))
        for number, values, related, key, bad, invalid in parsed:
            for column, message in invalid:
                self._error(number, column, message)
            self._check(number, values, related, existing.get(key), old_related, bad)
        if self.writing and self.result.ok:
            self.write()
        self.to_create, self.to_update, self.related, self.changes, self.previous = [], [], {}, {}, {}
        self.numbers = {}

    def _existing(self, keys: list) -> tuple[dict, dict]:
        """The records the file's identities name: those in use, and those voided (作废) that no
        record in use has the identity of. A voided record stays voided, and a voided case's
        number stays taken (cases.models.base.Record). Where the database holds one record per
        identity (`unique_identity`), one look-up finds both."""
        resource, bureau = self.resource, self.ctx.bureau
        if not keys:
            return {}, {}
        if not hasattr(resource.model, "voided_at"):
            return resource.existing(bureau, keys), {}
        if resource.unique_identity:
            with including_voided():
                found = resource.existing(bureau, keys)
            existing = {key: obj for key, obj in found.items() if obj.voided_at is None}
            return existing, {key: obj for key, obj in found.items() if obj.voided_at is not None}
        existing = resource.existing(bureau, keys)
        missing = [key for key in keys if key not in existing]
        if not missing:
            return existing, {}
        with including_voided():
            found = resource.existing(bureau, missing)
        return existing, {key: obj for key, obj in found.items() if obj.voided_at is not None}

    def _refuse_voided(self, row, voided: dict) -> bool:
        number, key = row[0], row[3]
        obj = voided.get(key)
        if obj is None:
            return False
        label = "、".join(self.labels.get(n, n) for n in self.resource.identity)
        self._error(
            number,
            label,
            _("与一条已作废的记录相同（%(label)s；作废原因：%(reason)s），不再导入")
            % {"label": label, "reason": obj.void_reason},
        )
        return True

    def _check(self, number, values, related, obj, old_related, bad) -> None:
        resource = self.resource
        raw = values.pop("__raw__", None)
        compared = [*values, *resource.derived_fields]
        before = None
        if obj is None:
            obj = self._new(values)
        else:
            before = tuple(getattr(obj, name) for name in compared)
            for name, value in values.items():
                setattr(obj, name, value)
        resource.prepare(obj, self.ctx)
        gaps = {}
        try:
            _clean_record(obj)
        except ValidationError as exc:
            # A field old ledgers never kept (an objection's date) is a warning, not an error.
            gaps = resource.gaps_of(obj)
            errors = {name: messages for name, messages in exc.message_dict.items() if name not in gaps}
            if errors:
                for name, messages in errors.items():
                    if name in bad:
                        continue
                    column = _("整行") if name == NON_FIELD_ERRORS else self.labels.get(name, name)
                    for message in messages:
                        self._error(number, column, message)
                return
        if bad:
            return
        for warning, figures in gaps.values():
            text = str(warning)
            group = self.result.warnings.get(text)
            if group is None:
                group = self.result.warnings[text] = RowWarning(text, tuple(str(f) for f in figures))
            group.add(number)
        resource.finish(obj, self.ctx)
        if before is None:
            action = "new"
            if self.writing:  # its history names its import and row (cases.audit.audit_created)
                self.numbers[id(obj)] = number
            self.to_create.append(obj)
            self.result.created += 1
            if related:
                self.related[id(obj)] = related
        else:
            previous = old_related.get(obj.pk, {})
            related_changed = any(previous.get(k, []) != v for k, v in related.items())
            after = tuple(getattr(obj, name) for name in compared)
            if before == after and not related_changed:
                self.result.unchanged += 1
                self._tally(obj, 2)
                return
            action = "update"
            self.to_update.append(obj)
            self.result.updated += 1
            if self.writing:  # its entry in the trail: old → new
                self.changes[id(obj)] = self._audit_changes(obj, compared, before, related, old_related)
            if self.writing:  # what undoing the update must put back: the values it changes
                self.previous[id(obj)] = {
                    n: old for n, old, new in zip(compared, before, after, strict=True) if old != new
                }
            if related_changed:
                self.related[id(obj)] = related
                if self.writing:
                    self.previous[id(obj)]["related"] = dict(previous)
        self._tally(obj, 0 if action == "new" else 1)
        if raw is not None and len(self.result.preview) < PREVIEW_ROWS:  # see _CellReader
            self.result.preview.append((action, number, self._shown(obj, raw, related)))

    def _new(self, values: dict):
        """A new record of the bureau with `values` (by attname), the others at their defaults.

        Built positionally, Django's fast path for rows read from the database: by keywords,
        Model.__init__ looks each of a case's 50 fields up in the keywords, catching a KeyError
        for each one the sheet does not carry — a tenth of an import's time."""
        args = self.defaults.copy()
        slot_of = self.slot_of
        for name, value in values.items():
            slot = slot_of.get(name)
            if slot is None:  # a value that is no concrete field (a property): Django's way
                return self.resource.model(bureau=self.ctx.bureau, **values)
            args[slot] = value
        for slot, make in self.made:
            args[slot] = make()
        bureau = self.ctx.bureau
        args[self.bureau_slot] = bureau.pk
        obj = self.resource.model(*args)
        self.bureau_field.set_cached_value(obj, bureau)  # as `obj.bureau = bureau` would
        return obj

    def _tally(self, obj, index: int) -> None:
        """Count the row under its unit and year (new, updated, unchanged) for the preview."""
        unit = self.ctx.unit_names.get(getattr(obj, self.unit_field)) if self.unit_field else None
        day = getattr(obj, self.year_field, None) if self.year_field else None
        key = (unit or "—", day.year if day else "—")
        counts = self.result.tally.get(key)
        if counts is None:
            counts = self.result.tally[key] = [0, 0, 0]
        counts[index] += 1

    def _shown(self, obj, raw: list, related: dict) -> list[tuple[str, str]]:
        """Each cell of a previewed row: (as read, as typed when that differs)."""
        shown = []
        for position, column in self.present:
            typed = cells.text(raw[position]) if position < len(raw) else ""
            if column.related:
                read = typed
            else:
                value = getattr(obj, column.field, None)
                if column.kind == "date":
                    read = value.isoformat() if value else ""
                elif column.kind == "unit":
                    read = self.ctx.unit_names.get(value, "") if value else ""
                elif column.kind == "choice":
                    read = str(dict(obj._meta.get_field(column.field).flatchoices).get(value, value))
                    read = "" if read in ("—", "") and not typed else read
                elif column.kind == "boolean":
                    read = _("是") if value else _("否")
                else:
                    read = typed
            shown.append((read, typed if typed != read else ""))
        return shown

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

    def _error(self, number: int, column: str, message: str, value=None) -> None:
        if len(self.result.errors) < MAX_ERRORS:
            self.result.errors.append(RowError(number, column, message, value))
        else:
            self.result.unlisted_errors += 1

    def _unknown(self, number: int, exc: vals.UnknownValue) -> None:
        """A value no option or mapping reads: a row error, and once per column and text an
        issue the preview asks the clerk to map."""
        key = (exc.column, exc.raw)
        issue = self.result.value_issues.get(key)
        if issue is None and len(self.result.value_issues) < vals.MAX_ISSUES:
            issue = self.result.value_issues[key] = vals.ValueIssue(
                exc.column, exc.raw, exc.ambiguous, exc.suggestions, exc.options, unit=exc.unit
            )
        if issue is None:  # past the list's length: an error like any other
            self._error(number, exc.column, str(exc))
            return
        issue.add(number)
        self._error(number, exc.column, str(exc), key)

    def write(self) -> None:
        """Write the batch in one transaction, with what names its new rows (ImportedRows) and the
        audit entries of the rows it updates (both linked to the import's log),
        the previous values of the rows it updates, and the log's running counts."""
        resource = self.resource
        now = timezone.now()
        model = resource.model
        backups = []
        for obj in self.to_update:
            previous = self.previous.pop(id(obj))
            previous["updated_at"] = obj.updated_at
            backups.append(ImportBackup(import_log_id=self.log.pk, object_id=obj.pk, values=self.as_json(previous)))
            obj.updated_at = now
        with transaction.atomic():
            if self.to_create:
                _insert_rows(model, self.to_create)
            if self.to_update:
                fields = sorted({*self.fields, *resource.derived_fields, "updated_at"} - {"id"})
                _update_rows(model, self.to_update, fields)
                ImportBackup.objects.bulk_create(backups, batch_size=WRITE_BATCH)
            if self.related_names:
                created = [(o, self.related[id(o)]) for o in self.to_create if id(o) in self.related]
                updated = [(o, self.related[id(o)]) for o in self.to_update if id(o) in self.related]
                if created:
                    resource.save_related(created, replace=False)
                if updated:
                    resource.save_related(updated, replace=True)
            audit_created(
                model=model,
                created=[(o.pk, self.numbers[id(o)]) for o in self.to_create],
                import_log=self.log,
                at=now,
            )
            audit_rows(
                user=self.user,
                model=model,
                created=[],
                updated=[(o, self.changes.pop(id(o), {})) for o in self.to_update],
                username=self.actor,
                import_log=self.log,
            )
            ImportLog.objects.filter(pk=self.log.pk).update(
                rows=self.result.rows, created=self.result.created, updated=self.result.updated
            )
        self.wrote = self.wrote or bool(self.to_create or self.to_update)


def _clean_record(obj) -> None:
    """full_clean() of a record whose values _CellReader has cleaned one by one, as a ModelForm's
    fields would: the model's clean(), its errors by field as full_clean() gives them. Fields the
    file does not carry keep their stored or default values; those prepare() and finish() set
    are set by code; foreign keys are not checked, at a query each: units come from the
    bureau's own list."""
    try:
        obj.clean()
    except ValidationError as exc:
        raise ValidationError(exc.update_error_dict({})) from None


def _made_per_record(field) -> bool:
    """Whether a field's default is made anew for each record (a callable: a list, a time; a
    database default's expression)."""
    return (field.has_default() and callable(field.default)) or field.has_db_default()


def _as_json(model) -> Callable[[dict], dict]:
    """Raw field values → JSON, exactly (read back by each field's to_python()): dates and times
    as ISO text, decimals and the like as text; persons' tuples become lists by themselves."""
    textual = {
        f.attname: (lambda v: v.isoformat()) if isinstance(f, DateField | TimeField) else str
        for f in model._meta.concrete_fields
        if isinstance(f, DateField | TimeField | DecimalField | UUIDField)
    }

    def convert(values: dict) -> dict:
        for name, to_text in textual.items():
            value = values.get(name)
            if value is not None:
                values[name] = to_text(value)
        return values

    return convert


# Field types whose values, of these Python types, go to SQLite as they are: get_db_prep_save()
# would return them unchanged. Anything else (dates, decimals, JSON, another type) goes through it.
_AS_IS = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.BigIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.ForeignKey: (int,),
}


def _insert_rows(model, objs: list) -> None:
    """INSERT new rows, setting their primary keys.

    bulk_create() compiled an INSERT of 20 rows at a time on SQLite (Django's 999-parameter cap)
    and prepared every value through the SQL compiler: it was 40 % of an import's time. Here the
    keys are chosen first and each value is prepared once (pre_save() for auto_now,
    get_db_prep_save() wherever that could change it, so rows are stored exactly as save() stores
    them), then:
    - SQLite: INSERT statements of ROWS_PER_INSERT rows each. The keys follow the largest one: the
      batch's transaction holds the database's only write lock (IMMEDIATE), so nobody else
      inserts in between. One row per statement (executemany) is no better: the case search's
      FTS5 trigger (cases.search) pays a flush per statement, 4 s against 1 s for 20,000 cases
      sent 100 rows per statement.
    - PostgreSQL: COPY, the keys drawn from the table's sequence beforehand.
    Other databases, and models with parents, use bulk_create()."""
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    if connection.vendor not in ("sqlite", "postgresql") or meta.parents or not objs:
        model.objects.bulk_create(objs, batch_size=WRITE_BATCH)
        return
    fields = [f for f in meta.concrete_fields if not f.primary_key and not f.generated]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(f.column) for f in [meta.pk, *fields])
    alias = connection.alias
    with connection.cursor() as cursor:
        keys = _new_keys(cursor, connection, meta, len(objs))
        for start in range(0, len(objs), WRITE_BATCH):
            chunk = objs[start : start + WRITE_BATCH]
            rows = _prepared_rows(chunk, keys[start : start + WRITE_BATCH], fields, connection)
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                row_sql = f"({', '.join(['%s'] * (len(fields) + 1))})"
                per_statement = max(1, min(ROWS_PER_INSERT, _sqlite_variables(connection) // (len(fields) + 1)))
                for at in range(0, len(rows), per_statement):
                    part = rows[at : at + per_statement]
                    values = ", ".join([row_sql] * len(part))
                    cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", [v for row in part for v in row])
            for obj, key in zip(chunk, keys[start : start + WRITE_BATCH], strict=True):
                obj.pk = key
                obj._state.adding, obj._state.db = False, alias


def _new_keys(cursor, connection, meta, count: int) -> list[int]:
    """`count` primary keys for new rows of meta's table, in ascending order."""
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return sorted(key for (key,) in cursor.fetchall())
    cursor.execute(f"SELECT MAX({pk}) FROM {table}")
    top = cursor.fetchone()[0] or 0
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
    if cursor.fetchone():  # AUTOINCREMENT: a key once used, even if deleted, is not used again
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        seq = cursor.fetchone()
        top = max(top, seq[0] if seq else 0)
    return list(range(top + 1, top + 1 + count))


def _prepared_rows(objs: list, keys: list[int], fields: list, connection) -> list[list]:
    """Each object's row as the database stores it, its key first."""
    plain = [(f.attname, _AS_IS.get(type(f)), f) for f in fields]
    # SQLite: a date goes as its ISO text, as DatabaseOperations.adapt_datefield_value() writes it;
    # PostgreSQL takes the date itself (its adapt_datefield_value() returns it unchanged).
    dates = {i for i, f in enumerate(fields) if type(f) is models.DateField and not (f.auto_now or f.auto_now_add)}
    # The times a new row is stamped with (auto_now, auto_now_add): one for the whole chunk, as
    # its rows are written in one transaction, prepared once. A time left empty stays NULL.
    now = timezone.now()
    stamps = {
        i: field.get_db_prep_save(now, connection)
        for i, field in enumerate(fields)
        if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add)
    }
    times = {i for i, f in enumerate(fields) if type(f) is models.DateTimeField and i not in stamps}
    iso = connection.vendor == "sqlite"
    rows = []
    for obj, key in zip(objs, keys, strict=True):
        row = [key]
        for i, (attname, types, field) in enumerate(plain):
            if i in stamps:
                setattr(obj, attname, now)
                row.append(stamps[i])
                continue
            value = getattr(obj, attname)
            if value is None and (types is not None or i in dates or i in times):
                pass
            elif i in dates and value.__class__ is datetime.date:
                if iso:
                    value = value.isoformat()
            elif types is None or value.__class__ not in types:
                value = field.get_db_prep_save(field.pre_save(obj, True), connection)
            row.append(value)
        rows.append(row)
    return rows


def _sqlite_variables(connection) -> int:
    """How many parameters one SQLite statement may carry (32,766 since SQLite 3.32)."""
    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


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


def _outcome(result: ImportResult) -> str:
    if result.left_written:
        return ImportLog.Outcome.RUNNING  # rows remain that only --undo takes back
    if result.file_error and not result.rows:
        return ImportLog.Outcome.REFUSED
    if not result.ok:
        return ImportLog.Outcome.REJECTED
    if result.dry_run:
        return ImportLog.Outcome.PREVIEWED
    return ImportLog.Outcome.IMPORTED


def _log_values(result: ImportResult) -> dict:
    counted = result.written or result.dry_run
    return {
        "outcome": _outcome(result),
        "rows": result.rows,
        "created": result.created if counted else 0,
        "updated": result.updated if counted else 0,
        "unchanged": result.unchanged,
        "errors": result.error_count,
        "message": _log_message(result)[:4000],
        "value_mappings": "\n".join(result.mapping_lines())[:4000],
    }


def _log_message(result: ImportResult) -> str:
    """The log's 说明: the file's error, or the unknown values and the first row errors, and the
    warnings."""
    if result.file_error:
        return result.file_error
    lines = [
        _("%(column)s“%(raw)s”无法识别：第 %(rows)s 行，共 %(count)d 行")
        % {"column": issue.column, "raw": issue.raw, "rows": issue.rows_text, "count": issue.count}
        for issue in result.issues
    ]
    lines += [str(e) for e in result.errors if e.value is None][:20]
    lines += [str(w) for w in result.warnings.values()]
    return "\n".join(lines)


def _log_create(result: ImportResult, bureau: Bureau, user, actor: str, checksum: str) -> ImportLog:
    """The log of a dry run, written when it is done, and who ran it in the activity log."""
    log = ImportLog.objects.create(
        bureau=bureau,
        ledger=result.ledger,
        file_name=result.file_name[:255],
        checksum=checksum,
        dry_run=result.dry_run,
        **_log_values(result),
    )
    _log_who(log, user, actor)
    return log


def _log_who(log: ImportLog, user, actor: str) -> None:
    what = _("预览") if log.dry_run else _("导入")
    checksum = _("（SHA-256 %(checksum)s）") % {"checksum": log.checksum} if log.checksum else ""
    log_action(
        log,
        user=user,
        username=actor,
        action=AuditEntry.Action.IMPORT,
        source=AuditEntry.Source.IMPORT,
        detail=f"{what}{log.get_ledger_display()}：{log.file_name[:200]}{checksum}",
    )


def _log_start(result: ImportResult, bureau: Bureau, user, actor: str, checksum: str) -> ImportLog:
    """The log of a real import, written before its first row: RUNNING until _log_finish()."""
    log = ImportLog.objects.create(
        bureau=bureau,
        ledger=result.ledger,
        file_name=result.file_name[:255],
        checksum=checksum,
        dry_run=False,
        outcome=ImportLog.Outcome.RUNNING,
    )
    _log_who(log, user, actor)
    log.message = _(
        "导入进行中。若导入已中断而本记录仍为“进行中”，已写入的部分可由管理员运行 "
        "manage.py import_ledger --undo %(log)d 撤销。"
    ) % {"log": log.pk}
    ImportLog.objects.filter(pk=log.pk).update(message=log.message)
    return log


def _log_finish(log: ImportLog, result: ImportResult) -> None:
    values = _log_values(result)
    if result.left_written:  # the counts of what was written, as the last batch left them, stay
        del values["created"], values["updated"]
    ImportLog.objects.filter(pk=log.pk).update(**values)
    if values["outcome"] == ImportLog.Outcome.IMPORTED:
        _delete_in_chunks(ImportBackup.objects.filter(import_log=log))


def _delete_in_chunks(queryset, size: int = 5000) -> None:
    """Each chunk its own short statement, not one that holds the write lock for all of them."""
    while ids := list(queryset.values_list("pk", flat=True)[:size]):
        _delete_rows(queryset.model, ids)


def _delete_rows(model, ids: list[int]) -> None:
    """DELETE by primary key in SQL, for rows nothing refers to (backups). A queryset's delete()
    would load every row to signal it: the dashboard's cache watches every model of this app and
    writes the cache once per signal."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start : start + LOOKUP_CHUNK]
            cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({', '.join(['%s'] * len(chunk))})", chunk)


def import_undo(*, log: ImportLog, force: bool = False, user=None, actor: str = "") -> UndoResult:
    """Take back what the interrupted import of `log` (still RUNNING) wrote, from what it recorded
    as it wrote; then mark the log UNDONE.

    What it can restore:
    - rows the import created (named by the log's ImportedRows, one per batch): deleted, with
      their related rows (persons, links to cases);
    - rows it updated: their previous values of every column the import wrote, and their related
      rows, put back from the ImportBackup written in the same transaction as the update;
    - the import's audit entries of those rows, and its ImportedRows: deleted, since the rows are
      as they were.

    What it cannot:
    - a row someone else changed after the import began (a clerk's form, another import: an audit
      entry of theirs since the log's start) is left as it is, with the import's entry, and named
      in the result: putting back the values from before the import would undo their work too;
    - links a clerk made meanwhile from a record of another ledger to a row the import created
      (an accountability action naming an imported case) go with that row;
    - rows of an import that has not stopped: unless `force`, a log whose import wrote within
      UNDO_QUIET is refused, as it may still be running.

    Each chunk of rows is undone in its own transaction, so an undo interrupted in turn can be run
    again. Raises ValueError (a Chinese message) when the log cannot be undone."""
    if log.outcome != ImportLog.Outcome.RUNNING:
        raise ValueError(
            _("导入记录 %(log)d 的结果为“%(outcome)s”，只能撤销“进行中（未完成）”的导入。")
            % {"log": log.pk, "outcome": log.get_outcome_display()}
        )
    if not force:
        last = max(
            AuditEntry.objects.filter(import_log=log).aggregate(last=Max("at"))["last"] or log.created_at,
            ImportedRows.objects.filter(import_log=log).aggregate(last=Max("at"))["last"] or log.created_at,
        )
        if timezone.now() - last < UNDO_QUIET:
            raise ValueError(
                _(
                    "导入记录 %(log)d 在 %(minutes)d 分钟内仍有写入，导入可能尚未结束；"
                    "确认其已中断后再撤销（或加 --force）。"
                )
                % {"log": log.pk, "minutes": UNDO_QUIET.total_seconds() // 60}
            )
    done = _undo_rows(log)
    ImportLog.objects.filter(pk=log.pk).update(
        outcome=ImportLog.Outcome.UNDONE, created=0, updated=0, message=done.summary()[:4000]
    )
    log_action(
        log,
        user=user,
        username=actor,
        action=AuditEntry.Action.UNDO_IMPORT,
        source=AuditEntry.Source.SYSTEM,
        detail=done.summary(),
    )
    records_changed.send(sender=import_ledger, bureau=log.bureau, years=None)
    return done


def _undo_rows(log: ImportLog) -> UndoResult:
    """Undo the rows the import of `log` wrote (import_undo() says what that means)."""
    resource = resource_for(log.ledger)
    model = resource.model
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    entries = AuditEntry.objects.filter(import_log=log)
    done = UndoResult(log_id=log.pk)
    for batch in ImportedRows.objects.filter(import_log=log).order_by("pk"):
        _undo_created(model, content_type, log, batch, done)
    last_id = 0
    while chunk := list(
        entries.filter(pk__gt=last_id)
        .order_by("pk")
        .values_list("pk", "object_id", "action", "object_repr")[:LOOKUP_CHUNK]
    ):
        last_id = chunk[-1][0]
        with transaction.atomic():
            ids = [object_id for _pk, object_id, _action, _repr in chunk]
            changed_since = set(
                AuditEntry.objects.filter(content_type=content_type, object_id__in=ids, at__gte=log.created_at)
                .exclude(import_log=log)
                .values_list("object_id", flat=True)
            )
            created, updated = [], []
            for _pk, object_id, action, text in chunk:
                if object_id in changed_since:
                    done.kept.append(text)
                elif action == AuditEntry.Action.CREATE:
                    created.append(object_id)
                else:
                    updated.append(object_id)
            if created:
                model.objects.filter(pk__in=created).delete()
                done.deleted += len(created)
            if updated:
                done.restored += _restore(resource, log, updated)
            audit_forget_import(import_log=log, object_ids=[*created, *updated])
    return done


def _undo_created(model, content_type, log: ImportLog, batch: ImportedRows, done: UndoResult) -> None:
    """Delete the records one batch of the import created, in one transaction, but those someone
    changed since the import began (their ids stay in the batch, which then names only them)."""
    ids = batch.ids()
    with transaction.atomic():
        changed_since = set()
        for start in range(0, len(ids), LOOKUP_CHUNK):
            changed_since.update(
                AuditEntry.objects.filter(
                    content_type=content_type, object_id__in=ids[start : start + LOOKUP_CHUNK], at__gte=log.created_at
                )
                .exclude(import_log=log)
                .values_list("object_id", flat=True)
            )
        gone = [pk for pk in ids if pk not in changed_since]
        for start in range(0, len(gone), LOOKUP_CHUNK):
            model.objects.filter(pk__in=gone[start : start + LOOKUP_CHUNK]).delete()
        done.deleted += len(gone)
        if not changed_since:
            _delete_rows(ImportedRows, [batch.pk])  # no signal: see cases.audit.audit_created
            return
        kept = model.objects.in_bulk(sorted(changed_since))
        done.kept.extend(str(kept[pk]) for pk in sorted(changed_since) if pk in kept)
        rows = [(pk, batch.row_of(pk)) for pk in sorted(changed_since)]
        ImportedRows.objects.filter(pk=batch.pk).update(
            first_id=rows[0][0], last_id=rows[-1][0], runs=ImportedRows.runs_of(rows)
        )


def _restore(resource: LedgerResource, log: ImportLog, ids: list[int]) -> int:
    """Put back the previous values of these updated rows; returns how many had a backup. A
    backup holds only the values the update changed: the rest are read back as they are."""
    model = resource.model
    fields = {f.attname: f for f in model._meta.concrete_fields}
    backups = list(ImportBackup.objects.filter(import_log=log, object_id__in=ids))
    rows = model.objects.in_bulk([b.object_id for b in backups])
    objs, written, related = [], set(), []
    for backup in backups:
        obj = rows.get(backup.object_id)
        if obj is None:  # deleted since: nothing to put back
            continue
        values = dict(backup.values)
        previous_related = values.pop("related", None)
        for name, value in values.items():
            setattr(obj, name, fields[name].to_python(value))
        written.update(values)
        objs.append(obj)
        if previous_related is not None:
            related.append((obj, previous_related))
    if objs:
        _update_rows(model, objs, sorted(written))
    if related:
        resource.save_related(related, replace=True)
    _delete_rows(ImportBackup, [b.pk for b in backups])
    return len(objs)
