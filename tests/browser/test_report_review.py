"""Issue 12 items 1 and 7 in Chromium: staff insert 满意率 by name, edit and submit; the head returns
the report with a comment on a section; staff see it, edit, resolve and submit again; the head
approves and confirms publishing; a later 2024 record makes the drift notice appear on the
dashboard and on the report page with the figure that changed."""

import datetime

import pytest
from playwright.sync_api import expect

from cases.audit import log_action
from cases.models import AuditEntry, DisputeScreening
from reports.services import report_get_or_create
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


@pytest.fixture
def report(bureau, unit):
    for day in (1, 2, 3):
        DisputeScreening.objects.create(bureau=bureau, unit=unit, found_on=datetime.date(2024, 3, day), kind="土地")
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    return report


def test_staff_submit_head_returns_approves_publishes_then_drift_shows(
    page, browser, live_server, report, bureau, unit, sarah, henry
):
    section = report.sections.get(position=3)  # 四、存在问题

    # Staff: 满意率 from the list, by keyboard, at the cursor of the text box.
    login(page, "sarah", "pw-sarah")
    page.goto(f"/reports/2024/sections/{section.pk}/")
    text = page.locator("textarea[name=text]").first
    text.fill("今年排查矛盾纠纷")
    text.press("End")
    page.fill("#figure-search", "排查矛盾")
    expect(page.locator(".figure-item:not([hidden])")).to_have_count(1)
    page.locator(".figure-item:not([hidden]) .figure-insert").first.focus()
    page.keyboard.press("Enter")
    expect(text).to_have_value("今年排查矛盾纠纷{排查矛盾纠纷}")
    text.press("End")
    text.type("起，满意率")
    page.fill("#figure-search", "满意率")
    page.locator('.figure-insert[data-name="满意率"]').click()
    expect(text).to_have_value("今年排查矛盾纠纷{排查矛盾纠纷}起，满意率{满意率}")
    expect(page.locator("#preview")).to_contain_text("今年排查矛盾纠纷3起")
    page.click("#save-section")
    expect(page.locator(".messages")).to_contain_text("已保存")
    page.goto("/reports/2024/edit/")
    page.click("#submit-review")
    expect(page.locator("#review-status")).to_contain_text("已提交")

    # The head returns it with a comment on 四、存在问题.
    head = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    login(head, "henry", "pw-henry")
    head.goto("/reports/2024/review/")
    head.fill(f"#comment-{section.pk}", "请写明满意率的统计口径。")
    head.click("#return-button")
    expect(head.locator(".messages")).to_contain_text("已退回")

    # Staff see the comment, edit, resolve it, submit again.
    page.goto("/reports/2024/edit/")
    expect(page.locator("#review-comments")).to_contain_text("请写明满意率的统计口径。")
    page.goto(f"/reports/2024/sections/{section.pk}/")
    expect(page.locator("#review-comments")).to_contain_text("请写明满意率的统计口径。")
    text = page.locator("textarea[name=text]").first
    text.press("End")
    text.type("（按已评价的办结事项计）。")
    page.click("#save-section")
    expect(page.locator(".messages")).to_contain_text("已保存")
    page.click(".resolve-comment")
    expect(page.locator("#review-comments")).to_have_count(0)
    page.goto("/reports/2024/edit/")
    page.click("#submit-review")
    expect(page.locator("#review-status")).to_contain_text("已提交")

    # The head approves and confirms what will be frozen.
    head.goto("/reports/2024/review/")
    expect(head.locator(".paper")).to_contain_text("满意率")
    head.click("#approve-button")
    expect(head.locator("#publish-confirm")).to_contain_text("第1版")
    expect(head.locator('#publish-figures tr[data-key="disputes_screened"]')).to_contain_text("3")
    expect(head.locator("#publish-headings")).to_contain_text("四、存在问题")
    expect(head.locator("#checksum-explained")).to_contain_text("指纹")
    expect(head.locator("body")).not_to_contain_text("SHA-256")
    head.check("#publish-confirm-box")
    head.click("#publish-button")
    expect(head.locator(".messages")).to_contain_text("已发布第1版")
    assert report.revisions.get().number == 1

    # A clerk's later 2024 record: the dashboard and the report page say what moved.
    screening = DisputeScreening.objects.create(
        bureau=bureau, unit=unit, found_on=datetime.date(2024, 6, 1), kind="宅基地"
    )
    log_action(screening, user=henry, action=AuditEntry.Action.CREATE, changes={"kind": ["", "宅基地"]})
    for url in ("/?year=2024", "/reports/2024/"):
        head.goto(url)
        notice = head.locator("#drift-notice")
        expect(notice).to_contain_text("已发布第1版")
        row = notice.locator('tr[data-key="disputes_screened"]')
        expect(row).to_contain_text("排查矛盾纠纷")
        expect(row.locator("td").nth(1)).to_have_text("3")
        expect(row.locator("td").nth(2)).to_have_text("4")
        expect(notice.locator(f'a[href="/admin/cases/disputescreening/{screening.pk}/change/"]')).to_have_count(1)
    head.context.close()
