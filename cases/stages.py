"""The bureau's stages of a case under the 信访工作条例, and the case's timeline.

Each stage is one function on the pattern of cases.workflow (the unit's own desk steps): one
transaction with the case's row locked, the order checked (a step out of order raises `Refused`
with the reason in Chinese and writes nothing), the values saved through the model (due dates
refreshed, full_clean) and one activity-log entry with the stage's own action code.

Unlike the unit's desk steps, which are dated today by the system, a clerk records each stage
with its date: today by default, never in the future, never before the stage it follows.

- 受理告知 (`accept`): the bureau accepts the item itself (本机关直接受理), Art. 22.
- 转送/交办 (`route`) to a responsible unit; again after a sustained objection (re-routing).
- 单位受理 (`unit_accept`) and 答复 (`reply`) recorded by the clerk for a unit without an
  account (代录 in the log); a unit with accounts does these on its desk (/unit/).
- 办结 (`close`) with its outcome.
- 延期 (`extend`): approved, at most 30 days, with a reason, once, before the deadline (Art. 34).
- 异议 (`objection`): the unit says the item is not in its remit, within 5 working days
  (Art. 23); a sustained one sends the item back to the bureau to route it again.
- 复查 (`review`, `review_decided`), then 复核 (`recheck`, `recheck_decided`), each requested
  within 30 days and decided within 30 days (Art. 35, 36); 复核 only after the 复查 decision.

`timeline()` reads the case and its activity log (one query) into the rows the case page shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from cases import deadlines
from cases.audit import import_creation_entry
from cases.models import AuditEntry, Membership, PetitionCase, Unit
from cases.models.base import local_today
from cases.models.petitions import Stage
from cases.workflow import Refused, _locked, _save

A = AuditEntry.Action
ROUTED = (PetitionCase.Routing.TRANSFER, PetitionCase.Routing.ASSIGN)
PROXY = "代录"  # the log's mark of a unit's step recorded by the bureau's clerk


# ---------------------------------------------------------------- order and dates


def _check_date(on: datetime.date | None, label: str, *after: tuple[datetime.date | None, str]) -> datetime.date:
    """`on` is given, not in the future and not before any of the dates it follows."""
    if on is None:
        raise Refused(_("请填写%(label)s日期。") % {"label": label})
    if on > local_today():
        raise Refused(_("%(label)s日期不能晚于今天。") % {"label": label})
    for day, what in after:
        if day is not None and on < day:
            raise Refused(
                _("%(label)s日期（%(on)s）不能早于%(what)s（%(day)s）。")
                % {"label": label, "on": on, "what": what, "day": day}
            )
    return on


def _not_voided(case: PetitionCase) -> None:
    # 作废 (voiding a mistaken entry) is another part of the product; whichever field marks it,
    # a voided case takes no further stage.
    if getattr(case, "voided_on", None) or getattr(case, "voided_at", None) or getattr(case, "is_voided", False):
        raise Refused(_("该事项已作废，不能再办理。"))


def _open(case: PetitionCase) -> None:
    _not_voided(case)
    if case.closed_on:
        raise Refused(_("该事项已于%(day)s办结，不能再办理。") % {"day": case.closed_on})


def awaiting_reroute(case: PetitionCase) -> bool:
    """A sustained objection sent the item back: the bureau routes it to another unit."""
    return case.objection_sustained and case.responsible_unit_id is None and case.routing in ROUTED


def unit_has_accounts(unit: Unit | None) -> bool:
    return unit is not None and Membership._base_manager.filter(unit=unit).exists()


def _within(case: PetitionCase, start: datetime.date, days: int, on: datetime.date, *, working: bool) -> bool:
    try:
        return on <= case.bureau.calendar().due_date(start, days, working_days=working)
    except deadlines.UnknownHolidayYear:
        return True  # a year whose holidays are unknown: the limit is not guessed


# ---------------------------------------------------------------- the stages


def accept(case: PetitionCase, *, user, on: datetime.date) -> PetitionCase:
    """告知/受理: the bureau accepts the item itself (本机关直接受理)."""
    with _atomic():
        case = _locked(case)
        _open(case)
        if case.accepted_on:
            raise Refused(_("该事项已于%(day)s受理，不能重复受理。") % {"day": case.accepted_on})
        if case.routing in ROUTED:
            raise Refused(
                _("该事项已于%(day)s%(routing)s，不能再由本机关直接受理。")
                % {"day": case.routed_on, "routing": case.get_routing_display()}
            )
        on = _check_date(on, _("受理告知"), (case.received_on, _("登记日期")))
        return _save(case, user, action=A.CASE_ACCEPT, accepted_on=on, routing=PetitionCase.Routing.DIRECT)


def route(case: PetitionCase, *, user, on: datetime.date, unit: Unit | None, routing: str) -> PetitionCase:
    """转送 or 交办 to a responsible unit of the bureau; again after a sustained objection."""
    with _atomic():
        case = _locked(case)
        _open(case)
        if routing not in ROUTED:
            raise Refused(_("请选择转送或交办。"))
        if unit is None or unit.bureau_id != case.bureau_id:
            raise Refused(_("请选择本局的责任单位。"))
        if case.accepted_on:
            raise Refused(_("该事项已于%(day)s由本机关直接受理，不能再转送交办。") % {"day": case.accepted_on})
        rerouting = awaiting_reroute(case)
        if case.routing in ROUTED and not rerouting:
            raise Refused(
                _("该事项已于%(day)s%(routing)s，不能重复转送交办。")
                % {"day": case.routed_on, "routing": case.get_routing_display()}
            )
        after = [(case.received_on, _("登记日期"))]
        if rerouting:
            after.append((case.objection_on, _("异议提出日期")))
        on = _check_date(on, _("转送交办"), *after)
        detail = _("%(routing)s%(unit)s") % {"routing": PetitionCase.Routing(routing).label, "unit": unit.name}
        if rerouting:
            detail = _("异议成立后重新%(routing)s%(unit)s") % {
                "routing": PetitionCase.Routing(routing).label,
                "unit": unit.name,
            }
        return _save(
            case, user, action=A.CASE_ROUTE, detail=detail, routing=routing, routed_on=on, responsible_unit=unit
        )


def unit_accept(case: PetitionCase, *, user, on: datetime.date) -> PetitionCase:
    """单位受理, recorded by the clerk for a unit without an account (代录)."""
    with _atomic():
        case = _locked(case)
        _open(case)
        unit = _proxied_unit(case)
        if case.unit_accepted_on:
            raise Refused(_("责任单位已于%(day)s受理。") % {"day": case.unit_accepted_on})
        on = _check_date(on, _("责任单位受理"), (case.routed_on, _("转送交办日期")))
        return _save(case, user, action=A.CASE_UNIT_ACCEPT, detail=_proxy_detail(unit, _("受理")), unit_accepted_on=on)


def reply(case: PetitionCase, *, user, on: datetime.date, text: str) -> PetitionCase:
    """答复/处理意见 of a unit without an account, recorded by the clerk (代录)."""
    text = (text or "").strip()
    with _atomic():
        case = _locked(case)
        _open(case)
        unit = _proxied_unit(case)
        if not case.unit_accepted_on:
            raise Refused(_("责任单位尚未受理，不能先答复。请先记录单位受理。"))
        if case.unit_replied_on:
            raise Refused(_("责任单位已于%(day)s答复。") % {"day": case.unit_replied_on})
        if not text:
            raise Refused(_("请填写处理意见。"))
        on = _check_date(on, _("答复"), (case.unit_accepted_on, _("责任单位受理日期")))
        return _save(
            case,
            user,
            action=A.CASE_REPLY,
            detail=_proxy_detail(unit, _("答复")),
            unit_reply=text,
            unit_replied_on=on,
        )


def close(case: PetitionCase, *, user, on: datetime.date, outcome: str) -> PetitionCase:
    """办结 with its outcome: after the bureau's own acceptance, or after the unit's reply."""
    outcomes = {value for value, _label in PetitionCase.Outcome.choices if value}
    with _atomic():
        case = _locked(case)
        _open(case)
        if case.accepted_on:
            after = (case.accepted_on, _("受理告知日期"))
        elif case.routing in ROUTED:
            if not case.unit_replied_on:
                raise Refused(_("责任单位尚未答复，不能办结。请先记录责任单位的受理和答复。"))
            after = (case.unit_replied_on, _("责任单位答复日期"))
        else:
            raise Refused(_("该事项尚未受理或转送交办，不能办结。"))
        if outcome not in outcomes:
            raise Refused(_("请选择处理结果。"))
        on = _check_date(on, _("办结"), after)
        return _save(case, user, action=A.CASE_CLOSE, closed_on=on, outcome=outcome)


def extend(case: PetitionCase, *, user, on: datetime.date, days: int | None, reason: str) -> PetitionCase:
    """延期, approved: at most 30 days, with its reason, once, before the handling deadline."""
    reason = (reason or "").strip()
    with _atomic():
        case = _locked(case)
        _open(case)
        if case.handling_started_on is None:
            raise Refused(_("事项受理后才能延期。"))
        if case.extension_approved or case.extension_days:
            raise Refused(
                _("该事项已延期%(days)s日，按《信访工作条例》第三十四条只能延期一次。") % {"days": case.extension_days}
            )
        if not days or days < 1 or days > deadlines.MAX_EXTENSION_DAYS:
            raise Refused(_("延期天数应为1至30日（《信访工作条例》第三十四条）。"))
        if not reason:
            raise Refused(_("请填写延期理由。"))
        on = _check_date(on, _("延期批准"), (case.handling_started_on, _("受理日期")))
        if case.handling_due_on and on > case.handling_due_on:
            raise Refused(_("办理期限已于%(day)s届满，不能再批准延期。") % {"day": case.handling_due_on})
        return _save(
            case,
            user,
            action=A.CASE_EXTEND,
            extension_days=days,
            extension_approved=True,
            extension_approved_on=on,
            extension_reason=reason,
        )


def objection(case: PetitionCase, *, user, on: datetime.date, sustained: bool) -> PetitionCase:
    """异议: the unit says the item is not in its remit (Art. 23, within 5 working days of
    receiving it). Sustained, the item goes back to the bureau to be routed again; the sustained
    objection stays on the case (准确转交率 counts it)."""
    with _atomic():
        case = _locked(case)
        _open(case)
        if case.routing not in ROUTED or case.responsible_unit_id is None:
            raise Refused(_("事项转送交办给责任单位后，才能记录异议。"))
        if case.unit_accepted_on:
            raise Refused(_("责任单位已于%(day)s受理，不能再提出异议。") % {"day": case.unit_accepted_on})
        if case.objection_on:
            raise Refused(_("该事项已于%(day)s记录异议。") % {"day": case.objection_on})
        on = _check_date(on, _("异议提出"), (case.routed_on, _("转送交办日期")))
        if not _within(case, case.routed_on, deadlines.OBJECTION_WORKING_DAYS, on, working=True):
            raise Refused(_("异议应在收到转送交办之日起5个工作日内提出（《信访工作条例》第二十三条）。"))
        values = {"objection_on": on, "objection_sustained": bool(sustained)}
        detail = _("%(unit)s提出异议") % {"unit": case.responsible_unit.name}
        if sustained:
            values["responsible_unit"] = None
            detail += _("，异议成立，待重新转送交办")
        else:
            detail += _("，异议不成立")
        return _save(case, user, action=A.CASE_OBJECTION, detail=detail, **values)


def review(case: PetitionCase, *, user, on: datetime.date) -> PetitionCase:
    """复查 requested (Art. 35), within 30 days of the reply."""
    with _atomic():
        case = _locked(case)
        _not_voided(case)
        if not case.closed_on:
            raise Refused(_("事项办结后才能申请复查。"))
        if case.review:
            raise Refused(
                _("该事项已于%(day)s申请%(what)s。") % {"day": case.review_requested_on, "what": case.review_label}
            )
        replied = max(d for d in (case.closed_on, case.unit_replied_on) if d)
        on = _check_date(on, _("复查申请"), (replied, _("办结日期")))
        if not _within(case, replied, deadlines.REVIEW_REQUEST_DAYS, on, working=False):
            raise Refused(_("复查应在收到处理意见之日起30日内申请（《信访工作条例》第三十五条）。"))
        # A case with a 复查 is not resolved in one pass (the model's constraint says so too).
        return _save(
            case,
            user,
            action=A.CASE_REVIEW,
            review=PetitionCase.Review.REVIEW,
            review_requested_on=on,
            resolved_first_time=False,
        )


def review_decided(case: PetitionCase, *, user, on: datetime.date) -> PetitionCase:
    """复查 decided (within 30 days of the request)."""
    with _atomic():
        case = _locked(case)
        _not_voided(case)
        if not case.review_requested_on:
            raise Refused(_("尚未申请复查，不能记录复查决定。"))
        if case.review_decided_on:
            raise Refused(_("复查决定已于%(day)s作出。") % {"day": case.review_decided_on})
        on = _check_date(on, _("复查决定"), (case.review_requested_on, _("复查申请日期")))
        return _save(case, user, action=A.CASE_REVIEW_DECIDED, review_decided_on=on)


def recheck(case: PetitionCase, *, user, on: datetime.date) -> PetitionCase:
    """复核 requested (Art. 36): only after the 复查 decision, within 30 days of it."""
    with _atomic():
        case = _locked(case)
        _not_voided(case)
        if case.recheck_requested_on or (case.review == PetitionCase.Review.RECHECK):
            raise Refused(_("该事项已申请复核。"))
        if not case.review_requested_on:
            raise Refused(_("复核须在复查之后：该事项尚未申请复查。"))
        if not case.review_decided_on:
            raise Refused(_("复核须在复查决定作出之后申请，复查尚未决定。"))
        on = _check_date(on, _("复核申请"), (case.review_decided_on, _("复查决定日期")))
        if not _within(case, case.review_decided_on, deadlines.REVIEW_REQUEST_DAYS, on, working=False):
            raise Refused(_("复核应在收到复查意见之日起30日内申请（《信访工作条例》第三十六条）。"))
        return _save(case, user, action=A.CASE_RECHECK, review=PetitionCase.Review.RECHECK, recheck_requested_on=on)


def recheck_decided(case: PetitionCase, *, user, on: datetime.date) -> PetitionCase:
    """复核 decided."""
    with _atomic():
        case = _locked(case)
        _not_voided(case)
        if not case.recheck_requested_on:
            raise Refused(_("尚未申请复核，不能记录复核决定。"))
        if case.recheck_decided_on:
            raise Refused(_("复核决定已于%(day)s作出。") % {"day": case.recheck_decided_on})
        on = _check_date(on, _("复核决定"), (case.recheck_requested_on, _("复核申请日期")))
        return _save(case, user, action=A.CASE_RECHECK_DECIDED, recheck_decided_on=on)


STAGES = {
    "accept": accept,
    "route": route,
    "unit_accept": unit_accept,
    "reply": reply,
    "close": close,
    "extend": extend,
    "objection": objection,
    "review": review,
    "review_decided": review_decided,
    "recheck": recheck,
    "recheck_decided": recheck_decided,
}


def available(case: PetitionCase, *, proxy_allowed: bool) -> list[str]:
    """The stages that may be taken now, in the order of the 条例 (the same rules as above, read
    without a lock: the action itself checks again). `proxy_allowed`: the responsible unit has
    no account, so the clerk records its steps."""
    if _is_voided(case):
        return []
    found = []
    routed = case.routing in ROUTED
    if not case.closed_on:
        if not case.accepted_on and not routed:
            found += ["accept", "route"]
        if awaiting_reroute(case):
            found.append("route")
        if routed and case.responsible_unit_id and not case.unit_accepted_on:
            if not case.objection_on:
                found.append("objection")
            if proxy_allowed:
                found.append("unit_accept")
        if routed and case.unit_accepted_on and not case.unit_replied_on and proxy_allowed:
            found.append("reply")
        if case.handling_started_on and not (case.extension_approved or case.extension_days):
            found.append("extend")
        if case.accepted_on or (routed and case.unit_replied_on):
            found.append("close")
    else:
        if not case.review:
            found.append("review")
        elif case.review_requested_on and not case.review_decided_on:
            found.append("review_decided")
        elif case.review == PetitionCase.Review.REVIEW and case.review_decided_on and not case.recheck_requested_on:
            found.append("recheck")
        elif case.recheck_requested_on and not case.recheck_decided_on:
            found.append("recheck_decided")
    return found


def _is_voided(case) -> bool:
    try:
        _not_voided(case)
    except Refused:
        return True
    return False


def _proxied_unit(case: PetitionCase) -> Unit:
    if case.routing not in ROUTED or case.responsible_unit_id is None:
        raise Refused(_("事项尚未转送交办给责任单位，不能记录单位受理或答复。"))
    unit = case.responsible_unit
    if unit_has_accounts(unit):
        raise Refused(_("%(unit)s有本系统账号，请由该单位在其工作台办理。") % {"unit": unit.name})
    return unit


def _proxy_detail(unit: Unit, what: str) -> str:
    return _("%(mark)s：%(unit)s%(what)s") % {"mark": PROXY, "unit": unit.name, "what": what}


def _atomic():
    from django.db import transaction

    return transaction.atomic()


# ---------------------------------------------------------------- the timeline


@dataclass
class Step:
    """One row of the case's timeline."""

    key: str
    label: str
    done_on: datetime.date | None = None
    who: str = ""
    detail: str = ""
    due_on: datetime.date | None = None
    state: str = ""  # a Stage state, or "" for a row without a deadline

    @property
    def state_label(self) -> str:
        return str(Stage.LABELS[self.state]) if self.state else ""


