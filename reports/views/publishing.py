"""The head approves and publishes; a later publication is a numbered correction with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from indicators.compute import compute
from indicators.registry import Period
from reports import readiness
from reports.forms import PublishForm
from reports.render.context import values_for
from reports.services import report_publish

from .common import file_response, get_report

PUBLISH = "reports.publish_report"


@permission_required(PUBLISH, raise_exception=True)
def publish(request, year: int):
    report = get_report(year)
    latest = report.revisions.defer("pdf").order_by("-number").first()
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            revision = report_publish(report=report, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request, _("已发布第%(n)s版，SHA-256：%(sha)s") % {"n": revision.number, "sha": revision.sha256}
            )
            return redirect("reports:history", year=year)
    figures = compute(report.bureau_id, Period.year(year))
    issues = readiness.check(report, values_for(report, figures))
    return render(request, "reports/publish.html", {"report": report, "form": form, "latest": latest, "issues": issues})


@permission_required("reports.view_report", raise_exception=True)
def revision_pdf(request, year: int, number: int):
    report = get_report(year)
    revision = get_object_or_404(report.revisions.only("pdf", "number", "document"), number=number)
    name = f"{report.bureau.name}{report.year}年法治政府建设工作报告（第{number}版）.pdf"
    return file_response(bytes(revision.pdf), name, "application/pdf")
