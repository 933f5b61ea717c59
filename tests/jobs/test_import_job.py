"""The background import's entry point (cases.jobs.imports), called directly with a small ledger."""

import datetime

import pytest

from cases.jobs.imports import start_import
from cases.models import ImportLog, Job, Volunteer
from tests.cases.ledgers.conftest import make_xlsx

HEADERS = ["姓名", "联系电话", "加入日期", "退出日期"]


def stored(tmp_path, rows, name="志愿者.xlsx"):
    path = tmp_path / name
    path.write_bytes(make_xlsx([HEADERS, *rows], titles=["温县信访志愿者台账"]))
    return str(path)


def test_the_import_task_imports_the_stored_upload_and_links_its_log(tmp_path, bureau, adam):
    path = stored(tmp_path, [["赵六", "13800000001", datetime.date(2024, 3, 1), None], ["钱七", "", "2024/5/6", ""]])

    job = start_import(bureau_id=bureau.pk, user_id=adam.pk, kind="volunteers", path=path, mappings={})

    assert (job.state, job.kind, job.done, job.total, job.percent, job.error) == (
        "done",
        "ledger_import",
        2,
        2,
        100,
        "",
    )
    assert job.title == "导入普法志愿者（志愿者.xlsx）"
    assert job.permission == "cases.add_volunteer"
    assert sorted(Volunteer.objects.values_list("name", "joined_on")) == [
        ("赵六", datetime.date(2024, 3, 1)),
        ("钱七", datetime.date(2024, 5, 6)),
    ]
    log = ImportLog.objects.get()
    assert (log.created, log.outcome, log.bureau, log.file_name) == (2, "imported", bureau, "志愿者.xlsx")
    assert job.result_url == f"/admin/cases/importlog/{log.pk}/change/"
    assert job.message == "共 2 行：新增 2 条，更新 0 条，未变化 0 条"


def test_an_import_with_a_bad_row_fails_in_chinese_and_writes_nothing(tmp_path, bureau, adam):
    path = stored(tmp_path, [["赵六", "", "2024-03-01", ""], ["钱七", "", "不是日期", ""]])

    job = start_import(bureau_id=bureau.pk, user_id=adam.pk, kind="volunteers", path=path)

    assert job.state == "failed" and Volunteer.objects.count() == 0
    first, *rest = job.error.splitlines()
    assert first.startswith("共 2 行") and "未写入任何数据" in first
    assert len(rest) == 1 and rest[0].startswith("第 4 行 · 加入日期 · 日期格式无法识别：不是日期")


def test_an_upload_that_is_gone_fails_with_a_reason(tmp_path, bureau, adam):
    job = start_import(bureau_id=bureau.pk, user_id=adam.pk, kind="volunteers", path=str(tmp_path / "无.xlsx"))

    assert job.state == "failed" and job.error == "上传的文件已不存在（超过一天未确认会被清理），请重新上传。"
    assert Job.objects.get().arguments["mappings"] == []


@pytest.mark.parametrize("kind", ["nonsense"])
def test_an_unknown_ledger_kind_is_refused_before_any_job(tmp_path, bureau, adam, kind):
    with pytest.raises(Exception):  # noqa: B017 - the resource lookup's own error
        start_import(bureau_id=bureau.pk, user_id=adam.pk, kind=kind, path=str(tmp_path / "x.xlsx"))
    assert Job.objects.count() == 0


def test_the_import_reports_its_progress_row_by_row(tmp_path, bureau, adam, monkeypatch):
    from cases.jobs.service import JobContext

    monkeypatch.setattr("cases.ledgers.service.BATCH", 1)  # a progress call after every row
    seen = []
    report = JobContext.progress

    def spy(self, done, total=None, message=None):
        seen.append((done, total))
        return report(self, done, total, message)

    monkeypatch.setattr(JobContext, "progress", spy)
    rows = [[f"志愿者{i}", "", "2024-03-01", ""] for i in range(3)]
    job = start_import(bureau_id=bureau.pk, user_id=adam.pk, kind="volunteers", path=stored(tmp_path, rows))

    assert job.state == "done" and Volunteer.objects.count() == 3
    assert seen[0] == (0, 0) and seen[-1] == (3, 3)
    assert [done for done, _total in seen[1:-1]] == [1, 2, 3, 3]  # after each row, then the end of the file
    assert all(total >= done for done, total in seen)


def test_the_clerks_value_mappings_reach_the_worker_and_the_upload_goes(tmp_path, bureau, alice):
    """The 2021 ledger of tests/cases/ledgers/test_import_values.py: 人社局 and 复查复核 是 mapped in
    the preview; the worker imports all eight cases with them and removes the kept upload."""
    from cases.models import PetitionCase
    from tests.cases.ledgers.test_import_values import MAPPINGS, ledger_2021

    path = tmp_path / "kept.xlsx"
    path.write_bytes(ledger_2021())

    job = start_import(
        bureau_id=bureau.pk,
        user_id=alice.pk,
        kind="cases",
        path=str(path),
        file_name="2021台账.xlsx",
        mappings=MAPPINGS,
    )

    assert job.state == "done", job.error
    assert sorted(job.arguments["mappings"]) == [["复查复核", "是", "复查"], ["责任单位", "人社局", "县人社局"]]
    assert PetitionCase.objects.filter(bureau=bureau).count() == 8
    assert PetitionCase.objects.filter(responsible_unit__name="县人社局").count() == 3
    assert ImportLog.objects.get().file_name == "2021台账.xlsx"
    assert not path.exists()
