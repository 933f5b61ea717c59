"""What anyone may read without an account: published revisions only, never the draft."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cases.models import Bureau
from reports.models import Revision
from reports.render.context import ReportDocument
from reports.render.html import render_fragment

from .common import file_response


def _revision(year: int, number: int | None, *, fields=("number", "sha256", "published_at", "reason", "document")):
    qs = Revision.objects.filter(report__bureau=Bureau.current(), report__year=year).only("report", *fields)
    if number is not None:
        return get_object_or_404(qs, number=number)
    revision = qs.order_by("-number").first()
    if revision is None:
        raise Http404
    return revision


@login_not_required
@require_GET
def index(request):
    bureau = Bureau.current()
    years = (
        Revision.objects.filter(report__bureau=bureau)
        .values_list("report__year", flat=True)
        .distinct()
        .order_by("-report__year")
    )
    return render(request, "reports/public_index.html", {"bureau": bureau, "years": years})


@login_not_required
@require_GET
def report(request, year: int, number: int | None = None):
    revision = _revision(year, number)
    doc = ReportDocument.from_json(revision.document)
    others = (
        Revision.objects.filter(report_id=revision.report_id)
        .only("number", "published_at", "reason", "sha256")
        .order_by("-number")
    )
    return render(
        request,
        "reports/public.html",
        {"revision": revision, "doc": doc, "doc_html": render_fragment(doc), "revisions": others, "year": year},
    )


@login_not_required
@require_GET
def pdf(request, year: int, number: int | None = None):
    """The frozen bytes, as published: never rendered again."""
    revision = _revision(year, number, fields=("number", "pdf", "sha256", "document"))
    doc = revision.document
    name = f"{doc['bureau']}{doc['title']}（第{revision.number}版）.pdf"
    response = file_response(bytes(revision.pdf), name, "application/pdf")
    response["ETag"] = f'"{revision.sha256}"'
    response["X-Content-SHA256"] = revision.sha256
    return response
