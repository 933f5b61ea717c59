"""The dashboard as an Excel workbook: what the head sees, in three sheets, Chinese only.

Sheet 1 every indicator (分子, 分母, 数值, 上年, 同比, and for a rate with a province average typed
by the bureau (indicators.references) 全省参考值 and 较全省 as the dashboard words it), sheet 2 the
per-unit table with each rate's 上年 and 同比, sheet 3 the monthly counts of the trends, sheet 4
every reference figure typed for the year (全省平均, 全省排名, 其他系统的数字) with its source. Read from
the dashboard's own cached values (`dashboard.dashboard_data`) and presentation (`cards`,
`unit_rows`): nothing is counted here, and the figures are those of the page.

A city's or province's roll-up (indicators.rollup) has its own workbook (`rollup_xlsx`): one row
per bureau and indicator, each row naming its bureau (and its province, where the bureaus below
lie in more than one), with each bureau's own province average as it typed it.

Numbers follow indicators.numbers' one rule. Written by the product's one .xlsx writer.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from cases import tree
from cases.ledgers.sheetwriter import Sheet, write_workbook
from cases.models import Bureau

from . import cache, dashboard, numbers, references
from . import rollup as rollups
from .compute import Figure
from .dashboard import DashboardData
from .models import ReferenceFigure

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(figure: Figure) -> Decimal | int | str:
    """A rate as its percentage (a number, two places; a whole number as the bureau writes it:
    indicators.numbers), a count as an integer; "—" for a rate with nothing to count."""
    value = figure.value
    if value is None:
        return "—"
    return numbers.sheet_number(value, figure.fmt) if figure.is_rate else value


def reference_cells(figure: Figure, province: Decimal | None) -> list:
    """[全省参考值, 较全省] of a rate against the province's average as typed ("高于全省 0.33 个
    百分点", as the dashboard words it); two empty cells where none was typed, or for a count."""
    if not figure.is_rate or province is None:
        return [None, None]
    fmt = figure.fmt
    words = references.versus_words(references.versus(figure, province, fmt), fmt, spaced=True)
    return [numbers.sheet_number(numbers.round2(province, fmt), fmt), words]


REFERENCE_HEADER = [_("全省参考值（%）"), _("较全省")]
INDICATOR_HEADER = [_("类别"), _("指标名称"), _("分子"), _("分母"), _("数值"), _("上年"), _("同比"), _("单位")]


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
                *reference_cells(f, data.province.get(f.indicator.key)),
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


def reference_rows(bureau: Bureau, year: int, fmt: numbers.NumberFormat):
    """Every reference figure the bureau typed for the year (全省平均, 全省排名, 其他系统的数字),
    as typed, with its source: what the 全省参考值 column compares with, and the rest."""
    units = {ReferenceFigure.Kind.PROVINCE: "%", ReferenceFigure.Kind.RANK: _("名")}
    order = list(ReferenceFigure.Kind.values)
    for figure in sorted(references.of_year(bureau.pk, year), key=lambda f: order.index(f.kind)):
        value = figure.value
        if figure.kind == ReferenceFigure.Kind.PROVINCE:
            value = numbers.sheet_number(numbers.round2(value, fmt), fmt)
        elif value == value.to_integral_value():
            value = int(value)
        yield [figure.get_kind_display(), figure.label, value, units.get(figure.kind), figure.source]


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
                header=[*INDICATOR_HEADER, *(str(h) for h in REFERENCE_HEADER)],
                rows=indicator_rows(data),
                widths=(16, 30, 8, 8, 10, 10, 16, 6, 12, 24),
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
            Sheet(
                title=_("参考数字"),
                caption=_("%(bureau)s%(year)s年参考数字（本局录入，数值以来源为准）")
                % {"bureau": bureau.name, "year": data.year},
                header=[_("类别"), _("名称"), _("数值"), _("单位"), _("来源说明")],
                rows=reference_rows(bureau, data.year, data.number_format),
                widths=(14, 24, 10, 6, 36),
            ),
        ],
    )
    return out.getvalue()


# The roll-up ------------------------------------------------------------------------------------


