"""交办: a city (or province) bureau assigns one of its cases to a bureau directly below it. The
lower bureau gets its own case, marked with its source; the upper bureau follows its progress."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts import roles
from cases import workflow
from cases.models import AuditEntry, Bureau, PetitionCase, Unit
from tests.conftest import _user

TODAY = datetime.date(2024, 6, 14)
D = datetime.date.fromisoformat
ID_NUMBER = "410825199001011237"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("cases.admin.petitions.local_today", lambda: TODAY)


@pytest.fixture
def province(db):
    return Bureau.objects.create(name="测试省信访局", county="测试省", level=Bureau.Level.PROVINCE)


@pytest.fixture
def city(province):
    return Bureau.objects.create(
        name="测试市信访局", county="测试市", level=Bureau.Level.CITY, parent=province, self_reference="我市"
    )


@pytest.fixture
def county(city):
    county = Bureau.objects.create(name="甲县信访局", county="甲县", parent=city)
    Unit.objects.create(bureau=county, name="城关镇")
    return county


@pytest.fixture
def neighbour(city):
    return Bureau.objects.create(name="乙县信访局", county="乙县", parent=city)


@pytest.fixture
def far_county(province):
    """A county of another city: below the province, not directly below 测试市."""
    other_city = Bureau.objects.create(name="另市信访局", county="另市", level=Bureau.Level.CITY, parent=province)
    return Bureau.objects.create(name="丙县信访局", county="丙县", parent=other_city)


def make_case(bureau, number="市信2024-0007", received="2024-06-03", **extra):
    case = PetitionCase(
        bureau=bureau,
        number=number,
        received_on=D(received),
        channel="letter",
        petitioner_name="李四、王五",
        petitioner_id_number=ID_NUMBER,
        petitioner_phone="13800138000",
        head_count=6,
        is_initial=False,
        category="complaint",
        subject_area="城乡建设",
        summary="反映拆迁补偿不到位",
        **extra,
    )
    case.refresh_due_dates(bureau.calendar())
    case.full_clean()
    case.save()
    return case


@pytest.fixture
def city_case(city):
    return make_case(city)


@pytest.fixture
def cathy(city):
    """The city's clerk."""
    return _user("cathy", roles.CLERK, city)


@pytest.fixture
def kate(county):
    """The county's clerk."""
    return _user("kate", roles.CLERK, county)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def assign_url(case):
    return reverse("admin:cases_petitioncase_assign", args=[case.pk])


