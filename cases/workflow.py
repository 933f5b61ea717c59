"""What a responsible unit does to its case, and what a bureau does when it assigns a case down.

- A responsible unit (责任单位) records its acceptance (受理), its reply (处理意见, the 答复 that
  按期答复率 counts) and the closing (办结) of its own case, each on the day it does it: the date
  is today's, never typed, so the timeliness figures come from what the unit did.
- A city or province bureau assigns one of its cases to a bureau directly below it (交办): the
  lower bureau gets its own case (source 市交办 or 中央/省交办, linked to the upper case) and the
  upper case is marked as assigned on that day.

The bureau's own stages of a case (受理告知, 转送交办, 代录, 办结, 延期, 异议, 复查, 复核) are in
cases.stages, on the same pattern.

Every step checks its order, saves through the model (due dates recomputed, full_clean) inside
one transaction with the case's row locked, and writes the activity log. A step out of order
raises `Refused` with the message in Chinese; nothing is written then.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import repeats
from cases.audit import diff, display, log_action, snapshot
from cases.models import AuditEntry, Bureau, PetitionCase


class Refused(Exception):
    """A step that may not be taken now; str() is the message for the user, in Chinese."""


# ---------------------------------------------------------------- the responsible unit's steps


def unit_accept(case: PetitionCase, *, user, today: datetime.date) -> PetitionCase:
    """The unit accepts the case (受理): unit_accepted_on = today."""
    with transaction.atomic():
        case = _locked(case)
        _still_open(case)
        if case.unit_accepted_on:
            raise Refused(_("本单位已于%(day)s受理该事项。") % {"day": case.unit_accepted_on})
        return _save(case, user, action=AuditEntry.Action.CASE_UNIT_ACCEPT, unit_accepted_on=today)


def unit_reply(case: PetitionCase, *, user, text: str, today: datetime.date) -> PetitionCase:
    """The unit's reply (处理意见/答复): its text, and unit_replied_on = today."""
    text = (text or "").strip()
    with transaction.atomic():
        case = _locked(case)
        _still_open(case)
        if not case.unit_accepted_on:
            raise Refused(_("请先受理该事项，再填写处理意见。"))
        if case.unit_replied_on:
            raise Refused(_("本单位已于%(day)s答复，处理意见不能再次提交。") % {"day": case.unit_replied_on})
        if not text:
            raise Refused(_("请填写处理意见。"))
        return _save(case, user, action=AuditEntry.Action.CASE_REPLY, unit_reply=text, unit_replied_on=today)


def unit_close(case: PetitionCase, *, user, outcome: str, today: datetime.date) -> PetitionCase:
    """The unit closes the case (办结) with its outcome: closed_on = today."""
    outcomes = {value for value, _label in PetitionCase.Outcome.choices if value}
    with transaction.atomic():
        case = _locked(case)
        _still_open(case)
        if not case.unit_replied_on:
            raise Refused(_("请先填写处理意见（答复信访人），再办结。"))
        if outcome not in outcomes:
            raise Refused(_("请选择处理结果。"))
        return _save(case, user, action=AuditEntry.Action.CASE_CLOSE, closed_on=today, outcome=outcome)


def _still_open(case: PetitionCase) -> None:
    if case.closed_on:
        raise Refused(_("该事项已于%(day)s办结，不能再办理。") % {"day": case.closed_on})


# ---------------------------------------------------------------- assignment down (交办)


def assignment_targets(bureau: Bureau) -> list[Bureau]:
    """The bureaus a case of `bureau` may be assigned to: those directly below it."""
    return list(Bureau.objects.filter(parent=bureau).order_by("name"))


def assignment_of(case: PetitionCase) -> PetitionCase | None:
    """The lower bureau's case made when `case` was assigned down, if it was. Read past the scope
    (the lower bureau's record): its dates are the upper bureau's to follow."""
    return PetitionCase._base_manager.select_related("bureau").filter(assigned_from=case).first()


