"""The clerk's workbench as one product with the dashboard (issue 10, item 7): its menu in the
clerk's order, every word Chinese, dates as clerks write them, a form's errors at its top, and a
clerk landing on their cases."""

import datetime
import re

import pytest
from django.urls import reverse

from cases.deadlines import HolidayCalendar
from cases.models import DisputeScreening, OutreachEvent, PetitionCase
from tests.accounts.test_url_permissions import admin_urls, records  # noqa: F401  (the fixture)
from tests.conftest import _user

# English a user must never read: the admin's own words where a translation is missing or was
# never made (django-axes), and the stock wording the issue names.
ENGLISH = [
    "AXES",
    "Axes",
    "Django",
    "After you",
    "View site",
    "Add",
    "Change",
    "Select",
    "Delete",
    "History",
    "Search",
    "Filter",
    "Save",
    "Log out",
    "Welcome",
    "Home",
    "True",
    "False",
    "None",
    "Access Log",
    "access attempt",
    "access log",
    "access failure",
    "Attempt Time",
    "IP Address",
    "Username",
    "User Agent",
    "Can add",
    "Can change",
    "Can view",
    "Can delete",
    "Model name",
    "Add link",
    "Password",
    "LDAP",
    "Error",
    "Enabled",
    "Disabled",
    "Previous",
    "Next",
]
ENGLISH_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in ENGLISH) + r")\b")
STOCK_CHINESE = [
    re.compile(r"选择 ?.{1,20}? ?来修改"),
    re.compile(r"选择 ?[^，。；\s]{1,20}? ?来查看"),
    re.compile(r"以 \S"),
]

_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S)
_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
_ATTR = re.compile(r'\b(?:title|placeholder|aria-label|alt|value|data-filter-title)="([^"]*)"')


def readable_text(html: str) -> str:
    """What a user reads on a page: its text, and the attributes shown or read aloud."""
    html = _HIDDEN.sub(" ", _SCRIPT.sub(" ", html))
    html = re.sub(r"<option[^>]*>", "<option>", html)  # option values are keys, not words
    return re.sub(r"<[^>]+>", " ", html) + " " + " ".join(_ATTR.findall(html))


def words_not_chinese(html: str) -> list[str]:
    text = readable_text(html)
    found = ENGLISH_RE.findall(text)
    found += [m.group(0) for pattern in STOCK_CHINESE for m in pattern.finditer(text)]
    return found


def test_the_word_check_catches_the_stock_wording():
    assert words_not_chinese("<h1>选择 信访事项 来修改</h1>") == ["选择 信访事项 来修改"]
    assert words_not_chinese("<h1>选择 信访事项 来查看</h1>") == ["选择 信访事项 来查看"]
    assert words_not_chinese('<a title="查看已选择的信访人"></a><p>张三 1 查看</p>') == []
    assert words_not_chinese("<h3> 以 年度</h3>") == ["以 年"]
    assert words_not_chinese('<p>After you’ve created a user</p><a title="View site">x</a>') == [
        "After you",
        "View site",
    ]
    assert words_not_chinese("<h1>信访事项</h1><h3>年度</h3>") == []


@pytest.mark.parametrize("role", ["alice", "henry", "sarah", "adam"])
def test_every_admin_page_a_role_reaches_reads_chinese(client, request, role, records):  # noqa: F811
    user = request.getfixturevalue(role)
    client.force_login(user)
    extra = [
        reverse("admin:index"),
        reverse("admin:app_list", args=["cases"]),
        reverse("admin:password_change"),
        reverse("admin:cases_petitioncase_changelist") + "?status=open&year=2024",
    ]
    pages = 0
    problems = {}
    for url in [*extra, *(u for u, _opening in admin_urls(records))]:
        if url.endswith("/process_import/"):
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        found = words_not_chinese(response.content.decode())
        if found:
            problems[url] = sorted(set(found))
    # A form sent back with its errors, as every role that may add a case sees it.
    if user.has_perm("cases.add_disputescreening"):
        response = client.post(reverse("admin:cases_disputescreening_add"), {"found_on": "明天"})
        assert response.status_code == 200
        pages += 1
        found = words_not_chinese(response.content.decode())
        if found:
            problems["disputescreening add (errors)"] = sorted(set(found))
    assert not problems, problems
    assert pages >= {"alice": 40, "henry": 40, "sarah": 25, "adam": 60}[role], pages


