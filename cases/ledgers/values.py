"""Values as clerks write them: a choice or a unit under its short form, a synonym, 是/否.

How a cell of a choice column is read, in order:
1. a mapping for this column and this text: given with the import (the preview's choices,
   `import_ledger --map`) or remembered for the bureau (ImportValueMapping);
2. the option's label (网上信访) or stored value, exactly;
3. the column's small table of synonyms and yes/no words (复查复核: 否 → 无; 是 asks 复查 or 复核);
4. a short form: the one option whose label starts with or contains the text (网上 → 网上信访,
   信访程序 → 信访程序办理), for texts of two characters or more.
Anything else is an UnknownValue (or an ambiguous one, when several options fit): the import
collects it once per column and text, with its rows, and the preview asks the clerk to map it,
suggestions first. A unit is never guessed: “人社局” only suggests 县人社局.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import cells

SHORT_FORM_MIN = 2  # a one-character text is too short to stand for an option by itself
MEMO_SIZE = 1000  # texts remembered per column, read or not
MAX_ISSUES = 200  # unknown texts asked about per import; past this a file is wrong, not quaint

NO_WORDS = ("否", "无", "没有", "n", "no")
YES_WORDS = ("是", "有", "y", "yes", "√")

# How each source of a reading is named in the import log.
GIVEN, REMEMBERED, SHORT = "given", "remembered", "short"
HOW = {GIVEN: gettext_noop("本次映射"), REMEMBERED: gettext_noop("已记住的映射"), SHORT: gettext_noop("简称")}


class UnknownValue(cells.CellError):
    """A cell that names no option: `suggestions` are the likeliest options (perhaps none),
    `ambiguous` when several fit its text equally."""

    def __init__(
        self, column: str, raw: str, suggestions: list[str], options: list[str], *, ambiguous: bool, unit=False
    ):
        self.column, self.raw = column, raw
        self.suggestions, self.options, self.ambiguous, self.unit = suggestions, options, ambiguous, unit
        if unit:
            message = _("未找到名为“%(name)s”的责任单位") % {"name": raw}
            if suggestions:
                message += _("，是否为“%(suggested)s”？") % {"suggested": "”或“".join(suggestions)}
            else:
                message += _("，请先由管理员在“责任单位”中添加，或改为已有单位名称")
        elif ambiguous:
            message = _("“%(value)s”可能是%(options)s，请选择") % {"value": raw, "options": "或".join(suggestions)}
        elif suggestions:
            message = _("“%(value)s”不是可选值，是否为“%(suggested)s”？") % {
                "value": raw,
                "suggested": "”或“".join(suggestions),
            }
        else:
            shown = "、".join(o for o in options if o != "—")  # 处理结果's empty option says nothing
            message = _("“%(value)s”不是可选值（可选：%(options)s）") % {"value": raw, "options": shown}
        super().__init__(message)

    def __reduce__(self):  # sent from the reading child (cases.ledgers.readahead) whole
        return (_unknown_value, (self.column, self.raw, self.suggestions, self.options, self.ambiguous, self.unit))


def _unknown_value(column, raw, suggestions, options, ambiguous, unit):
    return UnknownValue(column, raw, suggestions, options, ambiguous=ambiguous, unit=unit)


@dataclass
class ValueIssue:
    """One text of one column that the import could not read, with the rows that use it."""

    column: str
    raw: str
    ambiguous: bool
    suggestions: list[str]
    options: list[str]
    unit: bool = False
    rows: list[int] = field(default_factory=list)
    count: int = 0

    ROWS_KEPT = 20

    def add(self, row: int) -> None:
        self.count += 1
        if len(self.rows) < self.ROWS_KEPT:
            self.rows.append(row)

    @property
    def others(self) -> list[str]:
        """The options that are not suggestions, for the rest of the preview's list."""
        return [o for o in self.options if o not in self.suggestions]

    @property
    def rows_text(self) -> str:
        text = "、".join(str(r) for r in self.rows)
        return text + ("……" if self.count > len(self.rows) else "")

    @property
    def message(self) -> str:
        return str(
            UnknownValue(
                self.column, self.raw, self.suggestions, self.options, ambiguous=self.ambiguous, unit=self.unit
            )
        )

    @property
    def map_hint(self) -> str:
        """The `import_ledger --map` that reads this text, with the first suggestion if any."""
        choice = self.suggestions[0] if self.suggestions else _("选项")
        return f"--map '{self.column}:{self.raw}={choice}'"


