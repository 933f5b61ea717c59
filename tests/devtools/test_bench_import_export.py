from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from cases.models import PetitionCase

pytestmark = pytest.mark.django_db


def test_it_measures_each_variant_on_the_same_rows_and_writes_its_section(tmp_path):
    output, xlsx = tmp_path / "benchmarks.md", tmp_path / "cases.xlsx"
    output.write_text("# Benchmarks\n\nOur analysis.\n")
    out = StringIO()

    call_command("bench_import_export", "50", "--file", str(xlsx), "--output", str(output), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("ours (import_ledger, 50 rows): ") and "新增 50 条" in lines[0]
    assert [line.split(":")[0].split(" (")[0].split(" on ")[0] for line in lines] == [
        "ours",
        "export, ours",
        "export, iex export() + XLSX format",
        "iex XLSX format reading the file into a tablib Dataset",
        "iex-bulk, import_data only",
        "iex-bulk, file + import_data",
        "iex-bulk-bare",
        "iex-bulk-default",
        "iex-rows",
        "plain bulk_create of the same rows",
    ]
    assert "{'new': 50}, 0 invalid, 0 errors" in lines[4]
    assert "{'new': 1}" in lines[7] and "×50 for 50" in lines[7]
    assert "{'new': 5}" in lines[8] and "×10 for 50" in lines[8]
    assert "× ours CPU" in lines[5] and "load average " in lines[9]
    text = output.read_text()
    assert text.startswith("# Benchmarks\n\nOur analysis.\n")
    assert text.count(f"<!-- bench:import-export-{connection.vendor} -->") == 1
    assert PetitionCase.objects.count() == 0  # the plain insert was rolled back on an emptied ledger
