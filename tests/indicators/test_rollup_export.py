"""The roll-up's Excel export (issue 12, item 8 with item 4): a row per bureau and indicator, each
naming its bureau (and its province where the bureaus below lie in several), with each bureau's
own province average and the dashboard's words against it."""

import io
from decimal import Decimal

import openpyxl
import pytest

from accounts import roles
from cases.models import AuditEntry, Bureau
from indicators.models import ReferenceFigure
from tests.conftest import _user
from tests.indicators.test_compute import closed_case
from tests.indicators.test_rollup import city  # noqa: F401

EXPORT = "/rollup/export.xlsx?year=2024"
RATE = "一次性化解率"


def rows_of(content: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["下级信访局"]
    return [list(r) for r in book["下级信访局"].iter_rows(values_only=True)]


def typed(bureau, key: str, value: str) -> ReferenceFigure:
    return ReferenceFigure.objects.create(
        bureau=bureau, year=2024, kind="province", indicator=key, value=Decimal(value), source="省通报"
    )


@pytest.fixture
def exported(client, city):  # noqa: F811
    """甲县 typed the province's 一次性化解率 (80%), 乙县 none; the city typed 70%."""
    top, a, _b = city
    typed(a, "one_time_resolution_rate", "80")
    typed(top, "one_time_resolution_rate", "70")
    client.force_login(_user("cityhead", roles.HEAD, top))
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return rows_of(response.content)


def by(rows, bureau: str, label: str) -> list:
    return next(r for r in rows[2:] if r[0] == bureau and r[2] == label)


def test_each_row_names_its_bureau_with_its_own_reference_figure(exported, city):  # noqa: F811
    header = exported[1]
    assert header == [
        "信访局", "类别", "指标名称", "分子", "分母", "数值", "上年", "同比", "排名", "全省参考值（%）", "较全省",
    ]  # fmt: skip
    assert exported[0][0].startswith("测试市信访局2024年下级信访局汇总与排名（数据截至")
    # 甲县 5/6 (83.33%), first of the two; against the 80% it typed
    assert by(exported, "甲县信访局", RATE)[3:] == [5, 6, 83.33, 0, "+83.33 个百分点", 1, 80, "高于全省 3.33 个百分点"]
    # 乙县 2/4, second; it typed no province average: two empty cells
    assert by(exported, "乙县信访局", RATE)[3:] == [2, 4, 50, 100, "-50 个百分点", 2, None, None]
    # the city itself and the totals, against the city's own 70%
    assert by(exported, "测试市信访局", RATE)[3:] == [1, 1, 100, "—", "—", None, 70, "高于全省 30 个百分点"]
    assert by(exported, "测试市信访局下级合计", RATE)[3:7] == [7, 10, 70, 50]
    assert by(exported, "测试市信访局全辖合计（含本局）", RATE)[3:] == [8, 11, 72.73, 50, "+22.73 个百分点", None, 70,
                                                           "高于全省 2.73 个百分点"]  # fmt: skip
    # a count: no rank, no reference
    assert by(exported, "甲县信访局", "受理信访事项")[3:] == [6, None, 6, 1, "+500%", None, None, None]
    # a row per bureau (itself, two below, two totals) and indicator; one bureau column, no province
    from indicators.registry import INDICATORS

    assert len(exported) == 2 + 5 * len(INDICATORS)
    assert {r[0] for r in exported[2:]} == {
        "测试市信访局", "甲县信访局", "乙县信访局", "测试市信访局下级合计", "测试市信访局全辖合计（含本局）",
    }  # fmt: skip


def test_the_export_is_logged_and_a_county_without_bureaus_below_gets_404(client, exported, city):  # noqa: F811
    top, a, _b = city
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.bureau_id, entry.detail) == (top.pk, "2024年下级信访局汇总与排名（Excel）")
    client.force_login(_user("jiahead", roles.HEAD, a))
    assert client.get(EXPORT).status_code == 404
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 1


def test_the_roll_up_page_links_to_it(client, city):  # noqa: F811
    client.force_login(_user("cityhead", roles.HEAD, city[0]))
    assert f'href="{EXPORT}">导出 Excel</a>' in client.get("/rollup/?year=2024").content.decode()


def test_bureaus_of_several_provinces_say_their_province(client, db):
    top = Bureau.objects.create(name="测试总局", county="全国", level=Bureau.Level.PROVINCE, province="总")
    henan = Bureau.objects.create(
        name="河南省信访局", county="河南省", short_county="河南", level="province", parent=top
    )
    shanxi = Bureau.objects.create(name="山西省信访局", county="山西省", province="山西", level="province", parent=top)
    county = Bureau.objects.create(name="温县信访局", county="温县", parent=henan)
    closed_case(county, "W-1")
    typed(shanxi, "one_time_resolution_rate", "98.1")
    client.force_login(_user("tophead", roles.HEAD, top))
    rows = rows_of(client.get(EXPORT).content)
    assert rows[1][:3] == ["省份", "信访局", "类别"]
    assert by_province(rows, "河南省信访局", RATE)[:2] == ["河南", "河南省信访局"]
    assert by_province(rows, "河南省信访局", RATE)[4:7] == [1, 1, 100]  # 温县 counted in 河南
    assert by_province(rows, "山西省信访局", RATE)[0] == "山西"
    assert by_province(rows, "山西省信访局", RATE)[-2:] == [98.1, "—"]  # nothing to count: no comparison
    assert by_province(rows, "测试总局", RATE)[0] == "总"


def by_province(rows, bureau: str, label: str) -> list:
    return next(r for r in rows[2:] if r[1] == bureau and r[3] == label)