def test_the_menu_follows_the_clerks_work(client, alice, adam):
    client.force_login(adam)
    groups = client.get(reverse("admin:index")).context["app_list"]
    names = [str(g["name"]) for g in groups]
    assert names == ["信访事项与台账", "导入与操作记录", "设置"]
    ledgers = [m["object_name"] for m in groups[0]["models"]]
    assert ledgers[:4] == ["PetitionCase", "Petitioner", "BacklogEntry", "DisputeScreening"]
    assert {"Bureau", "Unit", "Holiday", "User", "Group"} <= {m["object_name"] for m in groups[-1]["models"]}
    assert [m["object_name"] for m in groups[-1]["models"]][:3] == ["Bureau", "Unit", "Holiday"]
    # The clerk's menu: their ledgers first, the settings they may read last, the same order.
    client.force_login(alice)
    html = client.get(reverse("admin:index")).content.decode()
    assert html.index("信访事项") < html.index("矛盾纠纷排查") < html.index("责任单位") < html.index("节假日")
    assert "Django" not in html and "AXES" not in html.upper()


def test_the_case_list_and_its_filters_read_naturally(client, alice, bureau):
    PetitionCase.objects.create(
        bureau=bureau, number="W-1", received_on=datetime.date(2024, 3, 1), channel="visit", category="claim"
    )
    client.force_login(alice)
    html = client.get(reverse("admin:cases_petitioncase_changelist")).content.decode()
    assert "<h1>信访事项</h1>" in html
    assert "选择 信访事项 来修改" not in html and "以 年度" not in html
    assert 'data-filter-title="年度"' in html
    assert re.search(r"<summary>\s*年度\s*</summary>", html)


