"""Reference figures typed by the bureau (indicators.references): entered on their page, shown
on the dashboard beside the rate, printed in the report's text, listed by the readiness check
when the text uses one not entered."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import AuditEntry
from indicators import dashboard
from indicators.compute import Figure
from indicators.models import ReferenceFigure
from indicators.registry import BY_KEY
from reports import readiness
from reports.placeholders import canonical, fill_text, validate_template
from reports.render.context import values_for
from reports.services import report_get_or_create, report_update_heading
from tests.indicators.test_dashboard import card, make_screenings, text

URL = reverse("indicators:references")


def satisfaction(n: int, d: int) -> Figure:
    return Figure(BY_KEY["satisfaction_rate"], n, d)


def enter(bureau, year: int, **fields) -> ReferenceFigure:
    return ReferenceFigure.objects.create(bureau=bureau, year=year, source="省信访局年度通报", **fields)


def test_staff_enter_the_provinces_average_and_the_rank_with_their_source(client, sarah, bureau):
    client.force_login(sarah)
    data = {"kind": "province", "indicator": "satisfaction_rate", "value": "98.10", "source": "省信访局2023年通报"}
    assert client.post(f"{URL}?year=2023", data).status_code == 302
    assert client.post(f"{URL}?year=2023", {"kind": "rank", "value": "7", "source": "省考核"}).status_code == 302
    figures = ReferenceFigure.objects.filter(bureau=bureau, year=2023).order_by("kind")
    assert [(f.kind, f.indicator, f.value, f.source) for f in figures] == [
        ("province", "satisfaction_rate", Decimal("98.10"), "省信访局2023年通报"),
        ("rank", "", Decimal("7"), "省考核"),
    ]
    entries = AuditEntry.objects.filter(object_id__in=[str(f.pk) for f in figures], action=AuditEntry.Action.CREATE)
    assert entries.count() == 2
    page = text(client.get(f"{URL}?year=2023").content.decode())
    assert "全省平均满意率 98.10% 省信访局2023年通报" in page and "全省排名 7.00 省考核" in page


def test_a_change_is_logged_and_a_figure_can_be_removed(client, henry, bureau):
    figure = enter(bureau, 2023, kind="rank", value=8)
    client.force_login(henry)
    url = reverse("indicators:reference_edit", args=[figure.pk])
    assert client.post(url, {"kind": "rank", "value": "7", "source": "省考核通报"}).status_code == 302
    figure.refresh_from_db()
    assert (figure.value, figure.source) == (Decimal("7"), "省考核通报")
    update = AuditEntry.objects.get(object_id=str(figure.pk), action=AuditEntry.Action.UPDATE)
    assert update.changes["value"] == ["8.00", "7"]
    assert client.post(url, {"delete": "1"}).status_code == 302
    assert not ReferenceFigure.objects.filter(pk=figure.pk).exists()
    assert AuditEntry.objects.filter(object_id=str(figure.pk), action=AuditEntry.Action.DELETE).count() == 1


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"kind": "province", "value": "98.1"}, "indicator", "全省平均须选择与之比较的比率。"),
        ({"kind": "province", "indicator": "satisfaction_rate", "value": "101"}, "value", "比率应在0至100之间"),
        ({"kind": "province", "indicator": "visit_persons", "value": "9"}, "indicator", "选择一个有效的选项"),
        ({"kind": "rank", "value": "7.5"}, "value", "排名应为正整数，如7。"),
        ({"kind": "other", "value": "3"}, "name", "其他系统的数字须填写名称"),
        ({"kind": "other", "name": "省平台.满意率", "value": "3"}, "name", "名称中不能有花括号"),
        ({"kind": "rank", "value": "7", "source": ""}, "source", "这个字段是必填项"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(client, sarah, bureau, data, field, message):
    client.force_login(sarah)
    response = client.post(f"{URL}?year=2023", {"source": "通报", **data})
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field])
    assert not ReferenceFigure.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).exists()


def test_the_same_figure_twice_in_a_year_is_refused(client, sarah, bureau):
    enter(bureau, 2023, kind="rank", value=7)
    client.force_login(sarah)
    response = client.post(f"{URL}?year=2023", {"kind": "rank", "value": "6", "source": "又一份"})
    assert response.status_code == 400
    assert "本年度已录入这项参考数字" in response.content.decode()
    assert list(ReferenceFigure.objects.values_list("value", flat=True)) == [Decimal("7")]


@pytest.mark.parametrize("who, status", [("alice", 403), ("charlie", 403), ("sarah", 200), ("henry", 200)])
def test_only_staff_and_the_head_open_the_page(client, request, bureau, who, status):
    client.force_login(request.getfixturevalue(who))
    figure = enter(bureau, 2023, kind="rank", value=7)
    assert client.get(URL).status_code == status
    assert client.get(reverse("indicators:reference_edit", args=[figure.pk])).status_code == status
    assert client.post(reverse("indicators:reference_edit", args=[figure.pk]), {"delete": "1"}).status_code in (
        status,
        302,
    )
    assert ReferenceFigure.objects.filter(pk=figure.pk).exists() == (status == 403)


def test_changzhi_2023_in_the_reports_words(bureau):
    """长治市 2023: 满意率 98.43 % against the province's 98.10 % → 高于全省0.33个百分点; rank 7 →
    全省排名第七."""
    enter(bureau, 2023, kind="province", indicator="satisfaction_rate", value=Decimal("98.10"))
    enter(bureau, 2023, kind="rank", value=7)
    enter(bureau, 2023, kind="other", name="省平台满意率", value=Decimal("99.5"))
    report, _ = report_get_or_create(bureau=bureau, year=2023)
    values = values_for(report, {"satisfaction_rate": satisfaction(125, 127)}, {})
    sentence = "群众满意率{满意率}，{满意率.较全省}（全省{全省满意率}），全省排名{全省排名}，省平台{参考.省平台满意率}%"
    validate_template(sentence)
    assert (
        fill_text(sentence, values)
        == "群众满意率98.43%，高于全省0.33个百分点（全省98.10%），全省排名第七，省平台99.50%"
    )
    assert values["satisfaction_rate.vs_province"] == "高于全省0.33个百分点"
    below = values_for(report, {"satisfaction_rate": satisfaction(97, 100)}, {})
    assert below["satisfaction_rate.vs_province"] == "低于全省1.10个百分点"


def test_the_names_of_reference_placeholders():
    assert canonical("全省满意率") == "province_satisfaction_rate"
    assert canonical("满意率.较全省") == "satisfaction_rate.vs_province"
    assert canonical("全省排名") == "province_rank"
    assert canonical("参考.省平台满意率") == "reference.省平台满意率"
    validate_template("{province_satisfaction_rate}{satisfaction_rate.vs_province}{province_rank}")
    for bad in ("{全省来访人次}", "{来访人次.较全省}"):
        with pytest.raises(Exception, match="未知的占位符"):
            validate_template(bad)


def test_the_readiness_check_lists_reference_figures_not_entered(bureau):
    report, _ = report_get_or_create(bureau=bureau, year=2023)
    report_update_heading(
        report=report,
        user=None,
        title="{年度}年工作报告",
        intro="满意率{满意率}，{满意率.较全省}，全省排名{全省排名}。",
    )
    figures = {"satisfaction_rate": satisfaction(125, 127)}
    issue = readiness.missing_references(report, values_for(report, figures, {}))
    assert issue.count == 2
    assert [label for label, _link in issue.items] == ["满意率（较全省）（{满意率.较全省}）", "全省排名（{全省排名}）"]
    assert issue.items[0][1] == f"{URL}?year=2023"
    # Not also listed as a dash (the default text's other figures are: this bureau has no records).
    dashed = readiness.dashed_placeholders(report, values_for(report, figures, {}))
    assert dashed.count > 0 and not [label for label, _link in dashed.items if "全省" in label]
    enter(bureau, 2023, kind="rank", value=7)
    issue = readiness.missing_references(report, values_for(report, figures, {}))
    assert [label for label, _link in issue.items] == ["满意率（较全省）（{满意率.较全省}）"]
    enter(bureau, 2023, kind="province", indicator="satisfaction_rate", value=Decimal("98.10"))
    assert readiness.missing_references(report, values_for(report, figures, {})) is None


def test_the_dashboard_shows_a_rate_beside_the_provinces(client, henry, bureau, unit):
    make_screenings(bureau, unit, 2024, 40, 31)  # 77.50 %
    client.force_login(henry)
    assert "全省" not in card(client.get("/?year=2024").content.decode(), "dispute_resolution_rate")
    client.force_login(henry)
    response = client.post(
        f"{URL}?year=2024",
        {"kind": "province", "indicator": "dispute_resolution_rate", "value": "80", "source": "省通报"},
    )
    assert response.status_code == 302
    html = card(client.get("/?year=2024").content.decode(), "dispute_resolution_rate")
    assert "低于全省 2.50 个百分点（全省 80%）" in html
    assert "低于全省 2.50 个百分点（全省 80%）" in client.get("/dashboard/print/?year=2024").content.decode()


def test_changzhi_on_a_dashboard_card():
    data = dashboard.DashboardData(
        year=2023,
        today=datetime.date(2024, 1, 10),
        figures={"satisfaction_rate": (125, 127)},
        previous={},
        units=[],
        by_unit={},
        monthly={},
        overdue=[],
        overdue_total=0,
        due_soon=[],
        due_soon_total=0,
        province={"satisfaction_rate": Decimal("98.10")},
    )
    found = dashboard._card(BY_KEY["satisfaction_rate"], data)
    assert (found.figure.display, found.versus) == ("98.43%", "高于全省 0.33 个百分点（全省 98.10%）")
