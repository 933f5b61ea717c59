"""Consistent backups while clerks keep working, and a restore that trusts nothing it is given.

SQLite: the online backup API copies a snapshot page by page; writers in WAL mode carry on, and
pages changed during the copy are copied again, so the file is one consistent state.
PostgreSQL: pg_dump reads in one repeatable-read transaction (a consistent snapshot) without
blocking writers; pg_restore --clean --single-transaction puts it back, or nothing.

Each backup has a manifest beside it (engine, time, size, SHA-256), signed with an HMAC keyed from
SECRET_KEY, which the backup does not contain: whoever alters a backup can recompute its SHA-256
but not the signature. Backup files and manifests are created 0600, a backup folder this code
creates 0700 (an existing folder is left as it is: it may be shared or mounted).

A SQLite restore never touches the live database until the backup has passed every check: it is
copied beside the live file (hashing the very bytes copied), checked there (`PRAGMA
integrity_check`, then `schema_check()`), and only then moved over the live file in one rename.

Attachments (cases.Attachment's files, in their own storage) go into a tar archive beside the
backup, FILE.attachments.tar, listed after the database is copied (a file is stored before its
row, so every row of the copy finds its file). The archive's size and SHA-256 are in the signed
manifest, and it holds an index of each file's SHA-256: a restore checks the archive and every
file in it before the database is touched, then writes the files back through the storage and
checks them against the restored rows' own SHA-256.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import os
import posixpath
import re
import shutil
import sqlite3
import stat
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils.crypto import constant_time_compare, salted_hmac

MANIFEST_SUFFIX = ".manifest.json"
# The apps every backup of this product has migrations of; an app added later (notices) is simply
# not migrated yet in an older backup, which restores and then needs `migrate`.
FOUNDING_APPS = {"accounts", "cases", "indicators", "reports"}
ATTACHMENTS_SUFFIX = ".attachments.tar"
ATTACHMENTS_INDEX = "index.json"  # the archive's last member: stored name → size, SHA-256
MANIFEST_FORMAT = 2  # 1: unsigned (before issue 15); 2: with "signature"
SIGNATURE_SALT = "wenxian.cases.backup.manifest"
REQUIRED = {"engine": str, "created_at": str, "size": int, "sha256": str}
NOTHING_DONE = "未做任何恢复。"
MANIFEST_MAX_BYTES = 64 * 1024  # a manifest is a few hundred bytes
CHECKPOINT_TIMEOUT = 5.0  # seconds a restore waits for the live database to be free


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why, in Chinese."""


@dataclass
class Restored:
    manifest: dict
    warnings: list[str] = field(default_factory=list)
    pending_migrations: list[str] = field(default_factory=list)  # the backup's schema is older
    attachments: int = 0  # files written back


def manifest_path_of(path: Path) -> Path:
    return Path(f"{path}{MANIFEST_SUFFIX}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _signature(fields: dict, secret: str) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return salted_hmac(SIGNATURE_SALT, canonical, secret=secret, algorithm="sha256").hexdigest()


def sign_manifest(fields: dict) -> dict:
    """`fields` with their signature under SECRET_KEY."""
    fields = {k: v for k, v in fields.items() if k != "signature"}
    return {**fields, "signature": _signature(fields, settings.SECRET_KEY)}


def _signed_by_us(fields: dict, signature: str) -> bool:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(_signature(fields, key), signature) for key in keys)


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def _pg_env(alias: str) -> tuple[list[str], dict[str, str]]:
    s = connections[alias].settings_dict
    args = ["-h", s.get("HOST") or "localhost", "-p", str(s.get("PORT") or 5432), "-U", s.get("USER") or "postgres"]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    if candidates:
        return str(candidates[0])
    if found:
        return found
    raise BackupError(f"找不到 {name}，请安装 postgresql-client。")