# timeline row → the case's date field whose log entry says who recorded it
WHO_FIELD = {
    "received": "received_on",
    "accept": "accepted_on",
    "route": "routed_on",
    "objection": "objection_on",
    "unit_accept": "unit_accepted_on",
    "extend": "extension_days",
    "reply": "unit_replied_on",
    "close": "closed_on",
    "review": "review_requested_on",
    "review_decided": "review_decided_on",
    "recheck": "recheck_requested_on",
    "recheck_decided": "recheck_decided_on",
}
# the deadline (PetitionCase.stages' key) each row answers
DEADLINE_OF = {
    "accept": "routing",
    "route": "routing",
    "unit_accept": "unit_acceptance",
    "close": "handling",
    "review_decided": "review",
    "recheck_decided": "recheck",
}


def case_entries(case: PetitionCase) -> list[AuditEntry]:
    """The case's activity log, oldest first: one query, however long it is."""
    content_type = ContentType.objects.get_for_model(PetitionCase)  # cached after the first call
    entries = list(
        AuditEntry._base_manager.filter(content_type=content_type, object_id=case.pk)
        .only("at", "user_id", "username", "action", "source", "changes", "detail")
        .order_by("at", "pk")
    )
    if not any(entry.action == A.CREATE for entry in entries):
        # Created by an import: no entry of its own; its import's batch names it (cases.audit).
        created = import_creation_entry(case)
        if created is not None:
            entries.insert(0, created)
    return entries


