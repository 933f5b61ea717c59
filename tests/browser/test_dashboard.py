import datetime
import os

import pytest
from django.core.cache import cache

from cases.models import PetitionCase, Unit
from tests.browser.conftest import login
from tests.indicators.test_dashboard import make_case, make_screenings

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("DASHBOARD_SCREENSHOTS", "/tmp")


@pytest.fixture
def ledger(bureau, henry):
    """Disputes 2023: 3 of 4 resolved; 2024: 31 of 40, spread over two townships; a few cases."""
    cache.clear()  # entries committed by an earlier transactional test survive its flush
    xiangyun = Unit.objects.get(bureau=bureau, name="祥云镇")
    wenquan = Unit.objects.get(bureau=bureau, name="温泉街道")
    make_screenings(bureau, wenquan, 2023, 4, 3)
    make_screenings(bureau, wenquan, 2024, 30, 28, month=4)
    make_screenings(bureau, xiangyun, 2024, 10, 3, month=9)
    for i in range(12):
        make_case(
            bureau,
            f"2024-{i:03d}",
            f"2024-{i + 1:02d}-05",
            unit=wenquan if i % 2 else xiangyun,
            channel=PetitionCase.Channel.VISIT,
            head_count=1 + i % 6,
        )
    late = make_case(bureau, "2024-LATE", "2024-11-05", unit=xiangyun)
    PetitionCase.objects.filter(pk=late.pk).update(routing_due_on=datetime.date(2024, 11, 20))
    yield
    cache.clear()


def test_the_head_reads_a_figure_and_the_records_behind_it(page, ledger):
    login(page, "henry", "pw-henry")
    assert page.locator("h1").inner_text().startswith("测试县信访局 2024年")
    rate = page.locator("#card-dispute_resolution_rate .value a")
    assert rate.inner_text() == "77.50%"
    assert "+2.50 个百分点" in page.locator("#card-dispute_resolution_rate .change").inner_text()
    assert page.locator("svg.chart").count() == 2
    assert page.locator("#overdue").get_by_role("link", name="2024-LATE").count() == 1
    # The worst unit heads the table: 祥云镇 resolved 3 of 10.
    assert page.locator("table.units tbody th").first.inner_text().startswith("祥云镇")
    page.screenshot(path=f"{SCREENSHOTS}/dashboard-desktop.png", full_page=True)

    rate.click()
    page.wait_for_load_state("networkidle")
    assert "/indicators/dispute_resolution_rate/?year=2024&part=numerator" in page.url
    assert page.locator("#record-count").inner_text() == "31"
    assert page.locator("table.records-table tbody tr").count() == 31

    page.get_by_role("link", name="分母（40）").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#record-count").inner_text() == "40"


def test_it_reads_on_a_phone(browser, live_server, ledger):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    try:
        login(page, "henry", "pw-henry")
        # Nothing but the wide tables (which scroll in their own box) may push the page sideways.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        box = page.locator("#card-dispute_resolution_rate").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        page.screenshot(path=f"{SCREENSHOTS}/dashboard-phone.png", full_page=True)

        definition = page.locator("#def-dispute_resolution_rate")
        assert not definition.is_visible()
        page.locator("#card-dispute_resolution_rate summary").tap()
        assert definition.is_visible()
        assert definition.inner_text() == "已化解的矛盾纠纷 ÷ 排查发现的矛盾纠纷"

        page.locator("#card-disputes_screened .value a").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("#record-count").inner_text() == "40"
        page.screenshot(path=f"{SCREENSHOTS}/dashboard-records-phone.png", full_page=True)
    finally:
        context.close()


def test_it_prints_on_a4(page, ledger):
    import unicodedata

    import pypdf

    login(page, "henry", "pw-henry")
    path = f"{SCREENSHOTS}/dashboard-print.pdf"
    page.pdf(path=path, format="A4", print_background=True)
    reader = pypdf.PdfReader(path)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1.5  # A4 in points
    # Chromium's CJK fonts extract partly as compatibility glyphs (⼯ for 工), and lines wrap.
    text = "".join("".join(unicodedata.normalize("NFKC", p.extract_text()).split()) for p in reader.pages)
    assert "77.50%" in text and "已化解的矛盾纠纷" in text  # definitions are printed, not hovered
    assert "查看" not in text and "点击" not in text  # no year selector or screen hints on paper


def test_a_full_dashboard_and_its_lists_pass_axe(page, ledger):
    from tests.browser.test_accessibility import serious_violations

    login(page, "henry", "pw-henry")
    for url in ("/?year=2024", "/indicators/dispute_resolution_rate/?year=2024&part=denominator"):
        page.goto(url)
        violations = serious_violations(page)
        assert violations == [], "\n".join(violations)