def _private_temp(directory: Path, name: str) -> Path:
    """An empty file beside `name` in `directory`, readable by its owner only (mkstemp: 0600)."""
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    os.close(fd)
    return Path(temp)


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_create(*, path: Path, alias: str = "default") -> dict:
    """Write a backup of the database to `path` and its signed manifest beside it, both 0600.

    Both are written to a temporary file first and renamed into place, so an interrupted backup
    leaves any earlier file of the same name as it was.
    """
    path = Path(path)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        path.parent.chmod(0o700)  # mkdir's mode passes through the umask
    vendor = _vendor(alias)
    connection = connections[alias]
    temp = _private_temp(path.parent, path.name)
    try:
        if vendor == "sqlite":
            connection.ensure_connection()
            destination = sqlite3.connect(temp)
            try:
                connection.connection.backup(destination, pages=1024)
            finally:
                destination.close()
        elif vendor == "postgresql":
            args, env = _pg_env(alias)
            name = connection.settings_dict["NAME"]
            command = [_pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(temp), name]
            result = subprocess.run(command, env=env, capture_output=True, text=True)
            if result.returncode:
                raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
        else:
            raise BackupError(f"不支持的数据库：{vendor}")
        temp.chmod(0o600)
        _fsync(temp)
        fields = {
            "format": MANIFEST_FORMAT,
            "engine": vendor,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "file": path.name,
            "size": temp.stat().st_size,
            "sha256": _sha256(temp),
        }
        archive_path = attachments_path_of(path)
        archive_temp = _private_temp(path.parent, archive_path.name)
        try:
            count = _write_attachments(archive_temp)
            if count:
                fields["attachments"] = {
                    "file": archive_path.name,
                    "count": count,
                    "size": archive_temp.stat().st_size,
                    "sha256": _sha256(archive_temp),
                }
            manifest = sign_manifest(fields)
            manifest_temp = _private_temp(path.parent, manifest_path_of(path).name)
            try:
                manifest_temp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
                os.replace(temp, path)
                if count:
                    os.replace(archive_temp, archive_path)
                else:
                    archive_path.unlink(missing_ok=True)  # an earlier backup's of the same name
                os.replace(manifest_temp, manifest_path_of(path))
            finally:
                manifest_temp.unlink(missing_ok=True)
        finally:
            archive_temp.unlink(missing_ok=True)
    finally:
        _remove_sqlite_files(temp)
    return manifest


# ---------------------------------------------------------------- attachments' files


def attachments_path_of(path: Path) -> Path:
    return Path(f"{path}{ATTACHMENTS_SUFFIX}")


def _attachment_storage():
    from cases.attachments.storage import attachment_storage

    return attachment_storage()


