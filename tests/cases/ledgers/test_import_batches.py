"""An import commits batch by batch, so that it never holds the database for long, and still
writes all or nothing: a failure after some batches takes them back; its log is written first;
an interrupted import is undone with `import_ledger --undo`."""

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from cases.audit import log_action
from cases.ledgers import service
from cases.models import AuditEntry, ImportedRows, ImportLog, OrderCase, OrderPerson, PetitionCase
from cases.models.imports import ImportBackup

from .conftest import make_xlsx
from .test_import_cases import case_row, file_with, run

ROOT = Path(__file__).resolve().parents[3]
UPDATED_AT = datetime.datetime(2024, 6, 1, 8, 30, 15, 123456, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setattr(service, "BATCH", 10)


def ledger() -> str:
    """Every petition case as serialized rows, and their history (the log's entries about records;
    the entry saying who tried the import stays, as it should)."""
    cases = serializers.serialize("json", PetitionCase.objects.order_by("pk"))
    history = AuditEntry.objects.filter(action__in=AuditEntry.RECORD_ACTIONS).order_by("pk")
    trail = list(history.values_list("pk", "object_id", "action", "changes"))
    return cases + json.dumps(trail, ensure_ascii=False)


def numbered(start: int, count: int) -> list[list]:
    rows = []
    for i in range(start, start + count):
        row = case_row(i % 100)
        row[0] = f"B-{i:04d}"
        rows.append(row)
    return rows


@pytest.fixture
def twenty_cases(bureau):
    """Twenty cases imported a day ago (their updated_at is then clearly not the next import's)."""
    assert run(file_with(numbered(0, 20))).ok
    PetitionCase.objects.update(updated_at=UPDATED_AT)
    AuditEntry.objects.update(at=datetime.datetime(2024, 6, 1, 8, 30, 15, tzinfo=datetime.UTC))
    ImportedRows.objects.update(at=datetime.datetime(2024, 6, 1, 8, 30, 15, tzinfo=datetime.UTC))
    ImportLog.objects.update(created_at=datetime.datetime(2024, 6, 1, 8, 30, tzinfo=datetime.UTC))


def changed(rows: list[list]) -> list[list]:
    for row in rows:
        row[19] = "不满意"  # 满意度评价
        row[17] = "否"  # 一次性化解
    return rows


# All or nothing, batch by batch ----------------------------------------------------------------


def test_an_error_in_the_last_batch_leaves_the_ledger_exactly_as_before(twenty_cases):
    before = ledger()
    rows = changed(numbered(0, 20)) + numbered(20, 20)  # 20 updates, then 20 new cases …
    rows[-1][1] = "2024-02-30"  # … the last of which is wrong: batches 1–3 are written first

    result = run(file_with(rows))

    assert [str(e) for e in result.errors] == ["第 43 行 · 登记日期 · 不存在的日期：2024-02-30"]
    assert result.taken_back == 30 and not result.written
    assert "未写入任何数据" in result.summary()
    assert ledger() == before
    assert set(PetitionCase.objects.values_list("updated_at", flat=True)) == {UPDATED_AT}  # to the microsecond
    assert not ImportBackup.objects.exists()
    log = ImportLog.objects.latest("id")
    assert (log.outcome, log.created, log.updated, log.errors) == (ImportLog.Outcome.REJECTED, 0, 0, 1)
    assert "不存在的日期" in log.message


def test_a_database_error_after_some_batches_takes_them_back(twenty_cases, monkeypatch):
    before = ledger()
    real = service.audit_rows
    calls = []

    def fails_on_the_third_batch(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise DatabaseError("disk I/O error")
        real(**kwargs)

    monkeypatch.setattr(service, "audit_rows", fails_on_the_third_batch)

    result = run(file_with(changed(numbered(0, 20)) + numbered(20, 20)))

    assert result.file_error == "写入数据库时出错，全部数据均未导入：disk I/O error"
    assert ledger() == before
    assert ImportLog.objects.latest("id").outcome == ImportLog.Outcome.REJECTED


def test_persons_of_updated_records_are_put_back(bureau):
    headers = ["发生日期", "地点", "违法行为", "被处理人"]

    def order_file(persons: list[str], bad_last=False):
        rows = [[f"2024-03-{i + 1:02d}", "县信访局", "滞留", p] for i, p in enumerate(persons)]
        if bad_last:
            rows.append(["2024-03-30", "县信访局", "滞留", "赵六（没收）"])
        return io.BytesIO(make_xlsx([headers, *rows]))

    first = service.import_ledger(
        kind="order", file=order_file(["张三（警告）、李四（罚款）"] * 15), file_name="a.xlsx", dry_run=False
    )
    assert first.ok
    persons = sorted(OrderPerson.objects.values_list("case_id", "name", "measure", "id_number"))
    cases = serializers.serialize("json", OrderCase.objects.order_by("pk"))

    again = service.import_ledger(
        kind="order", file=order_file(["王五（行政拘留）"] * 15, bad_last=True), file_name="b.xlsx", dry_run=False
    )

    assert again.taken_back == 10 and not again.ok  # the first batch; the second has the error
    assert sorted(OrderPerson.objects.values_list("case_id", "name", "measure", "id_number")) == persons
    assert serializers.serialize("json", OrderCase.objects.order_by("pk")) == cases


def test_a_good_import_keeps_no_backups_and_logs_its_counts(twenty_cases):
    result = run(file_with(changed(numbered(0, 20)) + numbered(20, 5)))

    assert result.ok and result.written
    log = ImportLog.objects.get(pk=result.log_id)
    assert (log.outcome, log.rows, log.created, log.updated) == (ImportLog.Outcome.IMPORTED, 25, 5, 20)
    # An entry per updated row (old → new); the five new rows are named by one batch, Excel rows 24–28.
    assert AuditEntry.objects.filter(import_log=log).count() == 20
    new = sorted(PetitionCase.objects.filter(number__in=[f"B-{i:04d}" for i in range(20, 25)]).values_list("pk"))
    assert list(ImportedRows.objects.filter(import_log=log).values_list("runs", flat=True)) == [[[new[0][0], 24, 5]]]
    assert not ImportBackup.objects.exists()


# The log first ---------------------------------------------------------------------------------


def test_the_log_says_running_while_the_import_runs_with_the_rows_written_so_far(bureau):
    seen = []

    def progress(rows, fraction):
        log = ImportLog.objects.get()
        named = sum(len(batch.ids()) for batch in ImportedRows.objects.filter(import_log=log))
        seen.append((rows, log.outcome, log.created, named))

    result = run(file_with(numbered(0, 25)), progress=progress)

    assert result.ok
    running = ImportLog.Outcome.RUNNING
    assert seen[:3] == [(10, running, 10, 10), (20, running, 20, 20), (25, running, 25, 25)]
    assert ImportLog.objects.get().outcome == ImportLog.Outcome.IMPORTED


def test_a_preview_writes_its_log_at_the_end_and_nothing_else(bureau):
    def progress(rows, fraction):
        assert not ImportLog.objects.exists()

    result = run(file_with(numbered(0, 25)), dry_run=True, progress=progress)

    assert result.ok and result.log_id is None
    assert ImportLog.objects.get().outcome == ImportLog.Outcome.PREVIEWED
    assert not PetitionCase.objects.exists()
    assert list(AuditEntry.objects.values_list("action", "object_id")) == [("import", ImportLog.objects.get().pk)]


# An interrupted import, undone ---------------------------------------------------------------


def interrupted_import(rows: list[list], after_rows: int) -> ImportLog:
    """An import stopped as a killed process would stop it: after `after_rows` rows, nothing more."""

    def progress(done, fraction):
        if done >= after_rows:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(file_with(rows), progress=progress)
    return ImportLog.objects.latest("id")


def test_an_interrupted_import_leaves_its_log_running_with_what_it_wrote(twenty_cases):
    log = interrupted_import(changed(numbered(0, 20)) + numbered(20, 20), after_rows=30)

    assert (log.outcome, log.rows, log.created, log.updated) == (ImportLog.Outcome.RUNNING, 30, 10, 20)
    assert f"--undo {log.pk}" in log.message
    assert AuditEntry.objects.filter(import_log=log).count() == 20  # the updates
    assert sum(len(batch.ids()) for batch in ImportedRows.objects.filter(import_log=log)) == 10  # the new rows
    assert ImportBackup.objects.filter(import_log=log).count() == 20
    assert PetitionCase.objects.count() == 30


def test_undo_takes_back_an_interrupted_import(twenty_cases):
    before = ledger()
    log = interrupted_import(changed(numbered(0, 20)) + numbered(20, 20), after_rows=30)
    out = io.StringIO()

    call_command("import_ledger", "--undo", str(log.pk), "--force", stdout=out)

    assert out.getvalue().strip() == f"已撤销导入记录 {log.pk}：删除其新增的 10 条，恢复其修改的 20 条"
    assert ledger() == before
    log.refresh_from_db()
    assert (log.outcome, log.created, log.updated) == (ImportLog.Outcome.UNDONE, 0, 0)
    assert not ImportBackup.objects.exists()


def test_undo_leaves_rows_someone_changed_since_and_names_them(twenty_cases, alice):
    log = interrupted_import(changed(numbered(0, 20)) + numbered(20, 20), after_rows=30)
    touched = PetitionCase.objects.get(number="B-0025")  # created by the import, then corrected by a clerk
    touched.summary = "补充材料"
    touched.save()
    log_action(touched, user=alice, action="update", changes={"summary": ["", "补充材料"]})

    done = service.import_undo(log=log, force=True)

    assert (done.deleted, done.restored, done.kept) == (9, 20, [str(touched)])
    # The kept row is still named by the import's batch, so its history still says where it came from.
    assert [batch.ids() for batch in ImportedRows.objects.filter(import_log=log)] == [[touched.pk]]
    assert list(PetitionCase.objects.filter(number__gte="B-0020").values_list("number", flat=True)) == ["B-0025"]
    assert "1 条在导入后已被他人修改，未撤销" in ImportLog.objects.get(pk=log.pk).message


def test_undo_refuses_an_import_that_may_still_be_running(twenty_cases):
    log = interrupted_import(numbered(20, 20), after_rows=10)

    with pytest.raises(CommandError, match="分钟内仍有写入，导入可能尚未结束"):
        call_command("import_ledger", "--undo", str(log.pk))

    assert PetitionCase.objects.count() == 30


def test_undo_refuses_a_complete_import(twenty_cases):
    log = ImportLog.objects.get()

    with pytest.raises(CommandError, match="结果为“已导入”，只能撤销“进行中（未完成）”的导入"):
        call_command("import_ledger", "--undo", str(log.pk), "--force")

    assert PetitionCase.objects.count() == 20


# The rest of the site while an import runs ---------------------------------------------------


def test_a_login_succeeds_while_a_long_import_is_running(tmp_path):
    """On a SQLite file database with a 1 s busy timeout, batches of 100 rows: the old importer
    held the write lock for the whole file, and the login failed with "database is locked"."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SQLITE_TEST_NAME")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'concurrent.sqlite3'}", SQLITE_TIMEOUT="1")
    done = subprocess.run(
        [sys.executable, "-m", "tests.cases.ledgers.concurrent_login", "3000", "100"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])

    assert summary["login_status"] == 302, done.stderr[-3000:]
    assert summary["import_still_running"] is True
    assert summary["log_while_running"] == "running"
    assert (summary["import_ok"], summary["cases"], summary["log_after"]) == (True, 3000, "imported")
