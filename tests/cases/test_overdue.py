"""Which items the overdue and due-soon lists hold: every stage not done past its due date."""

import datetime

from cases.deadlines import HolidayCalendar
from cases.models import PetitionCase

D = datetime.date
TODAY = D(2024, 8, 1)


def make(bureau, number, **kw):
    case = PetitionCase(
        bureau=bureau,
        number=number,
        channel="visit",
        petitioner_name="张三",
        category="claim",
        **{"received_on": D(2024, 3, 1), **kw},
    )
    case.refresh_due_dates(HolidayCalendar())
    case.save()
    return case


def numbers(qs):
    return sorted(qs.values_list("number", flat=True))


def test_open_items_past_a_stage_and_closed_items_awaiting_a_review_decision(bureau):
    make(bureau, "never-acted")  # routing due 03-18, nothing done
    make(bureau, "accepted-late-handling", accepted_on=D(2024, 3, 5))  # handling due 05-06
    make(bureau, "closed", accepted_on=D(2024, 3, 5), closed_on=D(2024, 4, 1))
    make(
        bureau,
        "review-overdue",
        accepted_on=D(2024, 3, 5),
        closed_on=D(2024, 4, 1),
        review="review",
        review_requested_on=D(2024, 4, 20),
    )  # decision due 05-20, none recorded
    make(
        bureau,
        "review-decided",
        accepted_on=D(2024, 3, 5),
        closed_on=D(2024, 4, 1),
        review="review",
        review_requested_on=D(2024, 4, 20),
        review_decided_on=D(2024, 5, 10),
    )
    make(bureau, "fresh", received_on=D(2024, 7, 25))  # routing due 08-09
    assert numbers(PetitionCase.objects.overdue(TODAY)) == ["accepted-late-handling", "never-acted", "review-overdue"]
    assert numbers(PetitionCase.objects.due_soon(TODAY, D(2024, 8, 9))) == ["fresh"]
    assert numbers(PetitionCase.objects.due_soon(TODAY, D(2024, 8, 8))) == []
