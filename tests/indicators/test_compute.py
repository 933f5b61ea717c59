"""indicators.compute over small hand-made ledgers: rounding, empty denominators, what counts as
due, per-unit figures, and a query count that does not grow with the data."""

import datetime
from decimal import Decimal

import pytest

from cases.deadlines import HolidayCalendar
from cases.models import DisputeScreening, PetitionCase, Unit
from indicators.compute import compute, compute_by_unit, percent
from indicators.registry import SOURCES, Period

D = datetime.date
CAL = HolidayCalendar()
YEAR_2024 = Period(D(2024, 1, 1), D(2024, 12, 31), as_of=D(2025, 6, 30))


def make_case(bureau, number: str, received: D, *, unit=None, **fields) -> PetitionCase:
    case = PetitionCase(
        bureau=bureau,
        number=number,
        received_on=received,
        channel=PetitionCase.Channel.LETTER,
        petitioner_name="王建国",
        category=PetitionCase.Category.CLAIM,
        responsible_unit=unit,
        **fields,
    )
    case.refresh_due_dates(CAL)
    case.full_clean()
    case.save()
    return case


def closed_case(bureau, number: str, *, unit=None, resolved: bool = True, **fields) -> PetitionCase:
    """Received on 2024-03-01, routed the next day, accepted two days later, closed in April."""
    return make_case(
        bureau,
        number,
        D(2024, 3, 1),
        unit=unit,
        routing=PetitionCase.Routing.TRANSFER,
        routed_on=D(2024, 3, 2),
        unit_accepted_on=D(2024, 3, 4),
        closed_on=D(2024, 4, 10),
        outcome=PetitionCase.Outcome.SUPPORT,
        resolved_first_time=resolved,
        **fields,
    )


def test_percent_rounds_half_up():
    assert percent(1, 32) == Decimal("3.13")  # 3.125: half-even would give 3.12
    assert percent(126, 157) == Decimal("80.25")  # 80.254...
    assert percent(1, 800) == Decimal("0.13")  # 0.125
    assert percent(2, 3) == Decimal("66.67")
    assert percent(0, 5) == Decimal("0.00")
    assert percent(5, 0) is None


@pytest.mark.django_db
def test_one_item_in_thirty_two_resolved_in_one_pass_is_3_13_percent(bureau, unit):
    closed_case(bureau, "T-00", unit=unit, resolved=True)
    for n in range(1, 32):
        closed_case(bureau, f"T-{n:02d}", unit=unit, resolved=False)

    figure = compute(bureau.pk, YEAR_2024)["one_time_resolution_rate"]

    assert (figure.numerator, figure.denominator) == (1, 32)
    assert figure.display == "3.13%"
    assert figure.as_json() == {"numerator": 1, "denominator": 32, "percent": "3.13"}


@pytest.mark.django_db
def test_126_of_157_disputes_resolved_is_80_25_percent(bureau, unit):
    DisputeScreening.objects.bulk_create(
        DisputeScreening(
            bureau=bureau,
            unit=unit,
            found_on=D(2024, 5, 1),
            kind="邻里纠纷",
            status=DisputeScreening.Status.RESOLVED if n < 126 else DisputeScreening.Status.IN_PROGRESS,
            resolved_on=D(2024, 5, 20) if n < 126 else None,
        )
        for n in range(157)
    )

    figures = compute(bureau.pk, YEAR_2024)

    assert figures["disputes_screened"].display == "157"
    assert figures["disputes_resolved"].display == "126"
    assert figures["dispute_resolution_rate"].display == "80.25%"


@pytest.mark.django_db
def test_a_rate_over_nothing_is_a_dash_not_zero(bureau):
    figures = compute(bureau.pk, YEAR_2024)

    for key in ("on_time_closure_rate", "timely_acceptance_rate", "dispute_resolution_rate", "satisfaction_rate"):
        assert figures[key].percent is None
        assert figures[key].display == "—"
        assert figures[key].as_json() == {"numerator": 0, "denominator": 0, "percent": None}
    assert figures["disputes_screened"].display == "0"


@pytest.mark.django_db
def test_an_open_overdue_item_counts_against_on_time_closure(bureau, unit):
    closed_case(bureau, "T-1", unit=unit)
    # Accepted 2024-10-08: 60 days end on 2024-12-07, long before the day the year is judged.
    make_case(
        bureau,
        "T-2",
        D(2024, 10, 1),
        unit=unit,
        routing=PetitionCase.Routing.TRANSFER,
        routed_on=D(2024, 10, 8),
        unit_accepted_on=D(2024, 10, 8),
    )
    # Accepted on 2024-12-20: its 60 days have not run out on 2025-01-10.
    make_case(
        bureau,
        "T-3",
        D(2024, 12, 18),
        unit=unit,
        routing=PetitionCase.Routing.TRANSFER,
        routed_on=D(2024, 12, 19),
        unit_accepted_on=D(2024, 12, 20),
    )

    figure = compute(bureau.pk, Period(D(2024, 1, 1), D(2024, 12, 31), as_of=D(2025, 1, 10)))["on_time_closure_rate"]

    assert (figure.numerator, figure.denominator) == (1, 2)
    assert figure.display == "50%"


