"""The dashboard's per-unit 同比, its print view and its Excel export (issue 12, item 8)."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest

from cases.models import AuditEntry
from cases.models.base import local_today
from tests.conftest import DEPARTMENTS, TOWNSHIPS
from tests.indicators.test_dashboard import empty_cache, make_case, make_screenings, text, two_years  # noqa: F401

PRINT = "/dashboard/print/?year=2024"
EXPORT = "/dashboard/export.xlsx?year=2024"


def unit_row(html: str, name: str) -> str:
    match = re.search(rf'<table class="units">.*?<tr><th scope="row">{name}<small>.*?</tr>', html, re.S)
    assert match, name
    return match.group(0)[match.group(0).rindex('<tr><th scope="row">') :]


@pytest.fixture
def workbook(client, henry, two_years):  # noqa: F811
    client.force_login(henry)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_of(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_unit_table_shows_last_years_rate_and_the_change(client, henry, two_years, unit):  # noqa: F811
    client.force_login(henry)
    html = client.get("/?year=2024").content.decode()
    row = unit_row(html, unit.name)
    # 矛盾纠纷化解率: 2024 31 of 40 (77.50%), 2023 3 of 4 (75.00%)
    assert "77.50%" in row and "31/40" in row
    assert 'class="yoy up better" title="上年 75%，同比 +2.50 个百分点">上年 75% <b>+2.50</b>' in row
    # A unit with nothing to count in either year: no line of last year.
    assert "上年" not in unit_row(html, "县人社局")


def test_a_unit_new_this_year_shows_no_change(client, henry, bureau, unit):
    make_screenings(bureau, unit, 2024, 4, 2)
    client.force_login(henry)
    row = unit_row(client.get("/?year=2024").content.decode(), unit.name)
    assert 'title="上年 —，同比 —">上年 —</small>' in row


def test_a_unit_worse_than_last_year_is_marked_worse(client, henry, bureau, unit):
    make_screenings(bureau, unit, 2023, 4, 4)  # 100.00%
    make_screenings(bureau, unit, 2024, 4, 1)  # 25.00%
    client.force_login(henry)
    row = unit_row(client.get("/?year=2024").content.decode(), unit.name)
    assert 'class="yoy down worse" title="上年 100%，同比 -75 个百分点">上年 100% <b>-75</b>' in row


def test_the_print_view(client, henry, bureau, unit, two_years):  # noqa: F811
    make_case(bureau, "2024-900", "2024-03-01", unit=unit)  # open and long overdue
    client.force_login(henry)
    response = client.get(PRINT)
    assert response.status_code == 200
    html = response.content.decode()
    page = text(html)
    assert f"{bureau.name} 2024年 工作指标" in page
    assert f"打印日期 {local_today():%Y}年{local_today().month}月{local_today().day}日" in page
    figure = re.search(r'<tr id="figure-dispute_resolution_rate">.*?</tr>', html, re.S).group(0)
    assert text(figure) == "矛盾纠纷化解率 77.50% 31/40 75% +2.50 个百分点"
    assert "上年 75% +2.50" in text(unit_row(html, unit.name))
    assert "已超期的信访事项" in page and "2024-900" in page
    # No navigation, nothing inline that the CSP would refuse.
    assert "<nav" not in html and "退出" not in html
    assert "<style" not in html and " style=" not in html
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))


def test_the_dashboard_links_to_the_print_view_and_the_export(client, henry, two_years):  # noqa: F811
    client.force_login(henry)
    html = client.get("/?year=2024").content.decode()
    assert 'href="/dashboard/print/?year=2024">打印</a>' in html
    assert 'href="/dashboard/export.xlsx?year=2024">导出 Excel</a>' in html


def test_the_export_sheet_of_indicators(workbook):
    assert workbook.sheetnames == ["指标", "各乡镇（街道）和县直部门", "月度趋势", "参考数字"]
    rows = rows_of(workbook["指标"])
    assert rows[0][0] == "测试县信访局2024年工作指标（数据截至" + rows[0][0].split("截至")[1]
    header = ["类别", "指标名称", "分子", "分母", "数值", "上年", "同比", "单位", "全省参考值（%）", "较全省"]
    assert rows[1] == header
    by_name = {r[1]: r for r in rows[2:]}
    assert by_name["矛盾纠纷化解率"][2:] == [31, 40, 77.5, 75, "+2.50 个百分点", "%", None, None]
    assert by_name["排查矛盾纠纷"][2:] == [40, None, 40, 4, "+900%", "起", None, None]
    # Chinese only: no indicator key anywhere.
    assert not any(isinstance(v, str) and re.search(r"[a-z]+_[a-z]+", v) for r in rows for v in r)


def test_the_export_sheet_of_units(workbook, unit):
    rows = rows_of(workbook["各乡镇（街道）和县直部门"])
    header = rows[1]
    assert header[:3] == ["单位", "类别", "受理信访事项"]
    column = header.index("矛盾纠纷化解率（%）")
    assert header[column + 1 : column + 4] == ["矛盾纠纷化解率分子/分母", "矛盾纠纷化解率上年", "矛盾纠纷化解率同比"]
    mine = next(r for r in rows[2:] if r[0] == unit.name)
    assert mine[1] == "乡镇（街道）"
    assert mine[column : column + 4] == [77.5, "31/40", 75, "+2.50 个百分点"]
    assert len(rows) == 2 + len(TOWNSHIPS) + len(DEPARTMENTS)  # every unit of the bureau
    other = next(r for r in rows[2:] if r[0] == "县人社局")
    assert other[1:4] == ["县直部门", 0, "—"]
    assert other[column : column + 4] == ["—", "0/0", "—", "—"]


def test_the_export_sheet_of_months(workbook):
    rows = rows_of(workbook["月度趋势"])
    assert rows[1] == ["月份", "受理信访事项", "排查矛盾纠纷", "化解矛盾纠纷"]
    assert rows[2] == ["1月", 0, 0, 0]
    assert rows[4] == ["3月", 0, 40, 31]
    assert len(rows) == 2 + 12


def test_the_export_is_written_to_the_activity_log(client, henry, bureau, workbook):
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.bureau_id == bureau.pk and entry.user == henry
    assert entry.detail == "2024年工作指标看板（Excel）"
    assert entry.object_repr == "工作指标看板"


def test_both_need_the_dashboard_permission(client, charlie, bureau):
    client.force_login(charlie)
    assert client.get(PRINT).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_a_bad_year_is_not_found_and_nothing_is_logged(client, henry, bureau):
    client.force_login(henry)
    assert client.get("/dashboard/export.xlsx?year=20x4").status_code == 404
    assert client.get("/dashboard/print/?year=1800").status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_the_rate_cells_are_numbers(workbook):
    value = next(r for r in rows_of(workbook["指标"])[2:] if r[1] == "矛盾纠纷化解率")[4]
    assert isinstance(value, float | int | Decimal) and value == 77.5


def test_without_a_bureau_both_are_not_found(client, henry):
    henry.membership.delete()  # a head not yet placed in any bureau
    client.force_login(henry)
    assert client.get(PRINT).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_a_warm_export_counts_nothing_again(client, henry, two_years, assert_max_data_queries):  # noqa: F811
    client.force_login(henry)
    client.get("/?year=2024")
    # as the warm dashboard (5), the year's reference figures, then the log entry and its content
    # type: nothing counted again
    with assert_max_data_queries(8):
        assert client.get(EXPORT).status_code == 200


def test_the_print_view_reads_the_dashboards_cached_figures(client, henry, two_years, assert_max_data_queries):  # noqa: F811
    client.force_login(henry)
    client.get("/?year=2024")
    # session, user, permissions, bureau, and the year's report (the drift notice): nothing counted
    with assert_max_data_queries(6):
        assert client.get(PRINT).status_code == 200


def test_the_export_reads_in_the_activity_log(client, henry, workbook):
    """The head, who may read the activity log, finds the export there."""
    from django.urls import reverse

    response = client.get(reverse("admin:cases_auditentry_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作指标看板" in html and "导出台账" in html and "2024年工作指标看板（Excel）" in html


def test_the_export_holds_the_provinces_reference_figure(client, henry, bureau, two_years):  # noqa: F811
    """A rate with a province average typed: 全省参考值 and the dashboard's words; one without
    and a count: two empty cells."""
    from indicators.models import ReferenceFigure

    ReferenceFigure.objects.create(
        bureau=bureau,
        year=2024,
        kind="province",
        indicator="dispute_resolution_rate",
        value=Decimal("80"),
        source="省信访局通报",
    )
    client.force_login(henry)
    book = openpyxl.load_workbook(io.BytesIO(client.get(EXPORT).content))
    rows = rows_of(book["指标"])
    assert rows[1][8:] == ["全省参考值（%）", "较全省"]
    by_name = {r[1]: r for r in rows[2:]}
    assert by_name["矛盾纠纷化解率"][2:] == [31, 40, 77.5, 75, "+2.50 个百分点", "%", 80, "低于全省 2.50 个百分点"]
    assert by_name["一次性化解率"][8:] == [None, None]  # no province average typed
    assert by_name["排查矛盾纠纷"][8:] == [None, None]  # a count
    # and every reference figure of the year, as typed, with its source
    assert rows_of(book["参考数字"])[1:] == [
        ["类别", "名称", "数值", "单位", "来源说明"],
        ["全省平均", "全省平均矛盾纠纷化解率", 80, "%", "省信访局通报"],
    ]


def test_the_reference_sheet_lists_the_rank_and_other_systems_figures(client, henry, bureau, two_years):  # noqa: F811
    from indicators.models import ReferenceFigure

    for kind, name, value in (("rank", "", "7"), ("other", "网上信访占比", "63.5")):
        ReferenceFigure.objects.create(
            bureau=bureau, year=2024, kind=kind, name=name, value=Decimal(value), source="省平台"
        )
    ReferenceFigure.objects.create(bureau=bureau, year=2023, kind="rank", value=Decimal("9"), source="去年")
    client.force_login(henry)
    book = openpyxl.load_workbook(io.BytesIO(client.get(EXPORT).content))
    rows = rows_of(book["参考数字"])
    assert rows[0] == ["测试县信访局2024年参考数字（本局录入，数值以来源为准）"] + [None] * 4
    assert rows[2:] == [
        ["全省排名", "全省排名", 7, "名", "省平台"],
        ["其他系统的数字", "网上信访占比", 63.5, None, "省平台"],
    ]
