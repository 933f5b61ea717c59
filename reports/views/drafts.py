"""The working draft: list of years, the report as it reads today, its readiness, its history."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Bureau
from cases.models.base import local_today
from indicators.compute import compute
from indicators.registry import Period
from reports import readiness
from reports.drift import drift_of, notice_html
from reports.models import Report, Revision
from reports.render.context import build_charts, build_document, values_for
from reports.render.html import render_fragment
from reports.services import PREVIOUS, SOURCES, bureau_template, report_get_or_create

from .common import download, get_report

VIEW, ADD, CHANGE, EXPORT = (
    "reports.view_report",
    "reports.add_report",
    "reports.change_report",
    "reports.export_report",
)


@permission_required(VIEW, raise_exception=True)
def index(request):
    bureau = Bureau.current()
    revisions = Prefetch("revisions", queryset=Revision.objects.defer("pdf", "document").order_by("-number"))
    reports = Report.objects.filter(bureau=bureau).prefetch_related(revisions).order_by("-year")
    return render(
        request,
        "reports/index.html",
        {
            "bureau": bureau,
            "reports": reports,
            "next_year": local_today().year - 1,
            "sources": list(SOURCES.items()),
            "has_template": bureau_template(bureau) is not None,
        },
    )


@permission_required(ADD, raise_exception=True)
@require_POST
def create(request):
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    if not 2000 <= year <= local_today().year:
        messages.error(request, _("请填写有效的年度。"))
        return redirect("reports:index")
    try:
        _report, created = report_get_or_create(
            bureau=Bureau.current(), year=year, user=request.user, source=request.POST.get("source") or PREVIOUS
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("reports:index")
    if created:
        messages.success(request, _("已创建%(year)s年报告。") % {"year": year})
    return redirect("reports:detail", year=year)


@permission_required(VIEW, raise_exception=True)
def detail(request, year: int):
    report = get_report(year)
    doc = build_document(report)
    latest = report.revisions.defer("pdf", "document").order_by("-number").first()
    drift = notice_html(drift_of(report, user=request.user)) if latest else ""
    return render(
        request,
        "reports/detail.html",
        {"report": report, "doc_html": render_fragment(doc), "latest": latest, "drift": drift},
    )


@permission_required(VIEW, raise_exception=True)
def check(request, year: int):
    report = get_report(year)
    figures = compute(report.bureau_id, Period.year(year))
    issues = readiness.check(report, values_for(report, figures))
    return render(request, "reports/check.html", {"report": report, "issues": issues})


@permission_required(VIEW, raise_exception=True)
def history(request, year: int):
    report = get_report(year)
    return render(
        request,
        "reports/history.html",
        {
            "report": report,
            "revisions": report.revisions.select_related("published_by").defer("pdf", "document"),
            "events": report.events.all()[:200],
        },
    )


@permission_required(EXPORT, raise_exception=True)
@require_POST
def export_background(request, year: int, fmt: str):
    """Start the PDF, Word or charts export as a background job and show its page."""
    from cases.jobs.service import enqueue, job_url
    from cases.models import Job
    from reports.jobs import BACKGROUND_FORMATS, LABELS, export_report

    if fmt not in BACKGROUND_FORMATS:
        raise Http404
    report = get_report(year)
    job = enqueue(
        export_report,
        user=request.user,
        kind=Job.Kind.REPORT_EXPORT,
        title=_("%(year)s年报告（%(fmt)s）") % {"year": report.year, "fmt": LABELS[fmt]},
        arguments={"year": report.year, "fmt": fmt},
        permission=EXPORT,
        total=3,
    )
    return redirect(job_url(job))


@permission_required(EXPORT, raise_exception=True)
def export_draft(request, year: int, fmt: str):
    report = get_report(year)
    doc = build_document(report)
    if fmt == "charts":
        doc.extra["charts"] = build_charts(report)
    return download(doc, fmt)
