"""Writing the one activity log (AuditEntry): `log_action()` for any event, `audit_form()` for a
saved workbench form, `audit_rows()` for the rows an import updates, in bulk, and `audit_created()` for those it
creates: one compact ImportedRows per batch that points to the import (file, checksum, who) and
each record's Excel row, instead of an entry per record copying the file's values. Values are stored as
the clerk saw them (choice labels, unit names, dates as text); personal ones are masked when read
(`masked_changes`) for roles without the permission."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from cases import privacy
from cases.models import AuditEntry, ImportedRows, ImportLog, Membership
from cases.scoping import current_scope


def display(field: models.Field, value, *, lookup: bool = True) -> str:
    """A field's value as text a person reads: labels for choices, names for related rows
    (looked up by key unless `lookup` is off, as in bulk imports, which hold the rows already)."""
    if value is None or value == "":
        return ""
    if isinstance(value, models.Model):
        return str(value)
    if field.is_relation and field.many_to_one and lookup:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def snapshot(obj: models.Model) -> dict[str, str]:
    """Every editable field of `obj` with a value, as text."""
    values = {}
    for field in obj._meta.concrete_fields:
        if not field.editable or field.primary_key or field.name == "bureau":
            continue
        text = display(field, getattr(obj, field.name))
        if text:
            values[field.name] = text
    return values


def diff(old: dict[str, str], new: dict[str, str]) -> dict[str, list[str]]:
    return {
        name: [old.get(name, ""), new.get(name, "")]
        for name in sorted(old.keys() | new.keys())
        if old.get(name, "") != new.get(name, "")
    }


def actor(user, username: str = "") -> dict:
    """The log's "who": a signed-in user, or a name (a command's --user, an attempted login)."""
    signed_in = user is not None and getattr(user, "is_authenticated", False) and getattr(user, "pk", None)
    return {
        "user": user if signed_in else None,
        "username": (user.get_username() if signed_in else username)[:150],
    }


def _entry(
    *,
    user,
    obj,
    action: str,
    changes: dict | None = None,
    source: str = AuditEntry.Source.FORM,
    detail: str = "",
    username: str = "",
    import_log=None,
    content_type=None,
    bureau_id: int | None = None,
) -> AuditEntry:
    """An unsaved entry about `obj` (an instance, or a model class for an event about a whole
    ledger, such as an export), in the bureau of the record or of whoever is acting."""
    instance = obj if isinstance(obj, models.Model) else None
    return AuditEntry(
        bureau_id=bureau_id or getattr(instance, "bureau_id", None) or _acting_bureau_id(),
        **actor(user, username),
        content_type=content_type or ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=instance.pk if instance is not None else None,
        object_repr=str(instance if instance is not None else obj._meta.verbose_name)[:200],
        action=action,
        source=source,
        changes=changes or {},
        detail=detail[:300],
        import_log_id=getattr(import_log, "pk", None),  # by id: no descriptor work per imported row
    )


def _acting_bureau_id() -> int | None:
    bureau = current_scope().get("_bureau")
    return bureau.pk if bureau is not None else None


def log_action(
    obj,
    *,
    user,
    action: str,
    changes: dict | None = None,
    source: str = AuditEntry.Source.FORM,
    detail: str = "",
    username: str = "",
    bureau_id: int | None = None,
) -> AuditEntry:
    """Record that `user` (or `username`) did `action` to `obj`: the one way into the log."""
    entry = _entry(
        user=user,
        obj=obj,
        action=action,
        changes=changes,
        source=source,
        detail=detail,
        username=username,
        bureau_id=bureau_id,
    )
    entry.save()
    return entry


def audit_form(*, user, form, formsets: Iterable = (), change: bool) -> AuditEntry | None:
    """The entry for a saved admin form and its inline formsets (persons of a case, …)."""
    obj = form.instance
    changes: dict[str, list[str]] = {}
    for name in form.changed_data if change else form.fields:
        try:
            field = obj._meta.get_field(name)
        except Exception:  # a form-only field
            continue
        if field.many_to_many:
            old = ", ".join(str(o) for o in form.initial.get(name) or []) if change else ""
            new = ", ".join(str(o) for o in form.cleaned_data.get(name) or [])
        else:
            old = display(field, form.initial.get(name)) if change else ""
            new = display(field, getattr(obj, field.name))
        if old != new:
            changes[name] = [old, new]
    for formset in formsets:
        label = str(formset.model._meta.verbose_name)
        for child in getattr(formset, "new_objects", []):
            changes.setdefault(f"{label}·新增", ["", ""])[1] += f"{_describe(child)}；"
        for child, _fields in getattr(formset, "changed_objects", []):
            changes.setdefault(f"{label}·修改", ["", ""])[1] += f"{_describe(child)}；"
        for child in getattr(formset, "deleted_objects", []):
            changes.setdefault(f"{label}·删除", ["", ""])[0] += f"{_describe(child)}；"
    if change and not changes:
        return None
    return log_action(
        obj, user=user, action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE, changes=changes
    )


def _describe(obj) -> str:
    """A row of an inline as the trail keeps it: a person by name (str() is masked for display;
    the trail keeps the value and masks it when read, see masked_changes)."""
    return obj.name if _named_by_person(type(obj)) else str(obj)


def audit_delete(*, user, objs: Iterable[models.Model]) -> None:
    """Before deleting: each row's last values, so the trail keeps what was removed."""
    entries = [
        _entry(
            user=user,
            obj=o,
            action=AuditEntry.Action.DELETE,
            changes=diff(snapshot(o), {}),
            source=AuditEntry.Source.FORM,
        )
        for o in objs
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)


