"""axe-core (from npm) inside Chromium: no serious or critical violation on the main pages."""

from pathlib import Path

import pytest

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page) -> list[str]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it with npm ci")
    page.add_script_tag(path=str(AXE))
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
