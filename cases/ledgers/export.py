"""Ledgers to .xlsx with the importer's own headers, so an export re-imports unchanged.

Text that a spreadsheet would run as a formula is neutralised with a leading quote (the
importer removes it again); numbers and dates stay typed cells. Personal data is masked for
users without `cases.view_personal_data`.
"""

from __future__ import annotations

import base64
import io
import pickle
from types import SimpleNamespace

from django.apps import apps
from django.core import signing
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from cases import privacy
from cases.audit import log_action
from cases.jobs.service import JobFailed, work
from cases.models import AuditEntry, Unit

from .columns import FORMULA_PREFIXES
from .resources import LedgerResource
from .sheetwriter import write_workbook

CHUNK = 2000
QUERY_SALT = "cases.ledgers.export.query"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_workbook(resource: LedgerResource, queryset, *, user, progress=None) -> bytes:
    """The rows of `queryset` as an .xlsx file (bytes); one query per 2,000 rows. `progress(n)`,
    if given, is told the rows written so far after each 2,000."""
    out = io.BytesIO()
    headers = [c.header for c in resource.columns]
    write_workbook(out, [(resource.title, headers, _rows(resource, queryset, user, progress))])
    return out.getvalue()


def export_name(resource: LedgerResource) -> str:
    return _("%(title)s-%(date)s.xlsx") % {"title": resource.title, "date": timezone.localdate().isoformat()}


def export_detail(resource: LedgerResource, user, querystring: str) -> str:
    """The activity log's note of an export: which ledger, whether masked, with which filters."""
    personal = _("含个人信息") if privacy.can_see_personal_data(user) else _("个人信息已脱敏")
    return f"{resource.title}（{personal}）{querystring}"


def start_background_export(resource: LedgerResource, queryset, *, user, querystring: str, rows: int):
    """Hand an export of `rows` rows to the worker (cases.jobs); returns the Job. The query is
    kept as Django pickles it (QuerySet.query), so the worker exports exactly the list the user
    filtered, within the same bureau (and unit): the scope's filters are part of the query."""
    from cases.jobs.service import enqueue
    from cases.models import Job

    meta = queryset.model._meta
    return enqueue(
        export_in_background,
        user=user,
        kind=Job.Kind.LEDGER_EXPORT,
        title=_("导出%(title)s（%(rows)d 条）") % {"title": resource.title, "rows": rows},
        arguments={
            "model": meta.label,
            "resource": f"{type(resource).__module__}.{type(resource).__qualname__}",
            # Signed with the site's secret: the worker unpickles only what this code wrote.
            "query": signing.Signer(salt=QUERY_SALT).sign(base64.b64encode(pickle.dumps(queryset.query)).decode()),
            "querystring": querystring,
        },
        permission=f"{meta.app_label}.view_{meta.model_name}",
        personal=privacy.can_see_personal_data(user) and any(c.mask for c in resource.columns),
        total=rows,
    )


@work(atomic=False)
def export_in_background(ctx, *, model: str, resource: str, query: str, querystring: str) -> None:
    """The worker's half of `start_background_export`: the same file the list's export gives."""
    model_class = apps.get_model(model)
    ledger = import_string(resource)()
    queryset = model_class._default_manager.all()
    try:
        pickled = base64.b64decode(signing.Signer(salt=QUERY_SALT).unsign(query))
    except signing.BadSignature as bad:
        raise JobFailed(_("导出任务的查询条件校验失败，未导出。")) from bad
    queryset.query = pickle.loads(pickled)  # signed by start_background_export above
    ctx.progress(0, message=_("正在导出"))
    data = export_workbook(ledger, queryset, user=ctx.user, progress=lambda n: ctx.progress(n))
    log_action(
        model_class,
        user=ctx.user,
        action=AuditEntry.Action.EXPORT,
        detail=export_detail(ledger, ctx.user, querystring) + _("（后台任务）"),
    )
    ctx.save_result(export_name(ledger), data, XLSX_TYPE)
    ctx.progress(ctx.job.total, message=_("已导出 %(rows)d 条") % {"rows": ctx.job.total})


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


def _rows(resource: LedgerResource, queryset, user, progress=None):
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
    written = 0
    for values in rows.iterator(chunk_size=CHUNK):
        buffer.append(values)
        if len(buffer) >= CHUNK:
            yield from _chunk(resource, buffer, ctx, masked)
            written += len(buffer)
            buffer = []
            if progress is not None:
                progress(written)
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
