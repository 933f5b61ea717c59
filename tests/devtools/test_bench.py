import dataclasses
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Q

from cases.models import PetitionCase
from devtools.bench import indicators as bench
from indicators import registry
from indicators.compute import compute
from indicators.registry import INDICATORS, Period

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
    assert f"200: the raw scan's {len(bench.raw_figures())} figures equal compute()'s." in text
    assert "| cases | " in text  # the per-source table
    # The stored year rolled from 30 June to three later days equals counting it on each.
    assert "| to | cases waiting in between | rolled (ms) | counted (ms) | figures equal |" in text
    rolls = [line for line in text.splitlines() if line.startswith("| 2024-07-")]
    assert [line.split(" | ")[0] for line in rolls] == ["| 2024-07-01", "| 2024-07-08", "| 2024-07-31"]
    assert all(line.endswith("| yes |") for line in rolls)
    assert "the next morning (stored the day before, rolled):" in text
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


@pytest.fixture
def year_2024(bureau) -> Period:
    """300 generated cases (and the other ledgers) in 2024."""
    call_command("generate_synthetic", "--cases", "300", "--year", "2024", stdout=StringIO(), stderr=StringIO())
    return Period.year(2024)


def test_the_raw_scan_equals_compute(bureau, year_2024):
    raw = bench.raw_scan(bureau.pk, year_2024)

    assert raw["cases_received__n"] == 300
    assert bench.check_raw_scan(raw, compute(bureau.pk, year_2024)) == []
    # Every condition picks some cases, so one that differed from compute()'s would show.
    assert [name for name, value in raw.items() if value == 0] == []


def test_the_raw_scan_computes_every_figure_of_the_cases(bureau):
    cases = [i for i in INDICATORS if i.source is registry.CASES]

    raw = bench.raw_scan(bureau.pk, Period.year(2024))

    assert set(raw) == {f"{i.key}__n" for i in cases} | {f"{i.key}__d" for i in cases if i.is_rate}
    assert {"repeat_petition_rate__d", "visit_persons__n", "cases_received__n"} <= set(raw)


def test_a_scan_whose_filter_differs_from_compute_is_caught(bureau, year_2024, monkeypatch):
    """The check is not a tautology: a scan counting online cases its own way is caught."""
    online = registry.get("online_cases")
    differs = dataclasses.replace(online, numerator=online.numerator & Q(is_initial=True))
    figures = [(differs if i is online else i, part) for i, part in bench.raw_figures()]
    monkeypatch.setattr(bench, "raw_figures", lambda: figures)

    problems = bench.check_raw_scan(bench.raw_scan(bureau.pk, year_2024), compute(bureau.pk, year_2024))

    assert len(problems) == 1
    assert problems[0].startswith("online_cases__n: compute() ")
