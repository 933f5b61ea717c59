"""Review: staff submit the draft, the head returns it with comments on its sections or approves
it; staff resolve the comments on the editing page."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports import services
from reports.models import Report
from reports.render.context import build_document
from reports.render.html import render_fragment

from .common import get_report

CHANGE = "reports.change_report"
PUBLISH = "reports.publish_report"


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@permission_required(CHANGE, raise_exception=True)
@require_POST
def submit(request, year: int):
    report = get_report(year)
    try:
        services.report_submit(report=report, user=request.user)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, _("已提交审核，等待局长批准或退回。"))
    return redirect("reports:edit", year=year)


@permission_required(PUBLISH, raise_exception=True)
def review(request, year: int):
    """The head reads the report as it prints and approves it, or returns it with a comment on
    one or more of its sections."""
    report = get_report(year)
    sections = list(report.sections.all())
    typed = {}
    if request.method == "POST":
        typed = {s.pk: request.POST.get(f"comment-{s.pk}", "") for s in sections}
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.report_approve(report=report, user=request.user)
                messages.success(request, _("已批准。可在“审核发布”页确认后发布。"))
                return redirect("reports:publish", year=year)
            if action == "return":
                made = services.report_return(report=report, user=request.user, comments=typed)
                messages.success(request, _("已退回，审核意见%(n)s条已送交工作人员。") % {"n": len(made)})
                return redirect("reports:review", year=year)
            raise ValidationError(_("请选择“批准”或“退回”。"))
        except ValidationError as e:
            _errors(request, e)
            report.refresh_from_db(fields=["status"])
    doc = build_document(report)
    rows = [
        (s, typed.get(s.pk, ""), heading)
        for s, heading in zip(sections, (d.heading for d in doc.sections), strict=False)
    ]
    context = {
        "report": report,
        "rows": rows,
        "doc_html": render_fragment(doc),
        "can_review": report.status in (Report.Status.SUBMITTED, Report.Status.APPROVED),
        "can_approve": report.status == Report.Status.SUBMITTED,
        "open_comments": report.comments.filter(resolved_at__isnull=True),
    }
    return render(request, "reports/review.html", context)


@permission_required(CHANGE, raise_exception=True)
@require_POST
def resolve_comment(request, year: int, pk: int):
    report = get_report(year)
    comment = get_object_or_404(report.comments.select_related("report"), pk=pk)
    services.comment_resolve(comment=comment, user=request.user)
    messages.success(request, _("已将“%(title)s”的审核意见标为已处理。") % {"title": comment.section_title})
    back = request.POST.get("next")
    if back == "section" and comment.section_id:
        return redirect("reports:edit_section", year=year, pk=comment.section_id)
    return redirect("reports:edit", year=year)
