"""A large upload's check (the preview's dry run) in the background: the clerk is sent to the check's
job, then to the preview it stored, maps the values and confirms; the import is a job too."""

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts import roles
from cases.jobs.service import run
from cases.ledgers import kept
from cases.models import Bureau, ImportValueMapping, Job, PetitionCase
from tests.cases.ledgers.conftest import make_xlsx
from tests.cases.ledgers.test_import_values import CONFIRM, IMPORT, ledger_2021
from tests.conftest import _user

MAPPED = {"map_column": ["复查复核", "责任单位"], "map_raw": ["是", "人社局"], "map_value": ["复查", "县人社局"]}


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    """Files of more than five rows (the 2021 ledger has ten with its title and header) go to the
    worker; the kept uploads live in the test's folder."""
    settings.LEDGER_IMPORT_BACKGROUND_ROWS = 5
    settings.LEDGER_IMPORT_KEPT_DIR = str(tmp_path / "kept")


def upload(client, data=None, name="2021台账.xlsx"):
    return client.post(IMPORT, {"import_file": SimpleUploadedFile(name, data or ledger_2021())})


def kept_files():
    return sorted(p.suffix for p in kept.folder().iterdir())


def test_the_check_runs_as_a_job_whose_preview_maps_and_confirms(client, alice, bureau):
    client.force_login(alice)

    sent = upload(client)

    check = Job.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse("jobs:detail", args=[check.pk])
    assert (check.kind, check.state, check.user, check.title) == (
        "ledger_check",
        "done",
        alice,
        "检查信访事项（2021台账.xlsx）",
    )
    assert (
        check.message
        == "检查完成：共 8 行：新增 3 条，更新 0 条，未变化 0 条；2 种写法无法识别，需选择对应选项，未写入任何数据"
    )
    assert check.result_url == reverse("jobs:preview", args=[check.pk])
    assert PetitionCase.objects.count() == 0 and kept_files() == [".json", ".xlsx"]
    assert "检查信访事项（2021台账.xlsx）" in client.get(reverse("jobs:index")).content.decode()  # come back later

    page = client.get(check.result_url)

    assert page.status_code == 200
    text = page.content.decode()
    assert "有无法识别的值，请选择对应选项" in text
    assert [(i["column"], i["raw"], i["count"], i["suggestions"]) for i, _v in page.context["issues"]] == [
        ("复查复核", "是", 2, ["复查", "复核"]),
        ("责任单位", "人社局", 3, ["县人社局"]),
    ]
    assert '2021-03-02<span class="import-typed" title="台账中的写法">2021.3.2</span>' in text
    assert ["温泉街道", "2021", 3, 0, 0] in page.context["result"]["tally_rows"]
    assert (page.context["token"], page.context["job"]) == (check.arguments["token"], check.pk)
    assert f'name="job" value="{check.pk}"' in text

    done = client.post(CONFIRM, {"token": page.context["token"], "job": check.pk, **MAPPED})

    imported = Job.objects.exclude(pk=check.pk).get()
    assert done.status_code == 302 and done["Location"] == reverse("jobs:detail", args=[imported.pk])
    assert (imported.kind, imported.state) == ("ledger_import", "done"), imported.error
    assert PetitionCase.objects.count() == 8
    assert PetitionCase.objects.filter(responsible_unit__name="县人社局").count() == 3
    assert ImportValueMapping.objects.count() == 2
    assert kept_files() == []  # the upload imported, its preview forgotten
    again = client.get(check.result_url)  # the check cannot confirm the same file twice
    assert again.status_code == 302 and again["Location"] == IMPORT
    assert client.post(CONFIRM, {"token": check.arguments["token"], "job": check.pk, **MAPPED})["Location"] == IMPORT
    assert PetitionCase.objects.count() == 8 and Job.objects.count() == 2


def test_a_recheck_goes_to_the_worker_and_a_second_file_needs_no_mapping(client, alice, bureau):
    client.force_login(alice)
    upload(client)
    check = Job.objects.get()

    rechecked = client.post(CONFIRM, {"token": check.arguments["token"], "job": check.pk, "check": "1", **MAPPED})

    second = Job.objects.exclude(pk=check.pk).get()
    assert rechecked["Location"] == reverse("jobs:detail", args=[second.pk])
    assert second.kind == "ledger_check" and second.arguments["token"] == check.arguments["token"]
    page = client.get(reverse("jobs:preview", args=[second.pk]))
    assert page.context["result"]["ok"] and page.context["issues"] == []
    assert "检查通过：共 8 行：新增 8 条" in page.content.decode()
    client.post(CONFIRM, {"token": page.context["token"], "job": second.pk, **MAPPED})
    assert PetitionCase.objects.count() == 8

    upload(client, ledger_2021(prefix="B"), "二.xlsx")

    third = Job.objects.filter(kind="ledger_check").order_by("-pk").first()
    page = client.get(reverse("jobs:preview", args=[third.pk]))
    assert page.context["result"]["ok"] and page.context["issues"] == []
    assert "已记住的映射" in page.content.decode()


