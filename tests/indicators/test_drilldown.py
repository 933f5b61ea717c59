import re

import pytest
from django.core.cache import cache

from cases.models import OrderCase, OrderPerson, PetitionCase, Unit, Volunteer
from indicators import compute, registry
from indicators.registry import Period
from tests.conftest import day
from tests.indicators.test_dashboard import make_case, make_screenings


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()
    yield
    cache.clear()


def rows(html: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return re.findall(r"<tr>.*?</tr>", body.group(1), re.S) if body else []


def count(html: str) -> int:
    return int(re.search(r'<strong id="record-count">(\d+)</strong>', html).group(1))


@pytest.fixture
def disputes(bureau, unit):
    """2024: 31 of 40 disputes resolved, all in 温泉街道; 2 of 3 in 祥云镇."""
    make_screenings(bureau, unit, 2024, 40, 31)
    make_screenings(bureau, Unit.objects.get(name="祥云镇"), 2024, 3, 2)


def test_it_requires_the_dashboard_permission(client, charlie, disputes):
    client.force_login(charlie)
    assert client.get("/indicators/dispute_resolution_rate/?year=2024").status_code == 403


@pytest.mark.parametrize(("part", "expected"), [("numerator", 33), ("denominator", 43)])
def test_the_list_is_as_long_as_the_figure(client, henry, bureau, disputes, part, expected):
    figure = compute.compute(bureau.pk, Period.year(2024), keys=["dispute_resolution_rate"])["dispute_resolution_rate"]
    assert (figure.numerator, figure.denominator) == (33, 43)
    client.force_login(henry)
    html = client.get("/indicators/dispute_resolution_rate/", {"year": 2024, "part": part}).content.decode()
    assert count(html) == expected
    assert len(rows(html)) == expected  # one page holds up to 50
    assert "<strong>76.74%</strong> = 分子 33 ÷ 分母 43" in html


def test_a_long_list_is_paginated(client, henry, bureau, unit, disputes):
    make_screenings(bureau, unit, 2024, 20, 0)
    client.force_login(henry)
    url = "/indicators/disputes_screened/?year=2024"
    first = client.get(url).content.decode()
    second = client.get(url + "&page=2").content.decode()
    assert count(first) == count(second) == 63
    assert (len(rows(first)), len(rows(second))) == (50, 13)
    assert "第 2 / 2 页" in second
    assert '<a href="?year=2024&amp;page=1">上一页</a>' in second
    assert '<a href="?year=2024&amp;page=2">下一页</a>' in first


@pytest.mark.parametrize("page", ["abc", "999", "-1", "0"])
def test_a_bad_page_shows_a_real_page(client, henry, disputes, page):
    client.force_login(henry)
    response = client.get("/indicators/disputes_screened/", {"year": 2024, "page": page})
    assert response.status_code == 200
    assert len(rows(response.content.decode())) == 43


def test_the_unit_narrows_the_list_to_the_unit_figure(client, henry, bureau, disputes):
    xiangyun = Unit.objects.get(name="祥云镇")
    by_unit = compute.compute_by_unit(bureau.pk, Period.year(2024), keys=["dispute_resolution_rate"])
    assert by_unit[xiangyun.pk]["dispute_resolution_rate"].numerator == 2
    client.force_login(henry)
    html = client.get(
        "/indicators/dispute_resolution_rate/", {"year": 2024, "part": "numerator", "unit": xiangyun.pk}
    ).content.decode()
    assert count(html) == 2
    assert all("祥云镇" in row for row in rows(html))
    assert "2024年 · 祥云镇" in html
    assert '<a href="?year=2024&amp;part=numerator">查看全部单位</a>' in html


def test_rows_link_to_the_records_admin_pages(client, henry, bureau, unit):
    case = make_case(bureau, "2024-017", "2024-03-01", unit=unit)
    client.force_login(henry)
    html = client.get("/indicators/cases_received/?year=2024").content.decode()
    assert f'<a href="/cases/{case.pk}/">2024-017</a>' in html


def test_persons_link_to_their_case(client, henry, bureau):
    order_case = OrderCase.objects.create(
        bureau=bureau, occurred_on=day("2024-06-01"), place="县政府门前", conduct="堵门"
    )
    OrderPerson.objects.create(case=order_case, name="李四", measure=OrderPerson.Measure.WARNING)
    client.force_login(henry)
    html = client.get("/indicators/order_warnings/?year=2024").content.decode()
    assert count(html) == 1
    assert f'<a href="/admin/cases/ordercase/{order_case.pk}/change/">' in html


def test_sum_indicators_show_the_sum_too(client, henry, bureau, unit):
    for i, heads in enumerate([1, 5, 7]):
        make_case(bureau, f"V-{i}", "2024-05-01", unit=unit, channel=PetitionCase.Channel.VISIT, head_count=heads)
    make_case(bureau, "L-1", "2024-05-01", unit=unit, head_count=9)  # a letter: not a visit
    client.force_login(henry)
    html = client.get("/indicators/visit_persons/?year=2024").content.decode()
    assert count(html) == 3
    assert '合计 <strong id="record-sum">13</strong> 人次' in html
    assert len(rows(html)) == 3


def test_personal_data_is_masked_without_the_permission(client, alice, henry, sarah, bureau, unit):
    from cases.models import BacklogEntry

    case = make_case(bureau, "2024-001", "2024-03-01", unit=unit, petitioner_name="张三丰、李四")
    Volunteer.objects.create(bureau=bureau, name="王五", joined_on=day("2023-01-01"))
    BacklogEntry.objects.create(bureau=bureau, case=case, listed_on=day("2024-06-01"))
    for masked in (sarah, henry):  # staff and head: the figures, not who the petitioners are
        client.force_login(masked)
        html = client.get("/indicators/cases_received/?year=2024").content.decode()
        assert "张**、李*" in html and "按您的权限，姓名只显示首字。" in html
        assert "王*" in client.get("/indicators/volunteers/?year=2024").content.decode()
        html = client.get("/indicators/backlog_added/?year=2024").content.decode()
        assert count(html) == 1 and "张**、李*" in html and "张三丰" not in html
    client.force_login(alice)  # the clerk, who holds the permission
    html = client.get("/indicators/cases_received/?year=2024").content.decode()
    assert "张三丰、李四" in html and "张**" not in html and "姓名只显示首字" not in html
    assert "张三丰、李四" in client.get("/indicators/backlog_added/?year=2024").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/indicators/no_such_indicator/?year=2024",
        "/indicators/disputes_screened/?year=20x4",
        "/indicators/disputes_screened/?year=1066",
        "/indicators/dispute_resolution_rate/?year=2024&part=everything",
        "/indicators/disputes_screened/?year=2024&part=denominator",  # a count has no denominator
        "/indicators/disputes_screened/?year=2024&unit=abc",
        "/indicators/disputes_screened/?year=2024&unit=99999999999999999999999999",
        "/indicators/disputes_screened/?year=2024&unit=424242",
        "/indicators/volunteers/?year=2024&unit=1",  # volunteers belong to no unit
    ],
)
def test_bad_parameters_are_404_not_500(client, henry, disputes, url):
    client.force_login(henry)
    assert client.get(url).status_code == 404


