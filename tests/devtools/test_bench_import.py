from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from cases.models import ImportedRows, PetitionCase
from devtools.bench.imports import Clock, ratio_lines

pytestmark = pytest.mark.django_db


def bench_import(*args: str) -> str:
    out = StringIO()
    call_command("bench_import", *args, stdout=out)
    return out.getvalue()


def test_the_phases_write_their_lines_into_one_section(tmp_path):
    output, xlsx = tmp_path / "benchmarks.md", tmp_path / "cases.xlsx"
    output.write_text("# Benchmarks\n\nOur analysis.\n")
    options = ("40", "--file", str(xlsx), "--output", str(output))

    assert bench_import("baseline", *options).startswith("plain bulk_create of 40 cases: ")
    assert bench_import("export", *options).startswith("export of 40 cases: ")
    lines = bench_import("import", *options).splitlines()
    assert lines[0].startswith("import: ") and "新增 40 条" in lines[0] and "load average " in lines[0]
    assert lines[1].startswith("plain insert of the same rows (bulk_create, same run, rolled back): ")
    assert lines[2].startswith("import ÷ plain insert: ") and "(40 rows; load average " in lines[2]
    # The plain insert was rolled back: the imported rows, and what names them, stay for the reimport.
    assert PetitionCase.objects.count() == 40 and ImportedRows.objects.count() == 1
    bench_import("reimport", *options)
    bench_import("export", *options)  # a second run replaces its own line

    text = output.read_text()
    assert text.startswith("# Benchmarks\n\nOur analysis.\n")
    engine = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]
    assert text.count(f"<!-- bench:import-{connection.vendor} -->") == 1
    assert f"## Excel import and export on {engine}" in text
    assert "40 petition cases on " in text
    block = text.split("```")[1].strip().splitlines()
    phases = [line.split(":")[0].split(" of ")[0] for line in block]
    assert phases == ["plain bulk_create", "export", "import", "plain insert", "import ÷ plain insert", "reimport"]
    assert "未变化 40 条" in block[5]
    assert "≤ 2× a plain insert of the same rows in the same run" in text and "peak memory ≤ 300 MB" in text
    assert PetitionCase.objects.count() == 40


def test_the_ratio_line_divides_the_import_by_the_plain_insert():
    imported, plain = Clock(wall=19.0, cpu=15.0), Clock(wall=10.0, cpu=6.0)
    insert, ratio = ratio_lines(imported, plain, 100_000)
    assert insert.startswith(
        "plain insert of the same rows (bulk_create, same run, rolled back): 10.0 s wall, 6.0 s CPU"
    )
    assert ratio.startswith("import ÷ plain insert: 1.90× wall, 2.50× CPU (100000 rows; load average ")
