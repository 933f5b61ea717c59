"""按期答复率 and the four 信访积案 figures over small hand-made ledgers; the 积案 list in the
workbench (its rules, the activity log)."""

import datetime
from decimal import Decimal

import pytest

from cases.models import AuditEntry, BacklogEntry, PetitionCase
from indicators.compute import compute
from indicators.registry import Period

from .test_compute import make_case

D = datetime.date
pytestmark = pytest.mark.django_db


ACCEPTED = D(2024, 3, 4)


def routed(bureau, number, *, accepted=ACCEPTED, **fields):
    return make_case(
        bureau,
        number,
        D(2024, 3, 1),
        routing=PetitionCase.Routing.TRANSFER,
        routed_on=D(2024, 3, 2),
        unit_accepted_on=accepted,
        **fields,
    )


def test_on_time_reply_rate_counts_replies_by_the_handling_deadline(bureau, unit):
    on_time = routed(bureau, "A", unit=unit, unit_replied_on=D(2024, 4, 1))
    late = routed(bureau, "B", unit=unit, unit_replied_on=D(2024, 6, 30))
    waiting_late = routed(bureau, "C", unit=unit)  # no reply, deadline (2024-05-03) passed
    routed(bureau, "D", accepted=D(2024, 12, 1))  # no reply, deadline not passed yet: not judged
    routed(bureau, "E", closed_on=D(2024, 5, 1))  # closed, no reply recorded (old ledger): not judged
    extended = routed(
        bureau,
        "F",
        extension_days=30,
        extension_approved=True,
        extension_approved_on=D(2024, 4, 20),
        unit_replied_on=D(2024, 5, 25),  # day 82 of 90
    )
    make_case(bureau, "G", D(2024, 3, 1), accepted_on=D(2024, 3, 2), closed_on=D(2024, 4, 1))  # not routed
    assert (on_time.handling_due_on, extended.handling_due_on) == (D(2024, 5, 6), D(2024, 6, 3))

    period = Period(D(2024, 1, 1), D(2024, 12, 31), as_of=D(2024, 12, 31))
    rate = compute(bureau.pk, period, keys=["on_time_reply_rate"])["on_time_reply_rate"]
    assert (rate.numerator, rate.denominator, rate.percent) == (2, 4, Decimal("50.00"))
    ind = rate.indicator
    assert set(ind.records(bureau.pk, period).values_list("number", flat=True)) == {"A", "F"}
    assert set(ind.records(bureau.pk, period, "denominator").values_list("number", flat=True)) == {"A", "B", "C", "F"}
    # Per unit: only unit's A, B and C.
    by_unit = compute(bureau.pk, period, unit_id=unit.pk, keys=["on_time_reply_rate"])["on_time_reply_rate"]
    assert (by_unit.numerator, by_unit.denominator) == (1, 3)
    # Judged on 2024-05-04, C's deadline had not passed: it is not in the denominator yet.
    early = Period(D(2024, 1, 1), D(2024, 12, 31), as_of=D(2024, 5, 4))
    rate = compute(bureau.pk, early, keys=["on_time_reply_rate"])["on_time_reply_rate"]
    assert (rate.numerator, rate.denominator) == (2, 3)
    assert waiting_late.unit_replied_on is None and late.unit_replied_on > late.handling_due_on


BACKLOG_KEYS = ["backlog_stock", "backlog_stock_resolved", "backlog_added", "backlog_added_resolved"]


def backlog(bureau, year):
    figures = compute(bureau.pk, Period.year(year, as_of=D(2025, 6, 30)), keys=BACKLOG_KEYS)
    return [figures[k].numerator for k in BACKLOG_KEYS]


