"""The case page (/cases/<pk>/): the case's facts, its timeline of stages with who recorded each
and when, the next deadline with the working days left, and the small form of each stage that
may be taken now (cases.stages holds the rules; a refused stage says why and changes nothing).

Clerks (change_petitioncase) act; the head and staff read. A responsible unit's officer works at
their desk (/unit/), so this page is not found for them; another bureau's case is not found
either (the request's scope, cases.scoping).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import privacy, stages
from cases.admin.petitions import STATE_CSS
from cases.models import PetitionCase
from cases.models.base import local_today

from .forms import FORMS, TITLES

VIEW = "cases.view_petitioncase"
CHANGE = "cases.change_petitioncase"


def casework(permission: str):
    """Signed in, working in the bureau (a unit's officer: 404, their desk is /unit/), holding
    `permission` (else 403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request, "unit", None) is not None:
                raise Http404(_("没有这个信访事项。"))
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def _case(pk: int) -> PetitionCase:
    # Scoped to the request's bureau: another bureau's case is not found.
    return get_object_or_404(PetitionCase.objects.select_related("bureau", "responsible_unit"), pk=pk)


@casework(VIEW)
def case(request, pk: int):
    obj = _case(pk)
    bureau, today = obj.bureau, local_today()
    calendar = bureau.calendar()
    stage_list = obj.stages(today, calendar, bureau.due_soon_working_days)
    rows = stages.timeline(obj, stages.case_entries(obj), stage_list)
    next_stage, days_left = stages.next_due(stage_list, today, calendar)
    may_act = request.user.has_perm(CHANGE)
    see_personal = privacy.can_see_personal_data(request.user)
    personal = [
        (PetitionCase._meta.get_field(name).verbose_name, _shown(obj, name, see_personal) or "—")
        for name in ("petitioner_name", "petitioner_id_number", "petitioner_phone")
    ]
    actions = []
    if may_act:
        for stage in stages.available(obj, proxy_allowed=_proxy_allowed(obj)):
            title, button = TITLES[stage]
            form = FORMS[stage](case=obj, auto_id=f"id_{stage}_%s")
            actions.append({"stage": stage, "title": title, "button": button, "form": form})
    context = {
        "case": obj,
        "bureau": bureau,
        "today": today,
        "personal": personal,
        "rows": [(row, STATE_CSS.get(row.state, "")) for row in rows],
        "next_stage": next_stage,
        "next_css": STATE_CSS[next_stage.state] if next_stage else "",
        "days_left": days_left,
        "overdue_days": -days_left if days_left is not None and days_left < 0 else None,
        "may_act": may_act,
        "actions": actions,
        "change_url": reverse("admin:cases_petitioncase_change", args=[obj.pk]),
        "list_url": reverse("admin:cases_petitioncase_changelist"),
    }
    return render(request, "cases/casework/case.html", context)


@casework(CHANGE)
@require_POST
def act(request, pk: int, stage: str):
    step = stages.STAGES.get(stage)
    if step is None:
        raise Http404(_("没有这个办理环节。"))
    obj = _case(pk)
    form = FORMS[stage](request.POST, case=obj)
    title = TITLES[stage][0]
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, _("%(title)s未记录：%(errors)s") % {"title": title, "errors": "；".join(errors)})
    else:
        try:
            step(obj, user=request.user, **form.values())
        except stages.Refused as exc:
            messages.error(request, _("%(title)s未记录：%(reason)s") % {"title": title, "reason": exc})
        else:
            day = form.cleaned_data["on"]
            messages.success(request, _("已记录%(title)s（%(day)s）。") % {"title": title, "day": day})
    return redirect("casework:case", pk=obj.pk)


def _proxy_allowed(obj: PetitionCase) -> bool:
    """Whether the clerk records the unit's steps: the unit has no account (one query, asked
    only while a unit step is pending)."""
    if obj.responsible_unit_id is None or obj.unit_replied_on or obj.closed_on:
        return False
    return not stages.unit_has_accounts(obj.responsible_unit)


def _shown(obj: PetitionCase, name: str, see_personal: bool) -> str:
    value = getattr(obj, name) or ""
    return value if see_personal else privacy.mask_text(PetitionCase, name, value)