def test_the_job_is_queued_then_running_then_done(client, alice, bureau, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(alice)
    upload(client)
    check = Job.objects.get()
    assert (check.state, check.done, check.result_url) == ("queued", 0, "")
    waiting = client.get(reverse("jobs:preview", args=[check.pk]))  # nothing to preview yet
    assert waiting["Location"] == reverse("jobs:detail", args=[check.pk])

    import cases.jobs.imports as imports

    seen = []
    real = imports.import_stored

    def spy(**kwargs):
        seen.append(Job.objects.get(pk=check.pk).state)
        return real(**kwargs)

    monkeypatch.setattr(imports, "import_stored", spy)
    assert run(check.pk) == "done"

    check.refresh_from_db()
    assert seen == ["running"]
    assert (check.state, check.done, check.total, check.percent) == ("done", 8, 8, 100)
    assert client.get(reverse("jobs:preview", args=[check.pk])).status_code == 200


def test_a_failed_check_says_why_and_keeps_nothing(client, alice, bureau):
    client.force_login(alice)
    rows = [["姓名", "电话"]] + [[f"某{i}", ""] for i in range(8)]  # no header of the case ledger

    upload(client, make_xlsx(rows), "错表.xlsx")

    check = Job.objects.get()
    assert check.state == "failed" and check.result_url == ""
    assert check.error.startswith("前 10 行中未找到表头。表头行须包含：信访件编号")
    assert kept_files() == [] and PetitionCase.objects.count() == 0
    page = client.get(reverse("jobs:detail", args=[check.pk])).content.decode()
    assert "前 10 行中未找到表头" in page and "此任务未做任何更改。" in page
    assert client.get(reverse("jobs:preview", args=[check.pk]))["Location"] == reverse("jobs:detail", args=[check.pk])


def test_a_check_with_true_errors_previews_them_and_cannot_be_confirmed(client, alice, bureau):
    client.force_login(alice)
    data = ledger_2021()
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    book.active["B3"] = "不是日期"  # 登记日期 of the first case
    out = io.BytesIO()
    book.save(out)

    upload(client, out.getvalue())

    check = Job.objects.get()
    assert check.state == "done"
    page = client.get(reverse("jobs:preview", args=[check.pk]))
    assert "检查未通过，未写入任何数据" in page.content.decode()
    assert [(c, rows) for c, _m, rows, _n in page.context["error_groups"]] == [("登记日期", "3")]
    assert "token" not in page.context and kept_files() == [".json"]  # upload again once corrected
    assert 'id="import-form"' in page.content.decode()
    assert PetitionCase.objects.count() == 0


def test_another_bureaus_user_finds_no_check_and_the_wrong_role_is_refused(client, alice, henry, adam, bureau):
    client.force_login(alice)
    upload(client)
    check = Job.objects.get()
    preview = reverse("jobs:preview", args=[check.pk])
    other = Bureau.objects.create(name="乙县信访局", county="乙县", short_county="乙县")

    client.force_login(_user("b-admin", roles.ADMIN, other))
    assert client.get(preview).status_code == 404
    assert client.get(reverse("jobs:detail", args=[check.pk])).status_code == 404
    assert client.post(CONFIRM, {"token": check.arguments["token"], "job": check.pk, **MAPPED})["Location"] == IMPORT

    client.force_login(henry)  # 局长: may not import cases
    assert client.get(preview).status_code == 403

    client.force_login(adam)  # may import and sees the preview, but the upload is alice's to confirm
    page = client.get(preview)
    assert page.status_code == 200 and "token" not in page.context
    assert client.post(CONFIRM, {"token": check.arguments["token"], "job": check.pk, **MAPPED})["Location"] == IMPORT
    assert PetitionCase.objects.count() == 0 and kept_files() == [".json", ".xlsx"]


def test_an_export_job_has_no_preview(client, alice, bureau):
    job = Job.objects.create(bureau=bureau, user=alice, kind="ledger_export", title="导出", work="x", state="done")
    client.force_login(alice)
    assert client.get(reverse("jobs:preview", args=[job.pk])).status_code == 404


def test_prune_jobs_forgets_old_checks_uploads_and_stale_files(client, alice, bureau):
    client.force_login(alice)
    upload(client)
    check = Job.objects.get()
    stale = kept.folder() / f"{'a' * 32}.xlsx"
    stale.write_bytes(b"x")
    old = time.time() - kept.KEEP_SECONDS - 60
    os.utime(stale, (old, old))
    out = io.StringIO()

    call_command("prune_jobs", "--days", "30", stdout=out)

    assert not stale.exists() and kept_files() == [".json", ".xlsx"]  # the recent check's stay
    assert out.getvalue().splitlines()[-1] == "已删除 1 个超过一天未确认的导入文件及检查结果。"
    Job.objects.filter(pk=check.pk).update(finished_at=check.finished_at.replace(year=2000))
    call_command("prune_jobs", "--days", "30", stdout=io.StringIO())
    assert kept_files() == [] and Job.objects.count() == 0


@pytest.mark.parametrize("write_only", [False, True])  # with and without the sheet's <dimension>
def test_the_rows_are_counted_without_reading_the_cells(write_only):
    data = make_xlsx([["a"]] * 7, write_only=write_only)
    assert kept.rows_over(io.BytesIO(data), 6) and not kept.rows_over(io.BytesIO(data), 7)
    assert not kept.rows_over(io.BytesIO(b"not a workbook"), 0)


def test_rows_are_counted_across_the_reads_chunks_and_an_oversize_file_stays_in_the_request(settings):
    data = make_xlsx([[f"第{i}行", i] for i in range(3000)], write_only=True)  # a sheet XML of ~150 kB
    assert kept.rows_over(io.BytesIO(data), 2999) and not kept.rows_over(io.BytesIO(data), 3000)
    settings.LEDGER_IMPORT_MAX_BYTES = len(data) - 1  # refused at once by the check in the request
    assert not kept.rows_over(SimpleUploadedFile("大.xlsx", data), 10)


def test_a_small_upload_is_still_checked_in_the_request(client, alice, bureau, settings):
    settings.LEDGER_IMPORT_BACKGROUND_ROWS = 10
    client.force_login(alice)
    page = upload(client)
    assert page.status_code == 200 and page.context["token"] and Job.objects.count() == 0