def test_backlog_stock_and_added_with_what_was_resolved(bureau, alice):
    def entry(n, listed, resolved=None, **fields):
        case = make_case(bureau, f"J-{n}", D(2022, 1, 1))
        return BacklogEntry.objects.create(bureau=bureau, case=case, listed_on=listed, resolved_on=resolved, **fields)

    entry(1, D(2022, 5, 1), D(2023, 3, 1))  # resolved before 2024: in no 2024 figure
    entry(2, D(2023, 1, 1))  # 存量, not resolved
    entry(3, D(2023, 6, 1), D(2024, 2, 1))  # 存量, resolved in 2024
    entry(4, D(2024, 3, 1))  # 增量, not resolved
    entry(5, D(2024, 4, 1), D(2024, 10, 1))  # 增量, resolved
    entry(6, D(2023, 7, 1), D(2025, 1, 1))  # 存量, resolved only in 2025
    entry(7, D(2024, 12, 31), D(2024, 12, 31))  # 增量, resolved the same day
    voided = entry(8, D(2024, 2, 1))
    voided.voided_at, voided.void_reason = datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC), "录错"
    voided.save()
    on_a_voided_case = entry(9, D(2024, 2, 1))
    PetitionCase.objects.filter(pk=on_a_voided_case.case_id).update(
        voided_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC), void_reason="录错"
    )

    assert backlog(bureau, 2024) == [3, 1, 3, 2]
    assert backlog(bureau, 2023) == [1, 1, 3, 0]
    assert backlog(bureau, 2025) == [3, 1, 0, 0]
    stock = compute(bureau.pk, Period.year(2024), keys=["backlog_stock"])["backlog_stock"]
    assert sorted(stock.indicator.records(bureau.pk, Period.year(2024)).values_list("case__number", flat=True)) == [
        "J-2",
        "J-3",
        "J-6",
    ]


def test_the_backlog_list_refuses_what_cannot_be(bureau):
    from django.core.exceptions import ValidationError

    case = make_case(bureau, "J-1", D(2023, 5, 1))
    BacklogEntry.objects.create(bureau=bureau, case=case, listed_on=D(2023, 6, 1))
    for fields, field, message in (
        ({"listed_on": D(2023, 7, 1)}, "case", "该信访事项已在积案名单上（列入后尚未化解）。"),
        ({"listed_on": D(2023, 4, 1)}, "listed_on", "列入积案日期不能早于该信访事项的登记日期（2023-05-01）。"),
        ({"listed_on": D(2023, 7, 1), "resolved_on": D(2023, 6, 1)}, "resolved_on", "化解日期不能早于列入积案日期。"),
    ):
        with pytest.raises(ValidationError) as raised:
            BacklogEntry(bureau=bureau, case=case, **fields).full_clean()
        assert raised.value.message_dict[field] == [message]
    assert BacklogEntry.objects.count() == 1


def test_a_clerk_lists_a_case_in_the_workbench_and_the_log_says_so(client, alice, bureau):
    case = make_case(bureau, "J-1", D(2023, 5, 1))
    client.force_login(alice)
    response = client.post(
        "/admin/cases/backlogentry/add/",
        {"case": case.pk, "listed_on": "2024-01-15", "resolved_on": "", "note": "包案领导：张副县长"},
    )
    assert response.status_code == 302, response.content.decode()
    entry = BacklogEntry.objects.get()
    assert (entry.case, entry.listed_on, entry.bureau) == (case, D(2024, 1, 15), bureau)
    logged = AuditEntry.objects.get(content_type__model="backlogentry")
    assert (logged.action, logged.object_id, logged.user) == (AuditEntry.Action.CREATE, entry.pk, alice)
    assert backlog(bureau, 2024) == [0, 0, 1, 0]
    # Resolved (销号) on a day before it was listed: refused, in Chinese, nothing changed.
    response = client.post(
        f"/admin/cases/backlogentry/{entry.pk}/change/",
        {"case": case.pk, "listed_on": "2024-01-15", "resolved_on": "2024-01-10", "note": ""},
    )
    assert response.status_code == 200 and "化解日期不能早于列入积案日期。" in response.content.decode()
    entry.refresh_from_db()
    assert entry.resolved_on is None and entry.note == "包案领导：张副县长"
