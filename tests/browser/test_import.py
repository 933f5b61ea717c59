import pytest

from cases.models import DisputeScreening
from tests.browser.conftest import login
from tests.cases.ledgers.conftest import make_xlsx

pytestmark = pytest.mark.browser

HEAD = ["排查日期", "乡镇（街道）", "纠纷类型", "简要情况", "化解状态", "化解日期"]


def test_a_clerk_imports_screenings_through_the_admin(page, bureau, alice):
    data = make_xlsx(
        [
            HEAD,
            ["2024年3月5日", "祥云镇", "宅基地纠纷", "两户争宅基地边界", "已化解", "2024/3/20"],
            ["2024.4.1", "温泉街道", "劳资纠纷", "拖欠工资", "化解中", None],
        ],
        titles=["2024年矛盾纠纷排查化解台账"],
    )
    login(page, "alice", "pw-alice")
    page.goto("/admin/cases/disputescreening/")
    page.locator("a.import_link").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="下载导入模板（.xlsx）").count() == 1

    page.set_input_files(
        "input[name=import_file]",
        files=[{"name": "排查台账.xlsx", "mimeType": "application/octet-stream", "buffer": data}],
    )
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state("networkidle")

    assert "检查通过：共 2 行：新增 2 条，更新 0 条，未变化 0 条" in page.locator(".import-summary").inner_text()
    assert page.locator("table.import-preview tbody tr").count() == 2
    assert DisputeScreening.objects.count() == 0

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state("networkidle")

    assert page.url.endswith("/admin/cases/disputescreening/")
    assert "导入完成。共 2 行：新增 2 条" in page.locator(".messagelist").inner_text()
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 2
    assert "宅基地纠纷" in page.locator("#result_list").inner_text()
    assert "祥云镇" in page.locator("#result_list").inner_text()
    assert DisputeScreening.objects.filter(status="resolved", unit__name="祥云镇").count() == 1
