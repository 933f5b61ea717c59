"""A city's or province's figures over the bureaus below it: totals, side by side, ranked.

Numbers only. Every figure comes from `compute.compute_by_bureau()` (one query per source, grouped
by bureau) run within `cases.scoping.within()` the bureau's lineage; nothing here lists a record
or a person. A total adds numerators and denominators and recomputes the rate from the sums
(never an average of rates). A bureau below with bureaus of its own (a city under a province)
stands in its column with its whole lineage added up.

Ranks: for each rate, among the bureaus directly below: 1 is the best (the highest rate, or the
lowest for `lower_is_better`), bureaus with the same rate (as published, two decimals) share a
rank and the next rank skips (1, 1, 3), a bureau with nothing to count (no denominator) has no
rank ("—").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cases import tree
from cases.models import Bureau
from cases.models.base import local_today
from cases.scoping import within

from . import cache, compute, numbers, registry, store
from .compute import Figure
from .dashboard import year_on_year
from .registry import Period

Counts = tuple[int, int | None]


def lineage(bureau: Bureau) -> list[int]:
    """The bureau and every bureau below it."""
    return tree.lineage(cache.bureau_tree(), bureau.pk)


def has_below(bureau: Bureau) -> bool:
    return bool(tree.children(cache.bureau_tree(), bureau.pk))


def is_below(bureau: Bureau, other_id: int) -> bool:
    """Whether `other_id` is a bureau below `bureau` (at any depth)."""
    return other_id in tree.below(cache.bureau_tree(), bureau.pk)


def _by_bureau(ids: list[int], period: Period) -> dict[int, dict[str, Figure]]:
    """Each bureau's figures: its stored year where current, else counted (indicators.store)."""
    with within(ids):
        return store.figures_by_bureau(ids, period)


def rollup_figures(bureau: Bureau, period: Period) -> dict[str, Figure]:
    """Every indicator over the bureau and every bureau below it (a city's own report): one
    query per source."""
    ids = lineage(bureau)
    return compute.add(list(_by_bureau(ids, period).values()))


@dataclass(frozen=True)
class RollupData:
    """What the roll-up pages show, as plain values (cached)."""

    year: int
    today: datetime.date
    own: dict[str, Counts]
    total: dict[str, Counts]  # the bureau and every bureau below
    below: dict[str, Counts]  # every bureau below
    lower: list[tuple[int, str]]  # (id, name) of the bureaus directly below, by name
    by_lower: dict[int, dict[str, Counts]]  # each with every bureau below it added
    previous_own: dict[str, Counts]
    previous_total: dict[str, Counts]
    previous_below: dict[str, Counts]
    previous_by_lower: dict[int, dict[str, Counts]]
    number_format: numbers.NumberFormat = numbers.DEFAULT  # the bureau's (indicators.numbers)


def _counts(figures: dict[str, Figure]) -> dict[str, Counts]:
    return {key: (f.numerator, f.denominator) for key, f in figures.items()}


def rollup_data(bureau: Bureau, year: int, today: datetime.date | None = None) -> RollupData:
    """The roll-up of `year` (and of the year before, for year on year), cached per bureau, year
    and day until a record of the bureau or of one below it in either year changes."""
    today = today or local_today()
    return cache.get_or_build(
        f"rollup:{bureau.pk}:{year}:{today}",
        lambda: _build(bureau, year, today),
        bureau_id=bureau.pk,
        rollup_years=[year, year - 1],
    )


def _build(bureau: Bureau, year: int, today: datetime.date) -> RollupData:
    bureaus = cache.bureau_tree()
    ids = tree.lineage(bureaus, bureau.pk)
    lower_ids = tree.children(bureaus, bureau.pk)
    names = dict(Bureau.objects.filter(pk__in=lower_ids).values_list("pk", "name"))
    period = Period.year(year, as_of=today)
    parts = {}
    for name, p in (("current", period), ("previous", period.previous_year())):
        figures = _by_bureau(ids, p)
        parts[name] = {
            "own": _counts(figures[bureau.pk]),
            "total": _counts(compute.add(list(figures.values()))),
            "below": _counts(compute.add([figures[pk] for pk in ids if pk != bureau.pk])),
            "by_lower": {pk: _counts(compute.add([figures[d] for d in tree.lineage(bureaus, pk)])) for pk in lower_ids},
        }
    current, previous = parts["current"], parts["previous"]
    return RollupData(
        year=year,
        today=today,
        own=current["own"],
        total=current["total"],
        below=current["below"],
        lower=sorted(((pk, names.get(pk, str(pk))) for pk in lower_ids), key=lambda b: (b[1], b[0])),
        by_lower=current["by_lower"],
        previous_own=previous["own"],
        previous_total=previous["total"],
        previous_below=previous["below"],
        previous_by_lower=previous["by_lower"],
        number_format=numbers.NumberFormat.of(bureau),
    )


def figure(indicator: registry.Indicator, counts: Counts | None, fmt=numbers.DEFAULT) -> Figure:
    numerator, denominator = counts or (0, 0)
    return Figure(indicator, numerator, (denominator or 0) if indicator.is_rate else None, fmt)


def ranks(figures: dict[int, Figure]) -> dict[int, int | None]:
    """The rank of each bureau's rate (see the module's docstring): 1 the best, ties shared,
    None without a denominator. Counts are not ranked."""
    result: dict[int, int | None] = dict.fromkeys(figures)
    values = {pk: f.percent for pk, f in figures.items() if f.is_rate and f.percent is not None}
    if not values:
        return result
    lower_is_better = next(iter(figures.values())).indicator.lower_is_better
    for pk, value in values.items():
        better = sum(1 for other in values.values() if (other < value if lower_is_better else other > value))
        result[pk] = better + 1
    return result


@dataclass(frozen=True)
class Cell:
    figure: Figure
    previous: Figure
    rank: int | None = None
    previous_rank: int | None = None
    url: str | None = None  # the lower bureau's figure page

    @property
    def change(self) -> str:
        """Year on year: percentage points for a rate, per cent for a count."""
        return year_on_year(self.figure, self.previous)[0]


@dataclass(frozen=True)
class Row:
    indicator: registry.Indicator
    own: Cell
    below: Cell
    total: Cell
    lower: list[Cell]


def rows(data: RollupData, page_url) -> list[Row]:
    """One row per indicator, in registry order: the bureau's own figure, the total below, the
    total with itself, and each bureau directly below with its rank this year and last.
    `page_url(bureau_id)` is the address of a lower bureau's figure page."""
    result = []
    fmt = data.number_format
    for indicator in registry.INDICATORS:
        key = indicator.key
        current = {pk: figure(indicator, data.by_lower.get(pk, {}).get(key), fmt) for pk, _name in data.lower}
        previous = {pk: figure(indicator, data.previous_by_lower.get(pk, {}).get(key), fmt) for pk, _name in data.lower}
        rank, previous_rank = ranks(current), ranks(previous)
        lower = [
            Cell(current[pk], previous[pk], rank[pk], previous_rank[pk], f"{page_url(pk)}#row-{key}")
            for pk, _name in data.lower
        ]
        result.append(
            Row(
                indicator,
                Cell(figure(indicator, data.own.get(key), fmt), figure(indicator, data.previous_own.get(key), fmt)),
                Cell(figure(indicator, data.below.get(key), fmt), figure(indicator, data.previous_below.get(key), fmt)),
                Cell(figure(indicator, data.total.get(key), fmt), figure(indicator, data.previous_total.get(key), fmt)),
                lower,
            )
        )
    return result
