"""A backup restores to the very same records, and so to the very same indicators; backups are
private, signed, and restored only whole and checked."""

import datetime
import hashlib
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from cases.backup import BackupError, sign_manifest, swap_sqlite_file
from cases.models import DisputeScreening, PetitionCase
from indicators.compute import compute
from indicators.registry import Period

pytestmark = pytest.mark.django_db(transaction=True)


def figures(bureau):
    return {k: f.as_json() for k, f in compute(bureau.pk, Period.year(2024)).items()}


def make_records(bureau, unit, n=30):
    for i in range(n):
        received = datetime.date(2024, 1, 1) + datetime.timedelta(days=i * 11)
        PetitionCase.objects.create(
            bureau=bureau,
            number=f"B-{i:03}",
            received_on=received,
            channel="visit",
            petitioner_name="张三",
            category="claim",
            accepted_on=received + datetime.timedelta(days=3),
            closed_on=received + datetime.timedelta(days=30) if i % 3 else None,
            resolved_first_time=bool(i % 3) and i % 5 != 0,
        )
        DisputeScreening.objects.create(
            bureau=bureau,
            unit=unit,
            found_on=received,
            kind="邻里",
            status="resolved" if i % 2 else "in_progress",
        )


def manifest_of(path):
    return json.loads((path.parent / f"{path.name}.manifest.json").read_text(encoding="utf-8"))


