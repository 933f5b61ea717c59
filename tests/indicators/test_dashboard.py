import datetime
import re

import pytest
from django.core.cache import cache

from cases.audit import log_action
from cases.deadlines import HolidayCalendar
from cases.models import DisputeScreening, PetitionCase, Unit
from cases.models.base import local_today
from tests.conftest import day

CALENDAR = HolidayCalendar()


@pytest.fixture(autouse=True)
def empty_cache(db):
    # The cache table outlives transactional tests (flush does not empty it): start and end clean.
    cache.clear()
    yield
    cache.clear()


def make_case(bureau, number: str, received: str, *, unit=None, **fields) -> PetitionCase:
    case = PetitionCase(
        bureau=bureau,
        number=number,
        received_on=day(received),
        channel=fields.pop("channel", PetitionCase.Channel.LETTER),
        petitioner_name=fields.pop("petitioner_name", "张三"),
        category=PetitionCase.Category.CLAIM,
        responsible_unit=unit,
        **fields,
    )
    case.refresh_due_dates(CALENDAR)
    case.save()
    return case


def make_screenings(bureau, unit, year: int, found: int, resolved: int, month: int = 3) -> None:
    """`found` screenings in `month` of `year`, the first `resolved` of them resolved. bulk_create
    sends no signal, which is why every test starts with an empty cache."""
    DisputeScreening.objects.bulk_create(
        DisputeScreening(
            bureau=bureau,
            unit=unit,
            found_on=datetime.date(year, month, 1 + i % 28),
            kind="土地纠纷",
            status=DisputeScreening.Status.RESOLVED if i < resolved else DisputeScreening.Status.IN_PROGRESS,
        )
        for i in range(found)
    )


def card(html: str, key: str) -> str:
    match = re.search(rf'<article class="card" id="card-{key}".*?</article>', html, re.S)
    assert match, key
    return match.group(0)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def two_years(bureau, unit):
    """Disputes: 2023 3 of 4 resolved (75.00%), 2024 31 of 40 (77.50%)."""
    make_screenings(bureau, unit, 2023, 4, 3)
    make_screenings(bureau, unit, 2024, 40, 31)


def test_it_requires_the_dashboard_permission(client, bureau, charlie):
    client.force_login(charlie)
    assert client.get("/").status_code == 403
    assert client.get("/indicators/disputes_screened/").status_code == 403


def test_it_sends_strangers_to_the_login_page(client, bureau):
    response = client.get("/?year=2024")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("who", ["alice", "henry", "sarah"])
def test_clerk_head_and_staff_can_read_it(client, request, two_years, who):
    client.force_login(request.getfixturevalue(who))
    # The bare root sends a clerk to the case list (cases.landing); their header's link reads it.
    response = client.get("/?view=dashboard" if who == "alice" else "/")
    assert response.status_code == 200
    assert "77.50%" in card(response.content.decode(), "dispute_resolution_rate")


def test_default_year_is_the_latest_with_records(client, henry, two_years):
    client.force_login(henry)
    response = client.get("/")
    assert response.context["year"] == 2024
    html = response.content.decode()
    assert '<option value="2024" selected>2024年</option>' in html
    assert '<option value="2023">2023年</option>' in html


def test_a_rate_card_shows_its_figure_and_its_change_in_points(client, henry, two_years):
    client.force_login(henry)
    html = card(client.get("/?year=2024").content.decode(), "dispute_resolution_rate")
    assert ">77.50%</a>" in html
    assert ">31</a> / <a" in html and ">40</a></p>" in html
    assert "+2.50 个百分点" in html
    assert "上年 75%" in html  # a whole number the default way (indicators.numbers)
    assert "已化解的矛盾纠纷 ÷ 排查发现的矛盾纠纷" in html  # the definition, shown on hover
    assert 'class="change up better"' in html


def test_a_count_card_shows_its_change_in_percent(client, henry, two_years):
    client.force_login(henry)
    html = client.get("/?year=2024").content.decode()
    assert "+900%" in card(html, "disputes_screened")
    assert '>40</a><span class="unit">起</span>' in card(html, "disputes_screened")
    # Last year had none: no base for a change.
    assert '同比 <span class="delta">—</span>' in card(html, "volunteers")


def test_the_year_comes_from_the_address(client, henry, two_years):
    client.force_login(henry)
    html = card(client.get("/?year=2023").content.decode(), "dispute_resolution_rate")
    assert ">75%</a>" in html
    assert '同比 <span class="delta">—</span>' in html  # 2022 has no screenings: no change to show


def test_a_year_without_records_says_so(client, henry, two_years):
    client.force_login(henry)
    html = client.get("/?year=2019").content.decode()
    assert "2019年暂无台账记录" in html
    assert ">—</a>" in card(html, "dispute_resolution_rate")


