"""The columns of a ledger sheet: a Chinese header, the model field, and how a cell is read and
written. One declaration serves the importer, the export and the template download."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from . import cells

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Cell words, not UI text: the importer reads exactly these, and a gettext() per cell cost a third
# of the export's time.
YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    read: Callable[[Any, Any], Any]  # (cell value, import context) -> field value
    write: Callable[[Any, Any], Any]  # (field value, export context) -> cell value
    required: bool = False  # the header must be in the sheet
    mask: Callable[[str], str] | None = None  # set by the resource from cases.privacy
    related: bool = False  # not a model field: the resource stores it itself
    options: tuple[str, ...] = field(default=())  # allowed labels, for the template's notes

    @property
    def key(self) -> str:
        return cells.header(self.header)


def unquote(value):
    """Undo the export's formula neutralisation so that an export re-imports unchanged."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value


def _read_text(value, ctx):
    return cells.text(unquote(value))


def text(header: str, name: str, *, required: bool = False) -> Column:
    return Column(header, name, _read_text, lambda v, ctx: v or None, required=required)


def date(header: str, name: str, *, required: bool = False) -> Column:
    return Column(header, name, lambda v, ctx: cells.date(v), lambda v, ctx: v, required=required)


def integer(header: str, name: str, *, default: int = 0, required: bool = False) -> Column:
    return Column(header, name, lambda v, ctx: cells.integer(v, default=default), lambda v, ctx: v, required=required)


def boolean(header: str, name: str, *, default: bool = False, required: bool = False) -> Column:
    return Column(
        header,
        name,
        lambda v, ctx: cells.boolean(v, default=default),
        lambda v, ctx: YES if v else NO,
        required=required,
        options=(_("是"), _("否")),
    )


def choice(header: str, name: str, choices, *, default: str = "", required: bool = False) -> Column:
    """A TextChoices field read and written by its Chinese label."""
    labels = {cells.header(str(label)): value for value, label in choices.choices}
    labels.update({value: value for value, _label in choices.choices if value})
    display = {value: str(label) for value, label in choices.choices}
    return Column(
        header,
        name,
        lambda v, ctx: cells.choice(v, labels, default=default),
        lambda v, ctx: display.get(v, v) if v else (display.get("") or None),
        required=required,
        options=tuple(str(label) for _value, label in choices.choices),
    )


def unit(header: str, name: str, *, required: bool = False) -> Column:
    """A unit matched by its name; an unknown name is an error, never a new unit."""

    def read(value, ctx):
        if value.__class__ is str and value in ctx.units:
            return ctx.units[value]
        name_text = cells.header(unquote(value))
        if not name_text:
            if required:
                raise cells.CellError(_("请填写单位名称"))
            return None
        try:
            return ctx.units[name_text]
        except KeyError:
            raise cells.CellError(
                _("未找到名为“%(name)s”的责任单位，请先由管理员在“责任单位”中添加，或改为已有单位名称")
                % {"name": cells.text(value)}
            ) from None

    return Column(header, f"{name}_id", read, lambda v, ctx: ctx.unit_names.get(v), required=required)


def related(header: str, name: str, read, write) -> Column:
    return Column(header, name, read, write, related=True)
