"""The cache drops exactly what a change touches: the bureau's entries of the changed year (and of
the next, which shows it as last year), its every-year entries, and the roll-ups above it."""

import datetime

import pytest

from cases.models import Bureau, DisputeScreening, OrderCase, OrderPerson, PetitionCase, Unit
from cases.signals import records_changed
from indicators import cache
from tests.indicators.test_compute import make_case

D = datetime.date


@pytest.fixture
def tree(db):
    city = Bureau.objects.create(name="测试市信访局", county="测试市", level=Bureau.Level.CITY)
    a = Bureau.objects.create(name="甲县信访局", county="甲县", parent=city)
    b = Bureau.objects.create(name="乙县信访局", county="乙县", parent=city)
    return city, a, b


class Entries:
    """Cached entries like the dashboard's and the roll-up's: `rebuilt()` says which were built
    again since the last call."""

    def __init__(self, city, a, b):
        self.specs = {
            "a-2025": {"bureau_id": a.pk, "years": [2025, 2024]},
            "a-2026": {"bureau_id": a.pk, "years": [2026, 2025]},
            "a-2027": {"bureau_id": a.pk, "years": [2027, 2026]},
            "a-any": {"bureau_id": a.pk, "every_year": True},  # years with records, deadline lists
            "b-2026": {"bureau_id": b.pk, "years": [2026, 2025]},
            "b-any": {"bureau_id": b.pk, "every_year": True},
            "city-2026": {"bureau_id": city.pk, "years": [2026, 2025]},
            "city-rollup-2025": {"bureau_id": city.pk, "rollup_years": [2025, 2024]},
            "city-rollup-2026": {"bureau_id": city.pk, "rollup_years": [2026, 2025]},
            "global": {},
        }
        self.rebuilt()

    def rebuilt(self) -> set[str]:
        built = set()
        for name, deps in self.specs.items():
            cache.get_or_build(f"test:{name}", lambda name=name: built.add(name) or name, **deps)
        return built


ALL = {
    "a-2025",
    "a-2026",
    "a-2027",
    "a-any",
    "b-2026",
    "b-any",
    "city-2026",
    "city-rollup-2025",
    "city-rollup-2026",
    "global",
}


def test_saving_a_2026_case_of_a_county_keeps_its_2025_entries_and_the_other_bureaus(tree):
    entries = Entries(*tree)
    _city, a, _b = tree
    assert entries.rebuilt() == set()  # all cached

    case = make_case(a, "A-1", D(2026, 3, 1))

    assert entries.rebuilt() == {"a-2026", "a-2027", "a-any", "city-rollup-2026"}
    case.petitioner_name = "李四"
    case.save()
    assert entries.rebuilt() == {"a-2026", "a-2027", "a-any", "city-rollup-2026"}
    case.delete()
    assert entries.rebuilt() == {"a-2026", "a-2027", "a-any", "city-rollup-2026"}


def test_moving_a_case_to_another_year_drops_both_years(tree):
    _city, a, _b = tree
    make_case(a, "A-1", D(2025, 12, 30))
    entries = Entries(*tree)
    case = PetitionCase.objects.get(number="A-1")  # loaded: its year is remembered

    case.received_on = D(2026, 1, 2)
    case.save()

    assert entries.rebuilt() == {"a-2025", "a-2026", "a-2027", "a-any", "city-rollup-2025", "city-rollup-2026"}


def test_a_person_of_an_order_case_drops_the_year_of_the_case(tree):
    _city, _a, b = tree
    order = OrderCase.objects.create(bureau=b, occurred_on=D(2025, 7, 1), place="广场", conduct="滋事")
    entries = Entries(*tree)

    OrderPerson.objects.create(case=order, name="赵六", measure=OrderPerson.Measure.WARNING)

    # 乙县 2026 shows 2025 as last year
    assert entries.rebuilt() == {"b-2026", "b-any", "city-rollup-2025", "city-rollup-2026"}


def test_a_bulk_writer_with_or_without_years(tree):
    _city, a, b = tree
    entries = Entries(*tree)

    records_changed.send(sender=None, bureau=b, years={2026})
    assert entries.rebuilt() == {"b-2026", "b-any", "city-rollup-2026"}
    records_changed.send(sender=None, bureau=a, years=None)  # years unknown: all of 甲县
    assert entries.rebuilt() == {"a-2025", "a-2026", "a-2027", "a-any", "city-rollup-2025", "city-rollup-2026"}
    records_changed.send(sender=None, bureau=None, years=None)  # a restore: everything
    assert entries.rebuilt() == ALL


def test_the_citys_own_records_do_not_drop_the_counties(tree):
    city, _a, _b = tree
    entries = Entries(*tree)

    make_case(city, "C-1", D(2026, 2, 1))

    assert entries.rebuilt() == {"city-2026", "city-rollup-2026"}


def test_a_holiday_or_a_new_bureau_drops_everything(tree):
    from cases.models import Holiday

    entries = Entries(*tree)
    Holiday.objects.create(date=D(2027, 1, 1), name="元旦")
    assert entries.rebuilt() == ALL
    Bureau.objects.create(name="丙县信访局", county="丙县", parent=tree[0])
    assert entries.rebuilt() == ALL


def test_a_unit_or_a_volunteer_drops_every_year_of_its_bureau(tree):
    from cases.models import Unit, Volunteer

    _city, a, b = tree
    entries = Entries(*tree)
    Unit.objects.create(bureau=b, name="城关镇")
    assert entries.rebuilt() == {"b-2026", "b-any", "city-rollup-2025", "city-rollup-2026"}
    Volunteer.objects.create(bureau=a, name="志愿者", joined_on=D(2020, 1, 1))
    assert entries.rebuilt() == {"a-2025", "a-2026", "a-2027", "a-any", "city-rollup-2025", "city-rollup-2026"}


def test_the_dashboard_of_last_year_stays_cached_and_its_deadline_lists_do_not(tree, monkeypatch):
    """The real entries: a 2026 case drops the 2026 dashboard's figures, not 2025's; the overdue
    lists read every open case whatever its year, so they are built again."""
    from indicators import dashboard

    _city, a, b = tree
    built = []
    build, deadlines = dashboard._build, dashboard._deadlines
    monkeypatch.setattr(
        dashboard, "_build", lambda bureau, year, today: built.append(("figures", year)) or build(bureau, year, today)
    )
    monkeypatch.setattr(dashboard, "_deadlines", lambda *args: built.append(("deadlines",)) or deadlines(*args))
    today = D(2026, 11, 24)
    for year in (2025, 2026):
        dashboard.dashboard_data(a, year, today)
    assert built == [("figures", 2025), ("deadlines",), ("figures", 2026)]

    built.clear()
    make_case(a, "A-1", D(2026, 3, 1))
    for year in (2025, 2026):
        dashboard.dashboard_data(a, year, today)
    assert built == [("deadlines",), ("figures", 2026)]
    built.clear()
    dashboard.dashboard_data(b, 2026, today)
    dashboard.dashboard_data(b, 2026, today)
    assert built == [("figures", 2026), ("deadlines",)]  # once: 乙县's entries stay


def test_a_date_given_as_text_is_read_as_its_year(tree):
    _city, a, _b = tree
    unit = Unit.objects.create(bureau=a, name="城关镇")
    entries = Entries(*tree)

    DisputeScreening.objects.create(bureau=a, unit=unit, found_on="2025-06-01", kind="邻里纠纷")

    assert entries.rebuilt() == {"a-2025", "a-2026", "a-any", "city-rollup-2025", "city-rollup-2026"}