def test_a_year_between_the_first_and_the_last_is_not_called_empty(client, henry, bureau, unit, two_years):
    """The year selector knows each ledger's first and last year only; 2023's records lie between
    2022's and 2024's, and the page says nothing of missing records."""
    make_screenings(bureau, unit, 2022, 2, 1)
    client.force_login(henry)
    html = client.get("/?year=2023").content.decode()
    assert "暂无台账记录" not in html
    assert ">75%</a>" in card(html, "dispute_resolution_rate")


@pytest.mark.parametrize("year", ["abc", "20244", "1800", "2200", "２０２４", "-1", "2024.0", "0"])
def test_a_bad_year_is_a_404_not_a_500(client, henry, bureau, year):
    client.force_login(henry)
    assert client.get("/", {"year": year}).status_code == 404


def test_falling_rates_are_marked_worse(client, henry, bureau, unit):
    make_screenings(bureau, unit, 2023, 4, 4)
    make_screenings(bureau, unit, 2024, 4, 3)
    client.force_login(henry)
    html = card(client.get("/?year=2024").content.decode(), "dispute_resolution_rate")
    assert "-25 个百分点" in html
    assert 'class="change down worse"' in html


def test_units_are_listed_worst_first(client, henry, bureau):
    units = {u.name: u for u in Unit.objects.filter(bureau=bureau)}
    make_screenings(bureau, units["祥云镇"], 2024, 2, 1)  # 50%
    make_screenings(bureau, units["番田镇"], 2024, 3, 3)  # 100%
    make_screenings(bureau, units["县住建局"], 2024, 4, 0)  # 0%
    client.force_login(henry)
    html = client.get("/?year=2024").content.decode()
    table = re.search(r'<table class="units">.*?</table>', html, re.S).group(0)
    names = re.findall(r'<th scope="row">([^<]+)<small>', table)
    assert names[:3] == ["县住建局", "祥云镇", "番田镇"]
    # Every township and department has a row; those with nothing to rate follow in the bureau's order.
    assert len(names) == 15
    assert names[3:5] == ["温泉街道", "太行街道"]
    row = re.search(r'<th scope="row">祥云镇.*?</tr>', table, re.S).group(0)
    assert f'part=numerator&amp;unit={units["祥云镇"].pk}">50%</a><small>1/2</small>' in row


def test_monthly_charts_have_a_bar_per_month(client, henry, bureau, unit):
    make_screenings(bureau, unit, 2024, 5, 2, month=3)
    make_screenings(bureau, unit, 2024, 2, 2, month=7)
    make_case(bureau, "2024-001", "2024-02-10")
    client.force_login(henry)
    html = client.get("/?year=2024").content.decode()
    charts = re.findall(r'<figure class="chart">(.*?)</figure>', html, re.S)
    assert len(charts) == 2
    assert charts[0].count('class="bar"') == 12  # a past year: every month has a bar
    assert "2月：1件" in charts[0]
    assert charts[1].count('class="bar"') == 24  # found and resolved, side by side
    assert "排查 3月：5起" in charts[1] and "化解 3月：2起" in charts[1] and "化解 7月：2起" in charts[1]


def test_months_not_yet_reached_have_no_bar(client, henry, bureau, unit):
    today = local_today()
    make_screenings(bureau, unit, today.year, 1, 1, month=1)
    client.force_login(henry)
    html = client.get(f"/?year={today.year}").content.decode()
    charts = re.findall(r'<figure class="chart">(.*?)</figure>', html, re.S)
    assert charts[0].count('class="bar"') == today.month


def test_overdue_and_due_soon_cases_link_to_their_case_pages(client, henry, bureau, unit):
    today = local_today()
    late = make_case(bureau, "OVERDUE-1", "2024-01-02", unit=unit)
    soon = make_case(bureau, "SOON-1", "2024-01-03", unit=unit)
    done = make_case(bureau, "CLOSED-1", "2024-01-04", unit=unit, closed_on=day("2024-01-20"))
    PetitionCase.objects.filter(pk=late.pk).update(routing_due_on=today - datetime.timedelta(days=5))
    PetitionCase.objects.filter(pk=soon.pk).update(routing_due_on=today + datetime.timedelta(days=1))
    client.force_login(henry)
    html = client.get("/?year=2024").content.decode()
    overdue = re.search(r'<div class="case-list" id="overdue">.*?</div>\s*</div>', html, re.S).group(0)
    due_soon = re.search(r'<div class="case-list" id="due-soon">.*?</div>\s*</div>', html, re.S).group(0)
    assert f'<a href="/cases/{late.pk}/">OVERDUE-1</a>' in overdue
    assert "SOON-1" not in overdue and "5 天" in overdue and "转送/受理告知" in overdue
    assert f'<a href="/cases/{soon.pk}/">SOON-1</a>' in due_soon
    assert "1 天" in due_soon
    assert done.number not in html
    assert "<strong>1</strong> 件已超期" in html and "<strong>1</strong> 件即将到期" in html