def test_a_unit_of_another_bureau_is_not_found(client, henry, bureau, disputes):
    from cases.models import Bureau

    other = Bureau.objects.create(name="别县信访局", county="别县")
    stranger = Unit.objects.create(bureau=other, name="外县镇")
    client.force_login(henry)
    assert client.get(f"/indicators/disputes_screened/?year=2024&unit={stranger.pk}").status_code == 404


MEASURES = [OrderPerson.Measure.WARNING, OrderPerson.Measure.ADMIN_DETENTION, OrderPerson.Measure.CRIMINAL_DETENTION]


@pytest.fixture
def every_ledger(bureau, unit, disputes):
    """A few records in every ledger, so that every indicator counts something."""
    from cases.models import AccountabilityAction, AccountablePerson, OutreachEvent, RoadmapPosting

    for i in range(3):
        make_case(
            bureau,
            f"2024-{i:03d}",
            "2024-03-01",
            unit=unit,
            channel=PetitionCase.Channel.ONLINE if i == 0 else PetitionCase.Channel.VISIT,
            head_count=2 + i * 2,
            handling_path=PetitionCase.HandlingPath.LEGAL if i == 2 else PetitionCase.HandlingPath.PETITION,
            routing=PetitionCase.Routing.TRANSFER,
            routed_on=day("2024-03-05"),
            unit_accepted_on=day("2024-03-10"),
            unit_replied_on=day("2024-03-30"),
            closed_on=day("2024-04-01"),
            resolved_first_time=i > 0,
            satisfaction=PetitionCase.Satisfaction.SATISFIED,
            is_initial=i != 2,
        )
        action = AccountabilityAction.objects.create(bureau=bureau, unit=unit, decided_on=day("2024-06-01"))
        AccountablePerson.objects.create(action=action, name=f"干部{i}")
        order_case = OrderCase.objects.create(
            bureau=bureau, occurred_on=day("2024-07-01"), place="广场", conduct="滋事"
        )
        OrderPerson.objects.create(case=order_case, name="赵六", measure=MEASURES[i])
        for kind in (OutreachEvent.Kind.VOLUNTEER, OutreachEvent.Kind.TRAINING, OutreachEvent.Kind.CAMPAIGN):
            OutreachEvent.objects.create(
                bureau=bureau, held_on=day("2024-05-01"), kind=kind, title="宣传", materials=100
            )
        Volunteer.objects.create(bureau=bureau, name=f"志愿者{i}", joined_on=day("2023-05-01"))
    RoadmapPosting.objects.create(bureau=bureau, unit=unit, roadmap_posted=True, guide_posted=True)
    # One case from each source above the bureau (中央/省交办, 市交办, 包联), closed in one pass.
    for source in (PetitionCase.Source.ABOVE, PetitionCase.Source.CITY, PetitionCase.Source.BAOLIAN):
        make_case(
            bureau,
            f"2024-{source}",
            "2024-03-01",
            unit=unit,
            source=source,
            closed_on=day("2024-04-01"),
            resolved_first_time=True,
        )
    # 信访积案: one on the list since 2023 and one listed in 2024, both resolved in 2024.
    from cases.models import BacklogEntry

    first = make_case(bureau, "2023-001", "2023-02-01", unit=unit)
    second = PetitionCase.objects.get(number="2024-001")
    BacklogEntry.objects.create(bureau=bureau, case=first, listed_on=day("2023-06-01"), resolved_on=day("2024-05-01"))
    BacklogEntry.objects.create(bureau=bureau, case=second, listed_on=day("2024-04-01"), resolved_on=day("2024-09-01"))


