"""Consistent backups while clerks keep working, and their restore.

SQLite: the online backup API copies a snapshot page by page; writers in WAL mode carry on, and
pages changed during the copy are copied again, so the file is one consistent state.
PostgreSQL: pg_dump reads in one repeatable-read transaction (a consistent snapshot) without
blocking writers; pg_restore --clean puts it back.
Each backup has a manifest beside it (engine, time, SHA-256) that restore checks first.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def backup_create(*, path: Path, alias: str = "default") -> dict:
    """Write a backup of the database to `path` and its manifest beside it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    vendor = _vendor(alias)
    connection = connections[alias]
    if vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(path)
        try:
            connection.connection.backup(destination, pages=1024)
        finally:
            destination.close()
    elif vendor == "postgresql":
        args, env = _pg_env(alias)
        name = connection.settings_dict["NAME"]
        command = [_pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(path), name]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
    else:
        raise BackupError(f"不支持的数据库：{vendor}")
    manifest = {
        "engine": vendor,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "file": path.name,
        "size": path.stat().st_size,
        "sha256": _sha256(path),
    }
    Path(f"{path}{MANIFEST_SUFFIX}").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def backup_restore(*, path: Path, alias: str = "default") -> dict:
    """Replace the database's contents with the backup at `path` after checking its manifest."""
    path = Path(path)
    manifest_path = Path(f"{path}{MANIFEST_SUFFIX}")
    if not path.exists() or not manifest_path.exists():
        raise BackupError(f"找不到备份文件或其校验清单：{path}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if _sha256(path) != manifest["sha256"]:
        raise BackupError("备份文件的 SHA-256 与清单不符，文件可能已损坏，未做任何恢复。")
    vendor = _vendor(alias)
    if manifest["engine"] != vendor:
        raise BackupError(f"备份来自 {manifest['engine']} 数据库，不能恢复到 {vendor} 数据库。")
    connection = connections[alias]
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()  # pg_restore --clean drops objects this connection may hold locks on
        args, env = _pg_env(alias)
        name = connection.settings_dict["NAME"]
        command = [_pg_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "-d", name, str(path)]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")
    return manifest
