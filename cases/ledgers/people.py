"""Persons held in one cell: "张三（副镇长，诫勉谈话）、李四".

Persons are separated by 、 ； ; or a line break; what a person's brackets hold is split on ，
or , into that ledger's attributes, in order. Separators inside brackets belong to the person
("王五（党委委员、副镇长）"), so the split tracks bracket depth.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .cells import CellError, text

_OPEN, _CLOSE = "（(", "）)"
_SEPARATORS = "、；;\n"


def split(value) -> list[tuple[str, list[str]]]:
    """[(name, [attribute, …]), …] from a cell."""
    raw = text(value)
    entries, depth, current = [], 0, []
    for char in raw:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        if char in _SEPARATORS and depth == 0:
            entries.append("".join(current))
            current = []
        else:
            current.append(char)
    entries.append("".join(current))
    result = []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        name, attrs = entry, []
        start = min((entry.find(c) for c in _OPEN if c in entry), default=-1)
        if start >= 0:
            if entry[-1] not in _CLOSE:
                raise CellError(_("“%(entry)s”的括号不完整") % {"entry": entry})
            name = entry[:start].strip()
            attrs = [a.strip() for a in entry[start + 1 : -1].replace(",", "，").split("，")]
        if not name:
            raise CellError(_("“%(entry)s”缺少姓名") % {"entry": entry})
        result.append((name, attrs))
    return result


def join(persons: list[tuple[str, list[str]]]) -> str | None:
    parts = []
    for name, attrs in persons:
        while attrs and not attrs[-1]:
            attrs = attrs[:-1]
        parts.append(f"{name}（{'，'.join(attrs)}）" if attrs else name)
    return "、".join(parts) or None
