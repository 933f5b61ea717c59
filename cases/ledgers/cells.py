"""Tolerant reading of one spreadsheet cell, as clerks really fill them in.

Each parser takes the raw value the reader produced (str, int, float, bool, date, datetime or
None) and returns the Python value, or raises CellError with the problem in Chinese. Text is
normalised first: surrounding (also full-width) spaces stripped, full-width digits and
punctuation folded to ASCII where they carry meaning.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

# Full-width digits, letters and the punctuation used in dates and numbers, folded to ASCII.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", ""}


class CellError(ValueError):
    """A cell the importer cannot read; the message is shown to the clerk as it is."""


def fold(text: str) -> str:
    return text.translate(_FULLWIDTH).strip()


def text(value) -> str:
    """Any cell as text: numbers typed into a text column come back without a trailing '.0'."""
    if value.__class__ is str:
        return value.strip()  # str.strip() also removes the ideographic space
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def header(value) -> str:
    """A header cell as a key: no spaces or line breaks, full-width brackets kept as in the model."""
    key = re.sub(r"\s+", "", text(value).translate(_FULLWIDTH))
    return key.replace("(", "（").replace(")", "）")


def date(value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("日期格式无法识别：%(value)s（请使用“2024-03-05”格式或日期单元格）") % {"value": text(value)})
    raw = fold(str(value))
    if not raw:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                raise CellError(_("不存在的日期：%(value)s") % {"value": raw}) from None
    raise CellError(_("日期格式无法识别：%(value)s（请使用“2024-03-05”格式或日期单元格）") % {"value": raw})


def boolean(value, *, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    raw = fold(text(value)).lower()
    if raw == "":
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("请填写“是”或“否”，而不是“%(value)s”") % {"value": raw})


def integer(value, *, default: int = 0) -> int:
    if value is None:
        return default
    if isinstance(value, bool):
        raise CellError(_("请填写整数"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(_("请填写整数，而不是“%(value)s”") % {"value": text(value)})
    raw = fold(str(value)).rstrip("人天日份名次个件")
    if raw == "":
        return default
    try:
        return int(raw.replace(",", ""))
    except ValueError:
        raise CellError(_("请填写整数，而不是“%(value)s”") % {"value": fold(str(value))}) from None
