"""The responsible unit's desk: its open cases, the most urgent first, and on each case the one
step it can take next (受理 → 处理意见 → 办结), each dated today by the system.

Only a user whose organization is a unit (`request.unit`, from their Membership) opens these
pages; the scope of the request (cases.scoping) holds that unit's cases only, so a case of another
unit or bureau is simply not found (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import privacy, workflow
from cases.admin.petitions import STATE_CSS  # the workbench's colours of a stage, the same here
from cases.attachments import service as attachments
from cases.deadlines import due_soon_cutoff
from cases.models import Attachment, PetitionCase
from cases.models.base import local_today
from cases.models.petitions import Stage

VIEW = "cases.view_petitioncase"
CHANGE = "cases.change_petitioncase"
LIST_LIMIT = 200  # a unit has tens of open cases; a list this long says how many more there are
CLOSED_SHOWN = 20
PENDING = (Stage.OVERDUE, Stage.DUE_SOON, Stage.PENDING)


def unit_desk(permission: str):
    """A desk page: signed in, working in a unit, holding `permission`; else 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request, "unit", None) is None or not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


@dataclass
class Row:
    case: PetitionCase
    petitioner: str
    stage: Stage | None

    @property
    def css(self) -> str:
        return STATE_CSS[self.stage.state] if self.stage else ""


@dataclass
class Listing:
    title: str
    rows: list[Row]
    total: int
    empty: str


@unit_desk(VIEW)
def desk(request):
    bureau, today = request.bureau, local_today()
    calendar, days = bureau.calendar(), bureau.due_soon_working_days
    cutoff, warning = due_soon_cutoff(calendar, today, days)
    if warning:
        messages.warning(request, warning)
    # The request's scope keeps these to the unit's own cases (responsible_unit).
    cases = PetitionCase.objects.select_related("responsible_unit").order_by("next_due_on", "pk")
    open_cases = cases.open()
    see_personal = privacy.can_see_personal_data(request.user)

    def listing(title, qs, empty):
        found = list(qs[:LIST_LIMIT])
        total = len(found) if len(found) < LIST_LIMIT else qs.count()
        rows = [_row(c, today, calendar, days, see_personal) for c in found]
        return Listing(title, rows, total, empty)

    listings = [
        listing(_("已超期"), open_cases.overdue(today), _("没有超期的事项。")),
        listing(_("即将到期"), open_cases.due_soon(today, cutoff), _("没有即将到期的事项。")),
        listing(
            _("其他在办事项"),
            open_cases.filter(Q(next_due_on__isnull=True) | Q(next_due_on__gt=cutoff)),
            _("没有其他在办事项。"),
        ),
    ]
    closed = [
        _row(c, today, calendar, days, see_personal)
        for c in cases.closed().order_by("-closed_on", "-pk")[:CLOSED_SHOWN]
    ]
    context = {"unit": request.unit, "bureau": bureau, "today": today, "listings": listings, "closed": closed}
    return render(request, "cases/desk/desk.html", context)


@unit_desk(VIEW)
def case(request, pk: int):
    obj = _case(pk)
    bureau, today = request.bureau, local_today()
    stages = obj.stages(today, bureau.calendar(), bureau.due_soon_working_days)
    see_personal = privacy.can_see_personal_data(request.user)
    personal = [
        (PetitionCase._meta.get_field(name).verbose_name, _shown(obj, name, see_personal) or "—")
        for name in ("petitioner_name", "petitioner_id_number", "petitioner_phone")
    ]
    context = {
        "case": obj,
        "unit": request.unit,
        "personal": personal,
        "stages": [(s, STATE_CSS[s.state]) for s in stages],
        "step": _next_step(obj),
        "may_act": request.user.has_perm(CHANGE),
        "outcomes": [(v, label) for v, label in PetitionCase.Outcome.choices if v],
        "reply_max": PetitionCase._meta.get_field("unit_reply").max_length,
    }
    return render(request, "cases/desk/case.html", context)


@unit_desk(CHANGE)
@require_POST
def accept(request, pk: int):
    return _act(request, pk, workflow.unit_accept, _("已记录本单位受理（%(day)s）。"))


@unit_desk(CHANGE)
@require_POST
def reply(request, pk: int):
    """The reply, with its 处理意见书 attached if one is chosen: a file that may not be attached
    refuses the whole step, so nothing is recorded without the document the officer meant."""
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _act(
            request, pk, workflow.unit_reply, _("已记录处理意见（%(day)s答复）。"), text=request.POST.get("reply", "")
        )
    obj = _case(pk)
    today = local_today()
    try:
        kind = attachments.check(uploaded)
        with transaction.atomic():
            obj = workflow.unit_reply(obj, user=request.user, today=today, text=request.POST.get("reply", ""))
            attachments.attach(obj, uploaded, stage=Attachment.Stage.REPLIED, user=request.user, kind=kind)
    except attachments.FileRejected as exc:
        messages.error(request, _("处理意见未提交：附件%(reason)s") % {"reason": exc})
    except workflow.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已记录处理意见（%(day)s答复），并上传处理意见书。") % {"day": today})
    return redirect("cases:desk_case", pk=obj.pk)


@unit_desk(CHANGE)
@require_POST
def close(request, pk: int):
    return _act(request, pk, workflow.unit_close, _("已办结（%(day)s）。"), outcome=request.POST.get("outcome", ""))


def _act(request, pk: int, step, done: str, **values):
    obj = _case(pk)
    today = local_today()
    try:
        step(obj, user=request.user, today=today, **values)
    except workflow.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done % {"day": today})
    return redirect("cases:desk_case", pk=obj.pk)


def _case(pk: int) -> PetitionCase:
    # Scoped: another unit's or bureau's case is not found.
    return get_object_or_404(PetitionCase.objects.select_related("responsible_unit", "bureau"), pk=pk)


def _next_step(obj: PetitionCase) -> str:
    if obj.closed_on:
        return "closed"
    if not obj.unit_accepted_on:
        return "accept"
    if not obj.unit_replied_on:
        return "reply"
    return "close"


def _shown(obj: PetitionCase, name: str, see_personal: bool) -> str:
    value = getattr(obj, name) or ""
    return value if see_personal else privacy.mask_text(PetitionCase, name, value)


def _row(obj: PetitionCase, today, calendar, days: int, see_personal: bool) -> Row:
    pending = [s for s in obj.stages(today, calendar, days) if s.state in PENDING]
    return Row(obj, _shown(obj, "petitioner_name", see_personal), pending[0] if pending else None)
