"""The shipped demo data reproduces every figure of 温县信访局's real 2024 report."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import F

from cases.models import (
    AccountabilityAction,
    AccountablePerson,
    Bureau,
    DisputeScreening,
    OrderCase,
    OrderPerson,
    OutreachEvent,
    PetitionCase,
    RoadmapPosting,
    Unit,
    Volunteer,
)
from indicators.compute import compute, compute_by_unit
from indicators.registry import BY_KEY, INDICATORS, SOURCES, Period

FIXTURES = Path(django_settings.BASE_DIR) / "fixtures"
# The 2027 holidays are not known yet: judge "passed" and "overdue" on a fixed day so the figures
# do not move with the calendar.
AS_OF = datetime.date(2026, 11, 24)

SEED_2024 = {
    "initial_one_time_resolution_rate": "93.96%",
    "disputes_screened": "157",
    "disputes_resolved": "126",
    "dispute_resolution_rate": "80.25%",
    "timely_acceptance_rate": "100%",
    "accurate_transfer_rate": "100%",
    "authority_timely_acceptance_rate": "100%",
    "on_time_closure_rate": "100%",
    "one_time_resolution_rate": "93.56%",
    "legal_channel_cases": "1",
    "accountability_units": "21",
    "accountability_persons": "20",
    "order_cases": "8",
    "order_persons": "8",
    "order_warnings": "3",
    "order_administrative_detentions": "4",
    "order_criminal_detentions": "1",
    "volunteers": "21",
    "volunteer_activities": "4",
    "training_sessions": "5",
    "campaigns": "20",
    "materials_distributed": "3216",
    "roadmap_units": "11",
}

# 按期答复率 of 温县 by year: (replied in time, judged, as printed)
REPLIES = {
    2023: (204, 205, "99.51%"),
    2024: (181, 181, "100%"),
    2025: (185, 186, "99.46%"),
    2026: (150, 152, "98.68%"),
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Bureau:
    """The demo data, loaded once for the module and rolled back after it (loading takes seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "demo", verbosity=0)
        yield Bureau.objects.get(name="温县信访局")
        transaction.set_rollback(True)


def test_settings_find_the_demo_fixture():
    """`make db` runs `manage.py loaddata demo`, which looks only in FIXTURE_DIRS and app folders."""
    assert FIXTURES in map(Path, django_settings.FIXTURE_DIRS)


@pytest.mark.django_db
def test_every_2024_figure_of_the_report(demo):
    figures = compute(demo.pk, Period.year(2024, as_of=AS_OF))

    assert {key: figures[key].display for key in SEED_2024} == SEED_2024


@pytest.mark.django_db
def test_the_2024_rates_come_from_a_county_sized_year(demo):
    figures = compute(demo.pk, Period.year(2024, as_of=AS_OF))

    initial, overall = figures["initial_one_time_resolution_rate"], figures["one_time_resolution_rate"]
    assert (initial.numerator, initial.denominator) == (140, 149)
    assert (overall.numerator, overall.denominator) == (189, 202)
    assert figures["cases_received"].numerator == 202
    assert figures["on_time_closure_rate"].denominator == 202


@pytest.mark.django_db
def test_the_2024_figures_do_not_depend_on_the_day_they_are_judged(demo):
    early = compute(demo.pk, Period.year(2024, as_of=datetime.date(2025, 6, 1)))
    late = compute(demo.pk, Period.year(2024, as_of=datetime.date(2030, 1, 1)))

    assert {k: f.display for k, f in early.items()} == {k: f.display for k, f in late.items()}


@pytest.mark.django_db
def test_2023_is_a_different_weaker_year(demo):
    y2023 = compute(demo.pk, Period.year(2023, as_of=AS_OF))
    y2024 = compute(demo.pk, Period.year(2024, as_of=AS_OF))

    assert y2023["disputes_screened"].display == "128"
    assert y2023["dispute_resolution_rate"].display == "72.66%"
    assert y2023["one_time_resolution_rate"].display == "85.28%"
    assert y2023["initial_one_time_resolution_rate"].display == "87.97%"
    assert y2023["timely_acceptance_rate"].display == "98.70%"
    assert y2023["accurate_transfer_rate"].percent < 100
    assert y2023["on_time_closure_rate"].display == "97.84%"
    assert y2023["accountability_units"].display == "14"
    assert y2023["volunteers"].display == "17"
    assert y2023["roadmap_units"].display == "6"
    changed = [k for k in SEED_2024 if y2023[k].display != y2024[k].display]
    assert len(changed) >= 15


