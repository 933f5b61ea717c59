"""A bureau whose 2024 records reproduce every figure of the seed report, built from records."""

import datetime
from pathlib import Path

import pytest

from cases.deadlines import HolidayCalendar
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
from tests.conftest import DEPARTMENTS, TOWNSHIPS

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_a6f0a82ea1106549.txt"
EXTRA_DEPARTMENTS = [f"县第{i}局" for i in range(1, 8)]


def _cases(bureau, units):
    """202 closed items: 182 initial (171 resolved in one pass, 93.96%), 20 repeat (18): 93.56%."""
    calendar = HolidayCalendar()
    start = datetime.date(2024, 3, 1)
    plan = [(True, True)] * 171 + [(True, False)] * 11 + [(False, True)] * 18 + [(False, False)] * 2
    cases = []
    for i, (initial, first_time) in enumerate(plan):
        received = start + datetime.timedelta(days=i % 180)
        case = PetitionCase(
            bureau=bureau,
            number=f"2024-{i + 1:04d}",
            received_on=received,
            channel=PetitionCase.Channel.VISIT if i % 3 else PetitionCase.Channel.ONLINE,
            petitioner_name=f"信访人{i}",
            is_initial=initial,
            category=PetitionCase.Category.CLAIM,
            responsible_unit=units[i % len(units)],
            routing=PetitionCase.Routing.TRANSFER,
            routed_on=received + datetime.timedelta(days=2),
            unit_accepted_on=received + datetime.timedelta(days=4),
            handling_path=PetitionCase.HandlingPath.LEGAL if i == 0 else PetitionCase.HandlingPath.PETITION,
            closed_on=received + datetime.timedelta(days=30),
            outcome=PetitionCase.Outcome.SUPPORT,
            resolved_first_time=first_time,
            satisfaction=PetitionCase.Satisfaction.SATISFIED,
        )
        case.refresh_due_dates(calendar)
        cases.append(case)
    PetitionCase.objects.bulk_create(cases)


def _screenings(bureau, townships):
    found = datetime.date(2024, 2, 1)
    DisputeScreening.objects.bulk_create(
        DisputeScreening(
            bureau=bureau,
            found_on=found + datetime.timedelta(days=i),
            unit=townships[i % len(townships)],
            kind="邻里纠纷",
            status=DisputeScreening.Status.RESOLVED if i < 126 else DisputeScreening.Status.IN_PROGRESS,
            resolved_on=found + datetime.timedelta(days=i + 10) if i < 126 else None,
        )
        for i in range(157)
    )


def _accountability(bureau, units):
    for i, unit in enumerate(units[:21]):
        action = AccountabilityAction.objects.create(bureau=bureau, decided_on=datetime.date(2024, 6, 1 + i), unit=unit)
        if i < 20:
            AccountablePerson.objects.create(action=action, name=f"责任人{i}")


def _order(bureau):
    measures = [OrderPerson.Measure.WARNING] * 3 + [OrderPerson.Measure.ADMIN_DETENTION] * 4
    measures += [OrderPerson.Measure.CRIMINAL_DETENTION]
    for i, measure in enumerate(measures):
        case = OrderCase.objects.create(
            bureau=bureau, occurred_on=datetime.date(2024, 4, 1 + i), place="县信访局", conduct="扰序"
        )
        OrderPerson.objects.create(case=case, name=f"人员{i}", measure=measure)


def _outreach(bureau, townships):
    K = OutreachEvent.Kind
    kinds = [K.VOLUNTEER] * 4 + [K.TRAINING] * 4 + [K.PARTY_SCHOOL] + [K.CAMPAIGN] * 20
    materials = [0] * 9 + [160] * 19 + [176]  # 3216 in all
    OutreachEvent.objects.bulk_create(
        OutreachEvent(bureau=bureau, held_on=datetime.date(2024, 5, 1 + i), kind=kind, title=str(kind), materials=m)
        for i, (kind, m) in enumerate(zip(kinds, materials, strict=True))
    )
    Volunteer.objects.bulk_create(
        Volunteer(bureau=bureau, name=f"志愿者{i}", joined_on=datetime.date(2023, 1, 1)) for i in range(21)
    )
    RoadmapPosting.objects.bulk_create(
        RoadmapPosting(
            bureau=bureau, unit=u, roadmap_posted=True, guide_posted=True, posted_on=datetime.date(2024, 3, 1)
        )
        for u in townships
    )


@pytest.fixture
def wenxian(db):
    """温县信访局 with 2024 records giving the seed's figures, figure for figure."""
    bureau = Bureau.objects.create(name="温县信访局", county="温县", short_county="温县", province="河南")
    townships = [
        Unit.objects.create(bureau=bureau, name=n, kind=Unit.Kind.TOWNSHIP, sort_order=i)
        for i, n in enumerate(TOWNSHIPS)
    ]
    departments = [
        Unit.objects.create(bureau=bureau, name=n, kind=Unit.Kind.DEPARTMENT, sort_order=i)
        for i, n in enumerate(DEPARTMENTS + EXTRA_DEPARTMENTS)
    ]
    units = townships + departments
    _cases(bureau, units)
    _screenings(bureau, townships)
    _accountability(bureau, units)
    _order(bureau)
    _outreach(bureau, townships)
    return bureau