def _stored_names(storage, folder: str = "") -> list[str]:
    """Every file in the attachments' storage (an absent folder holds none)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [posixpath.join(folder, name) if folder else name for name in files]
    for sub in folders:
        names += _stored_names(storage, posixpath.join(folder, sub) if folder else sub)
    return sorted(names)


def _write_attachments(target: Path) -> int:
    """Write every stored attachment into the tar archive `target`, with its index; the count."""
    storage = _attachment_storage()
    names = _stored_names(storage)
    if not names:
        return 0
    index = {}
    with tarfile.open(target, "w") as archive:
        for name in names:
            with storage.open(name, "rb") as source, tempfile.TemporaryFile() as spool:
                digest, size = hashlib.sha256(), 0
                for block in iter(lambda: source.read(1 << 20), b""):
                    digest.update(block)
                    size += len(block)
                    spool.write(block)
                spool.seek(0)
                info = tarfile.TarInfo(f"files/{name}")
                info.size, info.mode = size, 0o600
                archive.addfile(info, spool)
            index[name] = {"size": size, "sha256": digest.hexdigest()}
        data = json.dumps(index, ensure_ascii=False, sort_keys=True).encode()
        info = tarfile.TarInfo(ATTACHMENTS_INDEX)
        info.size, info.mode = len(data), 0o600
        archive.addfile(info, io.BytesIO(data))
    target.chmod(0o600)
    _fsync(target)
    return len(index)


def _attachments_error(problem: str) -> BackupError:
    return BackupError(f"附件备份 {problem}。{NOTHING_DONE}")


def _safe_name(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and all(part not in ("", ".", "..") for part in parts)


def check_attachments(path: Path, manifest: dict) -> Path | None:
    """The attachments' archive beside the backup at `path`, once the archive matches the signed
    manifest and every file in it matches the archive's index; None if the backup has none."""
    listed = manifest.get("attachments")
    if listed is None:
        return None
    if not (
        isinstance(listed, dict)
        and isinstance(listed.get("file"), str)
        and "/" not in listed["file"]
        and listed["file"] not in ("", ".", "..")
        and isinstance(listed.get("size"), int)
        and isinstance(listed.get("sha256"), str)
    ):
        raise _attachments_error("在校验清单中的记录格式不对")
    archive_path = Path(path).parent / listed["file"]
    if not archive_path.is_file():
        raise _attachments_error(f"文件 {archive_path} 找不到（应与备份文件放在同一目录）")
    if archive_path.stat().st_size != listed["size"] or _sha256(archive_path) != listed["sha256"]:
        raise _attachments_error("文件的 SHA-256 与清单不符，文件可能已损坏")
    try:
        with tarfile.open(archive_path, "r:") as archive:
            index = _read_index(archive)
            seen = set()
            for member in archive:
                if member.name == ATTACHMENTS_INDEX:
                    continue
                name = member.name.removeprefix("files/")
                if not member.isreg() or not member.name.startswith("files/") or name not in index:
                    raise _attachments_error(f"中有不应有的内容（{member.name[:100]}）")
                digest = hashlib.sha256()
                with archive.extractfile(member) as stream:
                    for block in iter(lambda: stream.read(1 << 20), b""):
                        digest.update(block)
                if digest.hexdigest() != index[name]["sha256"] or member.size != index[name]["size"]:
                    raise _attachments_error(f"中的文件 {name} 校验值不符，文件可能已损坏")
                seen.add(name)
            if seen != set(index):
                raise _attachments_error("缺少索引中列出的文件")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _attachments_error(f"无法读取（{exc}）") from None
    return archive_path


