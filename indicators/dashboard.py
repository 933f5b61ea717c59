"""The bureau head's dashboard: what it shows and where each number comes from.

`dashboard_data()` gathers everything from the database in a fixed number of queries and keeps it
in the cache (see `indicators.cache`) as plain values; `page_context()` turns those values into
cards, rows and charts without touching the database again. Every figure comes from
`indicators.compute` (or, for the monthly trends, from the registry's own filters and
aggregates); nothing here counts records its own way. What is shown where — sections, the
per-unit table's columns, the trend charts, which way a rate should move — is declared on each
indicator and its source in `indicators.registry`; nothing here lists indicators.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.apps import apps
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import tree
from cases.deadlines import HolidayCalendar, due_soon_cutoff
from cases.models import Bureau, PetitionCase, Unit
from cases.models.base import YearQuerySet, local_today
from cases.models.petitions import Stage

from . import cache, charts, compute, numbers, references, registry, store
from .compute import Figure
from .registry import Period

Counts = tuple[int, int | None]  # (numerator, denominator): a Figure without its indicator

# Reasonable bounds for a year in the address; outside them Period arithmetic is meaningless.
MIN_YEAR, MAX_YEAR = 1990, 2100

DEADLINE_LIST_LIMIT = 20

# Data (cached) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    """An open petition item with the stage that is overdue or due soon."""

    pk: int
    number: str
    received_on: datetime.date
    unit: str
    stage: str
    due_on: datetime.date | None
    days: int  # days past the due date (overdue) or left until it (due soon)


@dataclass(frozen=True)
class DashboardData:
    year: int
    today: datetime.date
    figures: dict[str, Counts]
    previous: dict[str, Counts]
    units: list[tuple[int, str, str]]  # (id, name, kind label), in the bureau's order
    by_unit: dict[int, dict[str, Counts]]
    monthly: dict[str, list[int | None]]
    overdue: list[CaseRow]
    overdue_total: int
    due_soon: list[CaseRow]
    due_soon_total: int
    warnings: list[str] = field(default_factory=list)
    unit_heading: str = ""  # the per-unit table's title: "各乡镇（街道）和县直部门"
    previous_by_unit: dict[int, dict[str, Counts]] = field(default_factory=dict)  # last year's, per unit
    number_format: numbers.NumberFormat = numbers.DEFAULT  # the bureau's (indicators.numbers)
    province: dict[str, Decimal] = field(default_factory=dict)  # rates' province averages, as typed


def record_years(bureau_id: int) -> list[int]:
    """Years in which any ledger of the bureau has a record, latest first (cached until any
    record of the bureau changes)."""
    return cache.get_or_build(
        f"years:{bureau_id}", lambda: _record_years(bureau_id), bureau_id=bureau_id, every_year=True
    )


def _record_years(bureau_id: int) -> list[int]:
    """The first and the last year of every ledger (the year selector spans them, gaps
    included), from index seeks: a UNION of EXTRACT(YEAR) over every row took seconds at a
    million cases."""
    years = set()
    for model in apps.get_app_config("cases").get_models():
        if not isinstance(model.objects.all(), YearQuerySet):
            continue
        span = model.objects.filter(bureau_id=bureau_id).year_span()
        if span:
            years.update(span)
    return sorted(years, reverse=True)


def year_choices(years: list[int], year: int, today: datetime.date) -> list[int]:
    """Every year from the first with records to this one (gaps included: a year without records
    is a real answer), plus the year asked for, latest first."""
    known = {*years, year, today.year}
    return list(range(max(known), min(known) - 1, -1))


def default_year(years: list[int], today: datetime.date) -> int:
    return years[0] if years else today.year


def dashboard_data(bureau: Bureau, year: int, today: datetime.date | None = None) -> DashboardData:
    """Everything the dashboard shows for `year`, as plain values, from two cached parts: the
    figures (per bureau, year and day; dropped by a change of the bureau's records of this year
    or the last) and the deadline lists (per bureau and day; dropped by any change of its
    records, whatever their year: an open case of any year may be overdue)."""
    today = today or local_today()
    figures = cache.get_or_build(
        f"dashboard:{bureau.pk}:{year}:{today}",
        lambda: _build(bureau, year, today),
        bureau_id=bureau.pk,
        years=[year, year - 1],
    )
    overdue, overdue_total, due_soon, due_soon_total, warnings = deadline_lists(bureau, today)
    return replace(
        figures,
        overdue=overdue,
        overdue_total=overdue_total,
        due_soon=due_soon,
        due_soon_total=due_soon_total,
        warnings=warnings,
    )


def deadline_lists(bureau: Bureau, today: datetime.date):
    """(overdue, overdue_total, due_soon, due_soon_total, warnings) of the bureau's open cases
    (cached per bureau and day until any of its records changes)."""
    return cache.get_or_build(
        f"deadlines:{bureau.pk}:{today}",
        lambda: _deadlines(bureau, today, bureau.calendar()),
        bureau_id=bureau.pk,
        every_year=True,
    )


def _counts(figures: dict[str, Figure]) -> dict[str, Counts]:
    return {key: (f.numerator, f.denominator) for key, f in figures.items()}


# The per-unit table's order of kinds: a city's counties (or a county's townships) first, as the
# reports list them, then the departments; the bureau's own level last, and only if some record
# names it (it is there for the 路线图 posted at county level, not for handling cases).
UNIT_KINDS = [Unit.Kind.DISTRICT, Unit.Kind.TOWNSHIP, Unit.Kind.DEPARTMENT, Unit.Kind.COUNTY]
_DEPARTMENTS = {Bureau.Level.PROVINCE: gettext_lazy("省直部门"), Bureau.Level.CITY: gettext_lazy("市直部门")}
_OWN_LEVEL = {Bureau.Level.PROVINCE: gettext_lazy("省级"), Bureau.Level.CITY: gettext_lazy("市级")}


def unit_kind_label(kind: str, level: str) -> str:
    """A kind of unit as the bureau's level names it: a city's departments are 市直部门."""
    if kind == Unit.Kind.DEPARTMENT and level in _DEPARTMENTS:
        return str(_DEPARTMENTS[level])
    if kind == Unit.Kind.COUNTY and level in _OWN_LEVEL:
        return str(_OWN_LEVEL[level])
    return str(Unit.Kind(kind).label)


def unit_heading(kinds: set[str], level: str) -> str:
    """The per-unit table's title, from the kinds it shows (or, with no units yet, those the
    level usually has): "各乡镇（街道）和县直部门", "各县（市、区）和市直部门"."""
    shown = [k for k in UNIT_KINDS[:3] if k in kinds]
    if not shown:
        shown = (
            [Unit.Kind.TOWNSHIP, Unit.Kind.DEPARTMENT]
            if level == Bureau.Level.COUNTY
            else [Unit.Kind.DISTRICT, Unit.Kind.DEPARTMENT]
        )
    labels = [unit_kind_label(k, level) for k in shown]
    joined = labels[0] if len(labels) == 1 else "、".join(labels[:-1]) + _("和") + labels[-1]
    return _("各%(kinds)s") % {"kinds": joined}


def _build(bureau: Bureau, year: int, today: datetime.date) -> DashboardData:
    period = Period.year(year, as_of=today)
    units = sorted(
        Unit.objects.filter(bureau=bureau).values_list("pk", "name", "kind", "active", "sort_order"),
        key=lambda u: (UNIT_KINDS.index(u[2]) if u[2] in UNIT_KINDS else len(UNIT_KINDS), u[4], u[1]),
    )
    # Read from the stored bureau-year where current, else counted and stored (indicators.store).
    stored = store.bureau_year(bureau.pk, period)
    # Last year's too, per unit as well (the per-unit table's 同比): stored like this year's.
    previous = store.bureau_year(bureau.pk, period.previous_year())
    by_unit = {unit_id: _counts(figures) for unit_id, figures in stored.by_unit.items()}
    shown = [
        (pk, name, kind)
        for pk, name, kind, active, _order in units
        if pk in by_unit or (active and kind != Unit.Kind.COUNTY)
    ]
    return DashboardData(
        year=year,
        today=today,
        figures=_counts(stored.figures),
        previous=_counts(previous.figures),
        previous_by_unit={unit_id: _counts(figures) for unit_id, figures in previous.by_unit.items()},
        units=[(pk, name, unit_kind_label(kind, bureau.level)) for pk, name, kind in shown],
        unit_heading=unit_heading({kind for _pk, _name, kind in shown}, bureau.level),
        by_unit=by_unit,
        number_format=numbers.NumberFormat.of(bureau),
        province=references.province_averages(bureau.pk, year),
        monthly=_monthly(stored.by_month, period, [i.key for i in monthly_indicators()]),
        overdue=[],
        overdue_total=0,
        due_soon=[],
        due_soon_total=0,
    )


def monthly_indicators() -> list[registry.Indicator]:
    """The indicators of the monthly trends (declared `monthly`), in registry order."""
    return [i for i in registry.INDICATORS if i.monthly]


def monthly_counts(bureau_id: int, period: Period, keys=None) -> dict[str, list[int | None]]:
    """Numerator of each indicator (by default those of the monthly trends) per calendar month of
    the period's year: one query grouped by month per source, with the registry's own aggregates.
    Months after `as_of` are None."""
    if keys is None:
        keys = [i.key for i in monthly_indicators()]
    return _monthly(compute.compute_by_month(bureau_id, period, keys=keys), period, keys)


def _monthly(by_month: dict[int, dict[str, Figure]], period: Period, keys) -> dict[str, list[int | None]]:
    reached = [datetime.date(period.start.year, m, 1) <= period.as_of for m in range(1, 13)]
    return {key: [_month_value(by_month.get(m, {}).get(key), reached[m - 1]) for m in range(1, 13)] for key in keys}


def _month_value(figure, reached: bool) -> int | None:
    """A month without records counts 0 once it has begun, nothing (None) before."""
    if figure is not None:
        return figure.numerator
    return 0 if reached else None


def _deadlines(bureau: Bureau, today: datetime.date, calendar: HolidayCalendar):
    days = bureau.due_soon_working_days
    cutoff, warning = due_soon_cutoff(calendar, today, days)
    warnings = [warning] if warning else []
    # Most urgent first, straight from the (bureau, next_due_on) index: the longest overdue, the
    # nearest due date.
    cases = PetitionCase.objects.filter(bureau=bureau).select_related("responsible_unit").order_by("next_due_on", "pk")
    overdue_qs, due_soon_qs = cases.overdue(today), cases.due_soon(today, cutoff)
    overdue = _case_rows(overdue_qs[:DEADLINE_LIST_LIMIT], today, calendar, days, Stage.OVERDUE)
    due_soon = _case_rows(due_soon_qs[:DEADLINE_LIST_LIMIT], today, calendar, days, Stage.DUE_SOON)
    overdue_total = len(overdue) if len(overdue) < DEADLINE_LIST_LIMIT else overdue_qs.count()
    due_soon_total = len(due_soon) if len(due_soon) < DEADLINE_LIST_LIMIT else due_soon_qs.count()
    return overdue, overdue_total, due_soon, due_soon_total, warnings


def _case_rows(cases, today, calendar, due_soon_days: int, state: str) -> list[CaseRow]:
    rows = []
    for case in cases:
        stages = case.stages(today, calendar, due_soon_days)
        pending = [s for s in stages if s.state == state] or [s for s in stages if s.done_on is None] or [None]
        stage = pending[0]
        due_on = stage.due_on if stage else None
        rows.append(
            CaseRow(
                pk=case.pk,
                number=case.number,
                received_on=case.received_on,
                unit=str(case.responsible_unit or "—"),
                stage=stage.label if stage else "—",
                due_on=due_on,
                days=abs((today - due_on).days) if due_on else 0,
            )
        )
    # Most urgent first: the longest overdue, or the nearest due date.
    return sorted(rows, key=lambda r: (r.due_on or today, r.pk))


# Presentation (no queries) -------------------------------------------------------------------


def _figure(indicator: registry.Indicator, counts: Counts | None, fmt=numbers.DEFAULT) -> Figure:
    numerator, denominator = counts or (0, 0)
    return Figure(indicator, numerator, (denominator or 0) if indicator.is_rate else None, fmt)


def year_on_year(current: Figure, previous: Figure) -> tuple[str, str]:
    """(text, direction) of the change from last year, printed the bureau's way (the figures'
    `fmt`; indicators.numbers): percentage points for rates ("+2.50 个百分点"), per cent for
    counts ("+12.50%"); "持平"; "—" when last year gives no base."""
    change = numbers.change(current, previous, current.fmt)
    return numbers.signed(change, current.fmt), change.direction


@dataclass(frozen=True)
class Card:
    figure: Figure
    previous: Figure
    change: str
    direction: str  # "up", "down", "flat" or ""
    verdict: str  # "better", "worse" or "" (counts are neither good nor bad by themselves)
    url: str  # the records of the numerator
    denominator_url: str | None
    versus: str = ""  # against the province's average, if typed in: "高于全省 0.33 个百分点"


@dataclass(frozen=True)
class Section:
    title: str
    cards: list[Card]


def sections() -> dict[str, list[registry.Indicator]]:
    """The registry's indicators by their source's section title, in registry order; a section
    comes where its first indicator does."""
    grouped: dict[str, list[registry.Indicator]] = {}
    for indicator in registry.INDICATORS:
        grouped.setdefault(str(indicator.source.section), []).append(indicator)
    return grouped


def _card(indicator: registry.Indicator, data: DashboardData) -> Card:
    fmt = data.number_format
    current = _figure(indicator, data.figures.get(indicator.key), fmt)
    previous = _figure(indicator, data.previous.get(indicator.key), fmt)
    change, direction = year_on_year(current, previous)
    verdict = ""
    if indicator.is_rate and direction in ("up", "down"):
        verdict = "better" if (direction == "up") != indicator.lower_is_better else "worse"
    denominator_url = current.url(data.year, "denominator") if indicator.is_rate else None
    versus = ""
    if indicator.is_rate and indicator.key in data.province:
        province = data.province[indicator.key]
        versus = references.versus_words(references.versus(current, province, fmt), fmt, spaced=True)
        versus = _("%(versus)s（全省 %(province)s）") % {
            "versus": versus,
            "province": numbers.percent_text(numbers.round2(province, fmt), fmt),
        }
    return Card(current, previous, change, direction, verdict, current.url(data.year), denominator_url, versus)


def cards(data: DashboardData) -> list[Section]:
    return [Section(title, [_card(i, data) for i in indicators]) for title, indicators in sections().items()]


@dataclass(frozen=True)
class UnitChange:
    """A rate of one unit against last year: the per-unit table's 同比 line."""

    previous: Figure
    change: str  # year_on_year()'s text: "+2.50 个百分点", "持平", "—"
    short: str  # the same change without its unit, for the narrow cell: "+2.50"
    direction: str  # "up", "down", "flat" or ""
    verdict: str  # "better", "worse" or ""


