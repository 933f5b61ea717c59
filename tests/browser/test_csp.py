"""The Content-Security-Policy breaks nothing: every role's pages in Chromium, no violation, no
console error, and the JavaScript on them (select2, the live preview, the import) still works.

An init script records each `securitypolicyviolation` on `window`; Chromium also logs every
violation as a console error, which the watch collects across navigations."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from cases.audit import log_action
from cases.models import AuditEntry, DisputeScreening, PetitionCase, Unit
from reports.services import report_get_or_create, report_publish
from tests.browser.conftest import login
from tests.cases.ledgers.conftest import make_xlsx
from tests.indicators.test_dashboard import make_case, make_screenings
from tests.test_csp import EXPECTED, parse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
window.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(
    e.effectiveDirective + " blocked " + (e.blockedURI || "(inline)") + " at " +
    (e.sourceFile || document.location.pathname) + ":" + e.lineNumber + " " + (e.sample || "")
  );
}, true);
"""


class Watch:
    """Collects the violations and console errors of every page of one browser context (admin
    popups included); `check()` asserts the current page has none and nothing was logged."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        self._listen(page)
        page.context.on("page", self._listen)

    def _listen(self, page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def _console(self, page, message) -> None:
        # Chromium asks for /favicon.ico on its own; the product has none, and that 404 is no error
        # of the page's.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.errors.append(f"{page.url}: {message.text}")

    def violations(self, page=None) -> list[str]:
        page = page or self.page
        page.wait_for_load_state("networkidle")
        # Violation events are queued as tasks: let the page's event loop turn once more.
        page.evaluate("() => new Promise(resolve => setTimeout(resolve, 50))")
        return page.evaluate("window.__cspViolations")

    def check(self, page=None) -> None:
        violations = self.violations(page)
        assert violations == [], "\n".join(violations)
        assert self.errors == [], "\n".join(self.errors)

    def goto(self, url: str):
        response = self.page.goto(url)
        self.check()
        return response


@pytest.fixture
def watch(page):
    return Watch(page)


@pytest.fixture
def ledger(bureau):
    """Enough records for both dashboard charts and a drill-down list: 2023 and 2024 screenings
    and a case a month in 2024."""
    cache.clear()  # entries committed by an earlier transactional test survive its flush
    wenquan = Unit.objects.get(bureau=bureau, name="温泉街道")
    make_screenings(bureau, wenquan, 2023, 4, 3)
    make_screenings(bureau, wenquan, 2024, 10, 7, month=4)
    for i in range(12):
        make_case(bureau, f"2024-{i:03d}", f"2024-{i + 1:02d}-05", unit=wenquan, channel=PetitionCase.Channel.VISIT)
    yield
    cache.clear()


def test_a_visitor_sees_the_login_page_the_public_report_and_a_404(watch, page, bureau, henry):
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    report_publish(report=report, user=henry)

    response = watch.goto("/accounts/login/")
    assert parse(response.headers["content-security-policy"]) == EXPECTED
    expect(page.locator("#id_username")).to_be_visible()

    watch.goto("/reports/public/")
    watch.goto(f"/reports/public/{bureau.pk}/2024/")
    expect(page.locator(".report-doc")).to_contain_text("法治政府建设")
    expect(page.locator("#public-sha256")).to_have_text(report.revisions.get().sha256)

    response = page.goto(f"/reports/public/{bureau.pk}/1999/")
    assert response.status == 404
    expect(page.locator("main")).to_contain_text("页面不存在")
    watch.errors = [e for e in watch.errors if "status of 404" not in e]  # the 404 itself
    watch.check()


def test_a_clerk_lists_adds_a_case_with_the_unit_autocomplete_and_imports(watch, page, bureau, alice, ledger):
    login(page, "alice", "pw-alice")
    watch.check()

    watch.goto("/admin/cases/petitioncase/")
    expect(page.locator("#result_list tbody tr")).to_have_count(12)

    watch.goto("/admin/cases/petitioncase/add/")
    page.fill("#id_number", "WX-2024-0901")
    page.fill("#id_received_on", "2024-09-20")
    page.select_option("#id_channel", "visit")
    page.fill("#id_petitioner_name", "刘某某")
    page.select_option("#id_category", "claim")
    page.fill("#id_subject_area", "城乡建设")
    page.fill("#id_summary", "反映小区供暖问题")
    # select2 opens its dropdown, queries the autocomplete view and lists the units found.
    page.click("#id_responsible_unit + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "街道")
    options = page.locator(".select2-results__option:not(.loading-results)")
    expect(options).to_have_count(4)  # 温泉, 太行, 岳村, 张羌
    watch.check()
    options.filter(has_text="温泉街道").click()
    expect(page.locator("#select2-id_responsible_unit-container")).to_have_attribute("title", "温泉街道")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("WX-2024-0901")
    watch.check()
    assert PetitionCase.objects.get(number="WX-2024-0901").responsible_unit.name == "温泉街道"

    watch.goto("/admin/cases/disputescreening/import/")
    page.set_input_files(
        "input[name=import_file]",
        files=[
            {
                "name": "排查台账.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": make_xlsx(
                    [
                        ["排查日期", "乡镇（街道）", "纠纷类型", "简要情况", "化解状态", "化解日期"],
                        ["2024-03-05", "祥云镇", "宅基地纠纷", "两户争宅基地边界", "已化解", "2024-03-20"],
                    ]
                ),
            }
        ],
    )
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator(".import-summary")).to_contain_text("新增 1 条")
    watch.check()
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messagelist")).to_contain_text("导入完成")
    watch.check()
    assert DisputeScreening.objects.filter(unit__name="祥云镇").count() == 1


def test_the_head_reads_the_dashboard_its_records_and_a_case_history(watch, page, bureau, henry, alice, ledger):
    case = PetitionCase.objects.get(number="2024-003")
    log_action(case, user=alice, action=AuditEntry.Action.UPDATE, changes={"subject_area": ["", "城乡建设"]})
    login(page, "henry", "pw-henry")
    watch.check()
    watch.goto("/?year=2024")
    expect(page.locator("svg.chart")).to_have_count(2)
    page.locator("#card-dispute_resolution_rate .value a").click()
    expect(page.locator("#record-count")).to_have_text("7")
    expect(page.locator("table.records-table tbody tr")).to_have_count(7)
    watch.check()

    watch.goto(f"/admin/cases/petitioncase/{case.pk}/history/")
    expect(page.locator("#audit-trail tbody")).to_contain_text("城乡建设")


def test_staff_edit_a_section_with_its_live_preview(watch, page, bureau, sarah, ledger):
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    section = report.sections.get(position=3)
    login(page, "sarah", "pw-sarah")
    watch.goto("/reports/2024/edit/")
    watch.goto(f"/reports/2024/sections/{section.pk}/")
    page.locator("textarea[name=text]").first.fill("今年排查矛盾纠纷{disputes_screened}起。")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("今年排查矛盾纠纷10起。")
    watch.check()
    page.click("#save-section")
    expect(page.locator(".messages")).to_contain_text("已保存")
    watch.check()
    watch.goto("/reports/2024/")
    expect(page.locator(".paper")).to_contain_text("今年排查矛盾纠纷10起。")


def test_the_administrator_adds_a_unit_in_the_related_object_popup(watch, page, bureau, adam):
    """The admin's "+" beside a foreign key opens a same-origin window, not a frame, which is why
    the policy may refuse all framing; the popup's response script hands the new unit back."""
    login(page, "adam", "pw-adam")
    watch.goto("/admin/cases/petitioncase/add/")
    with page.expect_popup() as opened:
        page.click("#add_id_responsible_unit")
    popup = opened.value
    popup.wait_for_load_state("networkidle")
    assert popup.evaluate("window.opener !== null && window.top === window")
    watch.check(popup)
    assert popup.locator("#id_bureau").count() == 0  # the unit is the administrator's bureau's
    popup.fill("#id_name", "县信访局直属")
    popup.select_option("#id_kind", "department")
    with popup.expect_event("close"):
        popup.click("input[name=_save]")
    expect(page.locator("#select2-id_responsible_unit-container")).to_have_attribute("title", "县信访局直属")
    watch.check()
    assert Unit.objects.get(name="县信访局直属", kind="department").bureau == bureau


def test_the_watch_sees_what_the_policy_refuses(watch, page, bureau):
    """The measuring instrument itself: an inline script and an inline style attribute injected
    into a page are refused and recorded, so a clean run above means something."""
    watch.goto("/accounts/login/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__ran = true";
          document.head.appendChild(script);
          document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
        }"""
    )
    violations = watch.violations()
    assert page.evaluate("window.__ran === undefined")
    assert [v.split(" ")[0] for v in violations] == ["script-src-elem", "style-src-attr"]
    assert len(watch.errors) == 2 and all("Content Security Policy" in e for e in watch.errors)
