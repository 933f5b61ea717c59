"""The Excel appendix: every indicator of the report's year with what it is made of."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from cases.ledgers.sheetwriter import Sheet, write_workbook

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
                widths=(34, 30, 8, 8, 10, 6, 70),
            )
        ],
    )
    return out.getvalue()
