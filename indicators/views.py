"""The bureau head's dashboard and the list of records behind each figure."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import DASHBOARD
from cases.audit import log_action
from cases.models import AuditEntry, Bureau, Unit
from cases.models.base import local_today

from . import cache, drilldown, exports, hooks, references, registry
from . import dashboard as service
from . import rollup as rollups
from .models import Dashboard, ReferenceFigure
from .numbers import NumberFormat
from .registry import Period


@permission_required(DASHBOARD, raise_exception=True)
def dashboard(request):
    bureau = _bureau()
    year = _year(request, bureau)
    years = service.record_years(bureau.pk)
    body = service.page_body(bureau, year, years)
    notices = hooks.dashboard_notices(request, bureau, year)
    context = {"bureau": bureau, "year": year, "years": years, "body": body, "notices": notices}
    return render(request, "indicators/dashboard.html", context)


@permission_required(DASHBOARD, raise_exception=True)
def dashboard_print(request):
    """The dashboard on A4: the figures, the per-unit table and the deadline lists, with the
    bureau, the year and the day printed; no navigation, nothing to click."""
    bureau = _bureau()
    year = _year(request, bureau)
    context = service.page_context(bureau, year, service.record_years(bureau.pk))
    notices = hooks.dashboard_notices(request, bureau, year, paper=True)
    context = {**context, "notices": notices, "printed_on": local_today()}
    return render(request, "indicators/dashboard_print.html", context)


@permission_required(DASHBOARD, raise_exception=True)
def dashboard_export(request):
    """The dashboard as an Excel workbook (indicators.exports), written to the activity log."""
    bureau = _bureau()
    year = _year(request, bureau)
    data = service.dashboard_data(bureau, year)
    content = exports.dashboard_xlsx(bureau, data)
    return _workbook(request, bureau, year, content, data.today, _("工作指标"), _("工作指标看板"))


@permission_required(DASHBOARD, raise_exception=True)
def records(request, key: str):
    indicator = registry.BY_KEY.get(key)
    if indicator is None:
        raise Http404(_("没有这项指标。"))
    bureau = _bureau()
    year = _year(request, bureau)
    part = request.GET.get("part") or "numerator"
    if part not in drilldown.PARTS or (part == "denominator" and not indicator.is_rate):
        raise Http404(_("指标的组成部分只能是分子或分母（比率才有分母）。"))
    unit = _unit(request, bureau, indicator)
    listing = drilldown.listing(
        indicator,
        bureau_id=bureau.pk,
        period=Period.year(year),
        part=part,
        unit_id=unit.pk if unit else None,
        page=request.GET.get("page"),
        user=request.user,
        fmt=NumberFormat.of(bureau),
    )
    context = {"bureau": bureau, "year": year, "unit": unit, "listing": listing, "indicator": indicator}
    return render(request, "indicators/records.html", context)


@permission_required(DASHBOARD, raise_exception=True)
def rollup(request):
    """The bureaus below the user's, side by side and ranked: figures only. Not found for a
    bureau with none below."""
    bureau = _bureau()
    if not rollups.has_below(bureau):
        raise Http404(_("本局没有下级信访局。"))
    year = _year(request, bureau)
    data = rollups.rollup_data(bureau, year)
    page_url = lambda pk: f"{reverse('indicators:rollup_bureau', args=[pk])}?year={year}"  # noqa: E731
    # The table (a cell per bureau and indicator: thousands in a province) is rendered once and
    # kept as long as its figures (indicators.cache).
    table = cache.get_or_build(
        f"rollup-table:{bureau.pk}:{year}:{data.today}",
        lambda: render_to_string("indicators/_rollup_table.html", {"data": data, "rows": rollups.rows(data, page_url)}),
        bureau_id=bureau.pk,
        rollup_years=[year, year - 1],
    )
    context = {
        "bureau": bureau,
        "year": year,
        "data": data,
        "table": table,
        "years": service.year_choices(service.record_years(bureau.pk), year, data.today),
    }
    return render(request, "indicators/rollup.html", context)


@permission_required(DASHBOARD, raise_exception=True)
def rollup_export(request):
    """The roll-up as an Excel workbook (indicators.exports.rollup_xlsx): figures only, each row
    naming its bureau; written to the activity log. Not found for a bureau with none below."""
    bureau = _bureau()
    if not rollups.has_below(bureau):
        raise Http404(_("本局没有下级信访局。"))
    year = _year(request, bureau)
    data = rollups.rollup_data(bureau, year)
    what = _("下级信访局汇总与排名")
    return _workbook(request, bureau, year, exports.rollup_xlsx(bureau, data), data.today, what, what)


def _workbook(request, bureau, year: int, content: bytes, day, name: str, logged: str) -> HttpResponse:
    """An Excel download of the dashboard's figures, written to the activity log as `logged`,
    named "<bureau><year>年<name>-<day>.xlsx"."""
    log_action(
        Dashboard,
        user=request.user,
        action=AuditEntry.Action.EXPORT,
        detail=_("%(year)s年%(what)s（Excel）") % {"year": year, "what": logged},
        bureau_id=bureau.pk,
    )
    filename = _("%(bureau)s%(year)s年%(name)s-%(day)s.xlsx") % {
        "bureau": bureau.name,
        "year": year,
        "name": name,
        "day": day.isoformat(),
    }
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@permission_required(DASHBOARD, raise_exception=True)
def rollup_bureau(request, bureau_id: int):
    """One bureau below the user's: its figure cards, never its records. Not found for a bureau
    that is not below the user's."""
    bureau = _bureau()
    if not rollups.is_below(bureau, bureau_id):
        raise Http404(_("没有这个下级信访局。"))
    lower = Bureau.objects.get(pk=bureau_id)
    year = _year(request, bureau)
    data = rollups.rollup_data(lower, year)
    context = {
        "bureau": bureau,
        "lower": lower,
        "year": year,
        "data": data,
        "rows": rollups.rows(data, lambda pk: ""),
        "has_below": bool(data.lower),
    }
    return render(request, "indicators/rollup_bureau.html", context)