@pytest.mark.django_db
def test_a_late_closure_is_not_on_time(bureau, unit):
    closed_case(bureau, "T-1", unit=unit)
    late = closed_case(bureau, "T-2", unit=unit, resolved=False)
    late.closed_on = late.handling_due_on + datetime.timedelta(days=1)
    late.save()

    figure = compute(bureau.pk, YEAR_2024)["on_time_closure_rate"]

    assert (figure.numerator, figure.denominator) == (1, 2)


@pytest.mark.django_db
def test_timely_acceptance_leaves_out_items_whose_15_days_are_still_running(bureau, unit):
    period = Period(D(2024, 1, 1), D(2024, 12, 31), as_of=D(2024, 3, 10))
    # received 03-05, not acted on, due 03-20: not yet in the denominator
    make_case(bureau, "A", D(2024, 3, 5), unit=unit)
    # received 02-01, not acted on, due long before 03-10: counts against the bureau
    make_case(bureau, "B", D(2024, 2, 1), unit=unit)
    # acted on within 15 days
    make_case(bureau, "C", D(2024, 2, 20), unit=unit, routing=PetitionCase.Routing.ASSIGN, routed_on=D(2024, 2, 25))
    # acted on early, although its 15 days have not passed: counted
    make_case(bureau, "D", D(2024, 3, 8), accepted_on=D(2024, 3, 9), routing=PetitionCase.Routing.DIRECT)

    figure = compute(bureau.pk, period)["timely_acceptance_rate"]

    assert (figure.numerator, figure.denominator) == (2, 3)
    assert figure.display == "66.67%"
    # the same period judged a month later: A's 15 days have passed too
    later = compute(bureau.pk, Period(period.start, period.end, as_of=D(2024, 4, 10)))["timely_acceptance_rate"]
    assert (later.numerator, later.denominator) == (2, 4)


@pytest.mark.django_db
def test_figures_per_responsible_unit(bureau, unit):
    taihang = Unit.objects.get(bureau=bureau, name="太行街道")
    closed_case(bureau, "W-1", unit=unit)
    closed_case(bureau, "W-2", unit=unit)
    closed_case(bureau, "T-1", unit=taihang, resolved=False)
    make_case(bureau, "T-2", D(2024, 11, 1), unit=taihang)
    closed_case(bureau, "X-1")  # handled by the bureau itself: no unit
    DisputeScreening.objects.create(bureau=bureau, unit=taihang, found_on=D(2024, 6, 1), kind="土地承包纠纷")

    by_unit = compute_by_unit(bureau.pk, YEAR_2024)

    assert set(by_unit) == {unit.pk, taihang.pk}
    assert by_unit[unit.pk]["cases_received"].numerator == 2
    assert by_unit[unit.pk]["one_time_resolution_rate"].display == "100%"
    assert by_unit[taihang.pk]["cases_received"].numerator == 2
    assert by_unit[taihang.pk]["one_time_resolution_rate"].display == "0%"
    assert by_unit[taihang.pk]["disputes_screened"].numerator == 1
    assert "disputes_screened" not in by_unit[unit.pk]  # no row for a unit without screenings
    # the per-unit figure equals compute() limited to that unit
    single = compute(bureau.pk, YEAR_2024, unit_id=taihang.pk)
    assert single["one_time_resolution_rate"].as_json() == by_unit[taihang.pk]["one_time_resolution_rate"].as_json()
    assert compute(bureau.pk, YEAR_2024)["cases_received"].numerator == 5


@pytest.mark.django_db
def test_items_of_another_year_or_bureau_do_not_count(bureau, unit):
    from cases.models import Bureau

    other = Bureau.objects.create(name="另一县信访局", county="另一县")
    closed_case(bureau, "T-1", unit=unit)
    make_case(bureau, "T-2", D(2023, 12, 31), accepted_on=D(2024, 1, 2), routing=PetitionCase.Routing.DIRECT)
    make_case(other, "T-1", D(2024, 5, 1))

    assert compute(bureau.pk, YEAR_2024)["cases_received"].numerator == 1


def bulk_cases(bureau, units, count: int, start: int = 0) -> None:
    """`count` items spread over 2024 and the units, due dates set as refresh_due_dates would
    without holidays (the figures are not under test here, only the number of queries)."""
    day = datetime.timedelta(days=1)
    rows = []
    for n in range(start, start + count):
        received = D(2024, 1, 1) + day * (n % 360)
        closed = n % 3 != 0
        rows.append(
            PetitionCase(
                bureau=bureau,
                number=f"B-{n:06d}",
                received_on=received,
                channel=PetitionCase.Channel.ONLINE,
                petitioner_name="李秀英",
                category=PetitionCase.Category.CLAIM,
                responsible_unit=units[n % len(units)],
                is_initial=n % 4 != 0,
                routing=PetitionCase.Routing.TRANSFER,
                routed_on=received + day,
                unit_accepted_on=received + 2 * day,
                closed_on=received + 30 * day if closed else None,
                resolved_first_time=closed and n % 5 != 0,
                satisfaction=PetitionCase.Satisfaction.SATISFIED if closed else "",
                routing_due_on=received + 15 * day,
                unit_acceptance_due_on=received + 16 * day,
                handling_due_on=received + 62 * day,
            )
        )
    PetitionCase.objects.bulk_create(rows, batch_size=2000)


