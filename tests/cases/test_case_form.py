"""The clerk's case form: bad input gets a Chinese message on the field and stores nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Bureau, DisputeScreening, PetitionCase, Unit

ADD_CASE = reverse("admin:cases_petitioncase_add")


def form_data(unit, **overrides):
    data = {
        "number": "WX-2024-0100",
        "received_on": "2024-03-01",
        "channel": "visit",
        "petitioner_name": "王五",
        "petitioner_id_number": "",
        "petitioner_phone": "",
        "head_count": "1",
        "is_initial": "on",
        "category": "claim",
        "subject_area": "劳动社保",
        "summary": "讨要工资",
        "responsible_unit": str(unit.pk),
        "routing": "transfer",
        "routed_on": "2024-03-05",
        "accepted_on": "",
        "unit_accepted_on": "2024-03-10",
        "objection_on": "",
        "handling_path": "petition",
        "extension_days": "0",
        "closed_on": "",
        "outcome": "",
        "review": "",
        "review_requested_on": "",
        "review_decided_on": "",
        "satisfaction": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def clerk_client(client, alice, bureau):
    client.force_login(alice)
    return client


def test_a_clerk_registers_a_case_and_its_due_dates_are_stored(clerk_client, unit):
    response = clerk_client.post(ADD_CASE, form_data(unit))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    case = PetitionCase.objects.get(number="WX-2024-0100")
    assert case.bureau.name == "测试县信访局"
    assert str(case.routing_due_on) == "2024-03-18"  # 03-16 is a Saturday
    assert str(case.unit_acceptance_due_on) == "2024-03-20"
    assert str(case.handling_due_on) == "2024-05-09"  # 60 days from 03-10


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"closed_on": "2024-02-01"}, "closed_on", "办结日期不能早于登记日期"),
        ({"extension_days": "45"}, "extension_days", "延期不得超过30日"),
        ({"routed_on": ""}, "routed_on", "请填写转送交办日期"),
        ({"received_on": "2099-01-01"}, "received_on", "登记日期不能晚于今天"),
        ({"received_on": "2024-02-30"}, "received_on", "输入一个有效的日期"),
        ({"head_count": "0"}, "head_count", "1"),
        ({"resolved_first_time": "on"}, "resolved_first_time", "未办结的事项不能记为一次性化解"),
        ({"outcome": "support"}, "closed_on", "填写了处理结果，请同时填写办结日期"),
        ({"unit_accepted_on": "2024-03-02"}, "unit_accepted_on", "不能早于转送交办日期"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(clerk_client, unit, overrides, field, message):
    response = clerk_client.post(ADD_CASE, form_data(unit, **overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert PetitionCase.objects.count() == 0


def test_a_duplicate_case_number_is_refused_on_the_form(clerk_client, unit):
    assert clerk_client.post(ADD_CASE, form_data(unit)).status_code == 302
    response = clerk_client.post(ADD_CASE, form_data(unit))
    assert response.status_code == 200
    assert "该信访件编号已存在" in str(response.context["adminform"].form.errors)
    assert PetitionCase.objects.count() == 1


def test_a_resolved_date_on_an_unresolved_screening_is_refused(clerk_client, unit):
    response = clerk_client.post(
        reverse("admin:cases_disputescreening_add"),
        {
            "found_on": "2024-05-01",
            "unit": str(unit.pk),
            "kind": "邻里纠纷",
            "description": "",
            "status": "in_progress",
            "resolved_on": "2024-05-03",
        },
    )
    assert response.status_code == 200
    assert "只有“已化解”的矛盾纠纷才能填写化解日期" in str(response.context["adminform"].form.errors["resolved_on"])
    assert DisputeScreening.objects.count() == 0


def test_the_case_page_shows_each_stage_with_its_mark(clerk_client, unit):
    clerk_client.post(ADD_CASE, form_data(unit))
    case = PetitionCase.objects.get()
    page = clerk_client.get(reverse("admin:cases_petitioncase_change", args=[case.pk])).content.decode()
    assert "转送/受理告知" in page and "2024-03-18" in page and "按期完成" in page
    assert "办理" in page and "2024-05-09" in page and "已超期" in page  # still open long after the deadline


def test_the_case_list_marks_overdue_cases_and_filters_them(clerk_client, unit):
    clerk_client.post(ADD_CASE, form_data(unit))
    clerk_client.post(ADD_CASE, form_data(unit, number="WX-2024-0101", closed_on="2024-04-01", outcome="support"))
    url = reverse("admin:cases_petitioncase_changelist")
    page = clerk_client.get(url).content.decode()
    assert page.count("deadline-overdue") == 1
    overdue = clerk_client.get(url, {"status": "overdue"})
    assert [c.number for c in overdue.context["cl"].result_list] == ["WX-2024-0100"]


def test_the_list_filters_by_year_and_month_and_finds_a_number_exactly(clerk_client, bureau, unit):
    for number, received in (
        ("A-1", "2024-06-03"),
        ("A-2", "2024-06-30"),
        ("A-3", "2024-07-01"),
        ("A-10", "2023-06-15"),
    ):
        PetitionCase.objects.create(
            bureau=bureau, number=number, received_on=received, channel="visit", petitioner_name="甲", category="claim"
        )
    url = reverse("admin:cases_petitioncase_changelist")
    with CaptureQueriesContext(connection) as queries:
        june = clerk_client.get(url, {"year": "2024", "month": "6"}).context["cl"].result_list
    assert sorted(c.number for c in june) == ["A-1", "A-2"]
    # One range, the month's: with the year's range as well the index walks the whole year.
    listing = next(q["sql"] for q in queries.captured_queries if "petitioner_name" in q["sql"])
    assert "2024-06-01" in listing and "2024-01-01" not in listing
    assert sorted(c.number for c in clerk_client.get(url, {"year": "2024"}).context["cl"].result_list) == [
        "A-1",
        "A-2",
        "A-3",
    ]
    every_june = clerk_client.get(url, {"month": "6"}).context["cl"].result_list  # no year: June of each year
    assert sorted(c.number for c in every_june) == ["A-1", "A-10", "A-2"]
    ignored = clerk_client.get(url, {"year": "2024", "month": "13"}).context["cl"].result_list
    assert len(ignored) == 3  # a month that does not exist leaves the year's list
    page = clerk_client.get(url).content.decode()
    assert page.index("2024年") < page.index("2023年")  # the year filter, newest first
    found = clerk_client.get(url, {"q": "A-1"}).context["cl"].result_list
    assert [c.number for c in found] == ["A-1"]  # not A-10 as well: a full number is exact
    assert len(clerk_client.get(url, {"q": "A-"}).context["cl"].result_list) == 4


def test_the_unit_filter_offers_the_bureaus_units_without_reading_the_ledger(clerk_client, bureau, unit):
    other = Unit.objects.create(bureau=Bureau.objects.create(name="别县信访局", county="别县"), name="别县某镇")
    PetitionCase.objects.create(
        bureau=bureau,
        number="U-1",
        received_on="2024-06-03",
        channel="visit",
        petitioner_name="甲",
        category="claim",
        responsible_unit=unit,
    )
    url = reverse("admin:cases_petitioncase_changelist")
    with CaptureQueriesContext(connection) as queries:
        page = clerk_client.get(url)
    spec = next(f for f in page.context["cl"].filter_specs if getattr(f, "field_path", "") == "responsible_unit")
    names = [name for _pk, name in spec.lookup_choices]
    assert names == [u.name for u in Unit.objects.filter(bureau=bureau)] and "温泉街道" in names
    assert other.name not in names  # another bureau's units are not offered
    assert not any("DISTINCT" in q["sql"] for q in queries.captured_queries)
    chosen = clerk_client.get(url, {"responsible_unit__id__exact": unit.pk}).context["cl"].result_list
    assert [c.number for c in chosen] == ["U-1"]
