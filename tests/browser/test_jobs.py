"""A report export in the background, as a clerk sees it: the job's page waits in the queue, the
worker (django-tasks' database worker, in a thread here) runs it, the page's progress bar reaches
100% by itself and the file downloads."""

import threading
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from cases.models import Job
from reports.services import report_get_or_create
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


@pytest.fixture
def queued_in_the_database(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


def run_worker_once():
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    )

    def work():
        try:
            worker.run()
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    return thread


def test_a_report_export_runs_in_the_background_and_its_page_follows_it(page, queued_in_the_database, bureau, sarah):
    report_get_or_create(bureau=bureau, year=2024)
    refused = []  # the page's script and styles break no Content-Security-Policy rule
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    login(page, "sarah", "pw-sarah")
    page.goto("/reports/2024/")
    page.click("#export-pdf")

    expect(page.locator("h1")).to_have_text("2024年报告（PDF）")
    expect(page.locator("#job-state")).to_have_text("排队中")
    expect(page.locator("#job-progress")).to_have_attribute("value", "0")
    expect(page.locator("#job-wait")).to_contain_text("可以离开此页面")

    from tests.browser.test_accessibility import serious_violations

    assert serious_violations(page) == []  # the waiting page, progress bar and all (axe-core)
    worker = run_worker_once()
    expect(page.locator("#job-state")).to_have_text("已完成", timeout=30_000)
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    expect(page.locator("#job-percent")).to_have_text("100%")
    worker.join(timeout=30)
    assert serious_violations(page) == []  # the finished page, with its download

    with page.expect_download() as download:
        page.click("#job-download")
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    assert download.value.suggested_filename.endswith("报告.pdf")
    job = Job.objects.get()
    assert (job.state, job.user, job.percent) == ("done", sarah, 100)

    page.click("text=我的后台任务")
    expect(page.locator("table.jobs tbody tr")).to_have_count(1)
    expect(page.locator("table.jobs tbody tr")).to_contain_text("已完成")
    assert refused == []
