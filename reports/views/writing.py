"""The whole report in one editor (as in WPS): headings, paragraphs, bold 小标题, bold words,
bulleted and numbered lists and figures as chips, with a live preview in the 公文 layout and the
readiness check beside it.

The per-section pages (editing.py) stay as the plain fallback. What the browser sends is HTML,
read by reports.document with a strict allow-list into the report's plain text; nothing of the
HTML is stored."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import store
from indicators.compute import compute
from indicators.registry import Period
from reports import readiness, services
from reports.document import from_html, report_data, to_html
from reports.placeholders import _TOKEN, Placeholder, canonical, describe, value_of
from reports.render.context import build_document_of, values_for
from reports.render.html import render_fragment

from .common import get_report
from .editing import CHANGE, _open_comments, _reopened, figure_list

TITLE_MAX = 200


def _chip_values(data: dict, values: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each placeholder of the text as typed → its name in words (年度 for {year}) and the value
    it prints, to label its chip."""
    texts = [data["intro"]]
    for s in data["sections"]:
        texts.append(s["title"])
        texts.extend(t for p in s["paragraphs"] for t in (p["lead"], p["text"]))
    shown = {}
    for text in texts:
        for m in _TOKEN.finditer(text):
            name = m.group(1)
            if name is not None and name not in shown:
                keys = tuple(canonical(k) for k in name.split("|"))
                words = "、".join(describe(k) for k in keys)
                shown[name] = (words, value_of(Placeholder(keys, m.group(0)), values))
    return shown


def _ready_words(report, issues) -> str:
    if issues:
        return _("报告暂不宜提交审核：还有%(n)s类问题需要处理（见下）。") % {"n": len(issues)}
    if report.status in (report.Status.DRAFT, report.Status.RETURNED):
        return _("报告已可提交审核：未发现会使报告数字失真的问题。")
    return _("未发现会使报告数字失真的问题；报告当前为“%(status)s”。") % {"status": report.get_status_display()}


@permission_required(CHANGE, raise_exception=True)
def write(request, year: int):
    report = get_report(year)
    before = report.status
    errors: list[str] = []
    if request.method == "POST":
        title = request.POST.get("title", "")
        parsed = from_html(request.POST.get("document", ""))
        try:
            services.document_update(
                report=report, user=request.user, title=title, intro=parsed.intro, sections=parsed.sections
            )
        except ValidationError as e:
            errors = e.messages
        else:
            messages.success(request, _("已保存全文。"))
            if parsed.flattened:
                messages.warning(request, _("列表只有一级：嵌套在列表中的列表项已按同一级保存。"))
            _reopened(request, before, report)
            return redirect("reports:write", year=year)
        data = {"title": title, "intro": parsed.intro, "sections": parsed.sections}
    else:
        data = report_data(report)
    current = store.figures_by_bureau([report.bureau_id], Period.year(year))[report.bureau_id]
    values = values_for(report, current)
    issues = readiness.check(report, values_for(report, compute(report.bureau_id, Period.year(year))))
    context = {
        "report": report,
        "title": data["title"],
        "document_html": to_html(data, _chip_values(data, values)),
        "errors": errors,
        "figures": figure_list(report),
        "comments": _open_comments(report),
        "issues": issues,
        "ready_words": _ready_words(report, issues),
        "ready": not issues,
        "can_submit": report.status in (report.Status.DRAFT, report.Status.RETURNED),
    }
    return render(request, "reports/write.html", context, status=422 if errors else 200)


@permission_required(CHANGE, raise_exception=True)
@require_POST
def write_preview(request, year: int):
    """The whole unsaved document as it would print: an HTML fragment for the preview pane."""
    report = get_report(year)
    parsed = from_html(request.POST.get("document", ""))
    title = request.POST.get("title", "")[:TITLE_MAX]
    texts = [(s["title"], [(p["lead"], p["text"], p["kind"]) for p in s["paragraphs"]]) for s in parsed.sections]
    try:
        services.validate_text({"title": title or "—", "intro": parsed.intro, "sections": parsed.sections})
    except ValidationError as e:
        return render(request, "reports/_write_errors.html", {"errors": e.messages}, status=422)
    doc = build_document_of(report, title, parsed.intro, texts)
    return render(request, "reports/_write_preview.html", {"doc_html": render_fragment(doc)})
