"""axe-core (from npm) inside Chromium: no serious or critical violation on the main pages."""

from pathlib import Path

import pytest

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page) -> list[str]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it with npm ci")
    # Evaluated through the DevTools protocol, not added as a <script>: the site's
    # Content-Security-Policy refuses inline scripts, and it stays on while axe looks.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_login_page(page, bureau):
    page.goto("/accounts/login/")
    violations = serious_violations(page)
    assert violations == [], "\n".join(violations)


def test_the_case_form(page, alice, bureau):
    login(page, "alice", "pw-alice")
    page.goto("/admin/cases/petitioncase/add/")
    violations = serious_violations(page)
    assert violations == [], "\n".join(violations)


def test_the_dashboard(page, henry, bureau):
    login(page, "henry", "pw-henry")
    page.goto("/")
    violations = serious_violations(page)
    assert violations == [], "\n".join(violations)


def test_the_report_editor(page, sarah, bureau):
    from reports.services import report_get_or_create

    report, _ = report_get_or_create(bureau=bureau, year=2024)
    login(page, "sarah", "pw-sarah")
    page.goto(f"/reports/2024/sections/{report.sections.first().pk}/")
    assert page.locator("textarea").count() >= 1
    violations = serious_violations(page)
    assert violations == [], "\n".join(violations)