def _provinces(bureau: Bureau, ids: list[int]) -> dict[int, str]:
    """Bureau id → its province's short name (Bureau.province_name()), for `ids` below `bureau`:
    one query over the bureau's lineage and the bureaus above it."""
    parents = cache.bureau_tree()
    wanted = set(tree.above(parents, bureau.pk)) | set(tree.lineage(parents, bureau.pk))
    rows = Bureau.objects.filter(pk__in=wanted).only("pk", "level", "province", "short_county", "county")
    by_id = {b.pk: b for b in rows}

    def own(b: Bureau) -> str | None:
        if b.province or b.level == Bureau.Level.PROVINCE:
            return b.province or b.short_county or b.county
        return None

    found = {}
    for pk in ids:
        names = (own(by_id[up]) for up in tree.above(parents, pk) if up in by_id)
        found[pk] = next((name for name in names if name is not None), "")
    return found


def _province_averages(ids: list[int], year: int) -> dict[int, dict[str, Decimal]]:
    """Each bureau's province averages of `year`, as each typed them: one query."""
    found: dict[int, dict[str, Decimal]] = {pk: {} for pk in ids}
    rows = ReferenceFigure.objects.with_scopes_disabled().filter(
        bureau_id__in=ids, year=year, kind=ReferenceFigure.Kind.PROVINCE
    )
    for f in rows.exclude(indicator=""):
        found[f.bureau_id][f.indicator] = f.value
    return found


def rollup_rows(bureau: Bureau, data: rollups.RollupData, *, with_province: bool, provinces: dict[int, str]):
    """One row per bureau and indicator: the bureau itself, each bureau directly below (with its
    rank among them), then the totals (with the bureau's own province averages)."""
    lower_ids = [pk for pk, _name in data.lower]
    averages = _province_averages([bureau.pk, *lower_ids], data.year)
    rows = rollups.rows(data, lambda pk: "")
    names = dict(data.lower)

    def line(province: str, name: str, row: rollups.Row, cell: rollups.Cell, rank, own_averages) -> list:
        f = cell.figure
        values = [province] if with_province else []
        return [
            *values,
            name,
            str(row.indicator.source.section),
            f.label,
            f.numerator,
            f.denominator if f.is_rate else None,
            _value(f),
            _value(cell.previous),
            cell.change,
            rank,
            *reference_cells(f, own_averages.get(row.indicator.key)),
        ]

    own_province = provinces.get(bureau.pk, "")
    totals = ((_("下级合计"), "below"), (_("全辖合计（含本局）"), "total"))
    for row in rows:
        yield line(own_province, bureau.name, row, row.own, None, averages[bureau.pk])
    for index, pk in enumerate(lower_ids):
        for row in rows:
            cell = row.lower[index]
            rank = cell.rank if row.indicator.is_rate else None
            yield line(provinces.get(pk, ""), names[pk], row, cell, rank, averages[pk])
    for label, part in totals:
        for row in rows:
            yield line(own_province, f"{bureau.name}{label}", row, getattr(row, part), None, averages[bureau.pk])


def rollup_xlsx(bureau: Bureau, data: rollups.RollupData) -> bytes:
    """The roll-up as a workbook: one sheet, a row per bureau and indicator (see the module)."""
    lower_ids = [pk for pk, _name in data.lower]
    provinces = _provinces(bureau, [bureau.pk, *lower_ids])
    with_province = len({provinces[pk] for pk in lower_ids}) > 1
    title = _("%(bureau)s%(year)s年下级信访局汇总与排名（数据截至%(day)s，同比与%(last)s年相比）") % {
        "bureau": bureau.name,
        "year": data.year,
        "day": f"{data.today.year}年{data.today.month}月{data.today.day}日",
        "last": data.year - 1,
    }
    header = [_("信访局"), _("类别"), _("指标名称"), _("分子"), _("分母"), _("数值"), _("上年"), _("同比")]
    header += [_("排名"), *(str(h) for h in REFERENCE_HEADER)]
    widths = (24, 16, 30, 8, 8, 10, 10, 16, 6, 12, 24)
    if with_province:
        header, widths = [_("省份"), *header], (8, *widths)
    out = io.BytesIO()
    write_workbook(
        out,
        [
            Sheet(
                title=_("下级信访局"),
                caption=title,
                header=header,
                rows=rollup_rows(bureau, data, with_province=with_province, provinces=provinces),
                widths=widths,
            )
        ],
    )
    return out.getvalue()
