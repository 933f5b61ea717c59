"""Figures from records: one aggregate query per source for the whole registry.

`compute()` returns a `Figure` for every indicator (its value, and `Figure.url()` the link to
the records it counts); `compute_by_unit()` the same per responsible unit. Both read only
`registry.INDICATORS` and never compute a figure any other way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Count, Expression, IntegerField, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.urls import reverse
from django.utils.http import urlencode

from . import numbers, registry
from .numbers import NumberFormat
from .registry import INDICATORS, Indicator, Period

DASH = numbers.DASH


def percent(numerator: int, denominator: int, fmt: NumberFormat = numbers.DEFAULT) -> Decimal | None:
    """numerator ÷ denominator as a percentage, two decimals (see indicators.numbers); None for
    a zero denominator (shown as "—", never as 0% or 100%)."""
    return numbers.percent(numerator, denominator, fmt)


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    numerator: int
    denominator: int | None = None
    # How the bureau prints it (indicators.numbers): rounding, and "100%" or "100.00%".
    fmt: NumberFormat = field(default=numbers.DEFAULT, compare=False, repr=False)

    def formatted(self, fmt: NumberFormat) -> Figure:
        """The same figure printed the bureau's way."""
        return self if fmt == self.fmt else replace(self, fmt=fmt)

    @property
    def key(self) -> str:
        return self.indicator.key

    @property
    def label(self) -> str:
        return self.indicator.label

    @property
    def is_rate(self) -> bool:
        return self.indicator.is_rate

    @property
    def percent(self) -> Decimal | None:
        return percent(self.numerator, self.denominator or 0, self.fmt) if self.is_rate else None

    @property
    def value(self) -> Decimal | int | None:
        return self.percent if self.is_rate else self.numerator

    @property
    def display(self) -> str:
        """The figure as printed everywhere: "80.25%", "100%" (or "100.00%"), "157", or "—"."""
        if self.is_rate:
            return numbers.percent_text(self.percent, self.fmt)
        return str(self.numerator)

    def url(self, year: int, part: str = "numerator", unit_id: int | None = None) -> str:
        """The address of the records behind the figure, or behind a rate's denominator
        (`part="denominator"`), optionally of one responsible unit:
        /indicators/<key>/?year=…&part=…[&unit=…]. Every link to records is made here."""
        query = {"year": year, "part": part, **({"unit": unit_id} if unit_id else {})}
        return f"{reverse('indicators:records', args=[self.key])}?{urlencode(query)}"

    def as_json(self) -> dict | int:
        if self.is_rate:
            p = self.percent
            return {
                "numerator": self.numerator,
                "denominator": self.denominator,
                "percent": None if p is None else str(p),
            }
        return self.numerator


class _One(Expression):
    """The literal 1, written into the SQL rather than bound as a parameter."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection):
        return "1", ()


class CountRows(Count):
    """COUNT(*) FILTER (WHERE …): rows matching a filter. Django's Count("pk") reads the key of
    every row (a third slower on SQLite at 200,000 cases) and refuses "*" with a filter."""

    def __init__(self, filter=None):
        super().__init__(_One(), filter=filter)

    def as_sql(self, compiler, connection, **extra):
        if connection.features.supports_aggregate_filter_clause or self.filter is None:
            star = self.copy()
            star.template = "COUNT(*)"
            return super(CountRows, star).as_sql(compiler, connection, **extra)
        return super().as_sql(compiler, connection, **extra)  # COUNT(CASE WHEN … THEN 1 END)


def _aggregates(indicators: list[Indicator], period: Period) -> dict[str, object]:
    exprs = {}
    for ind in indicators:
        num_q = ind.numerator_q(period)
        if ind.sum_field:
            exprs[f"{ind.key}__n"] = Coalesce(Sum(ind.sum_field, filter=num_q or None), 0)
        else:
            exprs[f"{ind.key}__n"] = CountRows(filter=num_q or None)
        if ind.is_rate:
            exprs[f"{ind.key}__d"] = CountRows(filter=ind.denominator_q(period) or None)
    return exprs


def _by_source(indicators) -> dict[registry.Source, list[Indicator]]:
    groups: dict[registry.Source, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        groups[ind.source].append(ind)
    return groups


def _figures(indicators, row: dict) -> dict[str, Figure]:
    return {
        i.key: Figure(
            i,
            int(row.get(f"{i.key}__n") or 0),
            int(row.get(f"{i.key}__d") or 0) if i.is_rate else None,
        )
        for i in indicators
    }


def compute(bureau_id: int, period: Period, *, unit_id: int | None = None, keys=None) -> dict[str, Figure]:
    """Every indicator (or those named in `keys`) for the period: one query per source.

    With `unit_id`, only records of that responsible unit count, and indicators whose source has
    no unit are left out (a unit has no volunteers of its own)."""
    wanted = [i for i in INDICATORS if keys is None or i.key in keys]
    figures: dict[str, Figure] = {}
    for source, inds in _by_source(wanted).items():
        qs = source.queryset(bureau_id, period)
        if unit_id is not None:
            if not source.unit_field:
                continue
            qs = qs.filter(**{f"{source.unit_field}_id": unit_id})
        figures.update(_figures(inds, qs.aggregate(**_aggregates(inds, period))))
    return {i.key: figures[i.key] for i in wanted if i.key in figures}


class MonthOfDate(ExtractMonth):
    """The month (1–12) of a date column. SQLite stores dates as ISO text, so there it is the
    text's sixth and seventh characters: Django's EXTRACT calls a Python function for every row
    (3.4 s over a year of a million cases, most of a cold dashboard)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(SUBSTR({sql}, 6, 2) AS INTEGER)", params