@pytest.mark.django_db
def test_the_on_time_reply_rate_is_a_figure_each_year(demo):
    """按期答复率: every transferred or assigned item closed has its unit's reply, on or before the
    closing day. 2024 closed every item in time (按期办结率 100%), so every reply was in time;
    2023 and 2025 have late replies among their late closures; 2026's overdue items without a
    reply count against it."""
    found = {}
    for year in (2023, 2024, 2025, 2026):
        f = compute(demo.pk, Period.year(year, as_of=AS_OF))["on_time_reply_rate"]
        found[year] = (f.numerator, f.denominator, f.display)
    assert found == REPLIES
    routed = PetitionCase.objects.filter(bureau=demo, routing__in=["transfer", "assign"], closed_on__isnull=False)
    assert not routed.filter(unit_replied_on__isnull=True).exists()
    assert not routed.filter(unit_replied_on__gt=F("closed_on")).exists()
    assert not routed.filter(unit_replied_on__lt=F("unit_accepted_on")).exists()


@pytest.mark.django_db
def test_open_items_of_2026_make_the_overdue_list(demo):
    overdue = PetitionCase.objects.filter(bureau=demo).overdue(AS_OF)

    assert overdue.count() >= 4
    assert set(overdue.values_list("received_on__year", flat=True)) == {2026}
    assert not PetitionCase.objects.filter(bureau=demo, received_on__year__lte=2025, closed_on__isnull=True).exists()


