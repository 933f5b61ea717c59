"""Background jobs (cases.jobs): a report export's whole life, progress as it goes, a failure that
changes nothing, who may see a job and its file. Jobs run at once here (tests/conftest.py)."""

import datetime

import pytest
from django.urls import reverse

from accounts import roles
from cases.jobs.service import enqueue
from cases.models import AuditEntry, Bureau, Job, PetitionCase, Volunteer
from cases.scoping import acting_for
from tests.conftest import _user

from . import works


@pytest.fixture(autouse=True)
def _jobs_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture
def report(bureau):
    from reports.services import report_get_or_create

    with acting_for(bureau):
        return report_get_or_create(bureau=bureau, year=2024)[0]


def start(work, user, bureau, **kwargs):
    with acting_for(bureau):
        return enqueue(work, user=user, kind=Job.Kind.OTHER, title="测试任务", **kwargs)


def test_a_report_export_runs_as_a_job_with_its_page_its_list_and_its_file(client, sarah, report):
    client.force_login(sarah)
    response = client.post(reverse("reports:export_background", args=[2024, "docx"]))

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.state, job.done, job.total, job.percent) == ("done", 3, 3, 100)
    assert job.kind == "report_export" and job.user == sarah and job.bureau == report.bureau
    assert job.title == "2024年报告（Word）"
    assert job.started_at and job.finished_at and job.error == ""
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "已完成" in page and 'value="100"' in page and "jobs.js" in page and "http-equiv" not in page
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert status == {
        "state": "done",
        "state_label": "已完成",
        "done": 3,
        "total": 3,
        "percent": 100,
        "message": job.message,
        "error": "",
        "finished": True,
    }
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"  # a .docx is a zip
    assert "attachment" in download["Content-Disposition"] and ".docx" in download["Content-Disposition"]
    listing = client.get("/jobs/").content.decode()
    assert f'href="/jobs/{job.pk}/"' in listing and "2024年报告（Word）" in listing


def test_a_page_of_an_unfinished_job_refreshes_itself_without_javascript_too(client, alice, bureau):
    with acting_for(bureau):
        job = Job.objects.create(
            bureau=bureau, user=alice, kind="other", title="排队的任务", work="x", total=10, done=4
        )
    client.force_login(alice)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert 'value="40"' in page and "排队中" in page and "（4/10）" in page
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404  # nothing to download yet


def test_progress_is_written_as_the_work_goes(alice, bureau):
    works.SEEN.clear()
    job = start(works.count_to, alice, bureau, arguments={"n": 4})

    assert works.SEEN == [("running", 1, 4), ("running", 2, 4), ("running", 3, 4), ("running", 4, 4)]
    assert (job.state, job.done, job.total, job.message) == ("done", 4, 4, "第 4 步")
    assert job.result_name == "结果.txt" and job.result_file.read() == "共 4 步".encode()


@pytest.mark.parametrize(
    ("error", "shown"),
    [("", "志愿者名单第 3 行缺少加入日期"), ("plain", "后台处理时出错（ValueError）：第 3 行的加入日期无效")],
)
def test_a_failed_job_says_why_in_chinese_and_changed_nothing(client, alice, bureau, error, shown):
    job = start(works.write_then_fail, alice, bureau, arguments={"name": "赵六", "error": error})

    assert Volunteer.objects.count() == 0  # its write was rolled back
    assert (job.state, job.error, job.message) == ("failed", shown, "失败，未做任何更改")
    assert job.finished_at is not None and not job.result_file
    client.force_login(alice)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "失败原因：" in page and shown in page and "此任务未做任何更改。" in page
    assert client.get(f"/jobs/{job.pk}/status/").json()["error"] == shown


