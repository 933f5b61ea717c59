"""A short run of the load test: clerks writing through gunicorn, nothing failed, nothing lost."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def load_database(url: str) -> str:
    """A database of the load test's own on the same server: a fresh PostgreSQL database when the
    suite runs on PostgreSQL, else a fresh SQLite file (the script's default)."""
    if not url.startswith("postgres"):
        return ""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS wenxian_load")
        conn.execute("CREATE DATABASE wenxian_load")
    return url.rsplit("/", 1)[0] + "/wenxian_load"


@pytest.mark.slow
def test_clerks_writing_at_once_lose_nothing():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["DATABASE_URL"] = load_database(os.environ.get("DATABASE_URL", ""))
    result = subprocess.run(
        [sys.executable, "-m", "devtools.loadtest", "--clerks", "4", "--seconds", "6", "--workers", "2", "--backup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout[result.stdout.index("{") : result.stdout.rindex("}") + 1])
    assert summary["failed"] == 0
    assert summary["lost_rows"] == 0
    assert summary["cases_saved"] > 0 and summary["screenings_saved"] > 0
    assert summary["dashboard_p50_ms"] is not None
    assert summary["backup_bytes_during_load"] > 0