def change_url(case):
    return reverse("admin:cases_petitioncase_change", args=[case.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def case_entries():
    return AuditEntry.objects.filter(content_type__model="petitioncase").order_by("id")


# ---------------------------------------------------------------- assigning


def test_the_city_clerk_assigns_a_case_to_a_county_below(cathy, city, county, neighbour, city_case):
    client = logged_in(cathy)
    page = client.get(assign_url(city_case))
    assert page.status_code == 200
    assert [b.name for b in page.context["targets"]] == ["乙县信访局", "甲县信访局"]  # the city's children
    response = client.post(assign_url(city_case), {"target": county.pk}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(city_case)
    assert "已交办甲县信访局（2024-06-14），下级编号市信2024-0007。" in messages_of(response)

    lower = PetitionCase.objects.get(bureau=county)
    assert (lower.number, lower.received_on, lower.source, lower.assigned_from) == (
        "市信2024-0007",
        TODAY,
        PetitionCase.Source.CITY,
        city_case,
    )
    copied = ("channel", "petitioner_name", "petitioner_id_number", "petitioner_phone", "head_count", "is_initial")
    assert [getattr(lower, f) for f in copied] == ["letter", "李四、王五", ID_NUMBER, "13800138000", 6, False]
    assert (lower.category, lower.subject_area, lower.summary) == ("complaint", "城乡建设", "反映拆迁补偿不到位")
    assert lower.routing == "" and lower.responsible_unit is None and lower.closed_on is None
    assert lower.routing_due_on == D("2024-07-01")  # 15 days from 06-14 end on Saturday 06-29

    city_case.refresh_from_db()
    assert (city_case.routing, city_case.routed_on) == (PetitionCase.Routing.ASSIGN, TODAY)
    assert city_case.unit_acceptance_due_on == D("2024-07-01")
    assert PetitionCase.objects.filter(bureau=city).count() == 1

    upper_entry, lower_entry = case_entries().filter(action__in=["create", "case_route"]).order_by("object_id")
    assert (upper_entry.object_id, upper_entry.bureau, upper_entry.user) == (city_case.pk, city, cathy)
    assert upper_entry.changes == {"routing": ["", "交办"], "routed_on": ["", "2024-06-14"]}
    assert upper_entry.detail == "交办甲县信访局"
    assert (lower_entry.object_id, lower_entry.bureau, lower_entry.action) == (lower.pk, county, "create")
    assert lower_entry.changes["source"] == ["", "市交办"]
    assert lower_entry.changes["received_on"] == ["", "2024-06-14"]
    assert lower_entry.detail == "测试市信访局交办"


def test_a_province_assigns_to_a_city_as_central_or_provincial(province, city):
    case = make_case(province, number="省信2024-0001")
    lower = workflow.assign_down(case, target=city, user=None, today=TODAY)
    assert (lower.bureau, lower.source, lower.received_on) == (city, PetitionCase.Source.ABOVE, TODAY)


def test_the_change_page_offers_the_assignment_only_where_it_can_be_made(cathy, kate, city_case, county):
    assert "交办下级" in logged_in(cathy).get(change_url(city_case)).content.decode()
    county_case = make_case(county, number="甲信2024-0001")
    assert "交办下级" not in logged_in(kate).get(change_url(county_case)).content.decode()  # nothing below
    workflow.assign_down(city_case, target=county, user=cathy, today=TODAY)
    assert "交办下级" not in logged_in(cathy).get(change_url(city_case)).content.decode()  # done already


# ---------------------------------------------------------------- refusals


def refused(client, case, target, message):
    before = PetitionCase.objects.values().get(pk=case.pk)
    count, entries = PetitionCase.objects.count(), case_entries().count()
    response = client.post(assign_url(case), {"target": target.pk if target else ""}, follow=True)
    assert message in messages_of(response)
    assert PetitionCase.objects.values().get(pk=case.pk) == before
    assert (PetitionCase.objects.count(), case_entries().count()) == (count, entries)


def test_only_a_bureau_directly_below_may_be_given_the_case(cathy, city_case, far_county, province, city):
    client = logged_in(cathy)
    refused(client, city_case, far_county, "只能交办给本局直属的下级信访局，丙县信访局不是。")
    refused(client, city_case, province, "只能交办给本局直属的下级信访局，测试省信访局不是。")
    refused(client, city_case, city, "只能交办给本局直属的下级信访局，测试市信访局不是。")
    refused(client, city_case, None, "请选择交办的下级信访局。")


def test_a_case_is_assigned_once(cathy, city_case, county, neighbour):
    client = logged_in(cathy)
    client.post(assign_url(city_case), {"target": county.pk})
    refused(client, city_case, neighbour, "该事项已于2024-06-14交办甲县信访局，不能重复交办。")
    refused(client, city_case, county, "该事项已于2024-06-14交办甲县信访局，不能重复交办。")
    assert PetitionCase.objects.filter(assigned_from=city_case).count() == 1


def test_a_case_already_transferred_closed_or_numbered_below_is_not_assigned(cathy, city, county):
    client = logged_in(cathy)
    transferred = make_case(city, number="T-1", routing="transfer", routed_on=D("2024-06-04"))
    refused(client, transferred, county, "该事项已转送（2024-06-04），不能再交办。")
    closed = make_case(city, number="C-1", closed_on=D("2024-06-10"), outcome="explain")
    refused(client, closed, county, "该事项已办结，不能交办。")
    taken = make_case(city, number="甲信2024-0001")
    make_case(county, number="甲信2024-0001")
    refused(client, taken, county, "甲县信访局已有编号为甲信2024-0001的信访事项，请与其核对后再交办。")


def test_both_writes_are_one_transaction(monkeypatch, cathy, city_case, county):
    calls = []

    def failing_log(*args, **kwargs):
        calls.append(kwargs.get("action"))
        if len(calls) == 2:  # the upper case's entry, after the lower case was written
            raise RuntimeError("磁盘已满")
        return real_log(*args, **kwargs)

    real_log = workflow.log_action
    monkeypatch.setattr(workflow, "log_action", failing_log)
    with pytest.raises(RuntimeError):
        workflow.assign_down(city_case, target=county, user=cathy, today=TODAY)
    assert not PetitionCase.objects.filter(bureau=county).exists()
    city_case.refresh_from_db()
    assert city_case.routing == "" and city_case.routed_on is None
    assert not case_entries().exists()


def test_who_may_assign(client, city, county, city_case, kate, henry_of_city):
    assert logged_in(henry_of_city).get(assign_url(city_case)).status_code == 403  # views only
    assert logged_in(henry_of_city).post(assign_url(city_case), {"target": county.pk}).status_code == 403
    assert logged_in(kate).get(assign_url(city_case)).status_code == 404  # another bureau's case
    assert logged_in(kate).post(assign_url(city_case), {"target": county.pk}).status_code == 404
    assert not PetitionCase.objects.filter(bureau=county).exists()


@pytest.fixture
def henry_of_city(city):
    return _user("henry2", roles.HEAD, city)


# ---------------------------------------------------------------- each level's view of it


def test_the_county_clerk_sees_the_assigned_case_with_its_source(cathy, kate, city_case, county):
    workflow.assign_down(city_case, target=county, user=cathy, today=TODAY)
    make_case(county, number="甲信2024-0001")  # the county's own
    client = logged_in(kate)
    listing = client.get(reverse("admin:cases_petitioncase_changelist"))
    rows = [(c.number, c.get_source_display()) for c in listing.context["cl"].result_list]
    assert sorted(rows) == [("市信2024-0007", "市交办"), ("甲信2024-0001", "本级受理")]
    assert (
        'column-source">' in listing.content.decode() and '<td class="field-source">市交办<' in listing.content.decode()
    )
    filtered = client.get(reverse("admin:cases_petitioncase_changelist") + "?source__exact=city")
    assert [c.number for c in filtered.context["cl"].result_list] == ["市信2024-0007"]
    # the city's clerk lists the city's case only
    city_list = logged_in(cathy).get(reverse("admin:cases_petitioncase_changelist"))
    assert [(c.number, c.bureau_id) for c in city_list.context["cl"].result_list] == [
        ("市信2024-0007", city_case.bureau_id)
    ]


def test_the_county_sees_where_the_case_came_from_and_cannot_change_its_source(cathy, kate, city_case, county):
    lower = workflow.assign_down(city_case, target=county, user=cathy, today=TODAY)
    client = logged_in(kate)
    html = client.get(change_url(lower)).content.decode()
    assert "上级交办件" in html and "测试市信访局 市信2024-0007（2024-06-03登记）" in html
    assert 'name="source"' not in html  # read-only: the assignment's
    page = client.get(change_url(lower))
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(
        {
            "received_on": "2024-06-14",
            "routing": "",
            "handling_path": "petition",
            "extension_days": "0",
            "source": "local",
            "accepted_on": "2024-06-17",
            "head_count": "6",
            "category": "complaint",
            "channel": "letter",
            "number": lower.number,
            "petitioner_name": lower.petitioner_name,
            "petitioner_id_number": lower.petitioner_id_number,
            "petitioner_phone": lower.petitioner_phone,
        }
    )
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(change_url(lower), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    lower.refresh_from_db()
    assert (lower.accepted_on, lower.source) == (D("2024-06-17"), PetitionCase.Source.CITY)


def test_the_city_follows_the_countys_progress(cathy, kate, city_case, county):
    lower = workflow.assign_down(city_case, target=county, user=cathy, today=TODAY)
    client = logged_in(cathy)
    html = client.get(change_url(city_case)).content.decode()
    assert "下级办理进展" in html and "<th>承办信访局</th><td>甲县信访局</td>" in html
    assert "<th>受理告知日期</th><td>—</td>" in html
    assert "<th>转送/受理告知期限</th><td>2024-07-01 办理中</td>" in html  # the county's, from 06-14
    lower.accepted_on = D("2024-06-17")
    lower.routing, lower.routed_on = "transfer", D("2024-06-17")
    lower.responsible_unit = Unit.objects.get(bureau=county)
    lower.unit_accepted_on, lower.unit_replied_on = D("2024-06-20"), D("2024-07-10")
    lower.closed_on, lower.outcome = D("2024-07-12"), "support"
    lower.refresh_due_dates(county.calendar())
    lower.save()
    html = client.get(change_url(city_case)).content.decode()
    for label, value in (
        ("交办登记日期", "2024-06-14"),
        ("受理告知日期", "2024-06-17"),
        ("责任单位受理日期", "2024-06-20"),
        ("责任单位答复日期", "2024-07-10"),
        ("办结日期", "2024-07-12"),
        ("处理结果", "支持"),
    ):
        assert f"<th>{label}</th><td>{value}</td>" in html, label
    assert "<th>办理期限</th><td>2024-08-19 按期完成</td>" in html  # 60 days from the unit's 06-20
    assert "城关镇" not in html  # the county's own unit is the county's business


def test_a_county_clerk_registers_the_source_typed_from_paper(kate, county):
    from tests.cases.test_case_form import form_data

    unit = Unit.objects.get(bureau=county)
    response = logged_in(kate).post(
        reverse("admin:cases_petitioncase_add"), form_data(unit, number="甲信2024-0100", source="baolian")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    case = PetitionCase.objects.get(number="甲信2024-0100")
    assert (case.bureau, case.source, case.assigned_from) == (county, PetitionCase.Source.BAOLIAN, None)
    response = logged_in(kate).post(
        reverse("admin:cases_petitioncase_add"), form_data(unit, number="甲信2024-0101", source="above")
    )
    assert response.status_code == 302
    assert PetitionCase.objects.get(number="甲信2024-0101").source == PetitionCase.Source.ABOVE
