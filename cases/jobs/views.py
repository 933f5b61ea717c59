"""A user's background jobs: the list, one job's progress and result, its status for the page's
script, and the result file. A job is its owner's, and also of whoever holds its permission in the
same bureau; another bureau's job is not found (the scoped manager), a result with personal data
is given only to holders of cases.view_personal_data."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header

from cases import privacy
from cases.models import Job

RECENT = 50


def _job(request, pk: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("user"), pk=pk)
    if not job.visible_to(request.user):
        raise PermissionDenied
    return job


def index(request):
    if request.bureau is None or not request.user.get_all_permissions():  # no bureau, or no role in it
        raise PermissionDenied
    jobs = Job.objects.filter(user=request.user).defer("arguments")[:RECENT]
    return render(request, "cases/jobs/index.html", {"jobs": jobs})


def detail(request, pk: int):
    job = _job(request, pk)
    return render(request, "cases/jobs/detail.html", {"job": job, "may_download": _may_download(request, job)})


def status(request, pk: int):
    job = _job(request, pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "message": job.message,
            "error": job.error,
            "finished": job.finished,
        }
    )


def download(request, pk: int):
    job = _job(request, pk)
    if not _may_download(request, job):
        raise PermissionDenied
    if job.state != Job.State.DONE or not job.result_file:
        raise Http404
    storage = job.result_file.storage
    if not storage.exists(job.result_file.name):
        raise Http404
    response = FileResponse(storage.open(job.result_file.name, "rb"), content_type=job.result_type)
    response["Content-Disposition"] = content_disposition_header(True, job.result_name)
    return response


def _may_download(request, job: Job) -> bool:
    return not job.personal or privacy.can_see_personal_data(request.user)


def preview(request, pk: int):
    """The preview a background check of an upload stored (cases.jobs.imports.check_in_background),
    shown by the ledger's admin with its confirm button."""
    from cases.ledgers.resources import resource_for

    job = _job(request, pk)
    if job.kind != Job.Kind.LEDGER_CHECK:
        raise Http404
    if job.state != Job.State.DONE:
        return redirect("jobs:detail", pk=job.pk)
    if not _may_download(request, job):  # the preview quotes the rows, personal data and all
        raise PermissionDenied
    try:
        model_admin = admin.site._registry.get(resource_for(job.arguments.get("kind", "")).model)
    except ValueError:  # a ledger no longer known
        model_admin = None
    if model_admin is None:
        raise Http404
    return model_admin.stored_preview(request, job)