@pytest.mark.slow
@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_number_of_items(bureau, django_assert_num_queries):
    units = list(Unit.objects.filter(bureau=bureau))
    # one query per source; per unit only the sources that have a unit (cases, 积案 entries,
    # screenings, accountable persons, roadmap postings)
    whole, per_unit = len(SOURCES), len({s for s in SOURCES if s.unit_field})
    assert (whole, per_unit) == (10, 5)
    period = Period(D(2024, 1, 1), D(2024, 12, 31), as_of=D(2025, 3, 1))

    bulk_cases(bureau, units, 1_000)
    with django_assert_num_queries(whole):
        small = compute(bureau.pk, period)
    with django_assert_num_queries(per_unit):
        small_by_unit = compute_by_unit(bureau.pk, period)

    bulk_cases(bureau, units, 9_000, start=1_000)
    with django_assert_num_queries(whole):
        large = compute(bureau.pk, period)
    with django_assert_num_queries(per_unit):
        large_by_unit = compute_by_unit(bureau.pk, period)

    assert (small["cases_received"].numerator, large["cases_received"].numerator) == (1_000, 10_000)
    assert sum(f["cases_received"].numerator for f in small_by_unit.values()) == 1_000
    assert sum(f["cases_received"].numerator for f in large_by_unit.values()) == 10_000


def test_only_adopted_accountability_recommendations_hold_units_and_persons_accountable(bureau, unit):
    import datetime

    from cases.models import AccountabilityAction, AccountablePerson, Unit
    from indicators.compute import compute
    from indicators.registry import Period

    other = Unit.objects.get(name="太行街道")
    third = Unit.objects.get(name="祥云镇")
    d = datetime.date(2024, 6, 1)
    held = AccountabilityAction.objects.create(bureau=bureau, decided_on=d, unit=unit, kind="accountability")
    AccountablePerson.objects.create(action=held, name="甲")
    work = AccountabilityAction.objects.create(bureau=bureau, decided_on=d, unit=other, kind="improve_work")
    AccountablePerson.objects.create(action=work, name="乙")
    refused = AccountabilityAction.objects.create(
        bureau=bureau, decided_on=d, unit=third, kind="accountability", adopted=False
    )
    AccountablePerson.objects.create(action=refused, name="丙")
    figures = compute(bureau.pk, Period.year(2024))
    assert figures["accountability_units"].numerator == 1
    assert figures["accountability_persons"].numerator == 1


@pytest.mark.django_db
def test_cases_assigned_from_above_and_baolian_are_counted_per_source(bureau, unit):
    S = PetitionCase.Source
    # 中央/省交办: three received, two closed, one of them resolved in one pass
    closed_case(bureau, "A-1", unit=unit, source=S.ABOVE)
    closed_case(bureau, "A-2", unit=unit, source=S.ABOVE, resolved=False)
    make_case(bureau, "A-3", D(2024, 11, 1), unit=unit, source=S.ABOVE)
    # 市交办: one received and closed, resolved
    closed_case(bureau, "B-1", unit=unit, source=S.CITY)
    # 包联: one received, still open: a rate over nothing closed
    make_case(bureau, "L-1", D(2024, 6, 1), unit=unit, source=S.BAOLIAN)
    # the bureau's own cases count in none of them
    closed_case(bureau, "X-1", unit=unit)
    closed_case(bureau, "X-2", unit=unit, resolved=False)

    figures = compute(bureau.pk, YEAR_2024)

    assert [figures[k].numerator for k in ("assigned_above_cases", "assigned_city_cases", "baolian_cases")] == [3, 1, 1]
    above = figures["assigned_above_resolution_rate"]
    assert (above.numerator, above.denominator, above.display) == (1, 2, "50%")
    city = figures["assigned_city_resolution_rate"]
    assert (city.numerator, city.denominator, city.display) == (1, 1, "100%")
    baolian = figures["baolian_resolution_rate"]
    assert (baolian.numerator, baolian.denominator, baolian.display) == (0, 0, "—")
    assert figures["cases_received"].numerator == 7
    # the drill-down lists the same records
    from indicators.registry import BY_KEY

    listed = BY_KEY["assigned_above_resolution_rate"].records(bureau.pk, YEAR_2024, "denominator")
    assert sorted(listed.values_list("number", flat=True)) == ["A-1", "A-2"]
    assert figures["assigned_above_cases"].url(2024) == "/indicators/assigned_above_cases/?year=2024&part=numerator"
