"""Figures of whole bureau-years, computed once and kept: what a roll-up over many bureaus, and a
bureau's own dashboard, read.

A province's roll-up would otherwise count every record of every county, twice (this year and
last) — seconds over five million cases; a county's dashboard counts its million cases by unit
and by month. Instead each bureau's year is computed once, stored in `BureauFigures` (in total;
per responsible unit and per month once the dashboard has asked), and read back with one query
while it is current:

- every writer of records marks the bureau-years it touched out of date (`outdate`, from
  `indicators.cache.invalidate`), inside its own transaction, by raising their `version`;
- except a clerk's or a unit's save of one petition case (or screening, or outreach event) in a
  transaction: its share of the figures is read before and after the write (`before_write`,
  `after_write`) and the difference added to the stored year, which stays current — so the
  dashboard after a save reads one row instead of counting a million cases again;
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

from django.db import transaction
from django_scopes import scopes_disabled

from .compute import Figure, compute_by_bureau, compute_year
from .models import BureauFigures
from .registry import BY_KEY, CASES, INDICATORS, OUTREACH, SCREENINGS, SOURCES, Period, Source

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
    if not _current(row, period.as_of):
        row = _rolled(row, period.as_of) or row
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
    for pk in ids:
        if not _current(rows[pk], period.as_of):
            rows[pk] = _rolled(rows[pk], period.as_of) or rows[pk]
    result = {pk: _figures(rows[pk].counts) for pk in ids if _current(rows[pk], period.as_of)}
    missing = [pk for pk in ids if pk not in result]
    if missing:
        versions = {pk: rows[pk].version for pk in missing}
        computed = compute_by_bureau(missing, period)
        # One commit for all of them (300 such UPDATEs on PostgreSQL: 118 ms committed one by
        # one, 63 ms in one transaction, on the 2-core machine of docs/benchmarks.md).
        with transaction.atomic():
            for pk, figures in computed.items():
                # The totals only: the per-unit and per-month figures are the dashboard's to count.
                BureauFigures.objects.filter(bureau_id=pk, year=year, version=versions[pk]).update(
                    computed_version=versions[pk],
                    as_of=period.as_of,
                    counts=_counts(figures),
                    by_unit=None,
                    by_month=None,
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


# From one day to the next --------------------------------------------------------------------

# More records than this waiting on deadlines between the stored day and the day asked about
# (a year left unread for months): count the year again instead.
ROLL_LIMIT = 20_000
ROLL_CHUNK = 500  # records per share query (SQLite's bound parameters)
DAY_SOURCES = tuple(s for s in SOURCES if s.waits_for)


def _rolled(row: BureauFigures, as_of: datetime.date) -> BureauFigures | None:
    """A stored year, current but judged on another day, brought to `as_of`: only records still
    waiting for a deadline between the two days count differently on them (`Source.waits_for`),
    so their share on the stored day is taken away and their share on `as_of` added — a few
    index seeks instead of counting the year. None where that cannot be done: the year not
    computed, too many such records, or a writer raced it (the conditional UPDATE found the row
    changed)."""
    if row.as_of is None or row.computed_version != row.version or row.as_of == as_of:
        return None
    counts, by_unit, by_month = row.counts, row.by_unit, row.by_month
    for source in DAY_SOURCES:
        pks = _waiting(source, row.bureau_id, row.year, *sorted((row.as_of, as_of)))
        if pks is None:
            return None
        for start in range(0, len(pks), ROLL_CHUNK):
            chunk = pks[start : start + ROLL_CHUNK]
            was = _share(source, row.bureau_id, row.year, row.as_of, chunk, known=True)
            now = _share(source, row.bureau_id, row.year, as_of, chunk, known=True)
            counts = _add(counts, now.counts, was.counts)
            by_unit = _add_parts(by_unit, now.by_unit, was.by_unit)
            by_month = _add_parts(by_month, now.by_month, was.by_month)
    same = {"version": row.version, "computed_version": row.version, "as_of": row.as_of}
    if (
        not _stored_years()
        .filter(pk=row.pk, **same)
        .update(as_of=as_of, counts=counts, by_unit=by_unit, by_month=by_month)
    ):
        return None
    row.as_of, row.counts, row.by_unit, row.by_month = as_of, counts, by_unit, by_month
    return row


def _waiting(source: Source, bureau_id: int, year: int, first: datetime.date, last: datetime.date) -> list[int] | None:
    """Keys of the bureau's records of `source` in `year` waiting for a deadline on a day from
    `first` up to (not including) `last`; None beyond ROLL_LIMIT. One seek per deadline on the
    index of the records waiting for it (cases.models.petitions.WAITS_FOR); the year is checked on
    the few found, so that the planner is never tempted to scan the year instead."""
    pks: set[int] = set()
    with scopes_disabled():
        for field, waits in source.waits_for:
            found = (
                source.model.objects.filter(
                    waits, **{f"{source.bureau_field}_id": bureau_id, f"{field}__gte": first, f"{field}__lt": last}
                )
                .order_by()
                .values_list("pk", source.month_field)
            )
            found = list(found[: ROLL_LIMIT + 1])
            pks.update(pk for pk, date in found if date.year == year)
            if len(found) > ROLL_LIMIT or len(pks) > ROLL_LIMIT:
                return None
    return sorted(pks)


# A record's share -----------------------------------------------------------------------------

# Models whose record alone makes its share of its one source's figures: no other source reads
# them (an order case's persons read its date, a unit's accountability reads the actions: those
# writes outdate the year instead).
DELTA_SOURCES: dict[str, Source] = {s.model._meta.label_lower: s for s in (CASES, SCREENINGS, OUTREACH)}
SHARE_BEFORE = "_indicators_share_before"  # where before_write leaves the share on the instance


@dataclass(frozen=True)
class Share:
    """What one record adds to a stored bureau-year, judged on the row's day (`as_of`)."""

    as_of: datetime.date
    counts: Counts
    by_unit: dict[str, Counts]
    by_month: dict[str, Counts]