def test_a_job_is_its_owners_and_of_those_with_its_permission_in_the_same_bureau(
    client, sarah, alice, henry, adam, report
):
    client.force_login(sarah)
    client.post(reverse("reports:export_background", args=[2024, "pdf"]))
    job = Job.objects.get()
    urls = [f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status/", f"/jobs/{job.pk}/download/"]
    for user, expected in ((henry, 200), (adam, 200), (alice, 403)):  # alice: no reports.export_report
        client.force_login(user)
        assert [client.get(u).status_code for u in urls] == [expected] * 3, user
    # Another bureau's administrator, even with every permission, finds nothing.
    other = Bureau.objects.create(name="乙县信访局", county="乙县", short_county="乙县")
    client.force_login(_user("b-admin", roles.ADMIN, other))
    assert [client.get(u).status_code for u in urls] == [404] * 3
    assert f"/jobs/{job.pk}/" not in client.get("/jobs/").content.decode()
    # Only the owner's own jobs are in their list.
    client.force_login(henry)
    assert f"/jobs/{job.pk}/" not in client.get("/jobs/").content.decode()


def test_a_large_ledger_export_goes_to_the_background_and_its_personal_file_needs_the_permission(
    client, settings, adam, henry, bureau
):
    settings.LEDGER_EXPORT_BACKGROUND_ROWS = 2
    for i in range(3):
        PetitionCase.objects.create(
            bureau=bureau,
            number=f"P-{i}",
            received_on=datetime.date(2024, 3, 1 + i),
            channel="visit",
            petitioner_name=f"张三{i}",
            category="claim",
        )
    client.force_login(adam)
    response = client.get(reverse("admin:cases_petitioncase_export"))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.state, job.total, job.personal) == ("ledger_export", "done", 3, True)
    assert job.permission == "cases.view_petitioncase"
    data = b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content)
    from tests.test_isolation import xlsx_cells

    cells = xlsx_cells(data)
    assert {"P-0", "P-1", "P-2", "张三0", "张三2"} <= set(cells)
    entry = AuditEntry.objects.get(action="export")
    assert entry.user == adam and entry.detail.endswith("（后台任务）") and "含个人信息" in entry.detail
    # The head may list cases but not see personal data: the page opens, the file does not.
    client.force_login(henry)
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    assert "结果含个人信息" in client.get(f"/jobs/{job.pk}/").content.decode()
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 403
    # Two rows are still exported at once.
    PetitionCase.objects.filter(number="P-2").delete()
    client.force_login(adam)
    direct = client.get(reverse("admin:cases_petitioncase_export"))
    assert direct.status_code == 200 and direct["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Job.objects.count() == 1


def test_a_background_export_keeps_the_lists_filter(client, settings, adam, bureau):
    settings.LEDGER_EXPORT_BACKGROUND_ROWS = 1
    for i, channel in enumerate(["visit", "letter", "visit", "online"]):
        PetitionCase.objects.create(
            bureau=bureau,
            number=f"F-{i}",
            received_on=datetime.date(2024, 3, 1),
            channel=channel,
            petitioner_name=f"王五{i}",
            category="claim",
        )
    client.force_login(adam)
    response = client.get(reverse("admin:cases_petitioncase_export") + "?channel__exact=visit")

    job = Job.objects.get()
    assert response.status_code == 302 and job.total == 2 and job.title == "导出信访事项（2 条）"
    from tests.test_isolation import xlsx_cells

    cells = set(xlsx_cells(b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content)))
    assert {"F-0", "F-2"} <= cells and not {"F-1", "F-3"} & cells
    assert AuditEntry.objects.get(action="export").detail.startswith("信访事项（含个人信息）channel__exact=visit")


def test_a_background_export_whose_query_was_altered_is_refused(adam, bureau):
    """The worker unpickles only a query signed with the site's secret: a row changed in the
    database behind the code's back fails the job, and nothing is run or exported."""
    import base64
    import pickle

    from cases.ledgers.export import export_in_background
    from cases.ledgers.resources import PetitionCaseResource

    forged = base64.b64encode(pickle.dumps(PetitionCase.objects.all().query)).decode()
    job = enqueue(
        export_in_background,
        user=adam,
        kind=Job.Kind.LEDGER_EXPORT,
        title="导出",
        arguments={
            "model": "cases.PetitionCase",
            "resource": f"{PetitionCaseResource.__module__}.PetitionCaseResource",
            "query": forged,
            "querystring": "",
        },
        permission="cases.view_petitioncase",
    )
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.FAILED, "导出任务的查询条件校验失败，未导出。")
    assert not job.result_file


def test_a_job_runs_once_even_if_its_task_comes_twice(alice, bureau):
    from cases.jobs.service import run

    works.SEEN.clear()
    job = start(works.count_to, alice, bureau, arguments={"n": 2})
    assert run(job.pk) == "done" and len(works.SEEN) == 2  # not run again
    assert run(10**9) == "missing"
