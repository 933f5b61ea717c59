"""The hostile-input catalogue, continued (issue 15): workbooks that inflate in memory, and backups
that are damaged, forged, foreign or from a newer version. Each gets a clear Chinese message and
leaves the database exactly as it was: for a restore, every row of every table (an SQL dump of
the whole database), not only the ledgers."""

import hashlib
import io
import sqlite3

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from cases.ledgers.service import import_ledger
from cases.models import PetitionCase
from tests.cases.ledgers.test_shared_strings import ledger
from tests.cases.test_backup import make_records, manifest_of, resign, write_manifest

from .test_catalogue import state

pytestmark = pytest.mark.django_db(transaction=True)


def whole_database() -> str:
    """Every row of every table (on SQLite also the schema; the search index's virtual table is
    seen through its shadow tables, as it cannot be scanned itself)."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        virtual = set()
        if connection.vendor == "sqlite":
            cursor.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
            for kind, name, sql in cursor.fetchall():
                digest.update(f"{kind} {name} {sql}\n".encode())
                if (sql or "").upper().startswith("CREATE VIRTUAL TABLE"):
                    virtual.add(name)
        for table in sorted(set(connection.introspection.table_names(cursor)) - virtual):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            digest.update(f"{table}\n{cursor.fetchall()!r}\n".encode())
    return digest.hexdigest()


sqlite_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="checks of a SQLite backup's contents (PostgreSQL: docs/deploy.md)",
)


@pytest.fixture
def backup(bureau, unit, tmp_path):
    """A backup of 5 cases, and a database changed since (one case fewer), so a restore would show."""
    make_records(bureau, unit, n=5)
    path = tmp_path / "wenxian.backup"
    call_command("backup_data", "--output", str(path))
    PetitionCase.objects.filter(number="B-000").delete()
    return path


def edit_sqlite(path, *statements):
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def refused(path, message, *options):
    before = whole_database()
    with pytest.raises(CommandError, match=message) as raised:
        call_command("restore_data", str(path), "--yes", *options)
    assert whole_database() == before
    assert PetitionCase.objects.count() == 4
    return str(raised.value)


# The backup file and its manifest ------------------------------------------------------------


def test_a_missing_backup_file(backup):
    refused(backup.with_name("no-such.backup"), "找不到备份文件：.*no-such.backup。未做任何恢复")


def test_a_missing_manifest(backup):
    (backup.parent / f"{backup.name}.manifest.json").unlink()
    refused(backup, "找不到备份的校验清单：.*manifest.json（应与备份文件放在同一目录）")


@pytest.mark.parametrize("text", ["", "not json {", "[1, 2]", '"a string"'])
def test_a_manifest_that_is_not_json_or_not_an_object(backup, text):
    (backup.parent / f"{backup.name}.manifest.json").write_text(text, encoding="utf-8")
    refused(backup, "备份的校验清单 .* (无法解析（不是有效的 JSON）|格式不对)")


@pytest.mark.parametrize(
    "change, named",
    [
        ({"sha256": None}, "sha256"),
        ({"size": "123"}, "size"),
        ({"size": True}, "size"),
        ({"engine": None}, "engine"),
        ({"sha256": "zz" * 32}, "sha256"),
    ],
)
def test_a_manifest_missing_keys(backup, change, named):
    manifest = {**manifest_of(backup), **change}
    write_manifest(backup, {k: v for k, v in manifest.items() if v is not None})
    refused(backup, f"内容不完整：缺少或无法识别 {named}")


def test_a_flipped_byte_with_a_recomputed_sha256_but_no_key(backup):
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.write_bytes(bytes(data))
    resign(backup, with_key=False)
    refused(backup, "校验清单签名不符：备份或清单被改动过，或备份来自 SECRET_KEY 不同的服务器")


def test_a_flipped_byte_without_a_new_manifest(backup):
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.write_bytes(bytes(data))
    refused(backup, "备份文件的 SHA-256 与清单不符，文件可能已损坏")


def test_an_unsigned_old_manifest_needs_allow_unsigned(backup):
    manifest = manifest_of(backup)
    del manifest["signature"], manifest["format"]
    write_manifest(backup, manifest)
    refused(backup, "校验清单没有签名（可能是旧版本生成的备份）.*可加 --allow-unsigned")


def test_a_backup_of_another_engine(backup):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    resign(backup, engine=other)
    refused(backup, f"备份来自 {other} 数据库，不能恢复到 {connection.vendor} 数据库")


# The database inside: damaged, foreign, newer -------------------------------------------------


@sqlite_only
def test_a_damaged_database_signed_with_the_key_fails_the_integrity_check(backup):
    db = sqlite3.connect(backup)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cases_petitioncase'").fetchone()[0]
    db.close()
    data = bytearray(backup.read_bytes())
    data[(root - 1) * page_size] = 0x00  # the b-tree page's type byte: no such page type
    backup.write_bytes(bytes(data))
    resign(backup)
    refused(backup, "备份文件已损坏或不是 SQLite 数据库（database disk image is malformed）。未做任何恢复")


@sqlite_only
def test_a_database_whose_indexes_disagree_with_its_rows_fails_the_integrity_check(backup):
    db = sqlite3.connect(backup)
    (a, root_a), (b, root_b) = db.execute(
        "SELECT name, rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases_petitioncase'"
        " AND sql IS NOT NULL ORDER BY name LIMIT 2"
    ).fetchall()
    db.execute("PRAGMA writable_schema = ON")
    db.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = ?", (root_b, a))
    db.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = ?", (root_a, b))
    db.commit()
    db.close()
    resign(backup)
    refused(backup, "备份文件已损坏（SQLite 完整性检查未通过：row 1 missing from index")


@sqlite_only
def test_a_file_that_is_not_sqlite(backup):
    backup.write_bytes(b"SQLite format 3\0" + b"\x07" * 8192)
    resign(backup)
    refused(backup, "备份文件已损坏或不是 SQLite 数据库")


@sqlite_only
def test_an_unrelated_one_table_sqlite_file(backup):
    backup.unlink()
    edit_sqlite(backup, "CREATE TABLE notes (text TEXT)", "INSERT INTO notes VALUES ('hello')")
    resign(backup)
    refused(backup, "备份文件不是本系统的数据库（没有迁移记录表 django_migrations）")


@sqlite_only
def test_another_django_projects_database(backup):
    backup.unlink()
    edit_sqlite(
        backup,
        "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)",
        "INSERT INTO django_migrations (app, name, applied) VALUES ('contenttypes', '0001_initial', '2024-01-01')",
    )
    resign(backup)
    refused(backup, "备份文件不是本系统的数据库（没有 accounts、cases、indicators、reports 的迁移记录）")


@sqlite_only
def test_a_backup_missing_a_table_of_the_product(backup):
    edit_sqlite(backup, "DROP TABLE reports_paragraph")
    resign(backup)
    refused(backup, "备份文件不是本系统的数据库（缺少数据表 reports_paragraph，共 1 张）")


@sqlite_only
def test_a_backup_whose_migration_history_has_a_gap(backup):
    edit_sqlite(backup, "DELETE FROM django_migrations WHERE app = 'cases' AND name = '0005_case_list_order_index'")
    resign(backup)
    # The first applied migration (by name) that needs it: cases.0006, or accounts' role sync after it.
    gap = r"缺少其前置迁移 cases\.0005_case_list_order_index"
    refused(backup, r"不是本系统完整的数据库（已应用 (cases\.0006|accounts\.0004).*" + gap)


@sqlite_only
def test_a_backup_from_a_newer_version(backup):
    edit_sqlite(
        backup,
        "INSERT INTO django_migrations (app, name, applied) VALUES ('cases', '0099_from_the_future', '2030-01-01')",
    )
    resign(backup)
    refused(backup, "备份来自较新版本的系统（当前代码没有它的迁移 cases.0099_from_the_future），请先把代码升级")


# Asking for confirmation ---------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_no_terminal_and_no_yes(backup, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    before = whole_database()
    message = "没有可以确认的终端（标准输入不是终端），数据库未做任何改动。确认要恢复时请加 --yes"
    with pytest.raises(CommandError, match=message):
        call_command("restore_data", str(backup))
    assert whole_database() == before


def test_end_of_input_at_the_question(backup, monkeypatch):
    monkeypatch.setattr("sys.stdin", Terminal(""))
    before = whole_database()
    with pytest.raises(CommandError, match="未得到确认，已取消，数据库未做任何改动"):
        call_command("restore_data", str(backup))
    assert whole_database() == before


def test_a_bad_manifest_is_refused_before_the_question(backup, monkeypatch):
    (backup.parent / f"{backup.name}.manifest.json").write_text("{", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="无法解析"):
        call_command("restore_data", str(backup))


# Workbooks that inflate in memory --------------------------------------------------------------


def test_a_workbook_with_too_many_shared_strings(bureau, settings):
    settings.LEDGER_IMPORT_MAX_SHARED_STRINGS = 50
    before = state()
    result = import_ledger(kind="screenings", file=io.BytesIO(ledger(100)), file_name="台账.xlsx", dry_run=False)
    assert result.file_error.startswith("文件中不同文字内容的条数超过 50 条的导入上限，请拆分后分批导入。")
    assert state() == before


def test_a_workbook_with_padded_shared_strings(bureau, settings):
    settings.LEDGER_IMPORT_MAX_SHARED_CHARS = 50_000
    before = state()
    data = ledger(30, description="　" * 2000)  # 60,000 characters of padding, 30 strings
    result = import_ledger(kind="screenings", file=io.BytesIO(data), file_name="台账.xlsx", dry_run=False)
    assert result.file_error.startswith("文件中的文字总量超过 50,000 字的导入上限，请拆分后分批导入。")
    assert state() == before
