"""Editing the draft section by section, with a preview filled with this year's figures."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import store
from indicators.compute import compute
from indicators.registry import INDICATORS, Period
from reports import services
from reports.forms import HeadingForm, SectionForm
from reports.placeholders import CONTEXT_KEYS, CONTEXT_NAMES, FORM_LABELS, RATE_FORMS
from reports.render.context import build_section, values_for

from .common import get_report

CHANGE = "reports.change_report"


def _section(report, pk):
    return get_object_or_404(report.sections, pk=pk)


def _placeholder_help(report):
    keys = [(k, label) for k, label in CONTEXT_KEYS.items()]
    return keys + [(i.key, i.label) for i in INDICATORS]


def figure_list(report) -> list[dict]:
    """Every figure by its Chinese name, with its value for the report's year as the report prints
    it, and its forms (上年, 同比, and for a rate 同比变化率); then the bureau's own data. Read from
    the stored figures the dashboard keeps (indicators.store): one query when current."""
    current = store.figures_by_bureau([report.bureau_id], Period.year(report.year))[report.bureau_id]
    values = values_for(report, current)
    rows = []
    for indicator in INDICATORS:
        label, key = str(indicator.label), indicator.key
        # A rate's own forms: its relative change and its comparison with the province's (a
        # reference figure, "—" until the bureau enters it for the year).
        forms = [form for form in FORM_LABELS if indicator.is_rate or form not in ("relative_change", *RATE_FORMS)]
        rows.append(
            {
                "name": label,
                "key": key,
                "value": values.get(key, "—"),
                "forms": [
                    {
                        "name": f"{label}.{FORM_LABELS[form]}",
                        "label": FORM_LABELS[form],
                        "value": values.get(f"{key}.{form}", "—"),
                    }
                    for form in forms
                ],
            }
        )
    for name, key in CONTEXT_NAMES.items():
        rows.append({"name": name, "key": key, "value": values.get(key, ""), "forms": []})
    return rows


def _reopened(request, before: str, report) -> None:
    """Say so when saving sent a submitted, approved or published report back to 草稿."""
    report.refresh_from_db(fields=["status"])
    if before in services.REOPENED_BY_EDITING and report.status == report.Status.DRAFT:
        messages.warning(
            request,
            _("报告原为“%(old)s”，修改后已回到草稿；请改完后重新提交审核。") % {"old": report.Status(before).label},
        )


def _open_comments(report, section=None):
    comments = report.comments.filter(resolved_at__isnull=True).select_related("created_by")
    return comments.filter(section=section) if section is not None else comments


@permission_required(CHANGE, raise_exception=True)
def edit(request, year: int):
    report = get_report(year)
    before = report.status
    form = HeadingForm(request.POST if request.method == "POST" else None, instance=report)
    if request.method == "POST" and form.is_valid():
        services.report_update_heading(
            report=report, user=request.user, title=form.cleaned_data["title"], intro=form.cleaned_data["intro"]
        )
        messages.success(request, _("已保存标题和导语。"))
        _reopened(request, before, report)
        return redirect("reports:edit", year=year)
    context = {
        "report": report,
        "form": form,
        "sections": report.sections.all(),
        "comments": _open_comments(report),
        "figures": figure_list(report),
        "can_submit": report.status in (report.Status.DRAFT, report.Status.RETURNED),
    }
    return render(request, "reports/edit.html", context)


@permission_required(CHANGE, raise_exception=True)
def edit_section(request, year: int, pk: int):
    report = get_report(year)
    section = _section(report, pk)
    before = report.status
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            services.section_update(
                section=section, user=request.user, title=form.cleaned_data["title"], paragraphs=form.paragraphs
            )
            messages.success(request, _("已保存“%(title)s”。") % {"title": section.title})
            _reopened(request, before, report)
            return redirect("reports:edit_section", year=year, pk=pk)
    else:
        form = SectionForm(
            initial={"title": section.title},
            initial_paragraphs=[(p.lead, p.text, p.kind) for p in section.paragraphs.all()],
        )
    return render(
        request,
        "reports/edit_section.html",
        {
            "report": report,
            "section": section,
            "form": form,
            "placeholders": _placeholder_help(report),
            "figures": figure_list(report),
            "comments": _open_comments(report, section),
        },
    )


@permission_required(CHANGE, raise_exception=True)
@require_POST
def preview_section(request, year: int, pk: int):
    """The section as it would print, from the unsaved form: an HTML fragment for the editor."""
    report = get_report(year)
    section = _section(report, pk)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/_preview_errors.html", {"form": form}, status=422)
    number = list(report.sections.values_list("pk", flat=True)).index(section.pk) + 1
    values = values_for(report, compute(report.bureau_id, Period.year(year)))
    doc_section = build_section(number, form.cleaned_data["title"], form.paragraphs, values)
    return render(request, "reports/_preview.html", {"s": doc_section})


@permission_required(CHANGE, raise_exception=True)
@require_POST
def add_section(request, year: int):
    report = get_report(year)
    title = request.POST.get("title", "").strip()
    if not title:
        messages.error(request, _("请填写新部分的标题。"))
        return redirect("reports:edit", year=year)
    section = services.section_add(report=report, user=request.user, title=title)
    return redirect("reports:edit_section", year=year, pk=section.pk)


@permission_required(CHANGE, raise_exception=True)
@require_POST
def move_section(request, year: int, pk: int):
    report = get_report(year)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.section_move(section=_section(report, pk), user=request.user, offset=offset)
    return redirect("reports:edit", year=year)


@permission_required(CHANGE, raise_exception=True)
@require_POST
def delete_section(request, year: int, pk: int):
    report = get_report(year)
    services.section_delete(section=_section(report, pk), user=request.user)
    messages.success(request, _("已删除该部分。"))
    return redirect("reports:edit", year=year)
