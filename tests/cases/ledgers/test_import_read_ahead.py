"""A large sheet is read by a second process while the import checks and writes (issue 13):
the same rows, the same errors with their Excel rows, and a damaged file refused as before."""

import dataclasses
import io
import zipfile

import pytest

from cases.ledgers import readahead
from cases.ledgers.readahead import RowSource
from cases.ledgers.resources import RESOURCES
from cases.ledgers.xlsx import FileRejected, open_sheet
from cases.models import PetitionCase

from . import test_roundtrip
from .test_import_cases import case_row, file_with, run

ledgers = test_roundtrip.ledgers  # the records of every ledger (a fixture)


@pytest.fixture
def ahead(settings):
    settings.LEDGER_IMPORT_READ_AHEAD_BYTES = 1  # every sheet is read by a child process
    monkey = pytest.MonkeyPatch()
    monkey.setattr(readahead, "CHUNK", 7)  # several messages for a small sheet
    yield
    monkey.undo()


def test_a_sheet_read_ahead_gives_the_same_rows_in_chunks(ahead):
    data = file_with([case_row(i) for i in range(30)])
    here = list(open_sheet(io.BytesIO(data.getvalue())).rows())

    source = RowSource(open_sheet(data))
    read = list(source)

    assert source.ahead is True
    assert read == here and len(read) == 33  # two title rows, the header, 30 cases
    assert source.fraction_read() == 1.0


def test_an_import_read_ahead_writes_the_rows_and_names_bad_ones_by_excel_row(ahead, bureau):
    rows = [case_row(i) for i in range(30)]
    assert run(file_with(rows)).created == 30
    assert PetitionCase.objects.count() == 30

    rows[20][1] = "2024年13月5日"  # data row 21 is Excel row 24 (two title rows, the header)
    result = run(file_with([[f"X{r[0]}", *r[1:]] for r in rows]))
    assert [str(e) for e in result.errors] == ["第 24 行 · 登记日期 · 不存在的日期：2024年13月5日"]
    assert PetitionCase.objects.count() == 30  # nothing of the second file


def _damaged(data: bytes) -> io.BytesIO:
    """The same workbook with its sheet's XML cut off in the middle of a row."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) * 2 // 3] + b"<row r=<<"
            target.writestr(info, content)
    out.seek(0)
    return out


def test_a_damaged_sheet_read_ahead_is_refused_with_the_readers_message(ahead, bureau):
    data = _damaged(file_with([case_row(i) for i in range(30)]).getvalue())

    with pytest.raises(FileRejected, match="附近已损坏"):
        list(RowSource(open_sheet(data)))

    data.seek(0)
    result = run(data)
    assert "附近已损坏" in (result.file_error or "")
    assert PetitionCase.objects.count() == 0


def test_a_small_sheet_is_read_here(settings):
    settings.LEDGER_IMPORT_READ_AHEAD_BYTES = 10 * 1024 * 1024
    source = RowSource(open_sheet(file_with([case_row(1)])))
    assert source.ahead is False
    assert len(list(source)) == 4


def test_the_child_reads_values_too_and_its_questions_and_mappings_come_back(ahead, bureau, alice):
    """The reading child turns cells into values (short forms, mappings): the preview's questions,
    the mappings it used and the preview's rows are those of an import read here."""
    from cases.models import ImportValueMapping

    from .test_import_values import MAPPINGS, ledger_2021
    from .test_import_values import run as run_2021

    checked = run_2021(ledger_2021(), dry_run=True)
    issues = {(i.column, i.raw): (i.count, i.rows, i.suggestions, i.ambiguous) for i in checked.issues}
    assert issues == {
        ("责任单位", "人社局"): (3, [4, 5, 10], ["县人社局"], False),
        ("复查复核", "是"): (2, [6, 8], ["复查", "复核"], True),
    }
    assert sorted(e.row for e in checked.errors) == [4, 5, 6, 8, 10]
    assert [number for _action, number, _cells in checked.preview] == [3, 7, 9]  # the rows without errors
    used = {(c, r, v): n for (c, r, v, how), n in checked.mappings_used.items() if how == "short"}
    assert used[("信访形式", "网上", "网上信访")] == 3
    assert used[("复查复核", "否", "无")] == 5

    result = run_2021(ledger_2021(), mappings=MAPPINGS, user=alice)
    assert (result.ok, result.created) == (True, 8)
    given = {(c, r, v): n for (c, r, v, how), n in result.mappings_used.items() if how == "given"}
    assert given == {("复查复核", "是", "复查"): 2, ("责任单位", "人社局", "县人社局"): 3}
    remembered = set(ImportValueMapping.objects.values_list("column", "raw", "value"))
    assert remembered == {("复查复核", "是", "复查"), ("责任单位", "人社局", "县人社局")}


@pytest.mark.parametrize("kind", sorted(RESOURCES))
def test_every_ledger_read_ahead_reimports_unchanged(ahead, kind, request, alice):
    """Ledgers whose columns look records up (related cases, persons) are read by the child and
    turned into values here; the others wholly in the child. Either way the export re-imports
    unchanged."""
    test_roundtrip.test_an_export_reimports_unchanged(kind, request.getfixturevalue("ledgers"), alice)


def test_a_reader_that_would_use_the_database_in_the_child_fails_the_import(ahead, bureau, monkeypatch):
    """The child never shares the parent's connection: a column claiming to need no database
    whose reader queries anyway fails the import (as an unreadable file) and writes nothing."""
    from cases.ledgers.resources import PetitionCaseResource

    def asks_the_database(value, ctx):
        return str(PetitionCase.objects.count())

    columns = tuple(
        dataclasses.replace(c, read=asks_the_database) if c.header == "信访人" else c
        for c in PetitionCaseResource.columns
    )
    monkeypatch.setattr(PetitionCaseResource, "columns", columns)

    result = run(file_with([case_row(i) for i in range(10)]))
    assert result.file_error == "读取 Excel 文件时出错，请确认文件完好后重试。"
    assert PetitionCase.objects.count() == 0


@pytest.mark.skipif(not hasattr(readahead.fcntl, "F_GETPIPE_SZ"), reason="Linux's pipe sizes")
def test_the_pipe_holds_several_chunks():
    """With Linux's 64 KB a chunk (~120 KB) filled the pipe: the child waited for each request
    and the two processes took turns (100,000 rows: 18.8 s against 12.7 s, docs/benchmarks.md)."""
    import multiprocessing

    receiver, sender = multiprocessing.Pipe(duplex=False)
    readahead._widen(sender)
    assert readahead.fcntl.fcntl(sender.fileno(), readahead.fcntl.F_GETPIPE_SZ) == readahead.PIPE_BYTES
    receiver.close()
    sender.close()
