"""A responsible unit's officer at their desk: their own cases only, the most urgent first, and
acceptance, reply and closing recorded on the day they do them — which the bureau's clerk then
sees in the workbench, and the deadlines and figures follow."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts import roles
from cases.models import AuditEntry, Bureau, PetitionCase, Unit
from cases.scoping import acting_for
from tests.conftest import _user

TODAY = datetime.date(2024, 6, 14)  # a Friday; 2024's holidays are known
D = datetime.date.fromisoformat


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("cases.desk.views.local_today", lambda: TODAY)


def make_case(bureau, number, unit, *, received, routed=None, unit_accepted=None, closed=None, **extra):
    case = PetitionCase(
        bureau=bureau,
        number=number,
        received_on=D(received),
        channel="visit",
        petitioner_name="张三",
        petitioner_id_number="410825199001011237",
        petitioner_phone="13800138000",
        category="claim",
        summary=f"{number}的诉求",
        responsible_unit=unit,
        routing="transfer" if routed else "",
        routed_on=D(routed) if routed else None,
        unit_accepted_on=D(unit_accepted) if unit_accepted else None,
        closed_on=D(closed) if closed else None,
        outcome="support" if closed else "",
        **extra,
    )
    case.refresh_due_dates(bureau.calendar())
    case.full_clean()
    case.save()
    return case


@pytest.fixture
def other_bureau(db):
    other = Bureau.objects.create(name="邻县信访局", county="邻县")
    Unit.objects.create(bureau=other, name="温泉街道")  # the same name, another county
    return other


@pytest.fixture
def cases(bureau, unit, other_bureau):
    other_unit = Unit.objects.get(bureau=bureau, name="太行街道")
    return {
        # the unit's acceptance was due 2024-04-17
        "overdue": make_case(bureau, "U-1", unit, received="2024-04-01", routed="2024-04-02"),
        # its acceptance is due today
        "due_soon": make_case(bureau, "U-2", unit, received="2024-05-30", routed="2024-05-30"),
        # accepted; handling due 2024-08-05 (60 days end on Sunday 08-04)
        "open": make_case(bureau, "U-3", unit, received="2024-06-01", routed="2024-06-03", unit_accepted="2024-06-05"),
        "closed": make_case(
            bureau,
            "U-4",
            unit,
            received="2024-05-01",
            routed="2024-05-02",
            unit_accepted="2024-05-03",
            closed="2024-06-10",
            unit_reply="已答复",
            unit_replied_on=D("2024-06-08"),
        ),
        "other_unit": make_case(bureau, "X-1", other_unit, received="2024-04-01", routed="2024-04-02"),
        "other_bureau": make_case(
            other_bureau,
            "Y-1",
            Unit.objects.get(bureau=other_bureau),
            received="2024-04-01",
            routed="2024-04-02",
        ),
    }


@pytest.fixture
def uma(bureau, unit):
    """The officer of 温泉街道."""
    return _user("uma", roles.UNIT, bureau, unit)


@pytest.fixture
def desk(client, uma):
    client.force_login(uma)
    return client


def desk_case(case):
    return reverse("cases:desk_case", args=[case.pk])


def step(case, name):
    return reverse(f"cases:desk_{name}", args=[case.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# ---------------------------------------------------------------- the role


@pytest.mark.django_db
def test_the_unit_role_works_on_cases_and_nothing_else():
    perms = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=roles.UNIT).permissions.select_related("content_type")
    }
    assert perms == {"cases.view_petitioncase", "cases.change_petitioncase", roles.PERSONAL_DATA}


# ---------------------------------------------------------------- scope and the desk


def test_the_scope_of_a_unit_holds_its_own_cases_only(bureau, unit, cases):
    with acting_for(bureau, unit):
        assert sorted(PetitionCase.objects.values_list("number", flat=True)) == ["U-1", "U-2", "U-3", "U-4"]
    with acting_for(bureau):
        assert PetitionCase.objects.count() == 5  # the bureau sees every unit's


def test_the_desk_lists_overdue_then_due_soon_then_the_other_open_cases(desk, cases):
    response = desk.get(reverse("cases:desk"))
    assert response.status_code == 200
    listings = response.context["listings"]
    assert [(str(x.title), x.total, [r.case.number for r in x.rows]) for x in listings] == [
        ("已超期", 1, ["U-1"]),
        ("即将到期", 1, ["U-2"]),
        ("其他在办事项", 1, ["U-3"]),
    ]
    assert [r.case.number for r in response.context["closed"]] == ["U-4"]
    html = response.content.decode()
    assert html.index("U-1") < html.index("U-2") < html.index("U-3") < html.index("U-4")
    assert "X-1" not in html and "Y-1" not in html
    assert "责任单位受理 2024-04-17 已超期" in html
    assert "责任单位受理 2024-06-14 即将到期" in html
    assert "办理 2024-08-05 办理中" in html  # 08-04 is a Sunday


def test_a_unit_officer_is_sent_to_the_desk_from_the_root_and_after_login(client, uma, cases):
    response = client.post(reverse("login"), {"username": "uma", "password": "pw-uma"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:desk")
    assert response.status_code == 200 and "U-1" in response.content.decode()
    assert client.get("/")["Location"] == reverse("cases:desk")


def test_the_bureaus_own_people_have_no_desk(client, alice, henry, cases):
    for user in (alice, henry):
        client.force_login(user)
        assert client.get(reverse("cases:desk")).status_code == 403
        assert client.get(desk_case(cases["overdue"])).status_code == 403
        assert client.post(step(cases["overdue"], "accept")).status_code == 403
    client.logout()
    response = client.get(reverse("cases:desk"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------- the three steps


def test_acceptance_is_dated_today_recomputes_the_deadline_and_is_logged(desk, uma, cases):
    case = cases["due_soon"]
    response = desk.post(step(case, "accept"), {"unit_accepted_on": "2024-01-01"}, follow=True)  # no typed date
    assert "已记录本单位受理（2024-06-14）。" in messages_of(response)
    case.refresh_from_db()
    assert case.unit_accepted_on == TODAY
    assert case.handling_due_on == D("2024-08-13")  # 60 days from today's acceptance
    assert case.next_due_on == D("2024-08-13")
    entry = AuditEntry.objects.get(content_type__model="petitioncase", object_id=case.pk)
    assert entry.user == uma and entry.bureau_id == case.bureau_id
    assert entry.changes == {"unit_accepted_on": ["", "2024-06-14"]}


def test_the_bureaus_clerk_sees_the_units_dates_at_once(desk, alice, cases):
    case = cases["due_soon"]
    desk.post(step(case, "accept"))
    desk.post(step(case, "reply"), {"reply": "经核查，已协调解决工资问题。"})
    client = Client()
    client.force_login(alice)
    html = client.get(reverse("admin:cases_petitioncase_change", args=[case.pk])).content.decode()
    assert 'name="unit_accepted_on" value="2024/06/14"' in html
    assert 'name="unit_replied_on" value="2024/06/14"' in html
    assert "经核查，已协调解决工资问题。" in html
    assert "<td>办理</td><td>2024-08-13</td>" in html  # the handling deadline the acceptance started


def test_accept_reply_close_in_order(desk, cases):
    case = cases["due_soon"]
    desk.post(step(case, "accept"))
    response = desk.post(step(case, "reply"), {"reply": "  依法答复如下。  "}, follow=True)
    assert "已记录处理意见（2024-06-14答复）。" in messages_of(response)
    response = desk.post(step(case, "close"), {"outcome": "explain"}, follow=True)
    assert "已办结（2024-06-14）。" in messages_of(response)
    case.refresh_from_db()
    assert (case.unit_reply, case.unit_replied_on, case.closed_on, case.outcome) == (
        "依法答复如下。",
        TODAY,
        TODAY,
        "explain",
    )
    assert case.next_due_on is None  # nothing pending on a closed case without review
    entries = AuditEntry.objects.filter(content_type__model="petitioncase", object_id=case.pk).order_by("id")
    changes = [e.changes for e in entries]
    assert changes == [
        {"unit_accepted_on": ["", "2024-06-14"]},
        {"unit_reply": ["", "依法答复如下。"], "unit_replied_on": ["", "2024-06-14"]},
        {"closed_on": ["", "2024-06-14"], "outcome": ["", "解释说明"]},
    ]
    assert "U-2" in [r.case.number for r in desk.get(reverse("cases:desk")).context["closed"]]


@pytest.mark.parametrize(
    ("case_key", "name", "data", "message"),
    [
        ("overdue", "reply", {"reply": "答复"}, "请先受理该事项，再填写处理意见。"),
        ("overdue", "close", {"outcome": "support"}, "请先填写处理意见（答复信访人），再办结。"),
        ("open", "close", {"outcome": "support"}, "请先填写处理意见（答复信访人），再办结。"),
        ("open", "accept", {}, "本单位已于2024-06-05受理该事项。"),
        ("open", "reply", {"reply": "   "}, "请填写处理意见。"),
        ("closed", "accept", {}, "该事项已于2024-06-10办结，不能再办理。"),
        ("closed", "reply", {"reply": "再答复"}, "该事项已于2024-06-10办结，不能再办理。"),
        ("closed", "close", {"outcome": "support"}, "该事项已于2024-06-10办结，不能再办理。"),
    ],
)
def test_a_step_out_of_order_is_refused_in_chinese_and_changes_nothing(desk, cases, case_key, name, data, message):
    case = cases[case_key]
    before = PetitionCase.objects.values().get(pk=case.pk)
    response = desk.post(step(case, name), data, follow=True)
    assert response.status_code == 200
    assert message in messages_of(response)
    assert PetitionCase.objects.values().get(pk=case.pk) == before
    assert not AuditEntry.objects.filter(content_type__model="petitioncase").exists()


def test_closing_needs_an_outcome_from_the_list(desk, cases):
    case = cases["open"]
    desk.post(step(case, "reply"), {"reply": "答复"})
    for outcome in ("", "won", "—"):
        response = desk.post(step(case, "close"), {"outcome": outcome}, follow=True)
        assert "请选择处理结果。" in messages_of(response)
    case.refresh_from_db()
    assert case.closed_on is None and case.outcome == ""


def test_the_steps_are_posts_with_csrf(uma, cases):
    client = Client(enforce_csrf_checks=True)
    client.force_login(uma)
    case = cases["due_soon"]
    assert client.get(step(case, "accept")).status_code == 405
    assert client.post(step(case, "accept")).status_code == 403  # no token
    page = client.get(desk_case(case))
    token = page.context["csrf_token"]
    assert f'action="{step(case, "accept")}"' in page.content.decode()
    assert client.post(step(case, "accept"), {"csrfmiddlewaretoken": str(token)}).status_code == 302
    case.refresh_from_db()
    assert case.unit_accepted_on == TODAY


def test_the_case_page_offers_only_the_next_step(desk, cases):
    def forms(case):
        html = desk.get(desk_case(case)).content.decode()
        return [n for n in ("accept", "reply", "close") if f'action="{step(case, n)}"' in html]

    assert forms(cases["overdue"]) == ["accept"]
    assert forms(cases["open"]) == ["reply"]
    assert forms(cases["closed"]) == []


# ---------------------------------------------------------------- isolation


def test_another_units_or_bureaus_case_is_not_found(desk, cases):
    for key in ("other_unit", "other_bureau"):
        case = cases[key]
        before = PetitionCase.objects.values().get(pk=case.pk)
        assert desk.get(desk_case(case)).status_code == 404
        for name, data in (("accept", {}), ("reply", {"reply": "x"}), ("close", {"outcome": "support"})):
            assert desk.post(step(case, name), data).status_code == 404
        assert PetitionCase.objects.values().get(pk=case.pk) == before
    assert not AuditEntry.objects.filter(content_type__model="petitioncase").exists()


def test_a_unit_officer_opens_no_page_of_the_bureaus_workbench(desk, cases):
    case = cases["overdue"]
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert desk.get(url).status_code == 403, url
        assert desk.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403, url
    # not even their own case, where any date could be typed
    assert desk.get(reverse("admin:cases_petitioncase_change", args=[case.pk])).status_code == 403
    assert desk.get(reverse("admin:cases_petitioncase_history", args=[case.pk])).status_code == 403
    assert desk.get(reverse("admin:cases_petitioncase_export")).status_code == 403
    assert desk.get(reverse("indicators:records", args=["disputes_screened"])).status_code == 403
    assert desk.get(reverse("reports:index")).status_code == 403


def test_the_unit_reads_its_petitioners_contact_and_masks_follow_the_permission(desk, uma, cases):
    html = desk.get(desk_case(cases["overdue"])).content.decode()
    assert "13800138000" in html and "410825199001011237" in html and "张三" in html
    # An installation that takes personal data away from units: one rule, masks everywhere.
    Group.objects.get(name=roles.UNIT).permissions.remove(Permission.objects.get(codename="view_personal_data"))
    desk.force_login(type(uma).objects.get(pk=uma.pk))
    html = desk.get(desk_case(cases["overdue"])).content.decode()
    assert "13800138000" not in html and "410825199001011237" not in html and "张三" not in html
    assert "138****8000" in html and "410825********1237" in html and "张*" in html
    html = desk.get(reverse("cases:desk")).content.decode()
    assert "张三" not in html and "张*" in html