@pytest.mark.parametrize(
    "typed", ["2026.11.1", "2026年11月1日", "2026/11/1", "2026-11-01", "２０２６年１１月１日", " 2026 年 11 月 1 号 "]
)
def test_every_ledger_form_takes_a_date_as_the_importer_does(client, alice, unit, typed):
    client.force_login(alice)
    response = client.post(
        reverse("admin:cases_disputescreening_add"),
        {"found_on": typed, "unit": str(unit.pk), "kind": "邻里纠纷", "description": "", "status": "in_progress"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert DisputeScreening.objects.get().found_on == datetime.date(2026, 11, 1)
    response = client.post(
        reverse("admin:cases_outreachevent_add"),
        {"held_on": typed, "kind": "campaign", "title": "宪法宣传周", "participants": "3", "materials": "0"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert OutreachEvent.objects.get().held_on == datetime.date(2026, 11, 1)


@pytest.mark.parametrize("typed", ["2026.13.1", "2026年2月30日", "明天", "11/1/2026"])
def test_a_date_nobody_can_read_is_refused_in_chinese_and_nothing_is_stored(client, alice, unit, typed):
    client.force_login(alice)
    response = client.post(
        reverse("admin:cases_disputescreening_add"),
        {"found_on": typed, "unit": str(unit.pk), "kind": "邻里纠纷", "description": "", "status": "in_progress"},
    )
    assert response.status_code == 200
    message = " ".join(response.context["adminform"].form.errors["found_on"])
    assert "不是有效的日期" in message and "2026年11月1日" in message
    assert DisputeScreening.objects.count() == 0


def test_a_forms_errors_are_summarised_at_its_top_with_links(client, alice, unit):
    client.force_login(alice)
    response = client.post(
        reverse("admin:cases_disputescreening_add"),
        {"found_on": "2026.2.30", "unit": "", "kind": "邻里纠纷", "status": "in_progress"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = html[html.index('<nav class="error-summary"') : html.index("</nav>", html.index("error-summary"))]
    assert "请改正以下2处" in summary
    assert '<a href="#id_found_on">排查日期</a>：请输入一个有效的日期，如 2026-11-01' in summary
    assert "（“2026.2.30”不是有效的日期）" in summary
    assert '<a href="#id_unit">乡镇（街道）</a>：这个字段是必填项。' in summary
    # The summary comes before the fields it names.
    assert html.index('class="error-summary"') < html.index('id="id_found_on"')
    assert DisputeScreening.objects.count() == 0


def test_an_inline_rows_errors_are_summarised_too(client, alice, bureau):
    client.force_login(alice)
    response = client.post(
        reverse("admin:cases_ordercase_add"),
        {
            "occurred_on": "2026/3/1",
            "place": "县委门口",
            "conduct": "拦车",
            "persons-TOTAL_FORMS": "1",
            "persons-INITIAL_FORMS": "0",
            "persons-MIN_NUM_FORMS": "0",
            "persons-MAX_NUM_FORMS": "1000",
            "persons-0-name": "",
            "persons-0-id_number": "123",
            "persons-0-measure": "warning",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "第1行" in html[html.index('class="error-summary"') : html.index("</nav>", html.index("error-summary"))]


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [
        ("alice", "/admin/cases/petitioncase/"),  # the clerk: their cases
        ("henry", None),  # the head: the dashboard, as before
        ("sarah", None),
        ("adam", None),
    ],
)
def test_each_role_lands_on_its_work_after_login(client, request, bureau, who, lands_on):
    user = request.getfixturevalue(who)
    user.set_password("pw-12345678")
    user.save()
    response = client.post(reverse("login"), {"username": who, "password": "pw-12345678"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.get("/")
    if lands_on:
        assert response.status_code == 302 and response["Location"] == lands_on
        # The dashboard stays one click away: the header's 工作指标 asks for it by name.
        page = client.get(lands_on).content.decode()
        link = re.search(r'<a href="(/\?view=dashboard)">工作指标</a>', page)
        assert link, "no dashboard link in the header"
        assert client.get(link[1]).status_code == 200
    else:
        assert response.status_code == 200
        assert "indicators/dashboard.html" in [t.name for t in response.templates]


def test_a_unit_officer_still_lands_on_their_desk(client, bureau, unit):
    officer = _user("uma", "责任单位经办人", bureau, unit)
    client.force_login(officer)
    assert client.get("/")["Location"] == reverse("cases:desk")


def test_the_case_list_opens_with_the_overdue_and_due_soon_counts(client, alice, bureau, unit):
    today = datetime.date.today()
    # Registered long ago, never routed: its 转送/受理告知 deadline has passed.
    for number, days in (("W-1", 60), ("W-2", 61)):
        case = PetitionCase.objects.create(
            bureau=bureau,
            number=number,
            received_on=today - datetime.timedelta(days=days),
            channel="visit",
            category="claim",
        )
        case.refresh_due_dates(HolidayCalendar())
        case.save()
    client.force_login(alice)
    html = client.get("/", follow=True).content.decode()
    assert (
        '<a class="todo overdue" href="/admin/cases/petitioncase/?status=overdue"><strong>2</strong> 件已超期</a>'
        in html
    )
    listed = client.get("/admin/cases/petitioncase/?status=overdue").context["cl"].result_list
    assert sorted(c.number for c in listed) == ["W-1", "W-2"]


def test_the_workbench_wears_the_dashboards_header(client, alice, bureau):
    client.force_login(alice)
    html = client.get(reverse("admin:cases_petitioncase_changelist")).content.decode()
    assert '<header id="header" class="site-header">' in html
    assert '<span class="site-bureau">测试县信访局</span>' in html
    assert "/static/site.css" in html and "dark_mode.css" not in html and "theme-toggle" not in html
    for label in ("工作指标", "台账", "年度报告"):
        assert f">{label}</a>" in html


def test_the_login_pages_read_chinese(client, bureau):
    for url in (reverse("admin:login"), reverse("login")):
        response = client.get(url)
        assert response.status_code == 200
        assert words_not_chinese(response.content.decode()) == [], url
    response = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert words_not_chinese(response.content.decode()) == []


def test_a_delete_confirmation_names_the_hidden_link_rows_in_chinese(client, adam, bureau):
    """Deleting an accountability action lists its links to cases (a many-to-many's hidden
    table): named after both ends and the linked case, not "AccountabilityAction_cases object"."""
    import datetime

    from cases.models import AccountabilityAction

    case = PetitionCase.objects.create(
        bureau=bureau,
        number="温信2024-0077",
        received_on=datetime.date(2024, 3, 1),
        channel="visit",
        petitioner_name="张三",
        category="claim",
    )
    action = AccountabilityAction.objects.create(
        bureau=bureau, decided_on=datetime.date(2024, 3, 2), kind="accountability", unit=bureau.units.first()
    )
    action.cases.add(case)
    client.force_login(adam)
    html = client.get(reverse("admin:cases_accountabilityaction_delete", args=[action.pk])).content.decode()
    assert "责任追究（三项建议）与信访事项的关联: 温信2024-0077" in html
    assert words_not_chinese(html) == []