def key(value) -> str:
    """A cell's text as it is compared: full-width folded, no spaces, brackets as in the labels."""
    return cells.header(cells.fold(cells.text(value)))


def candidates(raw: str, names: list[str]) -> tuple[list[str], list[str]]:
    """(names that start with or contain `raw`, names that `raw` contains), each by closeness."""
    forward = sorted((n for n in names if raw in key(n)), key=lambda n: (not key(n).startswith(raw), len(n)))
    backward = sorted((n for n in names if n not in forward and key(n) and key(n) in raw), key=len, reverse=True)
    return forward, backward


def similar(raw: str, names: list[str], limit: int = 3) -> list[str]:
    """Names sharing the most characters with `raw` (at least two), for a suggestion only."""
    scored = []
    for name in names:
        shared = len(set(raw) & set(key(name)))
        if shared >= 2:
            scored.append((-shared, abs(len(name) - len(raw)), name))
    return [name for *_score, name in sorted(scored)[:limit]]


@dataclass
class ChoiceReader:
    """Reads one choice column's cells (see the module's docstring)."""

    column: str
    labels: dict[str, str]  # label key or stored value → stored value
    options: list[str]  # the Chinese labels, in order (those a clerk picks from)
    by_label: dict[str, str]  # exact label → stored value
    synonyms: dict[str, str] = field(default_factory=dict)  # text key → label
    asks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # text key → labels it may mean
    default: str = ""
    memo: dict[str, tuple] = field(default_factory=dict)  # text key → (value, label) or (None, issue)

    def __call__(self, value, ctx):
        if value.__class__ is str and value in self.labels:  # the common case, a clean label
            return self.labels[value]
        raw = key(value)
        if raw == "":
            return self.default
        if raw in self.labels:
            return self.labels[raw]
        mapped = ctx.mapped(self.column, raw) if ctx is not None else None
        if mapped is not None:
            label, how = mapped
            if label in self.by_label:
                ctx.used(self.column, raw, label, how)
                return self.by_label[label]
        found = self.memo.get(raw)
        if found is None:
            found = self._find(raw)
            if len(self.memo) < MEMO_SIZE:  # the column lives as long as the process: bounded
                self.memo[raw] = found
        value_found, label = found
        if value_found is None:  # a fresh exception each time, from the remembered one
            raise UnknownValue(label.column, label.raw, label.suggestions, label.options, ambiguous=label.ambiguous)
        if ctx is not None:
            ctx.used(self.column, raw, label, SHORT)
        return value_found

    def _find(self, raw: str) -> tuple:
        label = self.synonyms.get(raw) or self.synonyms.get(raw.lower())
        if label is not None:
            return self.by_label[label], label
        if raw.lower() in self.asks:
            suggestions = list(self.asks[raw.lower()])
            return None, self._unknown(raw, suggestions, ambiguous=len(suggestions) > 1)
        forward, backward = candidates(raw, self.options)
        if len(forward) == 1 and len(raw) >= SHORT_FORM_MIN:
            return self.by_label[forward[0]], forward[0]
        if len(forward) > 1:
            return None, self._unknown(raw, forward, ambiguous=True)
        return None, self._unknown(raw, backward or similar(raw, self.options), ambiguous=False)

    def _unknown(self, raw, suggestions, *, ambiguous):
        return UnknownValue(self.column, raw, suggestions, self.options, ambiguous=ambiguous)


def choice_reader(column: str, choices, *, default: str = "", synonyms=None, no=None, yes=()) -> ChoiceReader:
    """A reader of a TextChoices column. `synonyms`: text → label; `no`, `yes`: the label (or
    labels) 否/无 and 是/有 stand for — one is read as it, several are asked about."""
    labels = {cells.header(str(label)): value for value, label in choices.choices}
    labels.update({value: value for value, _label in choices.choices if value})
    by_label = {str(label): value for value, label in choices.choices}
    options = [str(label) for _value, label in choices.choices]
    table = {key(k): str(v) for k, v in (synonyms or {}).items()}
    asks: dict[str, tuple[str, ...]] = {}
    nos = tuple(no) if isinstance(no, tuple | list) else (() if no is None else (no,))
    if len(nos) == 1:
        table.update({word: str(nos[0]) for word in NO_WORDS})
    elif nos:
        asks.update({word: tuple(str(n) for n in nos) for word in NO_WORDS})
    if len(yes) == 1:
        table.update({word: str(yes[0]) for word in YES_WORDS})
    elif yes:
        asks.update({word: tuple(str(y) for y in yes) for word in YES_WORDS})
    for word in list(table):
        if word in labels:  # a label is read as itself, never through the table
            del table[word]
    return ChoiceReader(column, labels, options, by_label, table, asks, default)