def _read_index(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(ATTACHMENTS_INDEX)
        with archive.extractfile(member) as stream:
            index = json.loads(stream.read(MANIFEST_MAX_BYTES * 1024))
    except (KeyError, ValueError, AttributeError):
        raise _attachments_error("的索引缺失或无法解析") from None
    if not isinstance(index, dict) or not all(
        _safe_name(k) and isinstance(v, dict) and isinstance(v.get("sha256"), str) and isinstance(v.get("size"), int)
        for k, v in index.items()
    ):
        raise _attachments_error("的索引格式不对")
    return index


def restore_attachments(archive_path: Path, *, compare: bool = True) -> tuple[int, list[str]]:
    """Write the checked archive's files back into the attachments' storage (replacing files of the
    same name) and, with `compare`, compare them with the restored database's rows: (files
    written, warnings)."""
    from django_scopes import scopes_disabled

    from cases.models import Attachment

    storage = _attachment_storage()
    written = 0
    with tarfile.open(archive_path, "r:") as archive:
        index = _read_index(archive)
        for member in archive:
            if member.name == ATTACHMENTS_INDEX:
                continue
            name = member.name.removeprefix("files/")
            if storage.exists(name):
                storage.delete(name)
            with archive.extractfile(member) as stream:
                saved = storage.save(name, File(stream, name=posixpath.basename(name)))
            if saved != name:
                raise BackupError(f"附件 {name} 写回存储时被改名为 {saved}，请检查附件存储。")
            written += 1
    warnings = []
    if not compare:
        return written, warnings
    with scopes_disabled():
        rows = Attachment._base_manager.values_list("pk", "file", "sha256")
        for pk, name, sha256 in rows:
            found = index.get(name)
            if found is None:
                if not storage.exists(name):
                    warnings.append(f"警告：附件{pk}（{name}）既不在备份中，也不在附件存储中。")
            elif found["sha256"] != sha256:
                warnings.append(f"警告：附件{pk}的文件与数据库记录的 SHA-256 不符。")
    return written, warnings


def read_manifest(path: Path, *, allow_unsigned: bool = False) -> tuple[dict, list[str]]:
    """The backup's manifest once its form and signature are checked, and any warnings.

    Without a valid signature (an old unsigned manifest, or one signed under another SECRET_KEY)
    the manifest is refused unless `allow_unsigned`; then it is used with a warning, and the
    SHA-256, integrity and schema checks of the restore still apply.
    """
    path = Path(path)
    manifest_path = manifest_path_of(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件：{path}。{NOTHING_DONE}")
    if not manifest_path.is_file():
        raise BackupError(f"找不到备份的校验清单：{manifest_path}（应与备份文件放在同一目录）。{NOTHING_DONE}")
    try:
        if manifest_path.stat().st_size > MANIFEST_MAX_BYTES:
            raise ValueError("too large")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        raise BackupError(f"备份的校验清单 {manifest_path} 无法解析（不是有效的 JSON）。{NOTHING_DONE}") from None
    if not isinstance(manifest, dict):
        raise BackupError(f"备份的校验清单 {manifest_path} 格式不对。{NOTHING_DONE}")
    bad = [
        key
        for key, kind in REQUIRED.items()
        if not isinstance(manifest.get(key), kind) or isinstance(manifest.get(key), bool)
    ]
    if not bad and not re.fullmatch(r"[0-9a-f]{64}", manifest["sha256"]):
        bad = ["sha256"]
    if bad:
        raise BackupError(f"备份的校验清单 {manifest_path} 内容不完整：缺少或无法识别 {'、'.join(bad)}。{NOTHING_DONE}")
    signature = manifest.get("signature")
    fields = {k: v for k, v in manifest.items() if k != "signature"}
    warnings = []
    if signature is None:
        if not allow_unsigned:
            raise BackupError(
                "备份的校验清单没有签名（可能是旧版本生成的备份），无法确认它出自本系统。"
                f"如确认来源可靠，可加 --allow-unsigned 恢复。{NOTHING_DONE}"
            )
        warnings.append("警告：校验清单没有签名，已按 --allow-unsigned 不核对签名；请确认备份来源可靠。")
    elif not isinstance(signature, str) or not _signed_by_us(fields, signature):
        if not allow_unsigned:
            raise BackupError(
                "备份的校验清单签名不符：备份或清单被改动过，或备份来自 SECRET_KEY 不同的服务器"
                f"（可在恢复命令的环境中使用原服务器的 SECRET_KEY）。{NOTHING_DONE}"
            )
        warnings.append(
            "警告：校验清单的签名不符（备份被改动过，或来自 SECRET_KEY 不同的服务器），"
            "已按 --allow-unsigned 不核对签名；请确认备份来源可靠。"
        )
    return manifest, warnings


def _checksum_error() -> BackupError:
    return BackupError(f"备份文件的 SHA-256 与清单不符，文件可能已损坏。{NOTHING_DONE}")


def _own_apps() -> set[str]:
    """Labels of this project's apps (not Django's, not third parties')."""
    # The project's own apps sit in the checkout; a virtualenv inside the checkout (.venv, as
    # `make` creates it) holds the third-party ones, which are not "ours".
    base = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base) and "site-packages" not in Path(config.path).parts
    }


