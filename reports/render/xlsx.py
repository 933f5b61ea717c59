"""The Excel appendix: every indicator of the report's year with what it is made of."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .context import ReportDocument


def header() -> list[str]:
    return [_("指标代码"), _("指标名称"), _("分子"), _("分母"), _("数值"), _("单位"), _("定义")]


def rows(doc: ReportDocument):
    for f in doc.figures:
        if f.value is None:
            value = f.display
        elif f.is_rate:
            value = Decimal(f.value)
        else:
            value = int(f.value)
        yield [
            f.key,
            f.label,
            f.numerator,
            f.denominator if f.is_rate else None,
            value,
            "%" if f.is_rate else "",
            f.definition,
        ]


def _text(ws, value: str) -> WriteOnlyCell:
    """A cell that holds `value` as text, whatever it starts with: openpyxl would otherwise store
    a text beginning with "=" (a bureau named "=HYPERLINK(…)") as a formula for Excel to run."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def render_xlsx(doc: ReportDocument) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("指标附表"))
    for col, width in zip("ABCDEFG", (34, 30, 8, 8, 10, 6, 70), strict=True):
        ws.column_dimensions[col].width = width
    ws.append([_text(ws, f"{doc.bureau}{doc.year}年法治政府建设工作报告指标附表")])
    ws.append(header())
    for row in rows(doc):
        if isinstance(row[4], Decimal):
            cell = WriteOnlyCell(ws, value=row[4])
            cell.number_format = "0.00"
            row[4] = cell
        ws.append([_text(ws, value) if isinstance(value, str) else value for value in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
