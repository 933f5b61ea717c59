"""A stored year rolled from one day to the next (indicators.store._rolled): the deadlines that
pass between the two days change only the cases still waiting for them, and the rolled figures
equal counting on the new day — in total, per unit and per month, forward and back."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Bureau, PetitionCase, Unit
from cases.scoping import within
from indicators import store
from indicators.compute import compute_year
from indicators.models import BureauFigures
from indicators.registry import INDICATORS, Period
from tests.indicators.test_compute import CAL, make_case

D = datetime.date
UNIT_KEYS = {i.key for i in INDICATORS if i.per_unit}
MONTH_KEYS = {i.key for i in INDICATORS if i.monthly}
STORED_ON = D(2024, 6, 11)  # a Tuesday: deadlines fall on it (10 June was 端午节)


@pytest.fixture
def county(db):
    """甲县: 180 cases of 2024 received from April to June, at every stage — not yet routed,
    routed but not accepted by the unit, accepted and open, closed — so that routing, unit
    acceptance and handling deadlines fall on many days around 11 June. A case of 乙县 with the
    same dates is never counted in 甲县's."""
    a = Bureau.objects.create(name="甲县信访局", county="甲县")
    b = Bureau.objects.create(name="乙县信访局", county="乙县")
    units = [Unit.objects.create(bureau=a, name=f"第{n}街道") for n in range(3)]
    cases = []
    for n in range(180):
        received = D(2024, 4, 1) + datetime.timedelta(days=n // 2)  # two a day, April to June
        stage = n % 4
        fields = {}
        if stage >= 1:
            fields.update(routing=PetitionCase.Routing.TRANSFER, routed_on=received + datetime.timedelta(days=2))
        if stage >= 2:
            fields["unit_accepted_on"] = received + datetime.timedelta(days=4)
        if stage == 3:
            fields.update(closed_on=received + datetime.timedelta(days=30), outcome=PetitionCase.Outcome.SUPPORT)
        case = PetitionCase(bureau=a, number=f"A-{n:03}", received_on=received, responsible_unit=units[n % 3], **fields)
        case.refresh_due_dates(CAL)
        cases.append(case)
    PetitionCase.objects.bulk_create(cases)  # the records only: nothing stored yet to keep current
    make_case(b, "B-1", D(2024, 6, 1))
    return a, b


def _year(bureau_year: store.BureauYear):
    def values(figures):
        return {key: (f.numerator, f.denominator) for key, f in figures.items()}

    return (
        values(bureau_year.figures),
        {pk: values(f) for pk, f in bureau_year.by_unit.items()},
        {m: values(f) for m, f in bureau_year.by_month.items()},
    )


def _counted(bureau, as_of):
    period = Period.year(2024, as_of=as_of)
    return _year(store.BureauYear(*compute_year(bureau.pk, period, unit_keys=UNIT_KEYS, month_keys=MONTH_KEYS)))


@pytest.mark.parametrize("days", [1, 3, 7, 40, -5])
def test_a_stored_year_rolled_to_another_day_equals_counting_on_that_day(county, days):
    a, _b = county
    store.bureau_year(a.pk, Period.year(2024, as_of=STORED_ON))
    as_of = STORED_ON + datetime.timedelta(days=days)
    # The two days differ (deadlines passed between them), so a stale year would be wrong.
    assert _counted(a, as_of) != _counted(a, STORED_ON)

    with CaptureQueriesContext(connection) as queries:
        rolled = store.bureau_year(a.pk, Period.year(2024, as_of=as_of))

    assert _year(rolled) == _counted(a, as_of)
    row = BureauFigures.objects.get(bureau=a, year=2024)
    assert (row.as_of, row.version, row.computed_version) == (as_of, 1, 1)
    # Rolled, not counted: every query on the cases names the records it adds up.
    on_cases = [q["sql"] for q in queries.captured_queries if 'FROM "cases_petitioncase"' in q["sql"]]
    assert on_cases and all(" IN (" in sql or "_due_on" in sql for sql in on_cases)


def test_the_previous_years_totals_roll_too(county):
    a, _b = county
    with within([a.pk]):
        store.figures_by_bureau([a.pk], Period.year(2024, as_of=STORED_ON))
        rolled = store.figures_by_bureau([a.pk], Period.year(2024, as_of=D(2024, 6, 20)))[a.pk]
    assert _year(store.BureauYear(rolled, {}, {}))[0] == _counted(a, D(2024, 6, 20))[0]
    row = BureauFigures.objects.get(bureau=a, year=2024)
    assert row.as_of == D(2024, 6, 20) and row.by_unit is None  # totals only, as stored


def test_too_many_waiting_cases_count_the_year_again(county, monkeypatch):
    a, _b = county
    store.bureau_year(a.pk, Period.year(2024, as_of=STORED_ON))
    monkeypatch.setattr(store, "ROLL_LIMIT", 2)
    as_of = D(2024, 7, 20)
    assert store._rolled(BureauFigures.objects.get(bureau=a, year=2024), as_of) is None
    assert _year(store.bureau_year(a.pk, Period.year(2024, as_of=as_of))) == _counted(a, as_of)
    assert BureauFigures.objects.get(bureau=a, year=2024).as_of == as_of  # counted and stored


def test_a_roll_that_raced_a_write_is_not_kept(county):
    a, _b = county
    store.bureau_year(a.pk, Period.year(2024, as_of=STORED_ON))
    row = BureauFigures.objects.get(bureau=a, year=2024)
    BureauFigures.objects.filter(pk=row.pk).update(version=row.version + 1)  # a writer, meanwhile
    assert store._rolled(row, D(2024, 6, 15)) is None
    kept = BureauFigures.objects.get(pk=row.pk)
    assert (kept.as_of, kept.counts) == (STORED_ON, row.counts)


def test_a_year_not_computed_is_not_rolled(county):
    a, _b = county
    row = BureauFigures.objects.create(bureau=a, year=2024)
    assert store._rolled(row, D(2024, 6, 15)) is None
