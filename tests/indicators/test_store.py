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
from tests.indicators.test_compute import closed_case, make_case
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

    # A save, a new case and a deletion in 甲县: its year is outdated, 乙县's and the city's stay.
    case = PetitionCase.objects.get(number="A-0")
    case.resolved_first_time = False
    case.save()
    closed_case(a, "A-NEW")
    PetitionCase.objects.get(number="A-1").delete()
    rows = {r.bureau_id: r for r in BureauFigures.objects.all()}
    assert rows[a.pk].version == 4 and rows[a.pk].computed_version == 1
    assert rows[b.pk].version == rows[b.pk].computed_version == 1

    again = _stored(ids, period)
    for pk in ids:
        assert _values(again[pk]) == _values(compute(pk, period))
    assert again[a.pk]["cases_received"].numerator == first[a.pk]["cases_received"].numerator  # +1 −1
    assert again[a.pk]["one_time_resolution_rate"].numerator == first[a.pk]["one_time_resolution_rate"].numerator - 1
    assert BureauFigures.objects.get(bureau=a).computed_version == 4


def test_a_case_moved_to_another_year_outdates_both(city):  # noqa: F811
    _city, a, _b = city
    _stored([a.pk], Period.year(2024, as_of=AS_OF))
    _stored([a.pk], Period.year(2023, as_of=AS_OF))
    case = PetitionCase.objects.get(number="A-2023")
    case.received_on, case.closed_on = D(2024, 5, 1), D(2024, 6, 1)
    case.save()
    rows = {r.year: r for r in BureauFigures.objects.filter(bureau=a)}
    assert all(r.version > r.computed_version for r in rows.values())
    assert _stored([a.pk], Period.year(2023, as_of=AS_OF))[a.pk]["cases_received"].numerator == 0


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


def test_a_year_still_running_is_counted_again_the_next_day_a_settled_one_is_not(city, monkeypatch):  # noqa: F811
    _city, a, _b = city
    _stored([a.pk], Period.year(2024, as_of=AS_OF))
    _stored([a.pk], Period.year(2023, as_of=D(2025, 1, 2)))
    counted = []
    real = store.compute_by_bureau
    monkeypatch.setattr(store, "compute_by_bureau", lambda ids, p: counted.append(p.start.year) or real(ids, p))
    _stored([a.pk], Period.year(2024, as_of=AS_OF + datetime.timedelta(days=1)))  # deadlines may have passed
    _stored([a.pk], Period.year(2023, as_of=D(2025, 1, 3)))  # every 2023 deadline passed by 2025
    assert counted == [2024]


def test_refresh_figures_stores_three_years_for_every_bureau(city):  # noqa: F811
    out = io.StringIO()
    call_command("refresh_figures", stdout=out)
    assert "已计算 3 个信访局" in out.getvalue()
    today = datetime.date.today()
    years = sorted(set(BureauFigures.objects.values_list("year", flat=True)))
    assert len(years) == 3 and years[2] - years[0] == 2 and years[2] in (today.year, today.year + 1)
    assert BureauFigures.objects.count() == 9
    assert all(r.computed_version == r.version for r in BureauFigures.objects.all())


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
