"""The case page (/cases/<pk>/): the timeline of stages with who recorded each (from the activity
log), the next due date with the working days left (the bureau's calendar), the forms of the
stages that may be taken now — for clerks only — and a refused stage's reason."""

import datetime
import re

import pytest
from django.urls import reverse

from accounts import roles
from cases import stages
from cases.audit import log_action
from cases.models import AuditEntry, Bureau, PetitionCase, Unit
from tests.conftest import _user

D = datetime.date.fromisoformat
TODAY = D("2026-09-28")  # a Monday between 中秋 (09-25) and 国庆 (10-01 … 10-07)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("cases.casework.views.local_today", lambda: TODAY)
    monkeypatch.setattr("cases.stages.local_today", lambda: TODAY)


def make_case(bureau, number="温信2026-0186", **extra):
    values = {
        "received_on": D("2026-09-25"),
        "channel": "visit",
        "petitioner_name": "李四",
        "petitioner_id_number": "410825199001011237",
        "petitioner_phone": "13800138000",
        "category": "claim",
        "subject_area": "城乡建设",
        **extra,
    }
    case = PetitionCase(bureau=bureau, number=number, **values)
    case.refresh_due_dates(bureau.calendar())
    case.full_clean()
    case.save()
    return case


def page(client, case) -> str:
    response = client.get(reverse("casework:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def timeline(html: str) -> list[str]:
    """The timeline's rows as text, whitespace collapsed."""
    body = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li[^>]*>(.*?)</li>", body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def stage_forms(html: str) -> list[str]:
    return re.findall(r'action="/cases/\d+/([a-z_]+)/" class="stage-form"', html)


@pytest.fixture
def case(bureau):
    return make_case(bureau)


def test_a_new_case_shows_its_next_due_date_in_working_days_across_the_holiday(client, alice, case):
    client.force_login(alice)
    html = page(client, case)
    # received Friday 09-25: 15 days end Saturday 10-10, a make-up working day (调休); from Monday
    # 09-28 that is 5 working days (09-29, 09-30, 10-08, 10-09, 10-10), not 12 calendar days.
    assert "期限 2026-10-10" in html
    assert "还剩 5 个工作日" in html
    assert stage_forms(html) == ["accept", "route"]
    assert timeline(html)[0].startswith("2026-09-25 登记 来访")


def test_the_timeline_in_order_with_who_did_each_stage(client, alice, bureau, case):
    bob = _user("bob", roles.CLERK, bureau)
    township = Unit.objects.get(bureau=bureau, name="祥云镇")
    with_today = D("2026-09-28")
    stages.route(case, user=alice, on=D("2026-09-26"), unit=township, routing="transfer")
    stages.unit_accept(case, user=bob, on=with_today)
    client.force_login(alice)
    rows = timeline(page(client, case))
    assert rows == [
        "2026-09-25 登记 来访",
        "2026-09-26 转送 祥云镇 经办：alice 期限 2026-10-10 按期完成",
        "2026-09-28 单位受理 经办：bob（代录） 期限 2026-10-12 按期完成",
        "— 答复/处理意见",
        "— 办结 期限 2026-11-27 办理中",
    ]


def test_the_head_reads_masked_without_forms_and_the_staff_too(client, henry, sarah, case):
    for user in (henry, sarah):
        client.force_login(user)
        html = page(client, case)
        assert "李*" in html and "410825********1237" in html and "138****8000" in html
        assert "李四" not in html and "13800138000" not in html
        assert stage_forms(html) == []
        assert "修改</a>" not in html


def test_the_clerk_sees_personal_data_and_the_change_form_link(client, alice, case):
    client.force_login(alice)
    html = page(client, case)
    assert "李四" in html and "410825199001011237" in html
    assert f'href="{reverse("admin:cases_petitioncase_change", args=[case.pk])}"' in html


def test_a_stage_through_the_page(client, alice, case):
    client.force_login(alice)
    url = reverse("casework:act", args=[case.pk, "accept"])
    response = client.post(url, {"on": "2026.9.27"}, follow=True)
    case.refresh_from_db()
    assert (case.accepted_on, case.routing) == (D("2026-09-27"), "direct")
    html = response.content.decode()
    assert "已记录告知/受理（本机关直接受理）（2026-09-27）" in html
    assert timeline(html)[1] == "2026-09-27 告知/受理 本机关直接受理 经办：alice 期限 2026-10-10 按期完成"
    assert stage_forms(html) == ["extend", "close"]


def test_a_refused_stage_says_why_at_the_top_and_changes_nothing(client, alice, case):
    client.force_login(alice)
    before = PetitionCase.objects.filter(pk=case.pk).values().get()
    response = client.post(
        reverse("casework:act", args=[case.pk, "close"]), {"on": "2026-09-27", "outcome": "support"}, follow=True
    )
    html = response.content.decode()
    assert '<ul class="messages"><li class="error">办结未记录：该事项尚未受理或转送交办，不能办结。</li>' in html
    assert PetitionCase.objects.filter(pk=case.pk).values().get() == before
    assert stages.case_entries(case) == []


def test_bad_input_is_refused_with_a_chinese_message(client, alice, case):
    client.force_login(alice)
    for data, message in (
        ({"on": "明天"}, "请输入一个有效的日期"),
        ({"on": "2026-09-29"}, "受理告知日期不能晚于今天"),
        ({"on": ""}, "请填写日期"),
    ):
        html = client.post(reverse("casework:act", args=[case.pk, "accept"]), data, follow=True).content.decode()
        assert message in html, data
    case.refresh_from_db()
    assert case.accepted_on is None


def test_routing_to_another_bureaus_unit_is_refused(client, alice, case):
    other = Bureau.objects.create(name="乙县信访局", county="乙县")
    foreign = Unit.objects.create(bureau=other, name="乙一镇")
    client.force_login(alice)
    data = {"on": "2026-09-26", "routing": "transfer", "unit": foreign.pk}
    html = client.post(reverse("casework:act", args=[case.pk, "route"]), data, follow=True).content.decode()
    assert "请选择本局的责任单位" in html
    case.refresh_from_db()
    assert (case.routing, case.responsible_unit) == ("", None)


def test_who_may_open_and_act(client, alice, henry, sarah, charlie, bureau, case):
    view = reverse("casework:case", args=[case.pk])
    act = reverse("casework:act", args=[case.pk, "accept"])
    assert client.get(view).status_code == 302  # to log in
    client.force_login(charlie)  # no role
    assert client.get(view).status_code == 403
    for user in (henry, sarah):
        client.force_login(user)
        assert client.get(view).status_code == 200
        assert client.post(act, {"on": "2026-09-27"}).status_code == 403
    unit_user = _user("uma", roles.UNIT, bureau, Unit.objects.get(bureau=bureau, name="温泉街道"))
    client.force_login(unit_user)
    assert client.get(view).status_code == 404
    assert client.post(act, {"on": "2026-09-27"}).status_code == 404
    client.force_login(alice)
    assert client.get(act).status_code == 405
    assert client.post(reverse("casework:act", args=[case.pk, "nonsense"]), {}).status_code == 404
    case.refresh_from_db()
    assert case.accepted_on is None


def test_another_bureaus_case_is_not_found(client, alice, case):
    other = Bureau.objects.create(name="乙县信访局", county="乙县")
    theirs = make_case(other, "乙-1", petitioner_name="乙某")
    client.force_login(alice)
    assert client.get(reverse("casework:case", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("casework:act", args=[theirs.pk, "accept"]), {"on": "2026-09-27"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.accepted_on is None


def test_the_case_list_number_opens_the_case_page(client, alice, case):
    client.force_login(alice)
    html = client.get(reverse("admin:cases_petitioncase_changelist")).content.decode()
    assert f'<a href="{reverse("casework:case", args=[case.pk])}">温信2026-0186</a>' in html


def test_the_page_reads_a_fixed_number_of_queries_however_long_the_log(client, alice, case, django_assert_num_queries):
    client.force_login(alice)
    stages.accept(case, user=alice, on=D("2026-09-27"))
    client.get(reverse("casework:case", args=[case.pk]))  # warm the content-type cache

    # session, user, membership, the user's and their groups' permissions, the case, the
    # bureau's holidays, the case's log, and (the log has no creation: this case was not entered
    # through a form) the import batch that may have created it: one query for the log however long
    with django_assert_num_queries(10) as short:
        page(client, case)
    for i in range(30):
        log_action(case, user=alice, action=AuditEntry.Action.UPDATE, changes={"summary": [str(i), str(i + 1)]})
    with django_assert_num_queries(10) as long:
        html = page(client, case)
    assert len(short.captured_queries) == len(long.captured_queries)
    assert timeline(html)[1].startswith("2026-09-27 告知/受理")


def test_the_change_form_leads_back_to_the_case_page(client, alice, case):
    client.force_login(alice)
    html = client.get(reverse("admin:cases_petitioncase_change", args=[case.pk])).content.decode()
    assert f'<a href="{reverse("casework:case", args=[case.pk])}">办理进程</a>' in html


def test_a_case_assigned_down_names_the_lower_bureau(client, alice, bureau, case):
    from cases import workflow

    lower = Bureau.objects.create(name="下级县信访局", county="下级县", parent=bureau)
    workflow.assign_down(case, target=lower, user=alice, today=D("2026-09-26"))
    client.force_login(alice)
    assert timeline(page(client, case))[1] == "2026-09-26 交办 交办下级县信访局 经办：alice 期限 2026-10-10 按期完成"


def test_the_route_form_proposes_the_unit_named_at_registration(client, alice, bureau):
    township = Unit.objects.get(bureau=bureau, name="祥云镇")
    case = make_case(bureau, "温信2026-0187", responsible_unit=township)
    client.force_login(alice)
    html = page(client, case)
    assert f'<option value="{township.pk}" selected>祥云镇</option>' in html


def test_an_extension_through_the_page_its_reason_escaped(client, alice, case):
    client.force_login(alice)
    client.post(reverse("casework:act", args=[case.pk, "accept"]), {"on": "2026-09-27"})
    act = reverse("casework:act", args=[case.pk, "extend"])
    refused = client.post(act, {"on": "2026-09-28", "days": "31", "reason": "x"}, follow=True).content.decode()
    assert "延期（经批准）未记录：延期天数应为1至30日（《信访工作条例》第三十四条）。" in refused
    html = client.post(act, {"on": "2026-09-28", "days": "15", "reason": "<script>x</script>"}, follow=True)
    html = html.content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    case.refresh_from_db()
    assert (case.extension_days, case.extension_approved_on) == (15, D("2026-09-28"))
    assert case.handling_due_on == D("2026-12-11")  # 60 + 15 days from 09-27
    assert "2026-09-28 延期 延期15日：&lt;script&gt;x&lt;/script&gt; 经办：alice" in timeline(html)


def test_an_objection_through_the_page(client, alice, bureau, case):
    township = Unit.objects.get(bureau=bureau, name="祥云镇")
    stages.route(case, user=alice, on=D("2026-09-26"), unit=township, routing="transfer")
    client.force_login(alice)
    act = reverse("casework:act", args=[case.pk, "objection"])
    html = client.post(act, {"on": "2026-09-28", "sustained": "1"}, follow=True).content.decode()
    case.refresh_from_db()
    assert (case.objection_on, case.objection_sustained, case.responsible_unit) == (D("2026-09-28"), True, None)
    assert "2026-09-28 异议 异议成立 经办：alice" in timeline(html)
    assert stage_forms(html) == ["route"]


@pytest.mark.parametrize("typed", ["2026年9月27日", "2026.9.27", "2026/9/27"])
def test_a_stage_date_is_read_as_the_importer_reads_it(client, alice, case, typed):
    client.force_login(alice)
    client.post(reverse("casework:act", args=[case.pk, "accept"]), {"on": typed})
    case.refresh_from_db()
    assert case.accepted_on == D("2026-09-27")
