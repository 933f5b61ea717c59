"""Stored bureau-years (indicators.store): equal to compute(), outdated by every writer, never
keeping a figure that raced a write."""

import datetime
import io

import pytest
from django.core.management import call_command

from cases.models import PetitionCase
from cases.scoping import within
from indicators import store
from indicators.compute import compute
from indicators.models import BureauFigures
from indicators.registry import Period
from tests.indicators.test_compute import CAL, closed_case, make_case
from tests.indicators.test_rollup import city  # noqa: F401  (the fixture: a city and two counties)

D = datetime.date
AS_OF = D(2025, 6, 30)


def _stored(ids, period):
    with within(ids):
        return store.figures_by_bureau(ids, period)


def _values(figures):
    return {key: (f.numerator, f.denominator) for key, f in figures.items()}


def test_stored_figures_equal_compute_before_and_after_every_kind_of_write(city):  # noqa: F811
    city, a, b = city
    ids = [city.pk, a.pk, b.pk]
    period = Period.year(2024, as_of=AS_OF)
    first = _stored(ids, period)
    for pk in ids:
        assert _values(first[pk]) == _values(compute(pk, period))
    assert BureauFigures.objects.filter(year=2024).count() == 3
    # Read back, not counted: every row is current.
    assert all(r.computed_version == r.version for r in BureauFigures.objects.all())

    # A save, a new case and a deletion in 甲县, each in a transaction (as a request's): its year
    # is kept current by each case's share, 乙县's and the city's are untouched.
    case = PetitionCase.objects.get(number="A-0")
    case.resolved_first_time = False
    case.save()
    closed_case(a, "A-NEW")
    PetitionCase.objects.get(number="A-1").delete()
    rows = {r.bureau_id: r for r in BureauFigures.objects.all()}
    assert rows[a.pk].version == rows[a.pk].computed_version == 4
    assert rows[b.pk].version == rows[b.pk].computed_version == 1
    assert _values(store._figures(rows[a.pk].counts)) == _values(compute(a.pk, period))

    again = _stored(ids, period)
    for pk in ids:
        assert _values(again[pk]) == _values(compute(pk, period))
    assert again[a.pk]["cases_received"].numerator == first[a.pk]["cases_received"].numerator  # +1 −1
    assert again[a.pk]["one_time_resolution_rate"].numerator == first[a.pk]["one_time_resolution_rate"].numerator - 1
    assert BureauFigures.objects.get(bureau=a).computed_version == 4


def test_a_case_moved_to_another_year_leaves_one_and_joins_the_other(city):  # noqa: F811
    _city, a, _b = city
    _stored([a.pk], Period.year(2024, as_of=AS_OF))
    _stored([a.pk], Period.year(2023, as_of=AS_OF))
    case = PetitionCase.objects.get(number="A-2023")
    case.received_on, case.closed_on = D(2024, 5, 1), D(2024, 6, 1)
    case.save()
    rows = {r.year: r for r in BureauFigures.objects.filter(bureau=a)}
    assert all(r.version == r.computed_version == 2 for r in rows.values())
    assert rows[2023].counts["cases_received"] == [0, None]
    assert rows[2024].counts["cases_received"] == [7, None]
    for year in (2023, 2024):
        assert _values(store._figures(rows[year].counts)) == _values(compute(a.pk, Period.year(year, as_of=AS_OF)))


def _year_values(year: store.BureauYear):
    return (
        _values(year.figures),
        {pk: _values(f) for pk, f in year.by_unit.items()},
        {m: _values(f) for m, f in year.by_month.items()},
    )


def test_a_clerks_writes_keep_the_dashboards_stored_year_equal_to_counting(city):  # noqa: F811
    """Each single write in a transaction adds its case's share (before → after) to the year the
    dashboard stored, by unit and by month too: what counting again would give, without counting."""
    from cases.models import Unit
    from indicators.compute import compute_year
    from indicators.registry import INDICATORS

    _city, a, _b = city
    east, west = Unit.objects.create(bureau=a, name="东街道"), Unit.objects.create(bureau=a, name="西街道")
    period = Period.year(2024, as_of=AS_OF)
    store.bureau_year(a.pk, period)
    unit_keys = {i.key for i in INDICATORS if i.per_unit}
    month_keys = {i.key for i in INDICATORS if i.monthly}

    def check():
        row = BureauFigures.objects.get(bureau=a, year=2024)
        assert row.computed_version == row.version  # current: read back, never counted again
        assert _year_values(store.bureau_year(a.pk, period)) == _year_values(
            store.BureauYear(*compute_year(a.pk, period, unit_keys=unit_keys, month_keys=month_keys))
        )

    new = closed_case(a, "A-E1", unit=east, satisfaction=PetitionCase.Satisfaction.UNSATISFIED)
    check()
    new.responsible_unit = west  # from one unit to another
    new.received_on = D(2024, 2, 20)  # and to another month
    new.refresh_due_dates(CAL)
    new.save()
    check()
    open_case = make_case(a, "A-E2", D(2024, 11, 5), unit=east)
    check()
    open_case.closed_on, open_case.outcome = D(2024, 12, 1), PetitionCase.Outcome.EXPLAIN
    open_case.save()
    check()
    new.delete()
    check()
    assert BureauFigures.objects.get(bureau=a, year=2024).by_unit[str(east.pk)]["cases_received"] == [1, None]
    assert str(west.pk) not in BureauFigures.objects.get(bureau=a, year=2024).by_unit


