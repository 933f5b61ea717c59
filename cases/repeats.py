"""初次/重复信访 and 一次性化解, derived from the petitioner's history rather than ticked.

The same matter (同一事项): the same person — the case's petitioner record, or the same ID number
when the case has one — about the same 问题领域 (subject_area) with the same responsible unit.
Within the bureau's window (`Bureau.repeat_window_days`, default 365 days):

* 初次信访 (`is_initial`): no earlier case of the same matter within the window before it.
* 一次性化解 (`resolved_first_time`): closed, no 复查/复核 requested (review == ""), and no later
  case of the same matter within the window after it.

A clerk may override either flag with a reason (`initial_override_reason`,
`resolution_override_reason`): an overridden flag is kept as the clerk set it. Cases entered
through registration or the workbench are derived (`flags_derived`); existing and imported cases
keep their recorded flags until `manage.py derive_repeats` recomputes them.

Writers call:
* `refresh(case)` before saving a case (in memory; returns the changes),
* `apply(case, user=...)` instead of save() when a case changes (a stage action: closing, a
  review): refreshes, saves, logs the flags, and updates the earlier cases of the same matter;
* `propagate(case, user=...)` after saving a new case: the earlier cases of its matter are no
  longer 一次性化解.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.audit import log_action
from cases.models import AuditEntry, PetitionCase

# The rule's text for readers is indicators.registry.REPEAT_RULE, in the indicators' definitions.


@dataclass(frozen=True)
class Derived:
    is_initial: bool
    resolved_first_time: bool
    earlier: Match | None  # the latest earlier case of the same matter within the window
    later: Match | None  # the first later one


def window(case: PetitionCase) -> datetime.timedelta:
    days = getattr(case.bureau, "repeat_window_days", None) or 365
    return datetime.timedelta(days=days)


def bureau_cases(bureau_id: int):
    """The bureau's cases, for a query that picks a person's cases by their own indexes
    (petitioner, ID number, phone). The bureau is compared as an expression, which no index
    serves: without statistics SQLite's planner takes any equality on an indexed column as
    selective, and would walk the bureau's every case on (bureau, received_on) for the ORDER BY
    rather than use the person's indexes (170 ms at 60,000 cases, against 1 ms). The bureau is
    stated here explicitly, so the scope's own filter (the same bureau) is not needed."""
    return PetitionCase._base_manager.alias(_bureau=F("bureau_id") + 0).filter(_bureau=bureau_id)


def person_q(case: PetitionCase) -> Q | None:
    """The cases of the same person, or None when the case names nobody identifiable."""
    q = Q()
    if case.petitioner_id:
        q |= Q(petitioner_id=case.petitioner_id)
    id_number = (case.petitioner_id_number or "").strip().upper()
    if id_number:
        q |= Q(petitioner_id_number=id_number)
    return q or None


@dataclass(frozen=True)
class Match:
    """A case of the same matter, as the rule reads it."""

    pk: int
    number: str
    received_on: datetime.date
    resolved_first_time: bool
    resolution_override_reason: str


MATCH_FIELDS = ("pk", "number", "received_on", "resolved_first_time", "resolution_override_reason")
MAX_PERSON_CASES = 5000  # a person's cases read at once; far above any petitioner's history


def same_matter(case: PetitionCase) -> list[Match]:
    """The bureau's cases of the same matter as `case` (itself excluded), any date, oldest
    first. One query on the person's indexes (petitioner, ID number); the 问题领域 and 责任单位
    are compared on the person's few cases here, so that no planner walks a unit's cases."""
    person = person_q(case)
    if person is None or case.received_on is None:
        return []
    rows = (
        bureau_cases(case.bureau_id)
        .filter(person)
        .order_by()
        .values_list(*MATCH_FIELDS, "subject_area", "responsible_unit_id")[:MAX_PERSON_CASES]
    )
    area, unit = case.subject_area or "", case.responsible_unit_id
    found = [Match(*row[:5]) for row in rows if row[5] == area and row[6] == unit and row[0] != case.pk]
    return sorted(found, key=lambda m: (m.received_on, m.pk))


def _is_before(match: Match, case: PetitionCase) -> bool:
    day = case.received_on
    if match.received_on == day:
        return case.pk is None or match.pk < case.pk
    return day - window(case) <= match.received_on < day


def _is_after(match: Match, case: PetitionCase) -> bool:
    day = case.received_on
    if match.received_on == day:
        return case.pk is not None and match.pk > case.pk
    return day < match.received_on <= day + window(case)


def derive(case: PetitionCase, matches: list[Match] | None = None) -> Derived:
    """What the rule says of `case` (its current, possibly unsaved, values). One indexed query."""
    matches = same_matter(case) if matches is None else matches
    earlier = [m for m in matches if _is_before(m, case)]
    later = [m for m in matches if _is_after(m, case)]
    resolved = bool(case.closed_on) and not case.review and not later
    return Derived(not earlier, resolved, earlier[-1] if earlier else None, later[0] if later else None)


def _text(value: bool) -> str:
    return "是" if value else "否"


def refresh(case: PetitionCase, derived: Derived | None = None) -> dict[str, list[str]]:
    """Set the flags the rule gives (overridden ones kept) on the instance; unsaved. The changes
    as the activity log keeps them."""
    derived = derived or derive(case)
    changes = {}
    case.flags_derived = True
    if not case.initial_override_reason.strip() and case.is_initial != derived.is_initial:
        changes["is_initial"] = [_text(case.is_initial), _text(derived.is_initial)]
        case.is_initial = derived.is_initial
    if not case.resolution_override_reason.strip() and case.resolved_first_time != derived.resolved_first_time:
        changes["resolved_first_time"] = [_text(case.resolved_first_time), _text(derived.resolved_first_time)]
        case.resolved_first_time = derived.resolved_first_time
    return changes


def describe(derived: Derived) -> str:
    if derived.earlier is None:
        return str(_("初次信访"))
    return str(_("重复信访：与 %(number)s 同一事项") % {"number": derived.earlier.number})


def apply(case: PetitionCase, *, user, source: str = AuditEntry.Source.FORM) -> dict[str, list[str]]:
    """Derive the flags of a case, save it (with whatever else the caller changed: a stage
    action sets its fields and calls this instead of save()), log the flags that changed, and
    update the earlier cases of its matter. Returns the flags' changes."""
    changes = refresh(case)
    case.save()
    if changes:
        log_action(
            case,
            user=user,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
            source=source,
            detail=str(_("系统认定")),
        )
    propagate(case, user=user, source=source)
    return changes


def propagate(case: PetitionCase, *, user, source: str = AuditEntry.Source.FORM) -> list[PetitionCase]:
    """The earlier cases of the same matter within the window that were counted 一次性化解: a
    repeat petition means they were not. Each is saved and logged (overridden ones are kept)."""
    pks = [
        m.pk
        for m in same_matter(case)
        if _is_before(m, case) and m.resolved_first_time and not m.resolution_override_reason
    ]
    changed = []
    for other in PetitionCase._base_manager.filter(pk__in=pks, bureau_id=case.bureau_id).select_related("bureau"):
        other.resolved_first_time = False
        other.flags_derived = True
        other.save(update_fields=["resolved_first_time", "flags_derived", "updated_at"])
        log_action(
            other,
            user=user,
            action=AuditEntry.Action.UPDATE,
            changes={"resolved_first_time": ["是", "否"]},
            source=source,
            detail=str(_("同一事项再次信访（%(number)s），不再计为一次性化解") % {"number": case.number})[:300],
        )
        changed.append(other)
    return changed
