"""Upload (POST) and download of a case's attachments.

Upload: whoever may change the case in their scope — the bureau's clerk, a unit's officer for
their own unit's cases (cases.scoping). Download: only those who may see personal data
(`cases.view_personal_data`), since a letter names the petitioner; 403 for everyone else before
any lookup, and another bureau's or another unit's attachment is not found (404), exactly as a
number never used: the scope decides, not the obscurity of the number.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import privacy
from cases.models import Attachment, PetitionCase

from . import service

CHANGE = "cases.change_petitioncase"


def needs(permission: str):
    """403 before anything is looked up, for a user without `permission`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def case_page(request, case: PetitionCase) -> str:
    """Where the user works on `case`: a unit's desk, or the bureau's workbench."""
    if getattr(request, "unit", None) is not None:
        return reverse("cases:desk_case", args=[case.pk])
    return reverse("admin:cases_petitioncase_change", args=[case.pk])


def _back(request, case: PetitionCase) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return case_page(request, case)


@needs(CHANGE)
@require_POST
def upload(request, case_pk: int):
    # Scoped: another bureau's case, or another unit's, is not found.
    case = get_object_or_404(PetitionCase.objects.select_related("bureau"), pk=case_pk)
    try:
        attachment = service.attach(
            case, request.FILES.get("file"), stage=request.POST.get("stage", ""), user=request.user
        )
    except service.FileRejected as exc:
        messages.error(request, _("附件未上传：%(reason)s") % {"reason": exc})
    else:
        messages.success(request, _("已上传附件（%(kind)s）。") % {"kind": attachment.content_type})
    return redirect(_back(request, case))


@needs(privacy.PERMISSION)
@require_GET
def download(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("case"), pk=pk)
    storage = attachment.file.storage
    if not storage.exists(attachment.file.name):
        raise Http404(_("附件文件不存在，请联系管理员从备份恢复。"))
    service.log_download(attachment, user=request.user)
    response = FileResponse(
        storage.open(attachment.file.name, "rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
