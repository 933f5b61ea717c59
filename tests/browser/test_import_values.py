"""A clerk imports a 2021 ledger written the bureau's own way: two unknown values are mapped in the
preview, the records are there, and the next file with the same variants needs no mapping."""

import pytest

from cases.models import ImportValueMapping, PetitionCase
from tests.browser.conftest import login
from tests.cases.ledgers.conftest import make_xlsx

pytestmark = pytest.mark.browser

HEAD = [
    "信访件编号", "登记日期", "信访形式", "信访人", "联系电话", "人数", "是否初次信访", "诉求类型", "问题领域",
    "主要诉求", "责任单位", "来源", "转送交办日期", "转送异议成立", "受理告知日期", "责任单位受理日期", "处理途径",
    "办结日期", "处理结果", "复查复核", "复查复核申请日期", "满意度评价",
]  # fmt: skip


def ledger(prefix: str) -> bytes:
    def row(n, unit, review, requested):
        return [
            f"{prefix}-{n}", f"2021.3.{n}", "网上", f"信访人{n}", "13800000000", 1, "是", "申诉求决类", "劳动保障",
            "要求补发拖欠的工资和社会保险费用，并查处有关单位违法用工行为", unit, "本级", f"2021.3.{n + 2}", "否",
            None, f"2021.3.{n + 4}", "信访程序", f"2021.4.{n}", "支持", review, requested, "满意",
        ]  # fmt: skip

    rows = [
        row(1, "人社局", "否", None),
        row(2, "温泉街道", "是", "2021.4.20"),
        row(3, "人社局", "否", None),
        row(4, "温泉街道", "否", None),
    ]
    return make_xlsx([HEAD, *rows], titles=["2021年信访事项登记台账"])


def upload(page, data: bytes, name: str) -> None:
    page.goto("/admin/cases/petitioncase/")
    page.locator("a.import_link").click()
    page.wait_for_load_state("networkidle")
    page.set_input_files(
        "input[name=import_file]",
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}],
    )
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state("networkidle")


def test_a_clerk_maps_two_values_once_and_the_next_file_needs_none(page, bureau, alice):
    page.set_viewport_size({"width": 1366, "height": 800})
    login(page, "alice", "pw-alice")

    upload(page, ledger("WX2021"), "2021台账.xlsx")

    assert "有无法识别的值，请选择对应选项" in page.content()
    values = page.locator("table.import-values tbody tr")
    assert values.count() == 2
    assert "人社局" in values.nth(1).inner_text() and "3、5" in values.nth(1).inner_text()
    # The suggestion comes first; 是 under 复查复核 is asked, not guessed.
    unit_choice = page.get_by_label("责任单位“人社局”对应的选项")
    assert unit_choice.locator("optgroup[label=建议] option").all_inner_texts() == ["县人社局"]
    review_choice = page.get_by_label("复查复核“是”对应的选项")
    assert review_choice.locator("optgroup[label=建议] option").all_inner_texts() == ["复查", "复核"]
    # The preview fits a 1,366 px screen and shows dates as read beside the cell as typed.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    preview = page.locator("table.import-preview")
    assert "责任单位受理日期" in preview.locator("thead").inner_text()
    assert "2021-03-04" in preview.inner_text() and "2021.3.4" in preview.inner_text()
    assert PetitionCase.objects.count() == 0

    unit_choice.select_option("县人社局")
    review_choice.select_option("复查")
    page.get_by_role("button", name="按所选对应关系确认导入").click()
    page.wait_for_load_state("networkidle")

    assert page.url.endswith("/admin/cases/petitioncase/")
    assert "导入完成。共 4 行：新增 4 条" in page.locator(".messagelist").inner_text()
    assert "责任单位：人社局 → 县人社局（本次映射，2 行）" in page.locator(".messagelist").inner_text()
    listing = page.locator("#result_list").inner_text()
    assert "WX2021-1" in listing and "WX2021-3" in listing
    assert PetitionCase.objects.filter(responsible_unit__name="县人社局", channel="online").count() == 2
    assert PetitionCase.objects.get(number="WX2021-2").review == PetitionCase.Review.REVIEW
    assert ImportValueMapping.objects.count() == 2

    upload(page, ledger("WX2021B"), "2021台账（二）.xlsx")

    assert "检查通过：共 4 行：新增 4 条" in page.locator(".import-summary").inner_text()
    assert page.locator("table.import-values").count() == 0
    assert page.locator("table.import-preview tbody tr").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert "已记住的映射" in page.locator("ul.import-mapped").inner_text()
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state("networkidle")

    assert PetitionCase.objects.filter(number__startswith="WX2021B", responsible_unit__name="县人社局").count() == 2