def unit_change(current: Figure, previous: Figure) -> UnitChange:
    difference = numbers.change(current, previous, current.fmt)
    change, direction = numbers.signed(difference, current.fmt), difference.direction
    short = numbers.signed(difference, current.fmt, unit=False) if direction in ("up", "down") else change
    verdict = ""
    if direction in ("up", "down"):
        verdict = "better" if (direction == "up") != current.indicator.lower_is_better else "worse"
    return UnitChange(previous, change, short, direction, verdict)


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    name: str
    kind: str
    figures: list[Figure]
    urls: list[str]
    changes: list[UnitChange | None] = field(default_factory=list)  # per column; None for a count

    @property
    def cells(self) -> list[tuple[Figure, str, UnitChange | None]]:
        changes = self.changes or [None] * len(self.figures)
        return list(zip(self.figures, self.urls, changes, strict=True))

    @property
    def rates(self) -> list[Decimal]:
        return [f.percent for f in self.figures if f.is_rate and f.percent is not None]


def unit_columns() -> list[registry.Indicator]:
    """The per-unit table's columns (indicators declared `per_unit`): what the unit handled, then
    how well — counts before rates, each in registry order."""
    return sorted((i for i in registry.INDICATORS if i.per_unit), key=lambda i: i.is_rate)


