"""Staff edit and export, the head publishes, an anonymous visitor downloads the same bytes."""

import datetime
import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import DisputeScreening
from reports.services import report_approve, report_get_or_create, report_submit
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def _sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def report(bureau, unit):
    for day in (1, 2, 3):
        DisputeScreening.objects.create(bureau=bureau, unit=unit, found_on=datetime.date(2024, 3, day), kind="土地")
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    return report


def test_staff_edit_export_head_publishes_public_downloads(page, browser, live_server, report, sarah, henry):
    section = report.sections.get(position=3)  # 四、存在问题

    login(page, "sarah", "pw-sarah")
    page.goto(f"/reports/2024/sections/{section.pk}/")
    text = page.locator("textarea[name=text]").first
    text.fill("今年排查矛盾纠纷{disputes_screened}起，<b>仍存在不足</b>。")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("今年排查矛盾纠纷3起，<b>仍存在不足</b>。")
    expect(preview.locator("span.fig[data-key=disputes_screened]")).to_have_text("3")
    page.click("#save-section")
    expect(page.locator(".messages")).to_contain_text("已保存")
    page.click("#export-pdf")  # a background job (run at once in the tests): its page gives the file
    with page.expect_download() as download:
        page.click("#job-download")
    exported = _sha256(download.value.path())

    report_submit(report=report, user=sarah)  # the review itself: tests/browser/test_report_review.py
    report_approve(report=report, user=henry)
    head = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    login(head, "henry", "pw-henry")
    head.goto("/reports/2024/publish/")
    head.check("#publish-confirm-box")
    head.click("#publish-button")
    expect(head.locator(".messages")).to_contain_text("已发布第1版")
    head.context.close()

    visitor = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    visitor.goto(f"/reports/public/{report.bureau_id}/2024/")
    expect(visitor.locator(".report-doc")).to_contain_text("今年排查矛盾纠纷3起，<b>仍存在不足</b>。")
    shown = visitor.locator("#public-sha256").inner_text().strip()
    with visitor.expect_download() as download:
        visitor.click("#public-pdf")
    downloaded = _sha256(download.value.path())
    visitor.context.close()

    assert downloaded == shown == exported
    assert report.revisions.get().sha256 == exported
