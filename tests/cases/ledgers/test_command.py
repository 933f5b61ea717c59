import io

import pytest
from django.core.management import call_command

from cases.models import DisputeScreening, ImportLog

from .conftest import make_xlsx

HEAD = ["排查日期", "乡镇（街道）", "纠纷类型", "简要情况", "化解状态", "化解日期"]


def write(tmp_path, rows):
    path = tmp_path / "排查.xlsx"
    path.write_bytes(make_xlsx([HEAD, *rows], titles=["2024年矛盾纠纷排查台账"]))
    return path


def test_it_imports_and_prints_the_counts(bureau, tmp_path):
    path = write(tmp_path, [["2024-03-05", "温泉街道", "土地", "", "已化解", "2024-03-09"]])
    out, err = io.StringIO(), io.StringIO()

    call_command("import_ledger", "screenings", str(path), stdout=out, stderr=err)

    assert out.getvalue().startswith("导入完成：共 1 行：新增 1 条，更新 0 条，未变化 0 条")
    assert "100%" in err.getvalue()
    assert DisputeScreening.objects.count() == 1


def test_a_dry_run_writes_nothing(bureau, tmp_path):
    path = write(tmp_path, [["2024-03-05", "温泉街道", "土地", "", "化解中", None]])
    out = io.StringIO()

    call_command("import_ledger", "screenings", str(path), "--dry-run", stdout=out, stderr=io.StringIO())

    assert out.getvalue().startswith("检查通过（未写入）：共 1 行：新增 1 条")
    assert DisputeScreening.objects.count() == 0
    assert ImportLog.objects.get().dry_run is True


def test_it_exits_1_with_the_row_errors(bureau, tmp_path):
    rows = [["2024-03-05", "温泉街道", "土地", "", "化解中", "2024-03-09"], ["2024-3-6", "火星镇", "x", "", "", ""]]
    path = write(tmp_path, rows)
    err = io.StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_ledger", "screenings", str(path), stdout=io.StringIO(), stderr=err)

    assert exit_info.value.code == 1
    lines = err.getvalue().splitlines()
    assert "第 3 行 · 化解日期 · 只有“已化解”的矛盾纠纷才能填写化解日期。" in lines
    assert any(line.startswith("第 4 行 · 乡镇（街道） · 未找到名为“火星镇”的责任单位") for line in lines)
    assert DisputeScreening.objects.count() == 0


def test_rows_with_nothing_under_the_known_headers_are_skipped(bureau, tmp_path):
    path = tmp_path / "x.xlsx"
    rows = [[*HEAD, "备注"], ["2024-03-05", "温泉街道", "土地", "", "化解中", None, ""], [None] * 6 + ["合计 1 起"]]
    path.write_bytes(make_xlsx(rows))

    call_command("import_ledger", "screenings", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert DisputeScreening.objects.count() == 1
