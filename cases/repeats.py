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

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.audit import log_action
from cases.models import AuditEntry, PetitionCase

# The rule's text for readers is indicators.registry.REPEAT_RULE, in the indicators' definitions.


@dataclass(frozen=True)
class Derived:
    is_initial: bool
    resolved_first_time: bool
    earlier: PetitionCase | None  # the latest earlier case of the same matter within the window
    later: PetitionCase | None  # the first later one


def window(case: PetitionCase) -> datetime.timedelta:
    days = getattr(case.bureau, "repeat_window_days", None) or 365
    return datetime.timedelta(days=days)


def person_q(case: PetitionCase) -> Q | None:
    """The cases of the same person, or None when the case names nobody identifiable."""
    q = Q()
    if case.petitioner_id:
        q |= Q(petitioner_id=case.petitioner_id)
    id_number = (case.petitioner_id_number or "").strip().upper()
    if id_number:
        q |= Q(petitioner_id_number=id_number)
    return q or None


def same_matter(case: PetitionCase):
    """The bureau's cases of the same matter as `case` (itself excluded), any date; None if the
    case names no identifiable person."""
    person = person_q(case)
    if person is None or case.received_on is None:
        return None
    qs = PetitionCase.objects.filter(
        person,
        bureau_id=case.bureau_id,
        subject_area=case.subject_area or "",
        responsible_unit_id=case.responsible_unit_id,
    )
    return qs.exclude(pk=case.pk) if case.pk else qs


def _before(case: PetitionCase) -> Q:
    day = case.received_on
    same_day_earlier = Q(received_on=day, pk__lt=case.pk) if case.pk else Q(received_on=day)
    return (Q(received_on__lt=day) & Q(received_on__gte=day - window(case))) | same_day_earlier


def _after(case: PetitionCase) -> Q:
    day = case.received_on
    later = Q(received_on__gt=day) & Q(received_on__lte=day + window(case))
    return later | Q(received_on=day, pk__gt=case.pk) if case.pk else later


def derive(case: PetitionCase) -> Derived:
    """What the rule says of `case` (its current, possibly unsaved, values). Two indexed queries."""
    matter = same_matter(case)
    earlier = later = None
    if matter is not None:
        earlier = matter.filter(_before(case)).order_by("-received_on", "-pk").first()
        if case.closed_on and not case.review:
            later = matter.filter(_after(case)).order_by("received_on", "pk").first()
    resolved = bool(case.closed_on) and not case.review and later is None
    return Derived(earlier is None, resolved, earlier, later)


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
    matter = same_matter(case)
    if matter is None:
        return []
    earlier = matter.filter(_before(case), resolved_first_time=True, resolution_override_reason="")
    changed = []
    for other in earlier.select_related("bureau"):
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