def keeps_current(instance) -> bool:
    """Whether a write of `instance` keeps the stored years current by its share: a record of a
    DELTA_SOURCES model written inside a transaction (the share before the write is read there,
    the record's row locked)."""
    return instance._meta.label_lower in DELTA_SOURCES and transaction.get_connection().in_atomic_block


def before_write(instance) -> None:
    """Before a save or delete: the record's share, as stored, of the stored year it is in — None
    when that year is not current (its share then cannot be known afterwards). Read with the
    record's row locked, so that a concurrent writer of the same record waits for this one."""
    source = DELTA_SOURCES[instance._meta.label_lower]
    shares: dict[tuple[int, int], Share | None] = {}
    if instance.pk is not None:
        stored = (
            source.model._base_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("bureau_id", source.month_field)
            .first()
        )
        if stored and stored[1]:
            key = (stored[0], stored[1].year)
            row = _stored_years().filter(bureau_id=key[0], year=key[1]).first()
            current = row is not None and row.as_of is not None and row.computed_version == row.version
            shares[key] = _share(source, *key, row.as_of, [instance.pk]) if current else None
    instance.__dict__[SHARE_BEFORE] = shares


def after_write(instance, *, deleted: bool = False) -> None:
    """After the save or delete: add the difference of the record's share to each stored year it
    was or is in, where that year is still current and judged on the day the share before was;
    outdate the others (as every other writer does)."""
    source = DELTA_SOURCES[instance._meta.label_lower]
    before: dict[tuple[int, int], Share | None] = instance.__dict__.pop(SHARE_BEFORE, {})
    keys = set(before)
    date = getattr(instance, source.month_field, None)
    if isinstance(date, datetime.date) and instance.bureau_id:
        keys.add((instance.bureau_id, date.year))
    for bureau_id, year in sorted(keys):
        rows = _stored_years().select_for_update().filter(bureau_id=bureau_id, year=year)
        row = rows.first()
        if row is None:
            continue
        # Not in `before`: the record was not in that year before the write, its share was nothing.
        was = before.get((bureau_id, year), Share(row.as_of, {}, {}, {}))
        if was is None or row.computed_version != row.version or row.as_of is None or row.as_of != was.as_of:
            rows.update(version=row.version + 1)  # not current, or judged on another day: outdated
            continue
        now = Share(row.as_of, {}, {}, {}) if deleted else _share(source, bureau_id, year, row.as_of, [instance.pk])
        rows.update(
            version=row.version + 1,
            computed_version=row.version + 1,
            counts=_add(row.counts, now.counts, was.counts),
            by_unit=_add_parts(row.by_unit, now.by_unit, was.by_unit),
            by_month=_add_parts(row.by_month, now.by_month, was.by_month),
        )


def _stored_years():
    # The writer's scope may be another bureau's (a city assigning a case down) or a unit's.
    return BureauFigures.objects.with_scopes_disabled()


def _share(source: Source, bureau_id: int, year: int, as_of: datetime.date, pks, *, known: bool = False) -> Share:
    """What the records `pks` of `source` add to the bureau's year judged on `as_of`. `known`: they
    are the bureau's records of that year already, and are read by their keys alone (SQLite would
    otherwise scan the year by its index rather than seek a few hundred keys)."""
    period = Period.year(year, as_of=as_of)
    with scopes_disabled():  # records known by their keys, counted as numbers only
        records = source.model.objects.filter(pk__in=pks)
        if not known:
            records = source.queryset(bureau_id, period) & records
        total, by_unit, by_month = compute_year(
            bureau_id,
            period,
            unit_keys={i.key for i in INDICATORS if i.per_unit},
            month_keys={i.key for i in INDICATORS if i.monthly},
            of_source=source,
            records=records,
        )
    return Share(
        as_of,
        _counts(total),
        {str(k): _counts(v) for k, v in by_unit.items()},
        {str(k): _counts(v) for k, v in by_month.items()},
    )


def _add(stored: Counts, plus: Counts, minus: Counts) -> Counts:
    result = {key: list(value) for key, value in stored.items()}
    for sign, counts in ((1, plus), (-1, minus)):
        for key, (n, d) in counts.items():
            old_n, old_d = result.get(key, [0, None])
            result[key] = [old_n + sign * n, None if d is None else (old_d or 0) + sign * d]
    return result


def _add_parts(stored: dict | None, plus: dict, minus: dict) -> dict | None:
    """The per-unit or per-month counts with a share added and another taken away; None (not
    counted yet) stays None, and a part that falls to nothing is dropped, as counting leaves it."""
    if stored is None:
        return None
    result = dict(stored)
    for part in {*plus, *minus}:
        counts = _add(result.get(part, {}), plus.get(part, {}), minus.get(part, {}))
        if all(n == 0 and not d for n, d in counts.values()):
            result.pop(part, None)
        else:
            result[part] = counts
    return result