def test_it_shows_the_reporting_deadlines_of_the_year(client, henry, two_years):
    today = local_today()
    client.force_login(henry)
    html = text(client.get("/?year=2024").content.decode())
    report_by = (datetime.date(2025, 3, 1) - today).days
    publish_by = (datetime.date(2025, 4, 1) - today).days

    def status(days):
        return f"还剩 {days} 天" if days > 0 else "今天截止" if days == 0 else f"已过 {-days} 天"

    assert f"2024年度法治政府建设报告报送本级政府和上一级部门：2025年3月1日前 · {status(report_by)}" in html
    assert f"2024年度法治政府建设报告向社会公开：2025年4月1日前 · {status(publish_by)}" in html


def test_the_reporting_deadlines_count_down(client, henry, bureau):
    from indicators.dashboard import report_deadlines

    report, publish = report_deadlines(2024, day("2025-02-27"))
    assert (report.due_on, report.days_left, report.status) == (day("2025-03-01"), 2, "还剩 2 天")
    assert publish.status == "还剩 33 天"
    assert report_deadlines(2024, day("2025-03-01"))[0].status == "今天截止"
    assert report_deadlines(2024, day("2025-03-04"))[0].status == "已过 3 天"


def test_a_saved_record_shows_at_the_next_request(client, henry, two_years, unit):
    client.force_login(henry)
    assert ">40</a>" in card(client.get("/?year=2024").content.decode(), "disputes_screened")
    screening = DisputeScreening.objects.create(
        bureau=unit.bureau, unit=unit, found_on=day("2024-05-05"), kind="邻里纠纷"
    )
    html = client.get("/?year=2024").content.decode()
    assert ">41</a>" in card(html, "disputes_screened")
    assert ">75.61%</a>" in card(html, "dispute_resolution_rate")  # 31 / 41
    screening.status = DisputeScreening.Status.RESOLVED
    screening.save()
    assert ">78.05%</a>" in card(client.get("/?year=2024").content.decode(), "dispute_resolution_rate")
    screening.delete()
    assert ">40</a>" in card(client.get("/?year=2024").content.decode(), "disputes_screened")


def test_writes_without_signals_need_a_bump(client, henry, two_years, bureau, unit):
    from indicators import cache as dashboard_cache

    client.force_login(henry)
    client.get("/?year=2024")
    make_screenings(bureau, unit, 2024, 2, 0)  # bulk_create: no signal
    assert ">40</a>" in card(client.get("/?year=2024").content.decode(), "disputes_screened")
    dashboard_cache.bump()
    assert ">42</a>" in card(client.get("/?year=2024").content.decode(), "disputes_screened")


def test_a_migration_drops_what_the_previous_code_cached(client, henry, two_years):
    """A deployment migrates; the cached page was rendered by the old templates."""
    from django.core.management import call_command

    from indicators import cache as dashboard_cache

    client.force_login(henry)
    client.get("/?year=2024")
    before = dashboard_cache.version()
    call_command("migrate", verbosity=0)
    assert dashboard_cache.version() > before


def test_the_cached_page_is_the_same_for_every_viewer_and_holds_nothing_personal(client, henry, alice, two_years):
    """The dashboard's content is cached once as HTML: whoever builds it, the others get the
    same bytes, and the user's own menu around it is still their own."""
    client.force_login(alice)  # a clerk may see petitioners' names; the dashboard shows none
    first = client.get("/?year=2024").content.decode()
    client.force_login(henry)
    second = client.get("/?year=2024").content.decode()
    body = lambda html: html[html.index('<div class="dash">') : html.rindex("</div>")]  # noqa: E731
    assert body(first) == body(second)
    assert "alice" in first and "henry" in second and "alice" not in second


def test_linking_records_many_to_many_bumps_the_data_version(bureau, unit):
    from cases.models import AccountabilityAction
    from indicators import cache as dashboard_cache

    case = make_case(bureau, "2024-009", "2024-03-01", unit=unit)
    action = AccountabilityAction.objects.create(bureau=bureau, unit=unit, decided_on=day("2024-04-01"))
    year_2024 = dashboard_cache.year_key(bureau.pk, 2024)
    before = dashboard_cache.cache.get(year_2024)
    action.cases.add(case)
    assert dashboard_cache.cache.get(year_2024) > before


def test_other_models_do_not_bump_the_data_version(bureau, charlie):
    from indicators import cache as dashboard_cache

    before = dashboard_cache.version()
    charlie.first_name = "查理"
    charlie.save()
    assert dashboard_cache.version() == before


# The stored years' figures, plus the province's averages typed by the bureau (indicators.references)
# and the published report's drift notice (reports.drift through indicators.hooks: one query when
# the year has no report).
STORED_COLD = 21


