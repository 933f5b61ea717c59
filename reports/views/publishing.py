"""The head publishes an approved report from a page that shows exactly what will be frozen; a
later publication is a numbered correction with a reason."""

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from indicators.compute import compute
from indicators.registry import Period
from reports import readiness
from reports.forms import PublishForm
from reports.models import Report
from reports.render.context import build_document, values_for
from reports.services import report_publish_approved

from .common import file_response, get_report

PUBLISH = "reports.publish_report"


def fingerprint(doc, number: int) -> str:
    """What the head confirmed: the revision's number, the headings and every figure's counts.
    Publishing refuses when these moved between the page and the click."""
    shown = [number, [s.heading for s in doc.sections], [(f.key, f.numerator, f.denominator) for f in doc.figures]]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()


@permission_required(PUBLISH, raise_exception=True)
def publish(request, year: int):
    report = get_report(year)
    latest = report.revisions.defer("pdf", "document").order_by("-number").first()
    number = (latest.number if latest else 0) + 1
    figures = compute(report.bureau_id, Period.year(year))
    doc = build_document(report, figures)
    shown = fingerprint(doc, number)
    form = PublishForm(request.POST if request.method == "POST" else None, correction=latest is not None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["shown"] != shown:
            form.add_error(None, _("您核对之后，台账数据或报告标题有变化；请重新核对下方内容后再确认发布。"))
        else:
            try:
                revision = report_publish_approved(report=report, user=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(
                    request, _("已发布第%(n)s版，校验码：%(sha)s") % {"n": revision.number, "sha": revision.sha256}
                )
                return redirect("reports:history", year=year)
    issues = readiness.check(report, values_for(report, figures))
    context = {
        "report": report,
        "form": form,
        "latest": latest,
        "issues": issues,
        "doc": doc,
        "number": number,
        "shown": shown,
        "approved": report.status == Report.Status.APPROVED,
    }
    return render(request, "reports/publish.html", context)


@permission_required("reports.view_report", raise_exception=True)
def revision_pdf(request, year: int, number: int):
    report = get_report(year)
    revision = get_object_or_404(report.revisions.only("pdf", "number", "document"), number=number)
    name = f"{report.bureau.name}{report.year}年法治政府建设工作报告（第{number}版）.pdf"
    return file_response(bytes(revision.pdf), name, "application/pdf")
