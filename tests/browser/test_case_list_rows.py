"""The clerk's case list on a 1366×768 office screen (issue 10, item 7): at least fifteen rows
fully readable without scrolling, each case number on one line, under the Content-Security-Policy."""

import datetime
import os

import pytest

from accounts import roles
from cases.models import PetitionCase, Unit
from cases.models.base import local_today
from tests.browser.conftest import login
from tests.browser.test_csp import Watch
from tests.conftest import _user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("WORKBENCH_SCREENSHOTS", "/tmp")
NAMES = ["马丽", "司东升", "范艳玲、段二军、原秀英、范永刚、许霞、王建设、李红梅", "欧阳修文"]


def test_fifteen_case_rows_fit_a_1366_by_768_screen(browser, live_server, bureau):
    unit = Unit.objects.create(bureau=bureau, name="县人力资源和社会保障局", kind=Unit.Kind.DEPARTMENT, sort_order=99)
    today = local_today()
    for i in range(30):
        case = PetitionCase(
            bureau=bureau,
            number=f"温信{today.year}-{i + 1:04d}",
            received_on=today - datetime.timedelta(days=i * 3),
            channel="online" if i % 2 else "visit",
            petitioner_name=NAMES[i % len(NAMES)],
            head_count=7 if i % len(NAMES) == 2 else 1,
            category="claim",
            summary="讨要工资",
            responsible_unit=unit,
            routing="transfer",
            routed_on=today - datetime.timedelta(days=i * 3),
        )
        case.refresh_due_dates(bureau.calendar())
        case.save()
    _user("clara", roles.CLERK, bureau)

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = Watch(page)
    try:
        login(page, "clara", "pw-clara")
        # The clerk lands on the case list.
        assert page.url.endswith("/admin/cases/petitioncase/"), page.url
        watch.check()
        page.screenshot(path=f"{SCREENSHOTS}/case-list-1366x768.png")
        rows = page.evaluate(
            """() => Array.from(document.querySelectorAll('#result_list tbody tr')).map(tr => {
                const r = tr.getBoundingClientRect();
                const number = tr.querySelector('th a, td a').getBoundingClientRect();
                return {top: r.top, bottom: r.bottom, height: r.height,
                        right: number.right, numberHeight: number.height};
            })"""
        )
        assert len(rows) == 30
        visible = [r for r in rows if r["top"] >= 0 and r["bottom"] <= 768 and r["right"] <= 1366]
        assert len(visible) >= 15, f"{len(visible)} rows fully visible: {rows[:3]}"
        # No case number wraps: every number is one line, every row the same single-line height.
        assert max(r["numberHeight"] for r in rows) < 1.6 * min(r["numberHeight"] for r in rows)
        assert max(r["height"] for r in rows) <= 34, max(r["height"] for r in rows)
        # No horizontal scrolling of the page at this width.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1366
    finally:
        context.close()
