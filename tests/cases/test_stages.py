"""The bureau's stages of a case (cases.stages): each with its own date, in the 条例's order, with
its due dates refreshed and one activity-log entry; out of order, refused with the reason in
Chinese and nothing written."""

import datetime

import pytest

from cases import stages
from cases.models import PetitionCase, Unit
from cases.stages import Refused
from tests.conftest import _user

D = datetime.date.fromisoformat
TODAY = D("2026-11-20")  # a Friday; 2026's holidays are known


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("cases.stages.local_today", lambda: TODAY)


def make_case(bureau, number="温信2026-0001", *, received="2026-09-01", **extra):
    case = PetitionCase(
        bureau=bureau,
        number=number,
        received_on=D(received),
        channel="letter",
        petitioner_name="王五",
        category="claim",
        **extra,
    )
    case.refresh_due_dates(bureau.calendar())
    case.full_clean()
    case.save()
    return case


def row(case) -> dict:
    """Everything stored on the case (the generated next_due_on too), to compare before and after."""
    return PetitionCase.objects.filter(pk=case.pk).values().get()


def entries(case):
    return stages.case_entries(case)


def assert_refused(step, case, message: str, **kwargs):
    before, logged = row(case), len(entries(case))
    with pytest.raises(Refused) as exc:
        step(case, **kwargs)
    assert message in str(exc.value)
    assert row(case) == before
    assert len(entries(case)) == logged


@pytest.fixture
def township(bureau):
    return Unit.objects.get(bureau=bureau, name="祥云镇")


@pytest.fixture
def routed(bureau, township, alice):
    case = make_case(bureau)
    return stages.route(case, user=alice, on=D("2026-09-08"), unit=township, routing="transfer")


# ---------------------------------------------------------------- each stage with its date


def test_the_bureau_accepts_a_case_itself(bureau, alice):
    case = make_case(bureau)
    case = stages.accept(case, user=alice, on=D("2026-09-10"))
    case.refresh_from_db()
    assert (case.accepted_on, case.routing) == (D("2026-09-10"), "direct")
    assert case.handling_due_on == D("2026-11-09")  # 60 days from 09-10
    assert case.next_due_on == D("2026-11-09")
    (entry,) = entries(case)
    assert (entry.action, entry.username) == ("case_accept", "alice")
    assert entry.changes["accepted_on"] == ["", "2026-09-10"]


def test_routing_sets_the_unit_and_its_acceptance_deadline(routed, township):
    routed.refresh_from_db()
    assert (routed.routing, routed.routed_on, routed.responsible_unit) == ("transfer", D("2026-09-08"), township)
    assert routed.unit_acceptance_due_on == D("2026-09-23")  # 15 days from 09-08
    (entry,) = entries(routed)
    assert (entry.action, entry.detail) == ("case_route", "转送祥云镇")


def test_the_clerk_records_a_units_acceptance_and_reply_as_proxy(routed, alice):
    stages.unit_accept(routed, user=alice, on=D("2026-09-15"))
    stages.reply(routed, user=alice, on=D("2026-10-20"), text="已协调解决")
    routed.refresh_from_db()
    assert (routed.unit_accepted_on, routed.unit_replied_on, routed.unit_reply) == (
        D("2026-09-15"),
        D("2026-10-20"),
        "已协调解决",
    )
    assert routed.handling_due_on == D("2026-11-16")  # 60 days from 09-15: Saturday 11-14 → Monday
    accept_entry, reply_entry = entries(routed)[1:]
    assert (accept_entry.action, accept_entry.detail) == ("case_unit_accept", "代录：祥云镇受理")
    assert (reply_entry.action, reply_entry.detail) == ("case_reply", "代录：祥云镇答复")


def test_a_unit_with_an_account_does_its_own_steps_at_its_desk(routed, township, bureau, alice):
    from accounts import roles

    _user("xiang", roles.UNIT, bureau, township)
    assert_refused(stages.unit_accept, routed, "祥云镇有本系统账号", user=alice, on=D("2026-09-15"))


def test_closing_after_the_reply(routed, alice):
    stages.unit_accept(routed, user=alice, on=D("2026-09-15"))
    stages.reply(routed, user=alice, on=D("2026-10-20"), text="已答复")
    stages.close(routed, user=alice, on=D("2026-10-22"), outcome="support")
    routed.refresh_from_db()
    assert (routed.closed_on, routed.outcome) == (D("2026-10-22"), "support")
    assert routed.next_due_on is None
    assert entries(routed)[-1].action == "case_close"