def schema_check(tables: set[str], applied: set[tuple[str, str]] | None) -> list[str]:
    """Whether a database with these `tables` and these `applied` django_migrations rows is this
    product's, and restorable by this code: BackupError if not, else the migrations it still needs.

    * Foreign (refused): no django_migrations table; or no applied migration of one of this
      project's founding apps (accounts, cases, indicators, reports; an app added since, such
      as notices, may be missing from an older backup); or an applied migration whose
      predecessors are not applied; or a table missing that the applied migrations create (the
      models of the migration state they reach, so an older backup is judged by its own schema).
    * Newer (refused): an applied migration of an installed app that the code does not have, i.e.
      the backup was taken by a later version (its schema may hold what this code cannot read).
      Rows of apps no longer installed are ignored, as `migrate` ignores them.
    * Older (restored): every applied migration is known, some known ones are not applied; they
      are returned, and `manage.py migrate` brings the database up to date.
    """
    if applied is None:
        raise BackupError(f"备份文件不是本系统的数据库（没有迁移记录表 django_migrations）。{NOTHING_DONE}")
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations) | set(loader.graph.nodes)
    founding = _own_apps() & loader.migrated_apps & FOUNDING_APPS
    missing_apps = sorted(label for label in founding if label not in {a for a, _ in applied})
    if missing_apps:
        raise BackupError(f"备份文件不是本系统的数据库（没有 {'、'.join(missing_apps)} 的迁移记录）。{NOTHING_DONE}")
    newer = sorted(f"{a}.{n}" for a, n in applied if a in loader.migrated_apps and (a, n) not in known)
    if newer:
        raise BackupError(
            f"备份来自较新版本的系统（当前代码没有它的迁移 {'、'.join(newer[:5])}），"
            f"请先把代码升级到不早于备份时的版本再恢复。{NOTHING_DONE}"
        )
    nodes = {node for node in applied if node in loader.graph.nodes}
    for node in sorted(nodes):
        gaps = [f"{a}.{n}" for a, n in loader.graph.forwards_plan(node) if (a, n) not in applied]
        if gaps:
            raise BackupError(
                f"备份文件不是本系统完整的数据库（已应用 {node[0]}.{node[1]}，却缺少其前置迁移 "
                f"{'、'.join(gaps[:5])}）。{NOTHING_DONE}"
            )
    state = loader.project_state(sorted(nodes), at_end=True)
    expected = {
        model._meta.db_table
        for model in state.apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    }
    missing = sorted(expected - tables)
    if missing:
        raise BackupError(
            f"备份文件不是本系统的数据库（缺少数据表 {'、'.join(missing[:5])}"
            f"{' 等' if len(missing) > 5 else ''}，共 {len(missing)} 张）。{NOTHING_DONE}"
        )
    return sorted(f"{a}.{n}" for a, n in loader.graph.nodes if (a, n) not in applied)


def check_sqlite_file(path: Path) -> list[str]:
    """`PRAGMA integrity_check` and schema_check() on the SQLite file at `path` (a copy: SQLite may
    add -wal/-shm files beside it while it is open)."""
    try:
        db = sqlite3.connect(path)
        try:
            result = db.execute("PRAGMA integrity_check").fetchmany(3)
            if result != [("ok",)]:
                problem = "；".join(str(row[0]) for row in result)[:300]
                raise BackupError(f"备份文件已损坏（SQLite 完整性检查未通过：{problem}）。{NOTHING_DONE}")
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied = None
            if "django_migrations" in tables:
                applied = {(str(a), str(n)) for a, n in db.execute("SELECT app, name FROM django_migrations")}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"备份文件已损坏或不是 SQLite 数据库（{exc}）。{NOTHING_DONE}") from None
    return schema_check(tables, applied)


