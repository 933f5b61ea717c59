from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import PetitionCase
from indicators import bench
from indicators.compute import compute
from indicators.registry import Period

pytestmark = pytest.mark.django_db


def run_bench(*args: str) -> str:
    out = StringIO()
    call_command("bench", "--year", "2024", "--runs", "1", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_writes_a_table_with_a_row_per_size(tmp_path):
    output = tmp_path / "benchmarks.md"

    run_bench("--sizes", "200,300", "--output", str(output))

    text = output.read_text()
    assert f"<!-- bench:{connection.vendor} -->" in text  # the section of the database it ran on
    assert "| cases | generate (s) | peak RSS (MiB) | compute() (ms) |" in text
    assert "one raw scan (ms)" in text
    assert "dashboard warm (ms)" in text
    assert "\n| 200 | " in text
    assert "\n| 300 | " in text
    assert "| CPU |" in text
    assert "| Django |" in text
    assert {"sqlite": "| SQLite |", "postgresql": "| PostgreSQL |"}[connection.vendor] in text
    assert "200: the raw scan's 23 figures equal compute()'s." in text
    assert "| cases | " in text  # the per-source table
    # The last size's ledgers stay for inspection.
    assert PetitionCase.objects.count() == 300


@pytest.mark.django_db(
    transaction=True
)  # it flushes the database between runs (PostgreSQL refuses inside a transaction)
def test_a_rerun_replaces_its_own_section_and_keeps_the_rest(tmp_path):
    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n\nOur analysis.\n")

    run_bench("--sizes", "200", "--output", str(output), "--label", "sqlite")
    call_command("flush", "--noinput")
    run_bench("--sizes", "250", "--output", str(output), "--label", "sqlite")

    text = output.read_text()
    assert text.startswith("# Benchmarks\n\nOur analysis.\n")
    assert text.count("<!-- bench:sqlite -->") == 1
    assert "\n| 250 | " in text
    assert "\n| 200 | " not in text


def test_it_refuses_a_database_with_records(bureau):
    with pytest.raises(CommandError, match="一次性数据库"):
        run_bench("--sizes", "200")


def test_the_raw_scan_equals_compute(bureau):
    call_command("generate_synthetic", "--cases", "300", "--year", "2024", stdout=StringIO(), stderr=StringIO())
    period = Period.year(2024)

    raw = bench.raw_scan(bureau.pk, period)

    assert raw["cases_received__n"] == 300
    assert bench.check_raw_scan(raw, compute(bureau.pk, period)) == []
