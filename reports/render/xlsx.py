"""The Excel appendix: every indicator of the report's year with what it is made of."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from cases.ledgers.sheetwriter import Sheet, write_workbook
from indicators import numbers

from .context import FigureRow, ReportDocument


def header() -> list[str]:
    return [_("指标名称"), _("分子"), _("分母"), _("数值"), _("上年"), _("同比"), _("单位"), _("定义")]


def _number(f: FigureRow, value: str | None):
    if value is None:
        return None
    if not f.is_rate:
        return int(value)
    return numbers.sheet_number(Decimal(value), numbers.NumberFormat(decimals=f.whole_decimals))


def rows(doc: ReportDocument):
    """In Chinese only: the indicator's name stands for it (its key is the report's business)."""
    for f in doc.figures:
        yield [
            f.label,
            f.numerator,
            f.denominator if f.is_rate else None,
            f.display if f.value is None else _number(f, f.value),
            "—" if f.previous is None else _number(f, f.previous),
            f.change or "—",
            "%" if f.is_rate else "",
            f.definition,
        ]


def render_xlsx(doc: ReportDocument) -> bytes:
    out = io.BytesIO()
    write_workbook(
        out,
        [
            Sheet(
                title=_("指标附表"),
                caption=f"{doc.bureau}{doc.year}年法治政府建设工作报告指标附表",
                header=header(),
                rows=rows(doc),
                widths=(30, 8, 8, 10, 10, 16, 6, 70),
            )
        ],
    )
    return out.getvalue()
