"""Issue 12 item 6 in Chromium: staff write in the whole-document editor — 满意率 inserted from the
list as a chip, a sentence with a bold 小标题 typed, a word bolded mid-sentence, a two-item
numbered list — see the 公文 preview fill in the value and number the list, save, and the
report's text holds `{满意率}`, `**…**` and two 编号 paragraphs. No CSP violation on the way (no
inline script or style)."""

import datetime

import pytest
from playwright.sync_api import expect

from cases.models import PetitionCase
from reports.services import report_get_or_create
from tests.browser.conftest import login
from tests.indicators.test_dashboard import make_case

pytestmark = pytest.mark.browser


@pytest.fixture
def report(bureau, unit):
    S = PetitionCase.Satisfaction
    for i, satisfaction in enumerate([S.SATISFIED, S.SATISFIED, S.SATISFIED, S.UNSATISFIED], start=1):
        make_case(
            bureau,
            f"WX-2024-{i:04d}",
            f"2024-03-0{i}",
            unit=unit,
            closed_on=datetime.date(2024, 4, i),
            outcome=PetitionCase.Outcome.SUPPORT,
            satisfaction=satisfaction,
        )
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    return report


def _paragraphs(report):
    from reports.models import Paragraph

    rows = Paragraph.objects.filter(section__report=report).order_by("section__position", "position")
    return [(p.section.title, p.lead, p.text) for p in rows.select_related("section")]


def test_staff_write_with_a_figure_chip_and_a_bold_lead(page, report, sarah):
    problems = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error"
            and "favicon" not in m.location.get("url", "")
            and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on(
        "response", lambda r: problems.append(r.url) if r.status >= 400 and not r.url.endswith("/favicon.ico") else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    before = _paragraphs(report)
    login(page, "sarah", "pw-sarah")
    page.goto("/reports/2024/write/")
    expect(page.locator("#write-form")).to_have_attribute("data-ready", "true")
    expect(page.locator("#readiness")).to_contain_text("报告")
    expect(page.locator("#write-preview")).to_contain_text("一、")

    # A new paragraph at the end: a bold 小标题, then text with 满意率 from the list as a chip.
    text = page.locator("#write-text")
    text.locator("p").last.click()
    # The caret at the very end of the text (Control+End is not reliable in a long contenteditable).
    text.evaluate(
        """el => { const r = document.createRange(); r.selectNodeContents(el.lastElementChild); r.collapse(false);
        const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); }"""
    )
    page.wait_for_timeout(200)  # ProseMirror reads the DOM selection on selectionchange
    page.keyboard.press("Enter")
    page.click('#write-toolbar button[data-command="lead"]')
    page.keyboard.type("群众满意度稳步提升。")
    page.click('#write-toolbar button[data-command="lead"]')
    page.keyboard.type("全年满意率为")
    page.fill("#figure-search", "满意率")
    page.locator('.figure-insert[data-name="满意率"]').click()
    chip = text.locator('.figure-chip[data-figure="满意率"]')
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text("满意率 75")
    expect(chip).to_have_attribute("contenteditable", "false")
    page.keyboard.type("。")
    # A word bolded mid-sentence (Ctrl+B), then a numbered list of two items.
    page.keyboard.press("Enter")
    page.keyboard.type("重点是")
    page.keyboard.press("Control+b")
    page.keyboard.type("信访积案")
    page.keyboard.press("Control+b")
    page.keyboard.type("化解。")
    page.keyboard.press("Enter")
    page.click('#write-toolbar button[data-command="orderedList"]')
    page.keyboard.type("健全工作机制。")
    page.keyboard.press("Enter")
    page.keyboard.type("压实工作责任。")

    expect(page.locator("#write-preview")).to_contain_text("群众满意度稳步提升。全年满意率为75")
    expect(page.locator("#write-preview .fig[data-key=satisfaction_rate]").last).to_contain_text("75")
    expect(page.locator("#write-preview strong").last).to_have_text("信访积案")
    expect(page.locator("#write-preview p.item")).to_have_text(["1.健全工作机制。", "2.压实工作责任。"])
    page.click("#write-save")
    expect(page.locator(".messages")).to_contain_text("已保存全文")
    # The page after saving shows the saved text; its preview request ends before the test does.
    expect(page.locator("#write-preview")).to_have_attribute("data-sequence", "1")
    page.wait_for_load_state("networkidle")

    last = report.sections.order_by("position").last().paragraphs.order_by("position")
    assert [(p.lead, p.text, p.kind) for p in last][-4:] == [
        ("群众满意度稳步提升。", "全年满意率为{满意率}。", "text"),
        ("", "重点是**信访积案**化解。", "text"),
        ("", "健全工作机制。", "number"),
        ("", "压实工作责任。", "number"),
    ]
    assert report.sections.count() == 5
    # Everything else went through Chromium's editor and back unchanged: leads, chips, spacing.
    assert _paragraphs(report)[:-4] == before
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not problems, problems