@pytest.mark.django_db
def test_computing_a_year_takes_one_query_per_source(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        compute(demo.pk, Period.year(2024, as_of=AS_OF))
    assert len(SOURCES) <= 10


@pytest.mark.django_db
def test_twenty_one_units_and_the_townships(demo):
    units = Unit.objects.filter(bureau=demo)

    assert list(units.filter(kind=Unit.Kind.TOWNSHIP).order_by("sort_order").values_list("name", flat=True)) == [
        "温泉街道",
        "太行街道",
        "岳村街道",
        "张羌街道",
        "祥云镇",
        "番田镇",
        "黄庄镇",
        "武德镇",
        "赵堡镇",
        "招贤乡",
        "北冷乡",
    ]
    assert units.get(kind=Unit.Kind.COUNTY).name == "温县（县级）"
    held = AccountabilityAction.objects.filter(bureau=demo).in_year(2024).values("unit").distinct()
    assert held.count() == 21
    per_unit = compute_by_unit(demo.pk, Period.year(2024, as_of=AS_OF), keys={"cases_received"})
    assert sum(f["cases_received"].numerator for f in per_unit.values()) < 202  # direct items have no unit


@pytest.mark.slow
@pytest.mark.django_db
def test_every_record_passes_the_models_own_validation(demo):
    """Field lengths, choices and clean() rules: SQLite would not enforce a varchar's length."""
    for model in (
        Bureau,
        Unit,
        PetitionCase,
        DisputeScreening,
        AccountabilityAction,
        AccountablePerson,
        OrderCase,
        OrderPerson,
        OutreachEvent,
        Volunteer,
        RoadmapPosting,
    ):
        objects = list(model.objects.all())
        assert objects, model
        for obj in objects:
            obj.full_clean()


@pytest.mark.django_db
def test_petitioner_id_numbers_and_phones_are_well_formed(demo):
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    numbers = list(PetitionCase.objects.values_list("petitioner_id_number", flat=True))
    numbers += list(OrderPerson.objects.values_list("id_number", flat=True))
    for number in numbers:
        assert len(number) == 18 and number[:17].isdigit()
        assert number[17] == "10X98765432"[sum(int(c) * w for c, w in zip(number[:17], weights, strict=True)) % 11]
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    for phone in PetitionCase.objects.filter(bureau=demo).values_list("petitioner_phone", flat=True):
        assert len(phone) == 11 and phone.isdigit() and phone[0] == "1"


@pytest.mark.django_db
def test_collective_visits_transfers_and_ratings_are_present(demo):
    cases = PetitionCase.objects.filter(bureau=demo).in_year(2024)

    assert cases.filter(channel=PetitionCase.Channel.VISIT, head_count__gte=5).count() == 7
    assert set(cases.values_list("channel", flat=True)) == {"letter", "visit", "online", "phone"}
    assert cases.filter(routing=PetitionCase.Routing.ASSIGN).exists()
    assert cases.filter(objection_on__isnull=False, objection_sustained=False).count() == 2
    assert cases.exclude(satisfaction="").count() > 150
    assert cases.exclude(review="").count() == 5


@pytest.mark.django_db
def test_every_indicator_has_a_2024_figure(demo):
    figures = compute(demo.pk, Period.year(2024, as_of=AS_OF))

    assert set(figures) == {i.key for i in INDICATORS}


@pytest.mark.django_db
def test_the_city_roll_up_of_the_demo_is_the_sum_of_its_counties_and_its_own(demo):
    """The demo's city: every figure of 焦作's roll-up adds 焦作's own, 温县's and 武陟's
    numerators and denominators; 温县 and 武陟 are ranked on every rate they both have."""
    from cases.scoping import within
    from indicators import rollup
    from indicators.compute import compute

    city = Bureau.objects.get(name="焦作市信访局")
    counties = {b.name: b for b in Bureau.objects.filter(parent=city)}
    assert sorted(counties) == ["武陟县信访局", "温县信访局"]
    period = Period.year(2024, as_of=AS_OF)
    parts = [compute(b.pk, period) for b in (city, *counties.values())]
    with within(city.lineage_ids()):
        total = rollup.rollup_figures(city, period)
    for key, figure in total.items():
        assert figure.numerator == sum(p[key].numerator for p in parts), key
        if figure.denominator is not None:
            assert figure.denominator == sum(p[key].denominator for p in parts), key
    assert total["cases_received"].numerator == 202 + 213 + 41  # 温县, 武陟, 焦作's own
    data = rollup.rollup_data(city, 2024, today=AS_OF)
    one_time = {pk: counts["one_time_resolution_rate"] for pk, counts in data.by_lower.items()}
    wenxian, wuzhi = counties["温县信访局"].pk, counties["武陟县信访局"].pk
    assert one_time[wenxian] == (189, 202)  # the seed report's 93.56%
    ranks = rollup.ranks({pk: rollup.figure(BY_KEY["one_time_resolution_rate"], c) for pk, c in one_time.items()})
    better = wenxian if one_time[wenxian][0] / one_time[wenxian][1] > one_time[wuzhi][0] / one_time[wuzhi][1] else wuzhi
    assert ranks[better] == 1 and sorted(ranks.values()) == [1, 2]


@pytest.mark.parametrize("year", [2023, 2024, 2026])
def test_one_scan_per_source_gives_the_whole_the_units_and_the_months(demo, year, django_assert_max_num_queries):
    """compute_year(): the figures of the three separate countings, from one grouped query per
    source (the dashboard's cold year)."""
    from indicators.compute import compute, compute_by_month, compute_by_unit, compute_year
    from indicators.registry import INDICATORS, Period

    def values(figures):
        return {k: (f.numerator, f.denominator) for k, f in figures.items()}

    period = Period.year(year, as_of=datetime.date(2026, 11, 27))
    unit_keys = [i.key for i in INDICATORS if i.per_unit]
    month_keys = [i.key for i in INDICATORS if i.monthly]
    sources = len({i.source.key for i in INDICATORS})
    with django_assert_max_num_queries(sources):
        total, by_unit, by_month = compute_year(demo.pk, period, unit_keys=unit_keys, month_keys=month_keys)

    assert values(total) == values(compute(demo.pk, period))
    assert {pk: values(f) for pk, f in by_unit.items()} == {
        pk: values(f) for pk, f in compute_by_unit(demo.pk, period, keys=unit_keys).items()
    }
    assert {m: values(f) for m, f in by_month.items()} == {
        m: values(f) for m, f in compute_by_month(demo.pk, period, keys=month_keys).items()
    }
    assert sum(f["cases_received"].numerator for f in by_month.values()) == total["cases_received"].numerator > 150