@pytest.mark.parametrize("indicator", registry.INDICATORS, ids=lambda i: i.key)
def test_every_list_is_as_long_as_its_figure(
    client, henry, bureau, every_ledger, indicator, django_assert_max_num_queries
):
    figure = compute.compute(bureau.pk, Period.year(2024), keys=[indicator.key])[indicator.key]
    client.force_login(henry)
    for part in ("numerator", "denominator") if indicator.is_rate else ("numerator",):
        with django_assert_max_num_queries(12):
            html = client.get(f"/indicators/{indicator.key}/", {"year": 2024, "part": part}).content.decode()
        expected = figure.denominator if part == "denominator" else figure.numerator
        if indicator.sum_field:
            expected = indicator.records(bureau.pk, Period.year(2024)).count()
            assert f'<strong id="record-sum">{figure.numerator}</strong>' in html
        assert count(html) == len(rows(html)) == expected, (indicator.key, part)
        assert expected > 0, (indicator.key, part)  # the fixture exercises every list
        # A case opens its own page (its timeline); the other ledgers' records their admin page.
        link = '<a href="/cases/' if indicator.source.page_url_name else '<a href="/admin/cases/'
        assert all(link in row for row in rows(html))


def test_the_list_runs_in_a_fixed_number_of_queries(client, henry, bureau, unit, django_assert_max_num_queries):
    for i in range(60):
        make_case(bureau, f"2024-{i:03d}", "2024-03-01", unit=unit)
    client.force_login(henry)
    with django_assert_max_num_queries(12):
        response = client.get(f"/indicators/cases_received/?year=2024&unit={unit.pk}")
    assert count(response.content.decode()) == 60
