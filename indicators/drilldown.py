"""The records behind a figure: `Indicator.records()` paginated, one table layout per source.

The list applies the very filters of the aggregate, so its length is the figure (for a sum, the
number of records summed; the sum itself comes from `indicators.compute`). Each row links to the
record's page in the clerk's workbench. Names of natural persons are masked for users without
`cases.view_personal_data`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases import privacy

from . import compute
from .registry import Indicator, Period

PER_PAGE = 50
PARTS = {"numerator": _("分子"), "denominator": _("分母")}


@dataclass(frozen=True)
class Column:
    label: str
    path: str  # attribute path on the record, "__"-separated; a get_*_display method is called
    width: int | None = None  # long text is cut to this many characters


@dataclass(frozen=True)
class Layout:
    columns: tuple[Column, ...]
    select_related: tuple[str, ...] = ()
    link_path: str = "pk"  # the pk of the record whose admin page the row opens


LAYOUTS: dict[str, Layout] = {
    "cases": Layout(
        (
            Column(_("信访件编号"), "number"),
            Column(_("登记日期"), "received_on"),
            Column(_("信访形式"), "get_channel_display"),
            Column(_("信访人"), "petitioner_name"),
            Column(_("人数"), "head_count"),
            Column(_("责任单位"), "responsible_unit"),
            Column(_("转送交办日期"), "routed_on"),
            Column(_("办结日期"), "closed_on"),
            Column(_("办理期限"), "handling_due_on"),
        ),
        ("responsible_unit",),
    ),
    "screenings": Layout(
        (
            Column(_("排查日期"), "found_on"),
            Column(_("乡镇（街道）"), "unit"),
            Column(_("纠纷类型"), "kind"),
            Column(_("化解状态"), "get_status_display"),
            Column(_("化解日期"), "resolved_on"),
        ),
        ("unit",),
    ),
    "accountable_units": Layout((Column(_("单位"), "name"), Column(_("类别"), "get_kind_display"))),
    "accountable_persons": Layout(
        (
            Column(_("姓名"), "name"),
            Column(_("职务"), "position"),
            Column(_("处理方式"), "measure"),
            Column(_("追责日期"), "action__decided_on"),
            Column(_("被追责单位"), "action__unit"),
        ),
        ("action__unit",),
        "action_id",
    ),
    "order_cases": Layout(
        (
            Column(_("发生日期"), "occurred_on"),
            Column(_("地点"), "place"),
            Column(_("违法行为"), "conduct", width=60),
        )
    ),
    "order_persons": Layout(
        (
            Column(_("姓名"), "name"),
            Column(_("处理措施"), "get_measure_display"),
            Column(_("发生日期"), "case__occurred_on"),
            Column(_("地点"), "case__place"),
        ),
        ("case",),
        "case_id",
    ),
    "outreach": Layout(
        (
            Column(_("日期"), "held_on"),
            Column(_("活动类型"), "get_kind_display"),
            Column(_("活动名称"), "title", width=40),
            Column(_("地点"), "place"),
            Column(_("参加人数"), "participants"),
            Column(_("发放资料（份）"), "materials"),
        )
    ),
    "volunteers": Layout(
        (
            Column(_("姓名"), "name"),
            Column(_("加入日期"), "joined_on"),
            Column(_("退出日期"), "left_on"),
        )
    ),
    "roadmap": Layout(
        (
            Column(_("单位"), "unit"),
            Column(_("路线图已上墙"), "roadmap_posted"),
            Column(_("导引图已上墙"), "guide_posted"),
            Column(_("上墙日期"), "posted_on"),
        ),
        ("unit",),
    ),
}
FALLBACK = Layout((Column(_("记录"), "__str__"),))


@dataclass(frozen=True)
class Row:
    url: str | None
    cells: list[str]


@dataclass(frozen=True)
class Listing:
    indicator: Indicator
    figure: compute.Figure
    part: str
    columns: tuple[Column, ...]
    page: object  # django.core.paginator.Page
    rows: list[Row]
    masked: bool  # some column shows names with characters hidden

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def part_label(self) -> str:
        return str(PARTS[self.part])


def listing(
    indicator: Indicator,
    *,
    bureau_id: int,
    period: Period,
    part: str,
    unit_id: int | None,
    page: str | None,
    user,
) -> Listing:
    """One page of the records counted in `part` of the figure. Three queries: the figure, the
    count and the page."""
    layout = LAYOUTS.get(indicator.source.key, FALLBACK)
    figure = compute.compute(bureau_id, period, unit_id=unit_id, keys=[indicator.key])[indicator.key]
    records = indicator.records(bureau_id, period, part, unit_id).select_related(*layout.select_related)
    ordering = [*(indicator.source.model._meta.ordering or []), "pk"]
    page_obj = Paginator(records.order_by(*ordering), PER_PAGE).get_page(page)
    model = indicator.source.model
    masks = (
        {} if privacy.can_see_personal_data(user) else {c.path: privacy.mask_for(model, c.path) for c in layout.columns}
    )
    admin_url = _admin_url(indicator.source.admin_url_name)
    rows = [
        Row(
            admin_url(_value(record, layout.link_path)) if admin_url else None,
            [_cell(record, column, masks.get(column.path)) for column in layout.columns],
        )
        for record in page_obj.object_list
    ]
    masked = any(masks.values())
    return Listing(indicator, figure, part, layout.columns, page_obj, rows, masked)


def _admin_url(url_name: str | None) -> Callable[[int], str] | None:
    if not url_name:
        return None
    # reverse() once; each row only swaps in its own id.
    template = reverse(f"admin:{url_name}_change", args=[0]).replace("/0/", "/{}/")
    return template.format


def _value(record, path: str):
    value = record
    for name in path.split("__") if path != "__str__" else [path]:
        if value is None:
            return None
        value = getattr(value, name)
        if callable(value):
            value = value()
    return value


def _cell(record, column: Column, mask: privacy.Mask | None) -> str:
    value = _value(record, column.path)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    text = str(value)
    if mask:
        return mask(text)
    if column.width and len(text) > column.width:
        return text[: column.width] + "…"
    return text