def write_manifest(path, manifest):
    (path.parent / f"{path.name}.manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def resign(path, *, with_key=True, **changes):
    """Recompute the manifest's size and SHA-256 for the file as it now is: with the server's key
    (a backup damaged before it was hashed, or forged by someone holding SECRET_KEY) or without it
    (an attacker who can write the backup folder but does not know SECRET_KEY)."""
    data = path.read_bytes()
    manifest = {**manifest_of(path), "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), **changes}
    write_manifest(path, sign_manifest(manifest) if with_key else manifest)


sqlite_only = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="edits or serves a SQLite backup file",
)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_restore_gives_back_identical_indicators(bureau, unit, tmp_path):
    make_records(bureau, unit)
    before = figures(bureau)
    path = tmp_path / "b.backup"
    call_command("backup_data", "--output", str(path))
    manifest = json.loads((tmp_path / "b.backup.manifest.json").read_text())
    assert manifest["size"] == path.stat().st_size and len(manifest["sha256"]) == 64

    PetitionCase.objects.filter(number__in=["B-001", "B-002"]).delete()
    DisputeScreening.objects.filter(status="resolved").update(status="unresolved")
    assert figures(bureau) != before

    call_command("restore_data", str(path), "--yes")
    assert PetitionCase.objects.count() == 30
    assert figures(bureau) == before
    assert before["disputes_screened"] == 30 and before["disputes_resolved"] == 15


def test_a_damaged_backup_is_refused_and_nothing_changes(bureau, unit, tmp_path):
    make_records(bureau, unit, n=5)
    path = tmp_path / "b.backup"
    call_command("backup_data", "--output", str(path))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    PetitionCase.objects.filter(number="B-000").delete()
    with pytest.raises(CommandError, match="SHA-256 与清单不符"):
        call_command("restore_data", str(path), "--yes")
    assert PetitionCase.objects.count() == 4


def test_backups_and_manifests_are_private_and_a_new_folder_too(bureau, tmp_path):
    new_folder = tmp_path / "new" / "backups"
    call_command("backup_data", "--output", str(new_folder / "a.backup"))
    assert mode(new_folder) == 0o700
    assert mode(new_folder / "a.backup") == 0o600 and mode(new_folder / "a.backup.manifest.json") == 0o600
    assert sorted(p.name for p in new_folder.iterdir()) == ["a.backup", "a.backup.manifest.json"]  # no temporaries

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    call_command("backup_data", "--output", str(shared / "b.backup"))
    assert mode(shared) == 0o755  # an existing folder is left as it is
    assert mode(shared / "b.backup") == 0o600 and mode(shared / "b.backup.manifest.json") == 0o600


def test_the_manifest_is_signed_with_the_secret_key(bureau, unit, tmp_path, settings):
    make_records(bureau, unit, n=3)
    path = tmp_path / "b.backup"
    call_command("backup_data", "--output", str(path))
    manifest = manifest_of(path)
    assert manifest["format"] == 2 and len(manifest["signature"]) == 64
    assert sign_manifest(manifest) == manifest
    settings.SECRET_KEY = "another-server-" + "k" * 40
    assert sign_manifest(manifest)["signature"] != manifest["signature"]


def test_a_backup_from_a_server_with_another_key(bureau, unit, tmp_path, settings):
    make_records(bureau, unit, n=3)
    path = tmp_path / "b.backup"
    ours = settings.SECRET_KEY
    settings.SECRET_KEY = "the-old-server-" + "k" * 40
    call_command("backup_data", "--output", str(path))
    settings.SECRET_KEY = ours
    PetitionCase.objects.filter(number="B-000").delete()

    with pytest.raises(CommandError, match=r"签名不符.*SECRET_KEY 不同的服务器"):
        call_command("restore_data", str(path), "--yes")
    assert PetitionCase.objects.count() == 2

    settings.SECRET_KEY_FALLBACKS = ["the-old-server-" + "k" * 40]  # the old key, kept for the restore
    out, err = io.StringIO(), io.StringIO()
    call_command("restore_data", str(path), "--yes", stdout=out, stderr=err)
    assert PetitionCase.objects.count() == 3 and err.getvalue() == ""

    settings.SECRET_KEY_FALLBACKS = []
    PetitionCase.objects.filter(number="B-000").delete()
    call_command("restore_data", str(path), "--yes", "--allow-unsigned", stdout=out, stderr=err)
    assert PetitionCase.objects.count() == 3
    assert "警告：校验清单的签名不符" in err.getvalue() and "已按 --allow-unsigned 不核对签名" in err.getvalue()


def test_an_old_unsigned_backup_restores_only_with_allow_unsigned(bureau, unit, tmp_path):
    make_records(bureau, unit, n=3)
    path = tmp_path / "b.backup"
    call_command("backup_data", "--output", str(path))
    manifest = manifest_of(path)
    write_manifest(path, {k: manifest[k] for k in ("engine", "created_at", "file", "size", "sha256")})
    PetitionCase.objects.filter(number="B-000").delete()
    with pytest.raises(CommandError, match="没有签名"):
        call_command("restore_data", str(path), "--yes")
    err = io.StringIO()
    call_command("restore_data", str(path), "--yes", "--allow-unsigned", stdout=io.StringIO(), stderr=err)
    assert PetitionCase.objects.count() == 3
    assert err.getvalue().startswith("警告：校验清单没有签名，已按 --allow-unsigned 不核对签名")


@pytest.fixture
def restore_migration_rows():
    """Put back the django_migrations rows an older backup's restore removed from the test database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name, applied FROM django_migrations")
        rows = cursor.fetchall()
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations")
        cursor.executemany("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)", rows)


@sqlite_only
def test_an_older_backup_is_restored_and_migrate_is_advised(bureau, unit, tmp_path, restore_migration_rows):
    make_records(bureau, unit, n=3)
    path = tmp_path / "b.backup"
    call_command("backup_data", "--output", str(path))
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = loader.graph
    # The backup as it was before the last migration of our apps that no other builds on: its row
    # gone, and any table that migration dropped back (empty).
    app, latest = next(
        node for node in graph.leaf_nodes() if node[0] in ("cases", "reports") and not graph.node_map[node].children
    )
    earlier = [n for n in graph.leaf_nodes() if n != (app, latest)] + [
        p.key for p in graph.node_map[(app, latest)].parents
    ]
    before = {m.options.get("db_table") or f"{a}_{n}" for (a, n), m in loader.project_state(earlier).models.items()}
    after = {m.options.get("db_table") or f"{a}_{n}" for (a, n), m in loader.project_state().models.items()}
    db = sqlite3.connect(path)
    db.execute("DELETE FROM django_migrations WHERE app = ? AND name = ?", [app, latest])
    for table in before - after:
        db.execute(f'CREATE TABLE "{table}" (id integer PRIMARY KEY)')
    db.commit()
    db.close()
    resign(path)
    PetitionCase.objects.filter(number="B-000").delete()
    out = io.StringIO()
    call_command("restore_data", str(path), "--yes", stdout=out)
    assert PetitionCase.objects.count() == 3
    assert f"备份的数据结构早于当前代码（还差 1 个迁移，如 {app}.{latest}）" in out.getvalue()
    assert "请先运行 manage.py migrate，再启动应用服务" in out.getvalue()


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("answer, restored", [("yes\n", True), ("no\n", False)])
def test_the_question_on_a_terminal(bureau, unit, tmp_path, monkeypatch, answer, restored):
    make_records(bureau, unit, n=3)
    path = tmp_path / "b.backup"
    call_command("backup_data", "--output", str(path))
    PetitionCase.objects.filter(number="B-000").delete()
    monkeypatch.setattr("sys.stdin", Terminal(answer))
    if restored:
        call_command("restore_data", str(path), stdout=io.StringIO())
    else:
        with pytest.raises(CommandError, match="已取消，数据库未做任何改动"):
            call_command("restore_data", str(path), stdout=io.StringIO())
    assert PetitionCase.objects.count() == (3 if restored else 2)


def test_the_swap_leaves_nothing_of_the_old_database(tmp_path):
    """A live database in WAL mode with a stale WAL (a process that died) and a mode of its own."""
    live = tmp_path / "db.sqlite3"
    db = sqlite3.connect(live)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE t (v TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [("old",)] * 100)
    db.commit()
    stale_wal = (tmp_path / "db.sqlite3-wal").read_bytes()
    db.close()
    (tmp_path / "db.sqlite3-wal").write_bytes(stale_wal)
    (tmp_path / "db.sqlite3-journal").write_bytes(b"stale")
    live.chmod(0o640)

    verified = tmp_path / ".db.sqlite3.restore.tmp"
    db = sqlite3.connect(verified)
    db.execute("CREATE TABLE t (v TEXT)")
    db.execute("INSERT INTO t VALUES ('new')")
    db.commit()
    db.close()
    verified.chmod(0o600)

    swap_sqlite_file(verified, live)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.sqlite3"]
    assert mode(live) == 0o640
    db = sqlite3.connect(live)
    assert db.execute("SELECT v FROM t").fetchall() == [("new",)]
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()


@sqlite_only
def test_a_database_in_use_is_not_swapped(tmp_path, monkeypatch):
    monkeypatch.setattr("cases.backup.CHECKPOINT_TIMEOUT", 0.1)
    live = tmp_path / "db.sqlite3"
    db = sqlite3.connect(live, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (v TEXT)")
    db.execute("INSERT INTO t VALUES ('old')")
    reader = sqlite3.connect(live, isolation_level=None)  # a worker still serving a request
    reader.execute("BEGIN")
    reader.execute("SELECT * FROM t").fetchall()
    db.execute("INSERT INTO t VALUES ('newer')")
    verified = tmp_path / "verified.sqlite3"
    sqlite3.connect(verified).close()
    with pytest.raises(BackupError, match="数据库正被其他进程使用（应用服务未停止？），请先停止应用服务再恢复"):
        swap_sqlite_file(verified, live)
    assert db.execute("SELECT v FROM t").fetchall() == [("old",), ("newer",)]
    assert verified.exists()
    reader.close()
    db.close()


@sqlite_only
def test_restoring_a_file_database_through_the_command(bureau, unit, tmp_path):
    """The way production runs it: a database file, replaced only once the backup passed its checks."""
    make_records(bureau, unit, n=5)
    path = tmp_path / "b.backup"
    call_command("backup_data", "--output", str(path))
    live = tmp_path / "live.sqlite3"
    live.write_bytes(path.read_bytes())
    db = sqlite3.connect(live)
    db.execute("DELETE FROM cases_petitioncase WHERE number = 'B-000'")
    db.commit()
    db.close()
    live.chmod(0o640)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{live}",
        "SECRET_KEY": django_settings.SECRET_KEY,
        "DEBUG": "true",
    }

    def restore(backup):
        command = [sys.executable, "manage.py", "restore_data", str(backup), "--yes"]
        return subprocess.run(
            command, cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
        )

    damaged = tmp_path / "damaged.backup"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    write_manifest(damaged, manifest_of(path))
    before = live.read_bytes()
    result = restore(damaged)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "CommandError: 备份文件的 SHA-256 与清单不符" in result.stderr
    assert live.read_bytes() == before

    result = restore(path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"已从 {path} 恢复")
    db = sqlite3.connect(live)
    assert db.execute("SELECT count(*) FROM cases_petitioncase").fetchone() == (5,)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    assert mode(live) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("live", ".live"))) == ["live.sqlite3"]
