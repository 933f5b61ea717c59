"""Uploads kept between the check and the confirmation of an import, and the stored preview of a
check run in the background.

A checked upload waits in a private folder (settings.LEDGER_IMPORT_KEPT_DIR, by default
`wenxian-ledger-imports` in the system's temporary folder, mode 0700) under a random token until
the clerk confirms it; a check run by the worker (cases.jobs.imports) writes the preview it found
beside it as `<token>.json`, for the preview page to show later. Both are forgotten when the
import is confirmed or refused, and after a day in any case (`sweep()`, called on every upload and
by `manage.py prune_jobs`).

`rows_over()` decides, before any check, whether a file is large enough for the worker: it counts
the sheet's rows in its XML without parsing a cell, and stops as soon as it has counted enough.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
import time
import zipfile
from pathlib import Path

from django.conf import settings

KEEP_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[0-9a-f]{32}$")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_CHUNK = 1 << 16
_MOST = 64 << 20  # sheet XML read at most to count the rows


def folder() -> Path:
    configured = getattr(settings, "LEDGER_IMPORT_KEPT_DIR", "")
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "wenxian-ledger-imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def upload_path(token: str) -> Path:
    if not TOKEN.match(token or ""):
        raise ValueError("not a kept upload's token")
    return folder() / f"{token}.xlsx"


def preview_path(token: str) -> Path:
    return upload_path(token).with_suffix(".json")


def keep(upload) -> str:
    """Store `upload` (an uploaded file) under a new token; forget what is older than a day."""
    sweep()
    token = secrets.token_hex(16)
    upload.seek(0)
    with upload_path(token).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    upload.seek(0)
    return token


def move(token: str) -> Path:
    """Hand the kept upload `token` over to an import: it is renamed under a new token, so that
    the preview it came from can no longer confirm it a second time; its preview is forgotten."""
    target = upload_path(secrets.token_hex(16))
    upload_path(token).replace(target)
    preview_path(token).unlink(missing_ok=True)
    return target


def forget(token: str) -> None:
    if TOKEN.match(token or ""):
        upload_path(token).unlink(missing_ok=True)
        preview_path(token).unlink(missing_ok=True)


def sweep(max_age: float = KEEP_SECONDS) -> int:
    """Remove kept uploads and previews older than `max_age` seconds; returns how many."""
    cutoff = time.time() - max_age
    removed = 0
    for old in folder().iterdir():
        if old.suffix in (".xlsx", ".json", ".part") and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
            removed += 1
    return removed


def save_preview(token: str, page: dict) -> None:
    path = preview_path(token)
    temp = path.with_suffix(".part")
    temp.write_text(json.dumps(page, ensure_ascii=False, default=str), encoding="utf-8")
    temp.replace(path)


def load_preview(token: str) -> dict | None:
    try:
        return json.loads(preview_path(token).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def rows_over(file, limit: int) -> bool:
    """Whether the first sheet of the .xlsx `file` (an uploaded file or a path) has more than
    `limit` rows (title and header rows included). A file that cannot be read this way, or that
    the importer refuses by its size alone, is not: the check in the request then says what is
    wrong with it. Reads no more than the sheet's declared size (a zip bomb's is refused first)."""
    from .xlsx import MAX_RATIO, _first_sheet, max_unzipped_bytes, max_upload_bytes

    try:
        if getattr(file, "size", None) and file.size > max_upload_bytes():
            return False
        if hasattr(file, "seek"):
            file.seek(0)
        with zipfile.ZipFile(file) as archive:
            name = _first_sheet(archive)[0]
            info = archive.getinfo(name)
            ratio = info.file_size / (info.compress_size or 1)
            if info.file_size > max_unzipped_bytes() or (info.file_size > 10 * 1024 * 1024 and ratio > MAX_RATIO):
                return False  # refused at once by the check
            count, tail, read = 0, b"", 0
            with archive.open(name) as stream:
                while chunk := stream.read(_CHUNK):
                    read += len(chunk)
                    if read > _MOST:
                        return True  # rows this long are for the worker to read
                    data = tail + chunk
                    # A tag cut at the chunk's end is counted with the next chunk.
                    cut = max(0, len(data) - 16)
                    count += sum(1 for match in _ROW.finditer(data) if match.start() < cut)
                    if count > limit:
                        return True
                    tail = data[cut:]
            count += len(_ROW.findall(tail))
            return count > limit
    except Exception:  # an unreadable workbook is for the real check to describe
        return False
    finally:
        if hasattr(file, "seek"):
            file.seek(0)
