"""Files that must be refused before any row is read, with a message the clerk understands."""

import io
import zipfile

import pytest

from cases.ledgers.service import import_ledger
from cases.models import DisputeScreening, ImportLog

from .conftest import make_xlsx

HEAD = ["排查日期", "乡镇（街道）", "纠纷类型", "简要情况", "化解状态", "化解日期"]
GOOD = make_xlsx([HEAD, ["2024-03-05", "温泉街道", "土地", "", "化解中", None]] * 1)


def attempt(data: bytes):
    return import_ledger(kind="screenings", file=io.BytesIO(data), file_name="台账.xlsx", dry_run=False)


def assert_refused(result, message):
    assert result.file_error.startswith(message), result.file_error
    assert DisputeScreening.objects.count() == 0
    log = ImportLog.objects.get()
    assert (log.outcome, log.message) == (ImportLog.Outcome.REFUSED, result.file_error)


def test_a_good_file_imports(bureau):
    assert attempt(GOOD).created == 1


def test_an_oversize_file_is_refused(bureau, settings):
    settings.LEDGER_IMPORT_MAX_BYTES = 1024 * 1024
    assert_refused(attempt(GOOD + b"\0" * (1024 * 1024)), "文件过大（1.0 MB），导入上限为 1 MB")


def test_a_text_file_renamed_xlsx_is_refused(bureau):
    assert_refused(attempt("排查日期,乡镇（街道）\n".encode() * 50), "这不是有效的 Excel（.xlsx）文件")


def test_a_truncated_file_is_refused(bureau):
    assert_refused(attempt(GOOD[: len(GOOD) // 2]), "这不是有效的 Excel（.xlsx）文件")


def test_a_zip_with_a_corrupt_sheet_is_refused(bureau):
    source = zipfile.ZipFile(io.BytesIO(GOOD))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(info, data)
    result = attempt(out.getvalue())
    assert result.file_error.startswith("Excel 文件第"), result.file_error
    assert DisputeScreening.objects.count() == 0


def test_a_zip_bomb_is_refused_before_it_is_inflated(bureau):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/workbook.xml", "<workbook/>")
        bomb.writestr("xl/worksheets/sheet1.xml", b"<sheetData>" + b" " * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 200 * 1024
    assert_refused(attempt(out.getvalue()), "文件解压后异常庞大，疑似压缩炸弹")


@pytest.mark.parametrize("payload", [b"", b"PK\x03\x04garbage"])
def test_empty_and_garbage_files_are_refused(bureau, payload):
    assert attempt(payload).file_error
    assert DisputeScreening.objects.count() == 0
