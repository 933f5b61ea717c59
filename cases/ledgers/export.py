"""Ledgers to .xlsx with the importer's own headers, so an export re-imports unchanged.

Text that a spreadsheet would run as a formula is neutralised with a leading quote (the
importer removes it again); numbers and dates stay typed cells. Personal data is masked for
users without `cases.view_personal_data`.
"""

from __future__ import annotations

import io
from types import SimpleNamespace

from django.utils.translation import gettext as _

from cases import privacy
from cases.models import Unit

from .columns import FORMULA_PREFIXES
from .resources import LedgerResource
from .sheetwriter import write_workbook

CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_workbook(resource: LedgerResource, queryset, *, user) -> bytes:
    """The rows of `queryset` as an .xlsx file (bytes); one query per 2,000 rows."""
    out = io.BytesIO()
    headers = [c.header for c in resource.columns]
    write_workbook(out, [(resource.title, headers, _rows(resource, queryset, user))])
    return out.getvalue()


def template_workbook(resource: LedgerResource) -> bytes:
    """An empty ledger with every header, and a second sheet saying what each column takes."""
    notes = [
        (
            column.header,
            _("是") if column.required else "",
            "、".join(o for o in column.options if o and o != "—") or _help(column),
        )
        for column in resource.columns
    ]
    out = io.BytesIO()
    write_workbook(
        out,
        [
            (resource.title, [c.header for c in resource.columns], []),
            (_("填写说明"), [_("列名"), _("必填"), _("可填写的值")], notes),
        ],
    )
    return out.getvalue()


def _rows(resource: LedgerResource, queryset, user):
    masked = not privacy.can_see_personal_data(user)
    ctx = SimpleNamespace(
        unit_names=dict(Unit.objects.values_list("pk", "name")),
        mask_personal=masked,
        related={},
        case_numbers={},
    )
    plain = [c for c in resource.columns if not c.related]
    names = ["pk", *(c.field for c in plain)]
    rows = queryset.order_by(*_order(queryset)).values_list(*names)
    buffer = []
    for values in rows.iterator(chunk_size=CHUNK):
        buffer.append(values)
        if len(buffer) >= CHUNK:
            yield from _chunk(resource, buffer, ctx, masked)
            buffer = []
    if buffer:
        yield from _chunk(resource, buffer, ctx, masked)


def _help(column) -> str:
    if column.field.endswith("_on"):
        return _("日期，如 2024-03-05、2024/3/5、2024年3月5日，或日期单元格")
    if column.field.endswith("_id"):
        return _("单位名称，须与系统中“责任单位”的名称一致")
    if column.related:
        return _("多人以“、”分隔，括号内填写补充信息，如：张三（警告）、李四（行政拘留）")
    return ""


def _order(queryset) -> list[str]:
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or ["pk"])
    return ordering if "pk" in ordering or "id" in ordering or "-id" in ordering else [*ordering, "pk"]


def _chunk(resource, rows, ctx, masked):
    columns = resource.columns
    if any(c.related for c in columns):
        extra = resource.export_context([SimpleNamespace(pk=row[0]) for row in rows])
        ctx.related = extra.get("related", {})
        ctx.case_numbers = extra.get("case_numbers", {})
    plan = []
    position = 1
    for column in columns:
        if column.related:
            plan.append((column, None))
        else:
            plan.append((column, position))
            position += 1
    for row in rows:
        out = []
        for column, index in plan:
            value = ctx.related.get(row[0], {}).get(column.field, []) if index is None else row[index]
            cell = column.write(value, ctx)
            if cell.__class__ is str and cell:
                if masked and column.mask:
                    cell = column.mask(cell)
                if cell[0] in FORMULA_PREFIXES:
                    cell = "'" + cell  # text a spreadsheet would run as a formula
            out.append(cell)
        yield out
