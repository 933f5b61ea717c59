"""A city's roll-up over its counties: totals from summed numerators and denominators, ranks,
last year's, and what a county head may not see."""

import datetime

import pytest

from accounts import roles
from cases.models import Bureau, PetitionCase
from indicators import rollup
from indicators.compute import compute_by_bureau
from indicators.registry import SOURCES, Period
from tests.conftest import _user
from tests.indicators.test_compute import closed_case, make_case

D = datetime.date
AS_OF = D(2025, 6, 30)
YEAR_2024 = Period.year(2024, as_of=AS_OF)
S = PetitionCase.Source


@pytest.fixture
def city(db):
    """测试市 with two counties. 2024 — 一次性化解: the city itself 1/1, 甲县 4/5, 乙县 2/4;
    重复信访 (lower is better): 甲县 1 of 5, 乙县 1 of 4; every closed case rated 满意 (a tie at
    100%); one 包联 case, 甲县's (乙县 has none: unranked). 2023: 甲县 0/1, 乙县 1/1."""
    city = Bureau.objects.create(name="测试市信访局", county="测试市", level=Bureau.Level.CITY, self_reference="我市")
    a = Bureau.objects.create(name="甲县信访局", county="甲县", parent=city)
    b = Bureau.objects.create(name="乙县信访局", county="乙县", parent=city)
    sat = {"satisfaction": PetitionCase.Satisfaction.SATISFIED}
    closed_case(city, "C-1", **sat)
    for n in range(5):
        closed_case(a, f"A-{n}", resolved=n < 4, is_initial=n != 0, **sat)
    closed_case(a, "A-L", source=S.BAOLIAN, **sat)  # the sixth closed case of 甲县: 5/6
    for n in range(4):
        closed_case(b, f"B-{n}", resolved=n < 2, is_initial=n != 0, **sat)
    make_case(a, "A-2023", D(2023, 5, 1), closed_on=D(2023, 6, 1), resolved_first_time=False)
    make_case(b, "B-2023", D(2023, 5, 1), closed_on=D(2023, 6, 1), resolved_first_time=True)
    return city, a, b


def test_the_city_total_adds_numerators_and_denominators(city):
    city, a, b = city
    by_bureau = compute_by_bureau([city.pk, a.pk, b.pk], YEAR_2024)
    one_time = {
        pk: (f["one_time_resolution_rate"].numerator, f["one_time_resolution_rate"].denominator)
        for pk, f in by_bureau.items()
    }
    assert one_time == {city.pk: (1, 1), a.pk: (5, 6), b.pk: (2, 4)}

    total = rollup.rollup_figures(city, YEAR_2024)

    f = total["one_time_resolution_rate"]
    assert (f.numerator, f.denominator, f.display) == (8, 11, "72.73%")  # not the mean of the rates (77.78%)
    assert total["cases_received"].numerator == 11
    assert total["baolian_cases"].numerator == 1
    repeat = total["repeat_petition_rate"]
    assert (repeat.numerator, repeat.denominator) == (2, 11)
    # the city's own figures alone, and the total below it
    data = rollup.rollup_data(city, 2024, today=AS_OF)
    assert data.own["one_time_resolution_rate"] == (1, 1)
    assert data.below["one_time_resolution_rate"] == (7, 10)
    assert data.total["one_time_resolution_rate"] == (8, 11)
    assert data.previous_below["one_time_resolution_rate"] == (1, 2)
    assert [name for _pk, name in data.lower] == ["乙县信访局", "甲县信访局"]


def test_figures_of_several_bureaus_take_one_query_per_source(city, django_assert_num_queries):
    city, a, b = city
    with django_assert_num_queries(len(SOURCES)):
        by_bureau = compute_by_bureau([city.pk, a.pk, b.pk], YEAR_2024)
    assert by_bureau[b.pk]["baolian_cases"].numerator == 0  # a bureau without such records has its zero


def test_ranks_best_first_ties_shared_lower_is_better_and_none_without_a_denominator(city):
    city, a, b = city
    data = rollup.rollup_data(city, 2024, today=AS_OF)
    rows = {row.indicator.key: row for row in rollup.rows(data, lambda pk: f"/rollup/{pk}/")}
    order = [pk for pk, _name in data.lower]  # 乙县, 甲县
    assert order == [b.pk, a.pk]

    def ranked(key):
        return [(c.figure.display, c.rank, c.previous.display, c.previous_rank) for c in rows[key].lower]

    # 乙县 50.00% second, 甲县 83.33% first; last year 乙县 100% first, 甲县 0% second
    assert ranked("one_time_resolution_rate") == [("50%", 2, "100%", 1), ("83.33%", 1, "0%", 2)]
    # lower is better: 甲县 1/6 = 16.67% before 乙县 1/4 = 25.00%
    assert ranked("repeat_petition_rate") == [("25%", 2, "0%", 1), ("16.67%", 1, "0%", 1)]
    # a tie shares the first rank
    assert [c.rank for c in rows["satisfaction_rate"].lower] == [1, 1]
    # nothing to count: no rank
    assert ranked("baolian_resolution_rate") == [("—", None, "—", None), ("100%", 1, "—", None)]
    # counts are not ranked; the own and total cells never are
    assert [c.rank for c in rows["cases_received"].lower] == [None, None]
    assert rows["one_time_resolution_rate"].total.figure.display == "72.73%"
    assert rows["one_time_resolution_rate"].lower[1].url == f"/rollup/{a.pk}/#row-one_time_resolution_rate"