def unit_rows(data: DashboardData) -> list[UnitRow]:
    """Each township and department, worst first: by its lowest rate, then its average rate;
    units with no rate at all (nothing due yet) come last, in the bureau's order."""
    columns = unit_columns()

    def unit_row(pk: int, name: str, kind: str) -> UnitRow:
        fmt = data.number_format
        figures = [_figure(i, data.by_unit.get(pk, {}).get(i.key), fmt) for i in columns]
        previous = data.previous_by_unit.get(pk, {})
        changes = [
            unit_change(f, _figure(f.indicator, previous.get(f.key), fmt)) if f.is_rate else None for f in figures
        ]
        return UnitRow(pk, name, kind, figures, [f.url(data.year, unit_id=pk) for f in figures], changes)

    rows = [unit_row(*unit) for unit in data.units]

    def worst_first(indexed):
        index, row = indexed
        rates = row.rates
        if not rates:
            return (1, Decimal(0), Decimal(0), index)
        return (0, min(rates), sum(rates) / len(rates), index)

    return [row for _i, row in sorted(enumerate(rows), key=worst_first)]


def monthly_charts(data: DashboardData) -> list[str]:
    """The dashboard's trend charts as SVG strings (the same functions feed the PDF): one per
    source of the `monthly` indicators, several of them side by side. Reads only `data.year` and
    `data.monthly` (as returned by `monthly_counts()`)."""
    by_source: dict[registry.Source, list[registry.Indicator]] = {}
    for indicator in monthly_indicators():
        by_source.setdefault(indicator.source, []).append(indicator)
    svgs = []
    for source, indicators in by_source.items():
        title = _("%(year)s年%(title)s") % {"year": data.year, "title": source.trend_title}
        unit = indicators[0].unit_label
        if len(indicators) == 1:
            svgs.append(charts.monthly_bar_chart(title, data.monthly[indicators[0].key], unit=unit))
        else:
            series = [(str(i.monthly), data.monthly[i.key]) for i in indicators]
            svgs.append(charts.monthly_grouped_bar_chart(title, series, unit=unit))
    return svgs


