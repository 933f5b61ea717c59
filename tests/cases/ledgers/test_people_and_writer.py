import datetime
import io

import pytest
from openpyxl import load_workbook

from cases.ledgers import people
from cases.ledgers.cells import CellError
from cases.ledgers.sheetwriter import column_letter, write_workbook
from cases.ledgers.xlsx import open_sheet


def test_persons_split_on_separators_outside_brackets_only():
    assert people.split("张三（党委委员、副镇长，诫勉谈话）；李四\n王五(科员)") == [
        ("张三", ["党委委员、副镇长", "诫勉谈话"]),
        ("李四", []),
        ("王五", ["科员"]),
    ]
    assert people.join([("张三", ["", "诫勉谈话"]), ("李四", ["", ""])]) == "张三（，诫勉谈话）、李四"


def test_an_unclosed_bracket_is_an_error():
    with pytest.raises(CellError, match="括号不完整"):
        people.split("张三（警告")


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_the_writer_makes_files_that_openpyxl_and_our_reader_agree_on():
    out = io.BytesIO()
    rows = [["a&b<c>", 3, 2.5, datetime.date(2024, 3, 5), None, "bell\x07removed", "'=1+1"]]
    write_workbook(out, [("信访事项/2024", ["文本", "整数", "小数", "日期", "空", "控制字符", "公式"], rows)])

    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet.title == "信访事项2024"
    assert [c.value for c in sheet[2]] == [
        "a&b<c>",
        3,
        2.5,
        datetime.datetime(2024, 3, 5),
        None,
        "bellremoved",
        "'=1+1",
    ]
    ours = list(open_sheet(io.BytesIO(out.getvalue())).rows())
    assert ours[1] == (2, ["a&b<c>", 3, 2.5, datetime.datetime(2024, 3, 5), None, "bellremoved", "'=1+1"])