# ---------------------------------------------------------------- wrong order, refused


def test_closing_before_acceptance_or_routing_is_refused(bureau, alice):
    case = make_case(bureau)
    message = "尚未受理或转送交办，不能办结"
    assert_refused(stages.close, case, message, user=alice, on=D("2026-09-10"), outcome="support")


def test_closing_a_routed_case_before_the_units_reply_is_refused(routed, alice):
    assert_refused(stages.close, routed, "责任单位尚未答复", user=alice, on=D("2026-09-10"), outcome="support")


def test_a_reply_before_the_units_acceptance_is_refused(routed, alice):
    assert_refused(stages.reply, routed, "责任单位尚未受理", user=alice, on=D("2026-09-10"), text="答复")


def test_accepting_a_routed_case_or_routing_an_accepted_one_is_refused(bureau, routed, township, alice):
    assert_refused(stages.accept, routed, "不能再由本机关直接受理", user=alice, on=D("2026-09-10"))
    accepted = stages.accept(make_case(bureau, "温信2026-0002"), user=alice, on=D("2026-09-10"))
    assert_refused(
        stages.route, accepted, "不能再转送交办", user=alice, on=D("2026-09-11"), unit=township, routing="transfer"
    )


def test_a_date_in_the_future_or_before_the_stage_it_follows_is_refused(bureau, routed, alice):
    case = make_case(bureau, "温信2026-0002")
    assert_refused(stages.accept, case, "受理告知日期不能晚于今天", user=alice, on=D("2026-11-21"))
    assert_refused(stages.accept, case, "不能早于登记日期（2026-09-01）", user=alice, on=D("2026-08-31"))
    assert_refused(stages.unit_accept, routed, "不能早于转送交办日期（2026-09-08）", user=alice, on=D("2026-09-07"))


def test_a_closed_case_takes_no_more_handling(routed, alice):
    stages.unit_accept(routed, user=alice, on=D("2026-09-15"))
    stages.reply(routed, user=alice, on=D("2026-10-20"), text="已答复")
    stages.close(routed, user=alice, on=D("2026-10-22"), outcome="support")
    assert_refused(stages.extend, routed, "已于2026-10-22办结", user=alice, on=D("2026-10-23"), days=10, reason="x")


# ---------------------------------------------------------------- 延期


def test_an_extension_needs_a_reason_at_most_30_days_and_only_once(bureau, alice):
    case = stages.accept(make_case(bureau), user=alice, on=D("2026-09-10"))
    assert_refused(stages.extend, case, "请填写延期理由", user=alice, on=D("2026-10-10"), days=30, reason=" ")
    assert_refused(stages.extend, case, "1至30日", user=alice, on=D("2026-10-10"), days=31, reason="需现场核查")
    stages.extend(case, user=alice, on=D("2026-10-10"), days=30, reason="需现场核查")
    case.refresh_from_db()
    assert (case.extension_days, case.extension_approved, case.extension_approved_on, case.extension_reason) == (
        30,
        True,
        D("2026-10-10"),
        "需现场核查",
    )
    assert case.handling_due_on == D("2026-12-09")  # 90 days from 09-10
    assert entries(case)[-1].action == "case_extend"
    assert_refused(stages.extend, case, "只能延期一次", user=alice, on=D("2026-10-11"), days=5, reason="再延")


def test_an_extension_after_the_deadline_is_refused(bureau, alice):
    case = stages.accept(make_case(bureau, received="2026-08-01"), user=alice, on=D("2026-08-03"))
    assert case.handling_due_on == D("2026-10-08")  # 60 days: Friday 10-02, in the National Day holiday
    assert_refused(stages.extend, case, "已于2026-10-08届满", user=alice, on=D("2026-10-09"), days=10, reason="复杂")


# ---------------------------------------------------------------- 异议


def test_a_sustained_objection_sends_the_case_back_for_rerouting(routed, bureau, alice):
    stages.objection(routed, user=alice, on=D("2026-09-10"), sustained=True)
    routed.refresh_from_db()
    assert (routed.objection_on, routed.objection_sustained, routed.responsible_unit) == (D("2026-09-10"), True, None)
    assert "route" in stages.available(routed, proxy_allowed=True)
    other = Unit.objects.get(bureau=bureau, name="县住建局")
    stages.route(routed, user=alice, on=D("2026-09-11"), unit=other, routing="assign")
    routed.refresh_from_db()
    assert (routed.responsible_unit, routed.routing, routed.routed_on) == (other, "assign", D("2026-09-11"))
    assert routed.objection_sustained  # 准确转交率 still counts the first routing as inaccurate
    assert entries(routed)[-1].detail == "异议成立后重新交办县住建局"