def _bureau() -> Bureau:
    try:
        return Bureau.current()
    except Bureau.DoesNotExist as exc:
        raise Http404(str(exc)) from exc


def _year(request, bureau: Bureau) -> int:
    """The year in the address (?year=2024), or the latest year with records."""
    value = request.GET.get("year", "").strip()
    if not value:
        return service.default_year(service.record_years(bureau.pk), local_today())
    if not re.fullmatch(r"[0-9]{4}", value) or not service.MIN_YEAR <= int(value) <= service.MAX_YEAR:
        raise Http404(
            _("年度应为 %(min)s 至 %(max)s 之间的四位数字。") % {"min": service.MIN_YEAR, "max": service.MAX_YEAR}
        )
    return int(value)


def _unit(request, bureau: Bureau, indicator: registry.Indicator) -> Unit | None:
    value = request.GET.get("unit", "").strip()
    if not value:
        return None
    # Bounded length: an id beyond 64 bits would overflow the database's integer.
    if not re.fullmatch(r"[0-9]{1,18}", value) or not indicator.source.unit_field:
        raise Http404(_("该指标不按责任单位统计，或单位参数无效。"))
    unit = Unit.objects.filter(bureau=bureau, pk=int(value)).first()
    if unit is None:
        raise Http404(_("没有这个责任单位。"))
    return unit


REFERENCE_PERMISSION = "indicators.change_referencefigure"


@permission_required(REFERENCE_PERMISSION, raise_exception=True)
def reference_figures(request):
    """The reference figures of a year (全省平均, 全省排名, 其他系统的数字), and a form to add one."""
    bureau = _bureau()
    year = _year(request, bureau)
    form = references.ReferenceFigureForm(request.POST or None, bureau=bureau, year=year)
    if request.method == "POST" and form.is_valid():
        figure = references.save(form, user=request.user)
        messages.success(request, _("已保存：%(figure)s。") % {"figure": figure})
        return redirect(f"{reverse('indicators:references')}?year={year}")
    context = {
        "bureau": bureau,
        "year": year,
        "years": service.year_choices(service.record_years(bureau.pk), year, local_today()),
        "figures": references.of_year(bureau.pk, year),
        "form": form,
    }
    return render(request, "indicators/references.html", context, status=400 if form.errors else 200)


@permission_required(REFERENCE_PERMISSION, raise_exception=True)
def reference_figure_edit(request, pk: int):
    """Change one reference figure, or (POST with `delete`) remove it; another bureau's is not
    found."""
    _bureau()
    figure = get_object_or_404(ReferenceFigure, pk=pk)
    back = f"{reverse('indicators:references')}?year={figure.year}"
    if request.method == "POST" and "delete" in request.POST:
        references.delete(figure, user=request.user)
        messages.success(request, _("已删除：%(figure)s。") % {"figure": figure})
        return redirect(back)
    form = references.ReferenceFigureForm(request.POST or None, instance=figure, bureau=figure.bureau, year=figure.year)
    if request.method == "POST" and form.is_valid():
        references.save(form, user=request.user)
        messages.success(request, _("已保存：%(figure)s。") % {"figure": figure})
        return redirect(back)
    context = {"figure": figure, "form": form, "year": figure.year, "back": back}
    return render(request, "indicators/reference_edit.html", context, status=400 if form.errors else 200)
