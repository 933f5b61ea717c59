"""What anyone may read without an account: published revisions only, never the draft.

Each bureau publishes under its own address (/reports/public/<bureau>/<year>/); the visitor
reads that bureau's published revisions and nothing else (`within`)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cases.models import Bureau
from cases.scoping import scopes_disabled, within
from reports.models import Revision
from reports.render.context import ReportDocument
from reports.render.html import render_fragment

from .common import file_response


def _revision(
    bureau: int, year: int, number: int | None, *, fields=("number", "sha256", "published_at", "reason", "document")
):
    with within([bureau]):
        qs = Revision.objects.filter(report__year=year).only("report", *fields)
    if number is not None:
        return get_object_or_404(qs, number=number)
    revision = qs.order_by("-number").first()
    if revision is None:
        raise Http404
    return revision


@login_not_required
@require_GET
def index(request):
    """Every bureau that has published a report."""
    with scopes_disabled():  # which bureaus published: public by definition
        published = Revision.objects.values_list("report__bureau", flat=True).distinct()
        bureaus = list(Bureau.objects.filter(pk__in=published).order_by("pk"))
    return render(request, "reports/public_bureaus.html", {"bureaus": bureaus})


@login_not_required
@require_GET
def bureau_index(request, bureau: int):
    bureau = get_object_or_404(Bureau, pk=bureau)
    with within([bureau.pk]):
        years = list(Revision.objects.values_list("report__year", flat=True).distinct().order_by("-report__year"))
    return render(request, "reports/public_index.html", {"bureau": bureau, "years": years})


@login_not_required
@require_GET
def report(request, bureau: int, year: int, number: int | None = None):
    revision = _revision(bureau, year, number)
    doc = ReportDocument.from_json(revision.document)
    with within([bureau]):
        others = list(
            Revision.objects.filter(report_id=revision.report_id)
            .only("number", "published_at", "reason", "sha256")
            .order_by("-number")
        )
    context = {"revision": revision, "doc": doc, "doc_html": render_fragment(doc), "revisions": others}
    return render(request, "reports/public.html", {**context, "year": year, "bureau_id": bureau})


@login_not_required
@require_GET
def pdf(request, bureau: int, year: int, number: int | None = None):
    """The frozen bytes, as published: never rendered again."""
    revision = _revision(bureau, year, number, fields=("number", "pdf", "sha256", "document"))
    doc = revision.document
    name = f"{doc['bureau']}{doc['title']}（第{revision.number}版）.pdf"
    response = file_response(bytes(revision.pdf), name, "application/pdf")
    response["ETag"] = f'"{revision.sha256}"'
    response["X-Content-SHA256"] = revision.sha256
    return response
