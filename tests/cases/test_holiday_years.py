"""A year's holidays entered at once from the State Council's notice (cases.holidays, the
holiday year page): the dates read from the paste, the preview, the confirmation that replaces
the year's rows, and a year counting as known only once it is marked complete."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts import roles
from cases import holidays
from cases.deadlines import UnknownHolidayYear
from cases.holidays import NoticeError, parse_notice
from cases.models import AuditEntry, Bureau, Holiday, HolidayYear
from tests.conftest import _user

D = datetime.date
YEAR_URL = reverse("admin:cases_holiday_year")

# 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号), as published.
NOTICE_2026 = """各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。"""

# A notice for 2027 as the test's own (the package does not know 2027).
NOTICE_2027 = """一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（周五）至11日（周四）放假调休，共7天。2月20日（周六）上班。
三、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。10月9日（周六）上班。"""


def days(first: str, last: str) -> set[datetime.date]:
    start, end = D.fromisoformat(first), D.fromisoformat(last)
    return {start + datetime.timedelta(days=i) for i in range((end - start).days + 1)}


# Reading the paste ------------------------------------------------------------------------------


def test_the_2026_notice_gives_its_holidays_and_make_up_days():
    plan = parse_notice(NOTICE_2026, 2026)

    assert [(f.name, f.span, len(f.holidays)) for f in plan.festivals] == [
        ("元旦", "1月1日至1月3日", 3),
        ("春节", "2月15日至2月23日", 9),
        ("清明节", "4月4日至4月6日", 3),
        ("劳动节", "5月1日至5月5日", 5),
        ("端午节", "6月19日至6月21日", 3),
        ("中秋节", "9月25日至9月27日", 3),
        ("国庆节", "10月1日至10月7日", 7),
    ]
    assert set(plan.holidays) == (
        days("2026-01-01", "2026-01-03")
        | days("2026-02-15", "2026-02-23")
        | days("2026-04-04", "2026-04-06")
        | days("2026-05-01", "2026-05-05")
        | days("2026-06-19", "2026-06-21")
        | days("2026-09-25", "2026-09-27")
        | days("2026-10-01", "2026-10-07")
    )
    assert sorted(plan.workdays) == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]
    assert plan.workdays[D(2026, 2, 28)] == "春节"


def test_a_list_of_dates_is_read_line_by_line():
    plan = parse_notice("2027-01-01 元旦\n2027年2月5日至2027年2月11日 春节\n2027/2/20 上班\n", 2027)
    assert [(f.name, f.span) for f in plan.festivals] == [
        ("元旦", "1月1日"),
        ("春节", "2月5日至2月11日"),
        ("调休", "—"),
    ]
    assert len(plan.holidays) == 8 and list(plan.workdays) == [D(2027, 2, 20)]


def test_a_new_years_holiday_begun_in_december_keeps_only_the_years_days():
    plan = parse_notice("元旦：12月31日至1月2日放假调休，共3天。", 2028)
    assert sorted(plan.holidays) == [D(2028, 1, 1), D(2028, 1, 2)]
    assert plan.outside == [D(2027, 12, 31)]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "请粘贴国务院办公厅的节假日安排通知"),
        ("今年的安排还没有公布。", "没有识别出任何日期"),
        ("春节：2月5日至11日放假调休，共8天。", "春节：放假日期共7天，与通知所写“共8天”不符"),
        ("春节：2月30日放假。", "“2月30日”不是有效日期"),
        ("春节：2月5日至11日放假。2月10日（周三）上班。", "2027-02-10 既写为放假又写为上班"),
        ("国庆节：10月1日至7日放假。10月8日（周五）上班。", "国庆节：调休上班日 2027-10-08 是周五，不是周末"),
        ("春节：2月5日至11日。", "无法判断是放假还是上班"),
        ("春节：2月11日至2月5日放假。", "结束日期早于开始日期"),
        ("2026-10-01 国庆节", "粘贴的日期都不在2027年"),
    ],
)
def test_a_bad_paste_is_refused_with_the_reason(text, message):
    with pytest.raises(NoticeError) as exc:
        parse_notice(text, 2027)
    assert message in str(exc.value)


# The page --------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, adam):
    client.force_login(adam)
    return client


def post(client, **fields):
    data = {"year": "2027", "notice": NOTICE_2027, "complete": "on", **fields}
    return client.post(YEAR_URL, {k: v for k, v in data.items() if v is not None})


def test_the_paste_is_previewed_and_written_only_when_confirmed(admin_client, adam):
    response = post(admin_client, preview="1")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<td>春节</td><td>2月5日至2月11日</td><td>7</td><td>2月20日（周六）</td>" in html
    assert "合计放假 17 天，调休上班 2 天。" in html
    assert not Holiday.objects.exists() and not HolidayYear.objects.exists()

    response = post(admin_client, confirm="1", digest=response.context["digest"])
    assert response.status_code == 302
    assert Holiday.objects.filter(date__year=2027, is_working_day=False).count() == 17
    assert list(Holiday.objects.filter(is_working_day=True).values_list("date", "name")) == [
        (D(2027, 2, 20), "春节调休"),
        (D(2027, 10, 9), "国庆节调休"),
    ]
    year = HolidayYear.objects.get(year=2027)
    assert (year.complete, year.completed_by, year.notice) == (True, adam, NOTICE_2027)
    entry = AuditEntry.objects.get(content_type__model="holidayyear", object_id=year.pk)
    assert entry.username == "adam" and entry.changes["complete"] == ["否", "是"]
    assert entry.changes["节假日安排"][1].startswith("放假 01-01、01-02、01-03、02-05")


def test_a_deadline_across_the_entered_holidays_rolls_forward(admin_client):
    with pytest.raises(UnknownHolidayYear):
        Holiday.objects.calendar().due_date(D(2027, 1, 21), 15)
    preview = post(admin_client, preview="1")
    post(admin_client, confirm="1", digest=preview.context["digest"])

    calendar = Bureau.objects.get().calendar()
    # 2027-01-21 + 15 = 02-05, the first day of the Spring Festival: rolled to Friday 02-12
    assert calendar.due_date(D(2027, 1, 21), 15) == D(2027, 2, 12)
    # 02-05 + 15 = Saturday 02-20, a make-up working day: not rolled
    assert calendar.due_date(D(2027, 2, 5), 15) == D(2027, 2, 20)
    # 09-16 + 15 = 10-01: rolled past National Day to Friday 10-08
    assert calendar.due_date(D(2027, 9, 16), 15) == D(2027, 10, 8)


def test_confirming_again_replaces_that_years_rows_only(admin_client):
    Holiday.objects.create(date=D(2027, 3, 1), name="误录")
    Holiday.objects.create(date=D(2030, 1, 1), name="元旦")
    preview = post(admin_client, notice="元旦：1月1日至3日放假，共3天。", preview="1")
    post(admin_client, notice="元旦：1月1日至3日放假，共3天。", confirm="1", digest=preview.context["digest"])
    assert sorted(Holiday.objects.values_list("date", flat=True)) == [
        D(2027, 1, 1),
        D(2027, 1, 2),
        D(2027, 1, 3),
        D(2030, 1, 1),
    ]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"notice": "春节：2月5日至11日放假调休，共8天。"}, "与通知所写“共8天”不符"),
        ({"notice": "看不懂的文字"}, "没有识别出任何日期"),
        ({"year": "2026"}, "2026年的节假日系统已内置，无需录入。"),
        ({"year": "二〇二七"}, "年度请填写四位数字，如 2027。"),
    ],
)
def test_a_bad_paste_writes_nothing_and_says_why(admin_client, fields, message):
    Holiday.objects.create(date=D(2027, 3, 1), name="已录入")
    response = post(admin_client, confirm="1", digest="x", **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "请改正下面的错误，未写入任何日期。" in response.content.decode()
    assert list(Holiday.objects.values_list("name", flat=True)) == ["已录入"]
    assert not HolidayYear.objects.exists()


def test_a_text_changed_after_the_preview_is_not_written(admin_client):
    preview = post(admin_client, preview="1")
    response = post(
        admin_client,
        notice=NOTICE_2027 + "\n四、劳动节：5月1日至5日放假，共5天。",
        confirm="1",
        digest=preview.context["digest"],
    )
    assert response.status_code == 200
    assert "通知内容在预览后有改动" in response.content.decode()
    assert not Holiday.objects.exists()


@pytest.mark.parametrize("role", ["clerk", "head", "staff"])
def test_only_the_administrator_opens_the_page(client, role_users, role):
    client.force_login(role_users[role])
    assert client.get(YEAR_URL).status_code == 403
    assert post(client, confirm="1").status_code == 403
    assert not Holiday.objects.exists()


def test_a_lower_bureaus_administrator_may_not_enter_the_nations_holidays(client, bureau):
    lower = Bureau.objects.create(name="下级县信访局", county="下级县", parent=bureau)
    client.force_login(_user("lena", roles.ADMIN, lower))
    assert client.get(YEAR_URL).status_code == 403


# Complete or not -------------------------------------------------------------------------------


@pytest.fixture
def late_november(monkeypatch):
    monkeypatch.setattr("cases.admin.bureau.local_today", lambda: D(2026, 11, 27))


def index_warnings(client) -> list[str]:
    messages = client.get(reverse("admin:index")).context["messages"]
    return [str(m) for m in messages if m.level_tag == "warning"]


def test_an_incomplete_year_is_unknown_and_only_the_administrator_is_warned(admin_client, alice, late_november):
    preview = post(admin_client, preview="1", complete=None)
    post(admin_client, confirm="1", complete=None, digest=preview.context["digest"])
    assert Holiday.objects.filter(date__year=2027).count() == 19
    assert HolidayYear.objects.get(year=2027).complete is False
    with pytest.raises(UnknownHolidayYear):
        Holiday.objects.calendar().due_date(D(2027, 1, 21), 15)

    warnings = index_warnings(admin_client)
    assert len(warnings) == 1 and warnings[0].startswith("2027年节假日尚未录入完整")
    assert f'href="{YEAR_URL}"' in warnings[0]

    clerk = Client()
    clerk.force_login(alice)
    assert index_warnings(clerk) == []

    admin_client.post(YEAR_URL, {"year": "2027", "mark": "complete"})
    assert index_warnings(admin_client) == []
    assert Holiday.objects.calendar().due_date(D(2027, 1, 21), 15) == D(2027, 2, 12)
    assert AuditEntry.objects.filter(content_type__model="holidayyear").count() == 2


def test_a_year_never_entered_is_warned_from_october(admin_client, monkeypatch):
    assert holidays.years_to_warn(D(2026, 9, 30)) == []  # 2026 is the package's
    assert holidays.years_to_warn(D(2026, 10, 1)) == [2027]
    monkeypatch.setattr("cases.admin.bureau.local_today", lambda: D(2026, 10, 1))
    assert [w[:15] for w in index_warnings(admin_client)] == ["2027年节假日尚未录入完整，"]


def test_the_page_lists_each_years_state(admin_client, late_november):
    Holiday.objects.create(date=D(2028, 1, 1), name="元旦")
    html = admin_client.get(YEAR_URL).content.decode()
    assert "<td>2028年</td><td>1</td><td>0</td>" in html
    assert "<td>2027年</td><td>0</td><td>0</td>" in html and "尚未录入" in html


def test_completing_a_year_counts_again_the_deadlines_stored_while_it_was_unknown(admin_client, bureau):
    from cases.models import PetitionCase

    case = PetitionCase(
        bureau=bureau,
        number="T-1",
        received_on=D(2026, 12, 1),
        accepted_on=D(2026, 12, 7),
        channel="visit",
        petitioner_name="王五",
        category="claim",
    )
    warnings = case.refresh_due_dates(bureau.calendar())
    assert "2027" in warnings[0]
    case.save()
    assert case.handling_due_on == D(2027, 2, 5)  # 60 days, not rolled: 2027 unknown

    preview = post(admin_client, preview="1")
    response = post(admin_client, confirm="1", digest=preview.context["digest"])
    case.refresh_from_db()
    assert case.handling_due_on == D(2027, 2, 12)  # rolled past the Spring Festival (02-05..02-11)
    assert case.routing_due_on == D(2026, 12, 16)  # in a known year: untouched
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "已按此重算1件信访事项的期限" in messages[0]