def test_an_objection_not_sustained_keeps_the_unit_and_only_one_is_taken(routed, township, alice):
    stages.objection(routed, user=alice, on=D("2026-09-10"), sustained=False)
    routed.refresh_from_db()
    assert (routed.objection_sustained, routed.responsible_unit) == (False, township)
    assert_refused(stages.objection, routed, "已于2026-09-10记录异议", user=alice, on=D("2026-09-11"), sustained=True)


def test_an_objection_after_five_working_days_is_refused(routed, alice):
    # routed Tuesday 09-08: five working days end Tuesday 09-15
    assert_refused(stages.objection, routed, "5个工作日内", user=alice, on=D("2026-09-16"), sustained=True)


# ---------------------------------------------------------------- 复查, then 复核


@pytest.fixture
def closed(bureau, alice):
    case = stages.accept(make_case(bureau), user=alice, on=D("2026-09-02"))
    return stages.close(case, user=alice, on=D("2026-09-20"), outcome="reject")


def test_review_then_recheck_keep_both_stages_dates(closed, alice):
    stages.review(closed, user=alice, on=D("2026-09-25"))
    stages.review_decided(closed, user=alice, on=D("2026-10-12"))
    stages.recheck(closed, user=alice, on=D("2026-10-20"))
    closed.refresh_from_db()
    assert closed.review == "recheck"
    assert (closed.review_requested_on, closed.review_decided_on) == (D("2026-09-25"), D("2026-10-12"))
    assert closed.review_due_on == D("2026-10-26")  # 30 days from 09-25 (Sunday 10-25 → Monday)
    assert closed.recheck_requested_on == D("2026-10-20")
    assert closed.recheck_due_on == D("2026-11-19")
    assert closed.next_due_on == D("2026-11-19")  # the 复核 decision is what is pending now
    stages.recheck_decided(closed, user=alice, on=D("2026-11-18"))
    closed.refresh_from_db()
    assert closed.recheck_decided_on == D("2026-11-18")
    assert closed.next_due_on is None
    assert [e.action for e in entries(closed)][-4:] == [
        "case_review",
        "case_review_decided",
        "case_recheck",
        "case_recheck_decided",
    ]
    labels = [(s.label, s.state) for s in closed.stages(TODAY, closed.bureau.calendar())]
    assert labels[-2:] == [("复查", "done"), ("复核", "done")]


def test_recheck_before_review_is_refused(closed, alice):
    assert_refused(stages.recheck, closed, "尚未申请复查", user=alice, on=D("2026-09-25"))
    stages.review(closed, user=alice, on=D("2026-09-25"))
    assert_refused(stages.recheck, closed, "复查尚未决定", user=alice, on=D("2026-09-26"))
    assert_refused(stages.recheck_decided, closed, "尚未申请复核", user=alice, on=D("2026-09-26"))


def test_a_review_before_closing_or_too_late_is_refused(bureau, closed, alice):
    open_case = stages.accept(make_case(bureau, "温信2026-0002"), user=alice, on=D("2026-09-02"))
    assert_refused(stages.review, open_case, "办结后才能申请复查", user=alice, on=D("2026-09-25"))
    # closed 09-20: 30 days end 10-20
    assert_refused(stages.review, closed, "30日内申请", user=alice, on=D("2026-10-21"))


def test_a_review_makes_the_case_not_resolved_in_one_pass(closed, alice):
    PetitionCase.objects.filter(pk=closed.pk).update(resolved_first_time=True)
    stages.review(closed, user=alice, on=D("2026-09-25"))
    closed.refresh_from_db()
    assert (closed.review, closed.resolved_first_time) == ("review", False)


def test_a_voided_case_offers_no_stage(bureau):
    # 作废 is another part of issue 10; whichever of these its field is, the case takes no stage.
    case = make_case(bureau)
    assert stages.available(case, proxy_allowed=True) == ["accept", "route"]
    case.voided_on = D("2026-09-02")
    assert stages.available(case, proxy_allowed=True) == []
    with pytest.raises(Refused, match="已作废"):
        stages._not_voided(case)