def test_ranks_of_a_three_way_tie_skip_the_next_rank():
    from indicators.compute import Figure
    from indicators.registry import BY_KEY

    rate = BY_KEY["one_time_resolution_rate"]
    figures = {
        1: Figure(rate, 1, 2),
        2: Figure(rate, 2, 4),
        3: Figure(rate, 3, 4),
        4: Figure(rate, 0, 0),
        5: Figure(rate, 0, 3),
    }
    assert rollup.ranks(figures) == {3: 1, 1: 2, 2: 2, 5: 4, 4: None}


@pytest.fixture
def heads(city):
    city, a, _b = city
    return _user("cityhead", roles.HEAD, city), _user("jiahead", roles.HEAD, a)


def test_the_city_head_sees_the_roll_up_with_figures_only(client, city, heads):
    city, a, _b = city
    city_head, _county_head = heads
    client.force_login(city_head)
    dashboard = client.get("/?year=2024").content.decode()
    assert '<a href="/rollup/?year=2024">下级信访局汇总与排名</a>' in dashboard

    response = client.get("/rollup/?year=2024")

    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index('id="row-one_time_resolution_rate"') :]
    row = row[: row.index("</tr>")]
    assert ">100%<small>1/1</small>" in row  # the city itself
    assert ">70%<small>7/10</small>" in row  # below
    assert ">72.73%<small>8/11</small>" in row  # with itself
    assert f'<a href="/rollup/{a.pk}/?year=2024#row-one_time_resolution_rate">83.33%</a>' in row
    assert "第1名" in row and "第2名" in row
    assert "王建国" not in html  # every case's petitioner: no record, no person
    assert "A-1" not in html and "/admin/cases/" not in html
    assert "甲县信访局" in html and "乙县信访局" in html

    page = client.get(f"/rollup/{a.pk}/?year=2024")
    assert page.status_code == 200
    lower = page.content.decode()
    assert ">83.33%<small>5/6</small>" in lower and "王建国" not in lower and 'href="/indicators/' not in lower


def test_a_county_head_has_no_roll_up_and_no_other_countys_page(client, city, heads):
    city, a, b = city
    _city_head, county_head = heads
    client.force_login(county_head)
    assert "下级信访局汇总与排名" not in client.get("/?year=2024").content.decode()
    assert client.get("/rollup/?year=2024").status_code == 404
    assert client.get(f"/rollup/{b.pk}/?year=2024").status_code == 404
    assert client.get(f"/rollup/{a.pk}/?year=2024").status_code == 404  # its own: the dashboard
    assert client.get(f"/rollup/{city.pk}/?year=2024").status_code == 404  # above it


def test_the_city_head_cannot_open_a_bureau_outside_the_city(client, city, heads):
    city, _a, _b = city
    elsewhere = Bureau.objects.create(name="外县信访局", county="外县")
    client.force_login(heads[0])
    assert client.get(f"/rollup/{elsewhere.pk}/?year=2024").status_code == 404
    assert client.get(f"/rollup/{city.pk}/?year=2024").status_code == 404
    assert client.get("/rollup/999999/?year=2024").status_code == 404


def test_the_roll_up_needs_the_dashboard_permission(client, city):
    city, a, _b = city
    client.force_login(_user("nobody", None, city))
    assert client.get("/rollup/?year=2024").status_code == 403
    assert client.get(f"/rollup/{a.pk}/?year=2024").status_code == 403


def test_a_province_sees_each_city_with_its_counties_added(client, city):
    city, a, _b = city
    province = Bureau.objects.create(name="测试省信访局", county="测试省", level=Bureau.Level.PROVINCE)
    city.parent = province
    city.save()
    other = Bureau.objects.create(name="另一市信访局", county="另一市", level=Bureau.Level.CITY, parent=province)
    closed_case(other, "O-1", resolved=False)

    data = rollup.rollup_data(province, 2024, today=AS_OF)

    assert data.lower == [(other.pk, "另一市信访局"), (city.pk, "测试市信访局")]
    assert data.by_lower[city.pk]["one_time_resolution_rate"] == (8, 11)  # the city and its counties
    assert data.by_lower[other.pk]["one_time_resolution_rate"] == (0, 1)
    assert data.below["one_time_resolution_rate"] == (8, 12)
    assert data.own["one_time_resolution_rate"] == (0, 0)
    assert rollup.rollup_figures(province, YEAR_2024)["one_time_resolution_rate"].numerator == 8

    client.force_login(_user("provincehead", roles.HEAD, province))
    html = client.get(f"/rollup/{city.pk}/?year=2024").content.decode()
    assert '<th scope="col">含下级合计</th>' in html
    row = html[html.index('id="row-one_time_resolution_rate"') :]
    row = row[: row.index("</tr>")]
    assert "<td>100%<small>1/1</small>" in row and "<td>72.73%<small>8/11</small>" in row
    assert client.get(f"/rollup/{a.pk}/?year=2024").status_code == 200  # a county two levels below
