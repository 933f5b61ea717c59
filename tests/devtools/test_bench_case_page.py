from io import StringIO

import pytest
from django.core.management import call_command

from cases import stages
from devtools.bench import case_page

pytestmark = pytest.mark.django_db


def test_the_case_page_bench_opens_each_kind_of_case(bureau):
    call_command("generate_synthetic", "--cases", "300", "--year", "2024", "--seed", "7", stdout=StringIO())

    rows = case_page.bench_case_page(runs=1, log_entries=40)

    labels = [r.label for r in rows]
    assert labels[:2] == ["newest", "oldest"] and labels[-1] == "newest, 40 log entries"
    # the same page again with 40 log entries more: not one query more
    newest, logged = rows[0], rows[-1]
    assert logged.case == newest.case and logged.queries == newest.queries
    assert len(stages.case_entries(newest.case)) == 40
    assert all(r.ms > 0 for r in rows)


def test_the_command_prints_its_table_and_writes_its_section(bureau, tmp_path):
    call_command("generate_synthetic", "--cases", "50", "--year", "2024", "--seed", "7", stdout=StringIO())
    out = StringIO()
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nkept\n", encoding="utf-8")

    call_command("bench_case_page", "--runs", "1", "--log-entries", "5", "--output", str(doc), stdout=out)

    text = out.getvalue()
    assert "## The case page (sqlite, 50 cases)" in text or "## The case page (postgresql, 50 cases)" in text
    assert "| newest, 5 log entries |" in text and "Load average at start" in text
    written = doc.read_text(encoding="utf-8")
    assert written.startswith("# Benchmarks\n\nkept\n") and "| newest, 5 log entries |" in written
