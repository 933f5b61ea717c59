"""Figures of whole bureau-years, computed once and kept: what a roll-up over many bureaus reads.

A province's roll-up would otherwise count every record of every county, twice (this year and
last) — seconds over five million cases. Instead each bureau's year is computed once, stored in
`BureauFigures`, and read back with one query while it is current:

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

from django.db import IntegrityError, transaction

from .compute import Figure, compute_by_bureau
from .models import BureauFigures
from .registry import BY_KEY, Period

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


def figures_by_bureau(bureau_ids, period: Period) -> dict[int, dict[str, Figure]]:
    """Every figure of each bureau for `period`, as `compute.compute_by_bureau` gives it: read
    from the stored years where they are current, computed (and stored) where not. Periods other
    than a whole year are computed. Call within `cases.scoping.within(bureau_ids)`."""
    ids = list(bureau_ids)
    year = period.start.year
    if (period.start, period.end) != (datetime.date(year, 1, 1), datetime.date(year, 12, 31)):
        return compute_by_bureau(ids, period)
    rows = {row.bureau_id: row for row in BureauFigures.objects.filter(bureau_id__in=ids, year=year)}
    result = {pk: _figures(rows[pk].counts) for pk in ids if pk in rows and _current(rows[pk], period.as_of)}
    missing = [pk for pk in ids if pk not in result]
    if missing:
        versions = {pk: _version(rows.get(pk), pk, year) for pk in missing}
        computed = compute_by_bureau(missing, period)
        for pk, figures in computed.items():
            BureauFigures.objects.filter(bureau_id=pk, year=year, version=versions[pk]).update(
                computed_version=versions[pk], as_of=period.as_of, counts=_counts(figures)
            )
        result.update(computed)
    return result


def _version(row: BureauFigures | None, bureau_id: int, year: int) -> int:
    """The version the figures about to be computed belong to (the row made if there is none)."""
    if row is not None:
        return row.version
    try:
        with transaction.atomic():
            return BureauFigures.objects.create(bureau_id=bureau_id, year=year).version
    except IntegrityError:  # made meanwhile by another reader
        return BureauFigures.objects.get(bureau_id=bureau_id, year=year).version