def test_it_runs_in_a_fixed_number_of_queries(client, henry, two_years, bureau, unit, assert_max_data_queries):
    for i in range(30):
        make_case(bureau, f"2024-{i:03d}", "2024-03-01", unit=unit, closed_on=day("2024-04-01"))
    client.force_login(henry)
    # cold: every figure of two years, units, months, deadlines, first and last year of each
    # ledger, and the two years stored (a row each: read, made, read back, written)
    with assert_max_data_queries(48):
        assert client.get("/?year=2024").status_code == 200
    with assert_max_data_queries(8):  # warm: session, user, permissions, bureau
        assert client.get("/?year=2024").status_code == 200
    # The cache emptied (a restart, an eviction): the stored years are read, not counted again.
    from django.core.cache import cache

    cache.clear()
    with assert_max_data_queries(STORED_COLD):
        assert client.get("/?year=2024").status_code == 200


def test_the_latest_year_may_come_from_any_ledger(client, henry, bureau, unit):
    from cases.models import OutreachEvent

    make_screenings(bureau, unit, 2023, 2, 1)
    OutreachEvent.objects.create(bureau=bureau, held_on=day("2025-03-01"), kind="campaign", title="宣传月")
    client.force_login(henry)
    response = client.get("/")
    assert response.context["year"] == 2025
    assert [y for y in response.context["years"] if y <= 2025][:3] == [2025, 2024, 2023]


def test_without_a_bureau_it_is_not_found_rather_than_an_error(client, henry):
    henry.membership.delete()  # a head not yet placed in any bureau
    client.force_login(henry)
    assert client.get("/").status_code == 404
    assert client.get("/indicators/disputes_screened/").status_code == 404


def test_deadlines_in_a_year_without_holidays_are_reported_not_guessed(bureau, unit):
    from cases.deadlines import PACKAGE_YEARS
    from indicators.dashboard import dashboard_data

    last_known = max(PACKAGE_YEARS)
    data = dashboard_data(bureau, 2024, today=datetime.date(last_known, 12, 30))
    assert any(f"{last_known + 1} 年" in warning for warning in data.warnings)


def test_the_navigation_marks_the_dashboard(client, henry, bureau):
    client.force_login(henry)
    html = client.get("/").content.decode()
    assert '<a href="/" aria-current="page">工作指标</a>' in html


def test_an_import_log_or_an_audit_entry_does_not_empty_the_cache(bureau, alice):
    from cases.models import ImportLog
    from indicators import cache as dashboard_cache

    before = dashboard_cache.version()
    log = ImportLog.objects.create(bureau=bureau, ledger="cases", file_name="x.xlsx", dry_run=True, outcome="previewed")
    log_action(log, user=alice, action="import")
    assert dashboard_cache.version() == before


def test_the_overdue_list_holds_the_longest_overdue_when_it_cannot_hold_them_all(client, henry, bureau, unit):
    from indicators.dashboard import DEADLINE_LIST_LIMIT

    today = local_today()
    count = DEADLINE_LIST_LIMIT + 2
    for i in range(count):
        # Received in one order, overdue in the opposite: the earliest received is the least late.
        case = make_case(bureau, f"LATE-{i:03d}", f"2024-01-{1 + i % 28:02d}", unit=unit)
        PetitionCase.objects.filter(pk=case.pk).update(routing_due_on=today - datetime.timedelta(days=10 + i))
    client.force_login(henry)
    html = client.get("/?year=2024").content.decode()
    overdue = html[html.index('id="overdue"') : html.index('id="due-soon"')]
    listed = re.findall(r">(LATE-\d{3})</a>", overdue)
    assert len(listed) == DEADLINE_LIST_LIMIT
    assert listed[0] == f"LATE-{count - 1:03d}" and f"{10 + count - 1} 天" in overdue  # the longest overdue first
    assert "LATE-000" not in listed and "LATE-001" not in listed  # the two least late are left out
    assert f"<strong>{count}</strong> 件已超期" in html
    assert f"在台账中查看全部 {count} 件" in overdue


def test_a_bulk_writers_signal_bumps_the_data_version(bureau):
    from cases.signals import records_changed
    from indicators import cache as dashboard_cache

    year_2024, year_2023 = dashboard_cache.year_key(bureau.pk, 2024), dashboard_cache.year_key(bureau.pk, 2023)
    dashboard_cache.get_or_build("probe", lambda: 1, bureau_id=bureau.pk, years=[2024, 2023])
    before = dashboard_cache.cache.get_many([year_2024, year_2023])
    records_changed.send(sender=None, bureau=bureau, years={2024})
    assert dashboard_cache.cache.get(year_2024) > before[year_2024]
    assert dashboard_cache.cache.get(year_2023) == before[year_2023]
