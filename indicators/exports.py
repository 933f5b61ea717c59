"""The dashboard as an Excel workbook: what the head sees, in three sheets, Chinese only.

Sheet 1 every indicator (分子, 分母, 数值, 上年, 同比), sheet 2 the per-unit table with each rate's
上年 and 同比, sheet 3 the monthly counts of the trends. Read from the dashboard's own cached
values (`dashboard.dashboard_data`) and presentation (`cards`, `unit_rows`): nothing is counted
here, and the figures are those of the page. Written by the product's one .xlsx writer.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from cases.ledgers.sheetwriter import Sheet, write_workbook
from cases.models import Bureau

from . import dashboard, numbers
from .compute import Figure
from .dashboard import DashboardData

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(figure: Figure) -> Decimal | int | str:
    """A rate as its percentage (a number, two places; a whole number as the bureau writes it:
    indicators.numbers), a count as an integer; "—" for a rate with nothing to count."""
    value = figure.value
    if value is None:
        return "—"
    return numbers.sheet_number(value, figure.fmt) if figure.is_rate else value


def indicator_rows(data: DashboardData):
    for section in dashboard.cards(data):
        for card in section.cards:
            f = card.figure
            yield [
                section.title,
                f.label,
                f.numerator,
                f.denominator if f.is_rate else None,
                _value(f),
                _value(card.previous),
                card.change,
                "%" if f.is_rate else f.indicator.unit_label,
            ]


def unit_header() -> list[str]:
    header = [_("单位"), _("类别")]
    for column in dashboard.unit_columns():
        header.append(str(column.label) + ("（%）" if column.is_rate else ""))
        if column.is_rate:
            header += [_("%(label)s分子/分母") % {"label": column.label}, _("%(label)s上年") % {"label": column.label}]
            header.append(_("%(label)s同比") % {"label": column.label})
    return header


def unit_sheet_rows(data: DashboardData):
    for row in dashboard.unit_rows(data):
        values = [row.name, row.kind]
        for f, _url, change in row.cells:
            values.append(_value(f))
            if f.is_rate:
                values += [f"{f.numerator}/{f.denominator or 0}", _value(change.previous), change.change]
        yield values


def month_rows(data: DashboardData):
    indicators = dashboard.monthly_indicators()
    for month in range(1, 13):
        yield [_("%(month)s月") % {"month": month}, *(data.monthly[i.key][month - 1] for i in indicators)]


def dashboard_xlsx(bureau: Bureau, data: DashboardData) -> bytes:
    title = _("%(bureau)s%(year)s年工作指标（数据截至%(day)s，同比与%(last)s年相比）") % {
        "bureau": bureau.name,
        "year": data.year,
        "day": f"{data.today.year}年{data.today.month}月{data.today.day}日",
        "last": data.year - 1,
    }
    out = io.BytesIO()
    write_workbook(
        out,
        [
            Sheet(
                title=_("指标"),
                caption=title,
                header=[_("类别"), _("指标名称"), _("分子"), _("分母"), _("数值"), _("上年"), _("同比"), _("单位")],
                rows=indicator_rows(data),
                widths=(16, 30, 8, 8, 10, 10, 16, 6),
            ),
            Sheet(
                title=data.unit_heading or _("各单位"),
                caption=title,
                header=unit_header(),
                rows=unit_sheet_rows(data),
                widths=(18, 10, *([12] * (len(unit_header()) - 2))),
            ),
            Sheet(
                title=_("月度趋势"),
                caption=title,
                header=[_("月份"), *(str(i.label) for i in dashboard.monthly_indicators())],
                rows=month_rows(data),
                widths=(8, *([14] * len(dashboard.monthly_indicators()))),
            ),
        ],
    )
    return out.getvalue()
