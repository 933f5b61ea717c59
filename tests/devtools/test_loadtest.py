"""A short run of the load test: two bureaus' clerks writing through gunicorn and a unit's user
reading, nothing failed, nothing lost, nothing in the wrong bureau, no other unit's case shown."""

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
    assert summary["bureaus"] == 2
    assert summary["failed"] == 0
    assert summary["lost_rows"] == 0
    assert summary["wrong_bureau_rows"] == 0
    assert summary["unit_saw_other_units"] == 0
    assert summary["unit_cases_seen"] > 0  # the check saw pages with cases on them
    assert summary["cases_saved"] > 0 and summary["screenings_saved"] > 0
    assert summary["dashboard_p50_ms"] is not None
    assert summary["backup_bytes_during_load"] > 0


def test_the_tally_finds_a_lost_row_a_row_in_the_wrong_bureau_and_a_case_shown_to_the_wrong_unit():
    """The counts the run reports are not zero by construction."""
    from devtools.loadtest import Stats, tally

    stats = Stats()
    stats.cases = ["LTA-00-00001", "LTB-01-00001", "LTA-02-00003"]
    stats.screenings = ["LTA-00-00002"]
    stats.unit_seen = {"LTA-00-00001", "LTA-99-00004"}
    stored = {
        "cases": [
            ["LTA-00-00001", "压测甲县信访局", 1],
            ["LTB-01-00001", "压测甲县信访局", 5],  # the second bureau's case stored in the first
            ["LTA-99-00004", "压测甲县信访局", 2],  # another unit's, shown to the unit's user
        ],
        "screenings": [["LTA-00-00002", "压测甲县信访局"]],
        "unit": 1,
    }

    found = tally(stored, stats)

    assert found["lost_cases"] == ["LTA-02-00003"] and found["lost_screenings"] == []
    assert found["wrong_bureau"] == ["LTB-01-00001"]
    assert found["unit_saw_other_units"] == ["LTA-99-00004"]
    assert found["unit_cases"] == 1


def test_the_stored_figures_check_finds_a_stored_year_unlike_counting(db):
    """The load test's check of the stored years (kept current by the clerks' saves): one that
    equals counting passes, one a wrong share left behind is named."""
    import datetime

    from cases.models import Bureau
    from devtools.loadtest import stored_figures
    from indicators import store
    from indicators.models import BureauFigures
    from indicators.registry import Period
    from tests.indicators.test_compute import closed_case

    bureau = Bureau.objects.create(name="压测甲县信访局", county="压测甲县")
    closed_case(bureau, "LTA-1")
    store.bureau_year(bureau.pk, Period.year(2024, as_of=datetime.date(2025, 6, 30)))
    assert stored_figures(["压测甲县信访局"]) == ([], 1)

    row = BureauFigures.objects.get(bureau=bureau, year=2024)
    row.counts["cases_received"] = [2, None]
    row.save()
    assert stored_figures(["压测甲县信访局"]) == ([f"{bureau.pk}:2024:cases_received"], 1)
