"""Figures of whole bureau-years, computed once and kept: what a roll-up over many bureaus, and a
bureau's own dashboard, read.

A province's roll-up would otherwise count every record of every county, twice (this year and
last) — seconds over five million cases; a county's dashboard counts its million cases by unit
and by month. Instead each bureau's year is computed once, stored in `BureauFigures` (in total;
per responsible unit and per month once the dashboard has asked), and read back with one query
while it is current:

- every writer of records marks the bureau-years it touched out of date (`outdate`, from
  `indicators.cache.invalidate`), inside its own transaction, by raising their `version`;
- a reader uses a stored year whose `computed_version` equals its `version` and, for a year
  whose deadlines may still be running (this year and last), whose `as_of` is the day asked
  about; it computes the others in one grouped query (`compute.compute_by_bureau`) and stores
  them only if no writer raised the version meanwhile (a conditional UPDATE), so a figure that
  raced a write is used once and never kept.

`manage.py refresh_figures` computes every bureau's current years at night, so the first roll-up
of the day finds them stored.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .compute import Figure, compute_by_bureau, compute_year
from .models import BureauFigures
from .registry import BY_KEY, INDICATORS, Period

Counts = dict[str, list[int | None]]


def settled(year: int, as_of: datetime.date) -> bool:
    """Whether every deadline of `year`'s records has passed by `as_of`: from the second January
    after it (the longest stage, handling and then review, ends well within a year)."""
    return as_of >= datetime.date(year + 2, 1, 1)


def _current(row: BureauFigures, as_of: datetime.date) -> bool:
    if row.computed_version != row.version or row.as_of is None:
        return False
    return row.as_of == as_of or (settled(row.year, row.as_of) and settled(row.year, as_of))


def _counts(figures: dict[str, Figure]) -> Counts:
    return {key: [f.numerator, f.denominator] for key, f in figures.items()}


def _figures(counts: Counts) -> dict[str, Figure]:
    return {key: Figure(BY_KEY[key], n, d) for key, (n, d) in counts.items() if key in BY_KEY}


def _whole_year(period: Period) -> bool:
    year = period.start.year
    return (period.start, period.end) == (datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def _by(stored: dict) -> dict[int, dict[str, Figure]]:
    return {int(part): _figures(counts) for part, counts in stored.items()}


@dataclass(frozen=True)
class BureauYear:
    """One bureau's year: every figure, the per-unit ones per responsible unit (indicators
    declared `per_unit`) and the monthly ones per month 1–12 (declared `monthly`)."""

    figures: dict[str, Figure]
    by_unit: dict[int, dict[str, Figure]]
    by_month: dict[int, dict[str, Figure]]


def bureau_year(bureau_id: int, period: Period) -> BureauYear:
    """The bureau's year (a whole-year period), read where stored and current, else counted —
    in total, per unit and per month — and stored unless a write raced it."""
    if not _whole_year(period):
        raise ValueError("only a whole year is stored")
    year = period.start.year
    row = _rows([bureau_id], year)[bureau_id]
    if _current(row, period.as_of) and row.by_unit is not None and row.by_month is not None:
        return BureauYear(_figures(row.counts), _by(row.by_unit), _by(row.by_month))
    version = row.version
    counted = BureauYear(
        *compute_year(
            bureau_id,
            period,
            unit_keys={i.key for i in INDICATORS if i.per_unit},
            month_keys={i.key for i in INDICATORS if i.monthly},
        )
    )
    BureauFigures.objects.filter(bureau_id=bureau_id, year=year, version=version).update(
        computed_version=version,
        as_of=period.as_of,
        counts=_counts(counted.figures),
        by_unit={str(pk): _counts(f) for pk, f in counted.by_unit.items()},
        by_month={str(m): _counts(f) for m, f in counted.by_month.items()},
    )
    return counted


def figures_by_bureau(bureau_ids, period: Period) -> dict[int, dict[str, Figure]]:
    """Every figure of each bureau for `period`, as `compute.compute_by_bureau` gives it: read
    from the stored years where they are current, computed (and stored) where not. Periods other
    than a whole year are computed. Call within `cases.scoping.within(bureau_ids)`."""
    ids = list(bureau_ids)
    year = period.start.year
    if not _whole_year(period):
        return compute_by_bureau(ids, period)
    rows = _rows(ids, year)
    result = {pk: _figures(rows[pk].counts) for pk in ids if _current(rows[pk], period.as_of)}
    missing = [pk for pk in ids if pk not in result]
    if missing:
        versions = {pk: rows[pk].version for pk in missing}
        computed = compute_by_bureau(missing, period)
        for pk, figures in computed.items():
            # The totals only: the per-unit and per-month figures are the dashboard's to count.
            BureauFigures.objects.filter(bureau_id=pk, year=year, version=versions[pk]).update(
                computed_version=versions[pk], as_of=period.as_of, counts=_counts(figures), by_unit=None, by_month=None
            )
        result.update(computed)
    return result


def _rows(ids: list[int], year: int) -> dict[int, BureauFigures]:
    """The stored row of each bureau's year, the missing ones made first (together; another
    reader may make some of them meanwhile)."""
    rows = {r.bureau_id: r for r in BureauFigures.objects.filter(bureau_id__in=ids, year=year)}
    new = [pk for pk in ids if pk not in rows]
    if new:
        BureauFigures.objects.bulk_create([BureauFigures(bureau_id=pk, year=year) for pk in new], ignore_conflicts=True)
        rows.update({r.bureau_id: r for r in BureauFigures.objects.filter(bureau_id__in=new, year=year)})
    return rows