def _copy_hashing(source: Path, target: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as f, target.open("wb") as out:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    return size, digest.hexdigest()


def swap_sqlite_file(verified: Path, target: Path) -> None:
    """Put the checked file `verified` in place of the SQLite database `target` (same folder).

    The live database's WAL is first folded into it and emptied, then its -wal, -shm and -journal
    files are removed, so that nothing of the old database can be replayed into the new one, and
    the new file is renamed over the old in one step. The new file takes the old one's mode and,
    where permitted, its owner. No process may use the database meanwhile (stop the application
    first): if one is reading or writing, the checkpoint cannot finish and nothing is done. A live
    file too damaged to open is simply replaced.
    """
    if target.exists():
        busy = False
        try:
            live = sqlite3.connect(target, timeout=CHECKPOINT_TIMEOUT)
            try:
                busy = live.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 1
            finally:
                live.close()
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
        except sqlite3.DatabaseError:
            pass
        if busy:
            raise BackupError(f"数据库正被其他进程使用（应用服务未停止？），请先停止应用服务再恢复。{NOTHING_DONE}")
        info = target.stat()
        verified.chmod(stat.S_IMODE(info.st_mode))
        with contextlib.suppress(OSError):  # only root may give a file away
            os.chown(verified, info.st_uid, info.st_gid)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(verified, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _restore_sqlite(path: Path, manifest: dict, alias: str) -> list[str]:
    connection = connections[alias]
    in_memory = connection.is_in_memory_db()
    target = None if in_memory else Path(connection.settings_dict["NAME"]).resolve()
    directory = target.parent if target else Path(tempfile.gettempdir())
    copy = _private_temp(directory, target.name if target else "restore")
    try:
        size, sha256 = _copy_hashing(path, copy)
        if size != manifest["size"] or sha256 != manifest["sha256"]:
            raise _checksum_error()
        pending = check_sqlite_file(copy)
        if target is None:  # the tests' in-memory database: copy the checked file into it
            connection.ensure_connection()
            source = sqlite3.connect(copy)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            connection.close()
            swap_sqlite_file(copy, target)
    finally:
        _remove_sqlite_files(copy)
    return pending


def backup_restore(*, path: Path, alias: str = "default", allow_unsigned: bool = False) -> Restored:
    """Replace the database's contents with the backup at `path`, once it has passed every check.

    Checked, in order: the manifest (present, readable, signed under SECRET_KEY unless
    `allow_unsigned`), the engine, the size and SHA-256; for SQLite also the file's integrity and
    its schema (schema_check()). PostgreSQL: the manifest checks only, then pg_restore in a
    single transaction.
    """
    path = Path(path)
    manifest, warnings = read_manifest(path, allow_unsigned=allow_unsigned)
    vendor = _vendor(alias)
    if manifest["engine"] != vendor:
        raise BackupError(f"备份来自 {manifest['engine']} 数据库，不能恢复到 {vendor} 数据库。{NOTHING_DONE}")
    archive = check_attachments(path, manifest)
    if vendor == "sqlite":
        pending = _restore_sqlite(path, manifest, alias)
        restored = Restored(manifest, warnings, pending)
        return _with_attachments(restored, archive)
    if path.stat().st_size != manifest["size"] or _sha256(path) != manifest["sha256"]:
        raise _checksum_error()
    connection = connections[alias]
    connection.close()  # pg_restore --clean drops objects this connection may hold locks on
    args, env = _pg_env(alias)
    name = connection.settings_dict["NAME"]
    command = [
        _pg_tool("pg_restore"),
        *args,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "-d",
        name,
        str(path),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"pg_restore 失败，数据库已回滚到恢复前的状态：{result.stderr.strip()}")
    return _with_attachments(Restored(manifest, warnings), archive)


def _with_attachments(restored: Restored, archive: Path | None) -> Restored:
    if archive is None:
        return restored
    if restored.pending_migrations and any(m.startswith("cases.") for m in restored.pending_migrations):
        # An older schema may have no attachments' table yet: write the files, skip the comparison.
        restored.warnings.append("警告：备份的数据结构较旧，附件已写回，但未与数据库记录逐一核对。")
        storage_only = True
    else:
        storage_only = False
    try:
        written, problems = restore_attachments(archive, compare=not storage_only)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"数据库已恢复，但附件写回失败：{exc}。请检查附件存储后重新恢复。") from exc
    restored.attachments = written
    restored.warnings.extend(problems)
    return restored
