"""The dashboard's per-unit 同比 on a 1,366 px office screen, and its print view on A4."""

import unicodedata

import pytest

from tests.browser.conftest import login
from tests.browser.test_dashboard import SCREENSHOTS, ledger  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_unit_table_with_last_year_fits_1366_px(browser, live_server, ledger):  # noqa: F811
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        login(page, "henry", "pw-henry")
        page.goto("/?year=2024")
        wrap = page.locator("#units .table-wrap")
        # The table needs no sideways scrolling, and the page none either.
        assert wrap.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        # 温泉街道 resolved 3 of 4 disputes in 2023, 28 of 30 in 2024.
        row = page.locator("table.units tbody tr", has=page.locator("th", has_text="温泉街道"))
        assert "上年 75% +18.33" in " ".join(row.inner_text().split())
        page.locator("#units").screenshot(path=f"{SCREENSHOTS}/dashboard-units-1366.png")
    finally:
        context.close()


def test_the_print_view_on_a4(page, ledger):  # noqa: F811
    import pypdf

    from tests.browser.test_accessibility import serious_violations

    login(page, "henry", "pw-henry")
    page.goto("/?year=2024")
    page.get_by_role("link", name="打印").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/dashboard/print/?year=2024")
    assert page.locator("nav").count() == 0
    assert serious_violations(page) == []
    path = f"{SCREENSHOTS}/dashboard-print-view.pdf"
    page.pdf(path=path, format="A4", print_background=True)
    reader = pypdf.PdfReader(path)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1.5
    text = "".join("".join(unicodedata.normalize("NFKC", p.extract_text()).split()) for p in reader.pages)
    assert "测试县信访局2024年工作指标" in text and "打印日期" in text
    assert "矛盾纠纷化解率77.50%31/4075%+2.50个百分点" in text
    assert "温泉街道" in text and "2024-LATE" in text
    assert "返回工作指标" not in text and "打印" not in text.replace("打印日期", "")


def test_the_drift_notice_prints_on_a4(page, ledger, bureau, henry, sarah):  # noqa: F811
    """After the 2024 report is published a screening is added: the printed dashboard says so,
    figure published → live, within the A4 page's width, with nothing to click."""
    import datetime

    import pypdf

    from cases.audit import log_action
    from cases.models import AuditEntry, DisputeScreening, Unit
    from reports import services

    report, _ = services.report_get_or_create(bureau=bureau, year=2024)
    services.report_submit(report=report, user=sarah)
    services.report_approve(report=report, user=henry)
    services.report_publish_approved(report=report, user=henry)
    town = Unit.objects.get(bureau=bureau, name="祥云镇")
    late = DisputeScreening.objects.create(bureau=bureau, unit=town, found_on=datetime.date(2024, 12, 1), kind="土地")
    log_action(late, user=sarah, action=AuditEntry.Action.CREATE)

    login(page, "henry", "pw-henry")
    page.goto("/dashboard/print/?year=2024")
    notice = page.locator("#drift-notice")
    assert notice.locator("a, button").count() == 0
    row = notice.locator('tr[data-key="disputes_screened"]')
    assert " ".join(row.inner_text().split()) == "排查矛盾纠纷 40 41"
    path = f"{SCREENSHOTS}/dashboard-print-drift.pdf"
    page.pdf(path=path, format="A4", print_background=True)
    page.emulate_media(media="print")
    assert notice.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
    first = "".join(unicodedata.normalize("NFKC", pypdf.PdfReader(path).pages[0].extract_text()).split())
    assert "此后台账有变动" in first and "排查矛盾纠纷4041" in first  # on the first page, after the header
    assert "新增矛盾纠纷排查" in first
