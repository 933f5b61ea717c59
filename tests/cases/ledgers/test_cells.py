import datetime

import pytest

from cases.ledgers import cells

D = datetime.date(2024, 3, 5)


@pytest.mark.parametrize(
    "value",
    [
        D,
        datetime.datetime(2024, 3, 5, 0, 0),
        "2024-03-05",
        "2024/3/5",
        "2024.3.5",
        "2024年3月5日",
        " 2024年3月5号 ",
        "２０２４－０３－０５",
        "20240305",
        "2024-3-5 00:00:00",
    ],
)
def test_it_reads_every_date_form(value):
    assert cells.date(value) == D


def test_it_rejects_impossible_and_unreadable_dates():
    with pytest.raises(cells.CellError, match="不存在的日期"):
        cells.date("2024-02-30")
    with pytest.raises(cells.CellError, match="日期格式无法识别"):
        cells.date("三月五日")
    assert cells.date("  ") is None


@pytest.mark.parametrize(("value", "expected"), [("是", True), ("否", False), (" 是 ", True), (True, True), (1, True)])
def test_it_reads_yes_and_no(value, expected):
    assert cells.boolean(value) is expected


def test_a_blank_boolean_takes_the_default_and_nonsense_is_an_error():
    assert cells.boolean(None, default=True) is True
    with pytest.raises(cells.CellError, match="请填写“是”或“否”"):
        cells.boolean("也许")


def test_it_reads_full_width_and_padded_integers():
    assert cells.integer("１２") == 12
    assert cells.integer(" 7人 ") == 7
    assert cells.integer(3.0) == 3
    with pytest.raises(cells.CellError):
        cells.integer("2.5")


def test_header_keys_ignore_spaces_and_bracket_width():
    assert cells.header(" 乡镇(街道)\n") == cells.header("乡镇（街道）")