def assign_down(case: PetitionCase, *, target: Bureau, user, today: datetime.date) -> PetitionCase:
    """Assign `case` to `target`, a bureau directly below the case's bureau: the lower bureau's
    own case is created (received today, the petition's facts copied, the same 信访件编号) and the
    upper case is marked 交办 today. Both in one transaction, both in the log."""
    with transaction.atomic():
        case = _locked(case)
        upper = case.bureau
        if target.parent_id != upper.pk:
            raise Refused(_("只能交办给本局直属的下级信访局，%(target)s不是。") % {"target": target})
        existing = assignment_of(case)
        if existing is not None:
            raise Refused(
                _("该事项已于%(day)s交办%(target)s，不能重复交办。")
                % {"day": existing.received_on, "target": existing.bureau}
            )
        if case.routing:
            raise Refused(
                _("该事项已%(routing)s（%(day)s），不能再交办。")
                % {"routing": case.get_routing_display(), "day": case.routed_on or "—"}
            )
        if case.closed_on:
            raise Refused(_("该事项已办结，不能交办。"))
        if PetitionCase._base_manager.filter(bureau=target, number=case.number).exists():
            raise Refused(
                _("%(target)s已有编号为%(number)s的信访事项，请与其核对后再交办。")
                % {"target": target, "number": case.number}
            )
        lower = PetitionCase(
            bureau=target,
            # The 信访件编号 follows the item through 转送 and 交办 (one number in the petition
            # information system); it is unique within the lower bureau as within the upper.
            number=case.number,
            received_on=today,
            source=PetitionCase.Source.CITY if upper.level == Bureau.Level.CITY else PetitionCase.Source.ABOVE,
            assigned_from=case,
            **{name: getattr(case, name) for name in COPIED_FIELDS},
        )
        lower.refresh_due_dates(target.calendar())
        _clean(lower)
        lower.save()
        log_action(
            lower,
            user=user,
            action=AuditEntry.Action.CREATE,
            changes=diff({}, snapshot(lower)),
            detail=_("%(upper)s交办") % {"upper": upper},
        )
        _save(
            case,
            user,
            action=AuditEntry.Action.CASE_ROUTE,
            detail=_("交办%(target)s") % {"target": target},
            routing=case.Routing.ASSIGN,
            routed_on=today,
        )
        return lower


# The petition's own facts, as the upper bureau registered them.
COPIED_FIELDS = (
    "channel",
    "petitioner_name",
    "petitioner_id_number",
    "petitioner_phone",
    "head_count",
    "is_initial",
    "category",
    "subject_area",
    "summary",
)


# ---------------------------------------------------------------- shared


def _locked(case: PetitionCase) -> PetitionCase:
    """The case as it is now, its row locked until the transaction ends: two officers pressing
    at once act one after the other, and the second meets the first one's dates."""
    return PetitionCase._base_manager.select_for_update().select_related("bureau").get(pk=case.pk)


def _clean(case: PetitionCase) -> None:
    try:
        case.full_clean()
    except ValidationError as exc:
        raise Refused("；".join(exc.messages)) from exc


def _save(
    case: PetitionCase, user, *, detail: str = "", action: str = AuditEntry.Action.UPDATE, **values
) -> PetitionCase:
    changes = {}
    for name, new in values.items():
        field = case._meta.get_field(name)
        old_text, new_text = display(field, getattr(case, name)), display(field, new)
        if old_text != new_text:
            changes[name] = [old_text, new_text]
        setattr(case, name, new)
    case.refresh_due_dates(case.bureau.calendar())
    if case.flags_derived:
        # 初次/重复 and 一次性化解 by the rule (cases.repeats) after every stage, in the stage's own
        # log entry; an imported case keeps its recorded flags until derive_repeats.
        changes.update(repeats.refresh(case))
    _clean(case)
    case.save()
    log_action(case, user=user, action=action, changes=changes, detail=detail)
    if case.flags_derived:
        repeats.propagate(case, user=user)
    return case
