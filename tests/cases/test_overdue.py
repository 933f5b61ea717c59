"""Which items the overdue and due-soon lists hold: every stage not done past its due date."""

import datetime

from cases.deadlines import HolidayCalendar
from cases.models import PetitionCase
from cases.models.petitions import Stage

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


def test_the_stored_next_due_date_is_the_earliest_stage_the_case_view_shows_as_pending(bureau):
    """next_due_on is computed by the database; the case page's stage table is computed in
    Python from the same columns. They must agree on every kind of case, or the overdue list
    and the case page would disagree."""
    calendar = HolidayCalendar()
    cases = [
        make(bureau, "never-acted"),
        make(bureau, "accepted", accepted_on=D(2024, 3, 5)),
        make(bureau, "routed", routing="assign", routed_on=D(2024, 3, 4)),
        make(bureau, "routed-unit-accepted", routing="assign", routed_on=D(2024, 3, 4), unit_accepted_on=D(2024, 3, 8)),
        make(bureau, "extended", accepted_on=D(2024, 3, 5), extension_days=30, extension_approved=True),
        make(bureau, "closed", accepted_on=D(2024, 3, 5), closed_on=D(2024, 4, 1)),
        make(
            bureau, "closed-unit-never-accepted", routing="transfer", routed_on=D(2024, 3, 4), closed_on=D(2024, 4, 1)
        ),
        make(
            bureau,
            "review-pending",
            accepted_on=D(2024, 3, 5),
            closed_on=D(2024, 4, 1),
            review="recheck",
            review_requested_on=D(2024, 4, 20),
        ),
        make(
            bureau,
            "review-decided",
            accepted_on=D(2024, 3, 5),
            closed_on=D(2024, 4, 1),
            review="review",
            review_requested_on=D(2024, 4, 20),
            review_decided_on=D(2024, 5, 10),
        ),
    ]
    stored = dict(PetitionCase.objects.values_list("number", "next_due_on"))
    for case in cases:
        running = (Stage.OVERDUE, Stage.DUE_SOON, Stage.PENDING)
        pending = [s.due_on for s in case.stages(TODAY, calendar) if s.state in running]
        assert stored[case.number] == (min(pending) if pending else None), case.number
    assert stored["never-acted"] == D(2024, 3, 18)
    assert stored["closed"] is None and stored["review-decided"] is None
    assert stored["review-pending"] is not None
    # A closed item whose unit never recorded acceptance is not overdue, and its page says why.
    states = {s.label: s.state for s in cases[6].stages(TODAY, calendar)}
    assert states["责任单位受理"] == Stage.NOT_RECORDED


def test_the_next_due_date_follows_an_edit_without_any_code_keeping_it(bureau):
    case = make(bureau, "edited")
    assert PetitionCase.objects.get(pk=case.pk).next_due_on == D(2024, 3, 18)
    PetitionCase.objects.filter(pk=case.pk).update(closed_on=D(2024, 3, 10))  # a raw UPDATE
    assert PetitionCase.objects.get(pk=case.pk).next_due_on is None
    assert numbers(PetitionCase.objects.overdue(TODAY)) == []
