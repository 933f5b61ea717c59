"""A case's notice as PDF: for those who may see personal data (it names the petitioner), 403 for
the rest before any lookup; another bureau's or another unit's case is not found (404); a notice
that does not fit the case's state is refused with the reason. Every download is logged."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET

from cases import privacy
from cases.attachments.views import case_page
from cases.audit import log_action
from cases.models import AuditEntry, PetitionCase
from cases.models.base import local_today

from .models import NoticeTemplate
from .render import NotApplicable, build, render_pdf

KINDS = dict(NoticeTemplate.Kind.choices)


@require_GET
def notice_pdf(request, pk: int, kind: str):
    if not (privacy.can_see_personal_data(request.user) and request.user.has_perm("cases.view_petitioncase")):
        raise PermissionDenied
    if kind not in KINDS:
        raise Http404
    case = get_object_or_404(PetitionCase.objects.select_related("bureau", "responsible_unit"), pk=pk)
    try:
        notice = build(case, kind, today=local_today())
    except NotApplicable as exc:
        messages.error(request, str(exc))
        return redirect(case_page(request, case))
    pdf = render_pdf(notice, case)
    log_action(case, user=request.user, action=AuditEntry.Action.NOTICE_PRINTED, detail=str(KINDS[kind]))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = _content_disposition(f"{case.number}-{KINDS[kind]}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


def _content_disposition(name: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(True, name) or 'attachment; filename="notice.pdf"'