def unit_issue(column: str, raw: str, names: list[str]) -> UnknownValue:
    """A unit name that is not the bureau's: suggest the unit it likely means (县人社局 for
    人社局), never take it without the clerk."""
    forward, backward = candidates(raw, names)
    suggestions = (forward + backward)[:5] or similar(raw, names)
    return UnknownValue(column, raw, suggestions, names, ambiguous=False, unit=True)


def check_mappings(resource, mappings: dict[tuple[str, str], str], unit_names: list[str]) -> str:
    """Why given mappings cannot serve this ledger (a column it has no choice of, an option the
    column does not offer), in Chinese; "" when they all can."""
    columns = {c.key: c for c in resource.columns if c.kind in ("choice", "unit")}
    for (column, raw), option in mappings.items():
        target = columns.get(column)
        if target is None:
            names = "、".join(c.header for c in columns.values())
            return _("“%(column)s”不是本台账可以映射的列（可映射：%(columns)s）") % {"column": column, "columns": names}
        options = unit_names if target.kind == "unit" else [o for o in target.options if o != "—"]
        if option not in options:
            return _("%(column)s“%(raw)s”映射的“%(option)s”不是该列的选项（可选：%(options)s）") % {
                "column": column,
                "raw": raw,
                "option": option,
                "options": "、".join(options),
            }
    return ""


def parse_map(text: str) -> tuple[str, str, str]:
    """`列名:原值=选项` (also with full-width ：＝) → (column, raw, option); ValueError in Chinese."""
    folded = text.replace("：", ":").replace("＝", "=")
    column, sep, rest = folded.partition(":")
    raw, sep2, option = rest.partition("=")
    if not (sep and sep2 and column.strip() and raw.strip() and option.strip()):
        raise ValueError(_("--map 的格式为 '列名:原值=选项'，而不是“%(text)s”") % {"text": text})
    return cells.header(column), key(raw), option.strip()


def remembered(bureau, ledger: str) -> dict[tuple[str, str], str]:
    """The bureau's remembered mappings of a ledger: (column, text key) → option."""
    from cases.models import ImportValueMapping

    rows = ImportValueMapping.objects.filter(bureau=bureau, ledger=ledger).values_list("column", "raw", "value")
    return {(column, raw): value for column, raw, value in rows}


def remember(bureau, ledger: str, mappings: dict[tuple[str, str], str], *, user=None, actor: str = "") -> int:
    """Store the mappings an import used, for the bureau's later imports; returns how many were
    new or changed. Each is written to the activity log."""
    from cases.audit import log_action
    from cases.models import AuditEntry, ImportValueMapping

    if not mappings:
        return 0
    known = {(m.column, m.raw): m for m in ImportValueMapping.objects.filter(bureau=bureau, ledger=ledger)}
    user = user if getattr(user, "is_authenticated", False) else None
    name = user.get_username() if user else actor
    changed = 0
    for (column, raw), value in mappings.items():
        mapping = known.get((column, raw))
        if mapping is not None and mapping.value == value:
            continue
        if mapping is None:
            mapping = ImportValueMapping(bureau=bureau, ledger=ledger, column=column, raw=raw)
            action, changes = AuditEntry.Action.CREATE, {}
        else:
            action, changes = AuditEntry.Action.UPDATE, {"value": [mapping.value, value]}
        mapping.value, mapping.created_by, mapping.created_by_name = value, user, name[:150]
        mapping.save()
        log_action(
            mapping,
            user=user,
            username=actor,
            action=action,
            changes=changes,
            source=AuditEntry.Source.IMPORT,
            detail=str(mapping),
        )
        changed += 1
    return changed