@dataclass(frozen=True)
class ReportDeadline:
    label: str
    due_on: datetime.date
    days_left: int

    @property
    def status(self) -> str:
        if self.days_left > 0:
            return _("还剩 %(days)s 天") % {"days": self.days_left}
        if self.days_left == 0:
            return _("今天截止")
        return _("已过 %(days)s 天") % {"days": -self.days_left}


def report_deadlines(year: int, today: datetime.date) -> list[ReportDeadline]:
    """The annual report of `year` is reported by 1 March and published by 1 April of the next
    year (《法治政府建设与责任落实督察工作规定》)."""
    return [
        ReportDeadline(label, due_on, (due_on - today).days)
        for label, due_on in (
            (_("报送本级政府和上一级部门"), datetime.date(year + 1, 3, 1)),
            (_("向社会公开"), datetime.date(year + 1, 4, 1)),
        )
    ]


def page_body(bureau: Bureau, year: int, years: list[int]) -> str:
    """The dashboard's content as HTML.

    It is the same for everyone allowed to see it: no petitioner, no form token, nothing that
    depends on the viewer (the page around it, with the user's menu, is rendered per request).
    Its figures — cards, units, trends: ~6,000 template nodes, most of a warm request — are cached
    as HTML per bureau, year and day, like their data; the header and the deadline lists around
    them are rendered each time from their own cached data."""
    data = dashboard_data(bureau, year)
    context = _head_context(bureau, year, years, data)
    context["figures"] = cache.get_or_build(
        f"dashboard-page:{bureau.pk}:{year}:{data.today}",
        lambda: render_to_string("indicators/_dashboard_figures.html", {**context, **_figures_context(data)}),
        bureau_id=bureau.pk,
        years=[year, year - 1],
    )
    return render_to_string("indicators/_dashboard_body.html", context)


def page_context(bureau: Bureau, year: int, years: list[int]) -> dict:
    """Everything the dashboard's templates read."""
    data = dashboard_data(bureau, year)
    return {**_head_context(bureau, year, years, data), **_figures_context(data)}


def _head_context(bureau: Bureau, year: int, years: list[int], data: DashboardData) -> dict:
    return {
        "bureau": bureau,
        "year": year,
        "years": year_choices(years, year, data.today),
        # From the year's own figures: `years` holds only each ledger's first and last year.
        "has_records": any(n or d for n, d in data.figures.values()),
        "has_below": bool(tree.children(cache.bureau_tree(), bureau.pk)),
        "today": data.today,
        "data": data,
        "report_deadlines": report_deadlines(year, data.today),
    }


def _figures_context(data: DashboardData) -> dict:
    return {
        "sections": cards(data),
        "unit_columns": unit_columns(),
        "unit_rows": unit_rows(data),
        "charts": monthly_charts(data),
    }