def audit_rows(
    *,
    user,
    model,
    created: Iterable[tuple[models.Model, dict]],
    updated: Iterable[tuple[models.Model, dict]],
    username: str = "",
    import_log=None,
) -> None:
    """Entries for rows an import wrote, as (obj, changes) pairs, bulk-inserted in the transaction
    of the batch that wrote them and linked to the import's log: they name what it wrote."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    entries = [
        _entry(
            user=user,
            obj=o,
            action=action,
            changes=changes,
            source=AuditEntry.Source.IMPORT,
            content_type=content_type,
            import_log=import_log,
            username=username,
        )
        for action, rows in ((AuditEntry.Action.CREATE, created), (AuditEntry.Action.UPDATE, updated))
        for o, changes in rows
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=2000)


def audit_created(*, model, created: list[tuple[int, int]], import_log, at) -> None:
    """Record that the import of `import_log` created these records, as (id, Excel row) pairs:
    one ImportedRows for the batch, in its transaction. The record's values need no copy: they
    are the file's, as its history says (import_origin)."""
    if not created:
        return
    created = sorted(created)
    batch = ImportedRows(
        import_log_id=import_log.pk,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        at=at,
        first_id=created[0][0],
        last_id=created[-1][0],
        runs=ImportedRows.runs_of(created),
    )
    # bulk_create sends no post_save: the dashboard's cache (indicators.cache) takes a saved row
    # of this app that has no bureau for a change of every bureau's figures.
    ImportedRows.objects.bulk_create([batch])


def import_origin(obj) -> tuple[ImportedRows, int] | None:
    """(the batch, the Excel row) of the import that created `obj`, if an import did."""
    content_type = ContentType.objects.get_for_model(type(obj), for_concrete_model=False)
    batches = ImportedRows.objects.filter(content_type=content_type, first_id__lte=obj.pk, last_id__gte=obj.pk)
    for batch in batches.select_related("import_log").order_by("-first_id"):
        row = batch.row_of(obj.pk)
        if row is not None:
            return batch, row
    return None


