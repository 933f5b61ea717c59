"""The records behind a figure: `Indicator.records()` paginated, in the columns its source declares.

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
from .registry import Column, Indicator, Period

PER_PAGE = 50
PARTS = {"numerator": _("分子"), "denominator": _("分母")}


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
    fmt=None,
) -> Listing:
    """One page of the records counted in `part` of the figure. Three queries: the figure, the
    count and the page."""
    source = indicator.source
    figure = compute.compute(bureau_id, period, unit_id=unit_id, keys=[indicator.key])[indicator.key]
    if fmt is not None:  # printed the bureau's way (indicators.numbers)
        figure = figure.formatted(fmt)
    records = indicator.records(bureau_id, period, part, unit_id).select_related(*source.select_related)
    ordering = [*(source.model._meta.ordering or []), "pk"]
    page_obj = Paginator(records.order_by(*ordering), PER_PAGE).get_page(page)
    masks = (
        {}
        if privacy.can_see_personal_data(user)
        else {c.path: privacy.mask_for(source.model, c.path) for c in indicator.columns}
    )
    admin_url = _record_url(source.page_url_name) or _admin_url(source.admin_url_name)
    rows = [
        Row(
            admin_url(_value(record, source.link_path)) if admin_url else None,
            [_cell(record, column, masks.get(column.path)) for column in indicator.columns],
        )
        for record in page_obj.object_list
    ]
    masked = any(masks.values())
    return Listing(indicator, figure, part, indicator.columns, page_obj, rows, masked)


def _record_url(url_name: str | None) -> Callable[[int], str] | None:
    """A record's own page (a case's timeline), reversed once; each row swaps in its own id."""
    if not url_name:
        return None
    return reverse(url_name, args=[0]).replace("/0/", "/{}/").format


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
