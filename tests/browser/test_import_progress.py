"""A large ledger as a clerk imports it: the upload is checked by the worker (django-tasks' database
worker, in a thread, as in test_jobs.py), the preview maps two unknown values, the confirmed import
runs in the worker while the page's progress bar advances, and the records are in the list; the
next file with the same variants needs no mapping. The threshold is lowered so that a six-row
sheet counts as large."""

import re
import time

import pytest
from playwright.sync_api import expect

from cases.jobs.service import JobContext
from cases.models import ImportValueMapping, Job, PetitionCase
from tests.browser.conftest import login
from tests.browser.test_import_values import ledger
from tests.browser.test_jobs import queued_in_the_database, run_worker_once  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser
JOB_PAGE = re.compile(r".*/jobs/\d+/$")


@pytest.fixture
def large_from_three_rows(settings, tmp_path, monkeypatch, queued_in_the_database):  # noqa: F811
    settings.LEDGER_IMPORT_BACKGROUND_ROWS = 3  # the ledgers have four rows under a title and a header
    settings.LEDGER_IMPORT_KEPT_DIR = str(tmp_path / "kept")
    monkeypatch.setattr("cases.ledgers.service.BATCH", 1)  # the importer reports after every row
    report = JobContext.progress

    def slowly(self, done, total=None, message=None):
        report(self, done, total, message)
        if self.job.kind == Job.Kind.LEDGER_IMPORT and total and 0 < done < total:
            time.sleep(0.7)  # each row takes long enough for the page to show it

    monkeypatch.setattr(JobContext, "progress", slowly)


def upload(page, data: bytes, name: str) -> None:
    page.goto("/admin/cases/petitioncase/")
    page.locator("a.import_link").click()
    page.set_input_files(
        "input[name=import_file]",
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}],
    )
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url(JOB_PAGE)


def finish(page) -> None:
    """Let the worker run what is queued; the job's page follows it and shows its result link."""
    worker = run_worker_once()
    expect(page.locator("#job-state")).to_have_text("已完成", timeout=30_000)
    worker.join(timeout=30)


def test_a_clerk_maps_values_in_a_background_preview_and_watches_the_import(page, large_from_three_rows, bureau, alice):
    login(page, "alice", "pw-alice")

    upload(page, ledger("WX2021"), "2021台账.xlsx")

    expect(page.locator("h1")).to_have_text("检查信访事项（2021台账.xlsx）")
    expect(page.locator("#job-state")).to_have_text("排队中")
    expect(page.locator(".messages")).to_contain_text("文件较大，正在后台检查")
    finish(page)
    page.click("#job-link")  # 查看结果: the preview the check stored

    values = page.locator("table.import-values tbody tr")
    expect(values).to_have_count(2)
    assert "人社局" in values.nth(1).inner_text() and "3、5" in values.nth(1).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.get_by_label("责任单位“人社局”对应的选项").select_option("县人社局")
    page.get_by_label("复查复核“是”对应的选项").select_option("复查")
    assert PetitionCase.objects.count() == 0
    page.get_by_role("button", name="按所选对应关系确认导入").click()
    page.wait_for_url(JOB_PAGE)

    expect(page.locator("h1")).to_have_text("导入信访事项（2021台账.xlsx）")
    bar = page.locator("#job-progress")
    expect(bar).to_have_attribute("value", "0")
    worker = run_worker_once()
    percents = []  # the bar as the clerk sees it, read five times a second until the job is done
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and page.locator("#job-state").inner_text() != "已完成":
        percents.append(int(bar.get_attribute("value")))
        page.wait_for_timeout(200)
    worker.join(timeout=30)
    expect(bar).to_have_attribute("value", "100")
    assert any(0 < p < 100 for p in percents) and percents == sorted(percents), percents
    expect(page.locator("#job-message")).to_have_text("共 4 行：新增 4 条，更新 0 条，未变化 0 条")

    page.goto("/admin/cases/petitioncase/")
    listing = page.locator("#result_list").inner_text()
    assert "WX2021-1" in listing and "WX2021-4" in listing
    assert PetitionCase.objects.filter(responsible_unit__name="县人社局", channel="online").count() == 2
    assert PetitionCase.objects.get(number="WX2021-2").review == PetitionCase.Review.REVIEW
    assert ImportValueMapping.objects.count() == 2

    upload(page, ledger("WX2021B"), "2021台账（二）.xlsx")  # the same variants: nothing to map

    finish(page)
    page.click("#job-link")
    expect(page.locator(".import-summary")).to_contain_text("检查通过：共 4 行：新增 4 条")
    expect(page.locator("table.import-values")).to_have_count(0)
    expect(page.locator("ul.import-mapped")).to_contain_text("已记住的映射")
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(JOB_PAGE)
    finish(page)

    assert PetitionCase.objects.filter(number__startswith="WX2021B", responsible_unit__name="县人社局").count() == 2
    page.goto("/jobs/")
    expect(page.locator("table.jobs tbody tr")).to_have_count(4)  # two checks, two imports