def import_creation_entry(obj) -> AuditEntry | None:
    """An unsaved entry that tells, on a record's 历史 page, that an import created it: when,
    by whom (the import's own entry), from which file (its checksum) and which row of it."""
    origin = import_origin(obj)
    if origin is None:
        return None
    batch, row = origin
    log = batch.import_log
    started = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ImportLog),
            object_id=log.pk,
            action=AuditEntry.Action.IMPORT,
        )
        .order_by("id")
        .first()
    )
    text = _("由导入 %(file)s（第 %(row)d 行）创建") % {"file": log.file_name, "row": row}
    if log.checksum:
        text += _("；文件 SHA-256 %(checksum)s") % {"checksum": log.checksum[:16]}
    return AuditEntry(
        bureau_id=log.bureau_id,
        at=batch.at,
        user_id=started.user_id if started else None,
        username=started.username if started else "",
        content_type=batch.content_type,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        action=AuditEntry.Action.CREATE,
        source=AuditEntry.Source.IMPORT,
        changes={"导入": ["", text]},
        detail=text[:300],
        import_log=log,
    )


def audit_forget_import(*, import_log, object_ids: list[int]) -> None:
    """Remove an undone import's entries of these rows: the rows are back as they were before it,
    so the trail would otherwise show changes that no longer exist. The log itself stays."""
    if object_ids:
        AuditEntry.objects.filter(import_log=import_log, object_id__in=object_ids).delete()


def masked_changes(entry: AuditEntry, user) -> dict[str, list[str]]:
    """The entry's changes as `user` may see them: without the personal-data permission, every
    personal field of the record masked (cases.privacy), and so are the persons listed under an
    inline's summary ("被处理人·新增": names), which entries written before str() was masked hold
    in full."""
    model = entry.content_type.model_class()
    # In the form's order, whatever order the database keeps a JSON object's keys in (PostgreSQL's
    # jsonb sorts them by length); an inline's summaries ("被处理人·新增") after the fields.
    order = {f.name: i for i, f in enumerate(model._meta.fields)} if model else {}
    changes = sorted(entry.changes.items(), key=lambda item: order.get(item[0], len(order)))
    if privacy.can_see_personal_data(user):
        return dict(changes)
    masks = privacy.personal_fields(model) if model else {}
    person_labels = _person_labels()
    shown = {}
    for key, (old, new) in changes:
        mask = masks.get(key)
        if mask is None and key.split("·")[0] in person_labels:
            mask = _mask_list
        shown[key] = [mask(old) if old else old, mask(new) if new else new] if mask else [old, new]
    return shown


def masked_repr(entry: AuditEntry) -> str:
    """The entry's object_repr, masked where the record is named by a person."""
    model = entry.content_type.model_class()
    if model is None or not _named_by_person(model):
        return entry.object_repr
    return privacy.mask_name(entry.object_repr)


def _named_by_person(model) -> bool:
    return "name" in privacy.personal_fields(model)


def _person_labels() -> set[str]:
    from django.apps import apps

    return {str(m._meta.verbose_name) for m in apps.get_models() if _named_by_person(m)}


def _mask_list(text: str) -> str:
    return "；".join(privacy.mask_name(part) for part in text.split("；"))


def _address(request) -> str:
    return getattr(request, "axes_ip_address", None) or (request.META.get("REMOTE_ADDR", "") if request else "")


def log_login(sender, request, user, **kwargs) -> None:
    membership = Membership.of(user)
    log_action(
        user,
        user=user,
        action=AuditEntry.Action.LOGIN,
        source=AuditEntry.Source.SYSTEM,
        detail=_address(request),
        bureau_id=membership.bureau_id if membership else None,
    )


def log_lockout(sender, request, username, ip_address=None, **kwargs) -> None:
    """A user name locked out after too many failures (or an address refused altogether). The
    name is what was typed: it may belong to no account."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    account = model._default_manager.filter(**{model.USERNAME_FIELD: (username or "")[:150]}).first()
    membership = Membership.of(account) if account else None
    log_action(
        account or model,
        bureau_id=membership.bureau_id if membership else None,
        user=None,
        username=username or "",
        action=AuditEntry.Action.LOCKED_OUT,
        source=AuditEntry.Source.SYSTEM,
        detail=ip_address or _address(request),
    )