def compute_by_month(bureau_id: int, period: Period, *, keys) -> dict[int, dict[str, Figure]]:
    """Figures of the dated sources per calendar month (1–12): one grouped query per source.
    Months without a record are absent."""
    wanted = [i for i in INDICATORS if i.key in keys]
    result: dict[int, dict[str, Figure]] = defaultdict(dict)
    for source, inds in _by_source(wanted).items():
        if not source.month_field:
            raise ValueError(f"{source.key} has no date to place its records in a month")
        rows = (
            source.queryset(bureau_id, period)
            .annotate(month=MonthOfDate(source.month_field))
            .values("month")
            .annotate(**_aggregates(inds, period))
            .order_by()
        )
        for row in rows:
            # int(): PostgreSQL's EXTRACT gives a numeric, which arrives as a Decimal.
            result[int(row["month"])].update(_figures(inds, row))
    return dict(result)


def compute_by_unit(bureau_id: int, period: Period, *, keys=None) -> dict[int, dict[str, Figure]]:
    """Figures of the unit-bearing sources per responsible unit id: one grouped query per source."""
    wanted = [i for i in INDICATORS if (keys is None or i.key in keys) and i.source.unit_field]
    result: dict[int, dict[str, Figure]] = defaultdict(dict)
    for source, inds in _by_source(wanted).items():
        field = f"{source.unit_field}_id"
        rows = (
            source.queryset(bureau_id, period)
            .filter(**{f"{field}__isnull": False})
            .values(field)
            .annotate(**_aggregates(inds, period))
            .order_by()
        )
        for row in rows:
            result[row[field]].update(_figures(inds, row))
    return dict(result)


def compute_year(
    bureau_id: int, period: Period, *, unit_keys, month_keys, of_source: registry.Source | None = None, records=None
) -> tuple[dict[str, Figure], dict[int, dict[str, Figure]], dict[int, dict[str, Figure]]]:
    """Every figure of the period, those in `unit_keys` per responsible unit and those in
    `month_keys` per month — what compute(), compute_by_unit() and compute_by_month() give, from
    one grouped query per source instead of up to three scans of it. Every aggregate is a count or
    a sum, so the groups (unit × month) add up to the units, the months and the whole.

    With `of_source` and `records` (a queryset of some of that source's records of the bureau and
    period), what those records add to them: indicators.store keeps a stored year current by the
    records' share before and after a write, or from one day to the next."""
    total: dict[str, Figure] = {}
    by_unit: dict[int, dict[str, Figure]] = defaultdict(dict)
    by_month: dict[int, dict[str, Figure]] = defaultdict(dict)
    wanted = INDICATORS if of_source is None else [i for i in INDICATORS if i.source is of_source]
    for source, inds in _by_source(wanted).items():
        unit_field = f"{source.unit_field}_id" if source.unit_field else None
        qs = source.queryset(bureau_id, period) if records is None else records
        group = []
        if unit_field:
            group.append(unit_field)
        if source.month_field:
            qs = qs.annotate(month=MonthOfDate(source.month_field))
            group.append("month")
        rows = list(qs.values(*group).annotate(**_aggregates(inds, period)).order_by()) if group else []
        if not group:
            rows = [qs.aggregate(**_aggregates(inds, period))]
        total.update(_figures(inds, _sum_rows(rows)))
        if unit_field:
            unit_inds = [i for i in inds if i.key in unit_keys]
            for unit_id, part in _split(rows, unit_field).items():
                if unit_id is not None and unit_inds:
                    by_unit[unit_id].update(_figures(unit_inds, _sum_rows(part)))
        if source.month_field:
            month_inds = [i for i in inds if i.key in month_keys]
            for month, part in _split(rows, "month").items():
                if month_inds:
                    by_month[int(month)].update(_figures(month_inds, _sum_rows(part)))
    return total, dict(sorted(by_unit.items())), dict(sorted(by_month.items()))


def _split(rows: list[dict], field: str) -> dict:
    parts: dict = defaultdict(list)
    for row in rows:
        parts[row[field]].append(row)
    return parts


def _sum_rows(rows: list[dict]) -> dict[str, int]:
    summed: dict[str, int] = defaultdict(int)
    for row in rows:
        for name, value in row.items():
            if name.endswith(("__n", "__d")):
                summed[name] += int(value or 0)
    return summed


def compute_by_bureau(bureau_ids, period: Period, *, keys=None) -> dict[int, dict[str, Figure]]:
    """Every indicator (or those in `keys`) for each of several bureaus: one query per source,
    grouped by the records' bureau. Every bureau asked for has every figure (zero where it has no
    records). The caller runs it within `cases.scoping.within(bureau_ids)`: numbers only."""
    ids = list(bureau_ids)
    wanted = [i for i in INDICATORS if keys is None or i.key in keys]
    result: dict[int, dict[str, Figure]] = {pk: _figures(wanted, {}) for pk in ids}
    if not ids:
        return result
    for source, inds in _by_source(wanted).items():
        field = f"{source.bureau_field}_id"
        rows = source.queryset_of(ids, period).values(field).annotate(**_aggregates(inds, period)).order_by()
        for row in rows:
            result[row[field]].update(_figures(inds, row))
    return {pk: {i.key: figures[i.key] for i in wanted} for pk, figures in result.items()}


def add(figures: list[dict[str, Figure]]) -> dict[str, Figure]:
    """The figures of several bureaus as one: numerators and denominators added, a rate
    recomputed from the sums (never an average of rates)."""
    total: dict[str, Figure] = {}
    for one in figures:
        for key, f in one.items():
            before = total.get(key)
            if before is None:
                total[key] = f
            else:
                denominator = None if f.denominator is None else (before.denominator or 0) + f.denominator
                total[key] = Figure(f.indicator, before.numerator + f.numerator, denominator)
    return total