def test_a_write_to_a_year_not_current_leaves_it_to_be_counted(city):  # noqa: F811
    _city, a, _b = city
    period = Period.year(2024, as_of=AS_OF)
    store.bureau_year(a.pk, period)
    BureauFigures.objects.filter(bureau=a).outdate(a.pk, [2024])
    closed_case(a, "A-X")
    row = BureauFigures.objects.get(bureau=a, year=2024)
    assert row.version == 3 and row.computed_version == 1
    assert _values(store.bureau_year(a.pk, period).figures) == _values(compute(a.pk, period))


def test_figures_that_raced_a_write_are_used_once_and_not_kept(city, monkeypatch):  # noqa: F811
    _city, a, _b = city
    period = Period.year(2024, as_of=AS_OF)
    real = store.compute_by_bureau

    def racing(ids, p):
        figures = real(ids, p)
        make_case(a, "A-RACE", D(2024, 7, 1))  # a clerk saves while the figures are being counted
        return figures

    monkeypatch.setattr(store, "compute_by_bureau", racing)
    raced = _stored([a.pk], period)
    row = BureauFigures.objects.get(bureau=a, year=2024)
    assert row.computed_version != row.version  # not kept
    monkeypatch.setattr(store, "compute_by_bureau", real)
    fresh = _stored([a.pk], period)
    assert fresh[a.pk]["cases_received"].numerator == raced[a.pk]["cases_received"].numerator + 1


def test_a_year_still_running_is_rolled_to_the_next_day_a_settled_one_is_kept(city, monkeypatch):  # noqa: F811
    """Neither is counted again: the running year is brought to the new day by the cases waiting
    for a deadline between the two days (tests/indicators/test_roll.py), the settled one is read."""
    _city, a, _b = city
    _stored([a.pk], Period.year(2024, as_of=AS_OF))
    _stored([a.pk], Period.year(2023, as_of=D(2025, 1, 2)))
    counted = []
    real = store.compute_by_bureau
    monkeypatch.setattr(store, "compute_by_bureau", lambda ids, p: counted.append(p.start.year) or real(ids, p))
    next_day = Period.year(2024, as_of=AS_OF + datetime.timedelta(days=1))
    figures = _stored([a.pk], next_day)  # deadlines may have passed
    _stored([a.pk], Period.year(2023, as_of=D(2025, 1, 3)))  # every 2023 deadline passed by 2025
    assert counted == []
    assert _values(figures[a.pk]) == _values(compute(a.pk, next_day))
    assert BureauFigures.objects.get(bureau=a, year=2024).as_of == next_day.as_of
    assert BureauFigures.objects.get(bureau=a, year=2023).as_of == D(2025, 1, 2)


def test_refresh_figures_stores_three_years_for_every_bureau(city):  # noqa: F811
    out = io.StringIO()
    call_command("refresh_figures", stdout=out)
    assert "已计算 3 个信访局" in out.getvalue()
    today = datetime.date.today()
    years = sorted(set(BureauFigures.objects.values_list("year", flat=True)))
    assert len(years) == 3 and years[2] - years[0] == 2 and years[2] in (today.year, today.year + 1)
    assert BureauFigures.objects.count() == 9
    assert all(r.computed_version == r.version for r in BureauFigures.objects.all())
    # This year and last per unit and per month too (the dashboard's, its per-unit 同比 included).
    assert {r.year for r in BureauFigures.objects.filter(by_unit__isnull=False)} == {years[1], years[2]}


@pytest.mark.parametrize("period", [Period(D(2024, 1, 1), D(2024, 6, 30), AS_OF)])
def test_a_part_of_a_year_is_counted_not_stored(city, period):  # noqa: F811
    _city, a, _b = city
    figures = _stored([a.pk], period)
    assert _values(figures[a.pk]) == _values(compute(a.pk, period))
    assert not BureauFigures.objects.exists()


def test_the_dashboards_bureau_year_per_unit_and_month_equals_counting(city):  # noqa: F811
    from indicators.compute import compute_by_month, compute_by_unit
    from indicators.registry import INDICATORS

    _city, a, _b = city
    period = Period.year(2024, as_of=AS_OF)
    unit_keys = [i.key for i in INDICATORS if i.per_unit]
    month_keys = [i.key for i in INDICATORS if i.monthly]
    counted = store.bureau_year(a.pk, period)
    stored = store.bureau_year(a.pk, period)  # read back this time
    row = BureauFigures.objects.get(bureau=a, year=2024)
    assert row.by_month is not None and row.computed_version == row.version
    for one in (counted, stored):
        assert _values(one.figures) == _values(compute(a.pk, period))
        assert {m: _values(f) for m, f in one.by_month.items()} == {
            m: _values(f) for m, f in compute_by_month(a.pk, period, keys=month_keys).items()
        }
        assert {u: _values(f) for u, f in one.by_unit.items()} == {
            u: _values(f) for u, f in compute_by_unit(a.pk, period, keys=unit_keys).items()
        }
    assert stored.by_month[3]["cases_received"].numerator == 6  # every 甲县 case of 2024 came in March


@pytest.mark.django_db(transaction=True)
def test_a_write_outside_a_transaction_outdates_the_year(city):  # noqa: F811
    """Without a transaction the share before the write could not be read with the row locked:
    the year is outdated and counted again, as for every other writer."""
    from django.db import transaction

    _city, a, _b = city
    period = Period.year(2024, as_of=AS_OF)
    store.bureau_year(a.pk, period)
    assert not transaction.get_connection().in_atomic_block
    case = PetitionCase.objects.get(number="A-0")
    case.resolved_first_time = False
    case.save()
    row = BureauFigures.objects.get(bureau=a, year=2024)
    assert row.version == 2 and row.computed_version == 1