def _who(entries: list[AuditEntry]) -> dict[str, AuditEntry]:
    """field → the latest entry that set it (to a value). An import's creation (no values of its
    own: the file's row holds them) set every field that no later entry set."""
    found: dict[str, AuditEntry] = {}
    imported = None
    for entry in entries:
        if entry.action == A.CREATE:
            found.setdefault("received_on", entry)
            if entry.source == AuditEntry.Source.IMPORT and entry.import_log_id and not entry.pk:
                imported = entry
        for name, change in (entry.changes or {}).items():
            if isinstance(change, list) and len(change) == 2 and change[1] not in ("", None, "—"):
                found[name] = entry
    if imported is not None:
        for field in PetitionCase._meta.concrete_fields:
            found.setdefault(field.name, imported)
    return found


def _describe(entry: AuditEntry | None) -> str:
    if entry is None:
        return ""
    who = entry.username or _("系统")
    if entry.source == AuditEntry.Source.IMPORT:
        return _("%(who)s（Excel导入）") % {"who": who}
    if entry.detail.startswith(PROXY):
        return _("%(who)s（代录）") % {"who": who}
    return who


def timeline(case: PetitionCase, entries: list[AuditEntry], stages: list[Stage]) -> list[Step]:
    """The case's stages in the order of the 条例: those done with their date and who recorded
    them, then the pending ones with their due dates."""
    who = _who(entries)
    deadline = {s.key: s for s in stages}
    routed = case.routing in ROUTED
    C = case
    rows: list[Step] = [
        Step("received", _("登记"), C.received_on, detail=C.get_channel_display()),
    ]
    if C.accepted_on or not routed:
        rows.append(Step("accept", _("告知/受理"), C.accepted_on, detail=_("本机关直接受理") if C.accepted_on else ""))
    if routed:
        if C.responsible_unit_id:
            to = C.responsible_unit.name
        elif awaiting_reroute(C):
            to = _("异议成立，待重新转送交办")
        else:  # assigned down to a lower bureau (cases.workflow.assign_down): the log names it
            entry = who.get("routed_on")
            to = entry.detail if entry is not None else ""
        rows.append(Step("route", C.get_routing_display(), C.routed_on, detail=to))
    if C.objection_on:
        verdict = _("异议成立") if C.objection_sustained else _("异议不成立")
        rows.append(Step("objection", _("异议"), C.objection_on, detail=verdict))
    if routed:
        rows.append(Step("unit_accept", _("单位受理"), C.unit_accepted_on))
    if C.extension_days or C.extension_approved:
        detail = _("延期%(days)s日") % {"days": C.extension_days}
        if C.extension_reason:
            detail += _("：%(reason)s") % {"reason": C.extension_reason}
        rows.append(Step("extend", _("延期"), C.extension_approved_on, detail=detail))
    if routed:
        rows.append(Step("reply", _("答复/处理意见"), C.unit_replied_on, detail=C.unit_reply))
    rows.append(Step("close", _("办结"), C.closed_on, detail=C.get_outcome_display() if C.outcome else ""))
    if C.review:
        legacy = C.review_label != _("复查")
        rows.append(Step("review", _("申请复查复核") if legacy else _("申请复查"), C.review_requested_on))
        rows.append(Step("review_decided", _("复查复核决定") if legacy else _("复查决定"), C.review_decided_on))
    if C.recheck_requested_on:
        rows.append(Step("recheck", _("申请复核"), C.recheck_requested_on))
        rows.append(Step("recheck_decided", _("复核决定"), C.recheck_decided_on))
    for row in rows:
        if row.done_on is not None:
            row.who = _describe(who.get(WHO_FIELD[row.key]))
        stage = deadline.get(DEADLINE_OF.get(row.key, ""))
        if stage is not None and (row.done_on is not None or stage.done_on is None):
            row.due_on, row.state = stage.due_on, stage.state
    return rows


def next_due(stages: list[Stage], today: datetime.date, calendar) -> tuple[Stage | None, int | None]:
    """The earliest pending stage and how many working days remain until its due date (negative
    when overdue; None when the year's holidays are unknown)."""
    pending = [s for s in stages if s.state in (Stage.OVERDUE, Stage.DUE_SOON, Stage.PENDING)]
    if not pending:
        return None, None
    stage = min(pending, key=lambda s: s.due_on)
    try:
        return stage, calendar.working_days_between(today, stage.due_on)
    except deadlines.UnknownHolidayYear:
        return stage, None
