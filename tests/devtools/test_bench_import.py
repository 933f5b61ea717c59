from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import PetitionCase

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
    line = bench_import("import", *options)
    assert line.startswith("import: ") and "新增 40 条" in line
    bench_import("reimport", *options)
    bench_import("export", *options)  # a second run replaces its own line

    text = output.read_text()
    assert text.startswith("# Benchmarks\n\nOur analysis.\n")
    assert text.count("<!-- bench:import -->") == 1
    assert "40 petition cases on " in text
    block = text.split("```")[1].strip().splitlines()
    phases = [line.split(":")[0].split(" of ")[0] for line in block]
    assert phases == ["plain bulk_create", "export", "import", "reimport"]
    assert "未变化 40 条" in block[3]
    assert PetitionCase.objects.count() == 40
