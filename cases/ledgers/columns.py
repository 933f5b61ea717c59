"""The columns of a ledger sheet: a Chinese header, the model field, and how a cell is read and
written. One declaration serves the importer, the export and the template download."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from . import cells, values

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
    kind: str = "text"  # text, date, integer, boolean, choice, unit, related: how the preview shows it
    # Its reader needs only the cell and what the import's context holds from its start (units,
    # mappings), no database: a reading child may run it (cases.ledgers.readahead). Declared by
    # the kinds below; a column of its own making reads in the importing process.
    apart: bool = False

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
    return Column(header, name, _read_text, lambda v, ctx: v or None, required=required, apart=True)


def date(header: str, name: str, *, required: bool = False) -> Column:
    return Column(
        header, name, lambda v, ctx: cells.date(v), lambda v, ctx: v, required=required, kind="date", apart=True
    )


def integer(header: str, name: str, *, default: int = 0, required: bool = False) -> Column:
    return Column(
        header,
        name,
        lambda v, ctx: cells.integer(v, default=default),
        lambda v, ctx: v,
        required=required,
        kind="integer",
        apart=True,
    )


def boolean(header: str, name: str, *, default: bool = False, required: bool = False) -> Column:
    return Column(
        header,
        name,
        lambda v, ctx: cells.boolean(v, default=default),
        lambda v, ctx: YES if v else NO,
        required=required,
        options=(_("是"), _("否")),
        kind="boolean",
        apart=True,
    )


def choice(
    header: str, name: str, choices, *, default: str = "", required: bool = False, synonyms=None, no=None, yes=()
) -> Column:
    """A TextChoices field read by its Chinese label, a short form or a synonym (cases.ledgers.values),
    and written by its label."""
    display = {value: str(label) for value, label in choices.choices}
    return Column(
        header,
        name,
        values.choice_reader(cells.header(header), choices, default=default, synonyms=synonyms, no=no, yes=yes),
        lambda v, ctx: display.get(v, v) if v else (display.get("") or None),
        required=required,
        options=tuple(str(label) for _value, label in choices.choices),
        kind="choice",
        apart=True,
    )


def unit(header: str, name: str, *, required: bool = False) -> Column:
    """A unit matched by its name, or by a mapping the clerk chose (“人社局” → 县人社局); an
    unknown name is asked about with the likely units first, never made a new unit."""
    column = cells.header(header)

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
            pass
        raw = values.key(unquote(value))
        mapped = ctx.mapped(column, raw)
        if mapped is not None and cells.header(mapped[0]) in ctx.units:
            ctx.used(column, raw, mapped[0], mapped[1])
            return ctx.units[cells.header(mapped[0])]
        raise values.unit_issue(column, raw, ctx.unit_list)

    return Column(
        header, f"{name}_id", read, lambda v, ctx: ctx.unit_names.get(v), required=required, kind="unit", apart=True
    )


def related(header: str, name: str, read, write) -> Column:
    return Column(header, name, read, write, related=True, kind="related")
