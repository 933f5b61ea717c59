"""Placeholders proposed for last year's published text (issue 12): wherever a number in the text
equals a figure the records give for that year, propose the figure's placeholder, for staff to
accept or reject one by one (and `manage.py propose_placeholders`).

A number can equal several figures (8 起 扰序案件 and 8 人 处理; four rates at 100%). The words
around it choose: the measure written after it (起, 人, 名, 份… — the indicator's unit) and the
indicator's name written before it in the same clause ("化解率80.25%"). After "均为" ("…受理率、
转交率…均为100%") every figure named in the clause is proposed together, as `{a|b|c}` (the one
value they share). A number that equals no figure is left as it is: nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from indicators.compute import Figure
from indicators.registry import BY_KEY

_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(\s*%)?")
_CLAUSE_END = "。；;！？\n"
_TOGETHER = ("均为", "均达到", "均达", "都为", "均是", "均保持")
WINDOW = 40  # characters read back for the clause before a number


@dataclass(frozen=True)
class Proposal:
    start: int  # the number's place in the text
    end: int
    written: str  # as written: "93.96%", "157"
    keys: tuple[str, ...]  # the figures it stands for, together (`{a|b}`) when more than one

    @property
    def placeholder(self) -> str:
        return "{" + "|".join(self.keys) + "}"

    @property
    def labels(self) -> str:
        return "、".join(str(BY_KEY[k].label) if k in BY_KEY else k for k in self.keys)


def _clause_before(text: str, start: int) -> str:
    window = text[max(0, start - WINDOW) : start]
    cut = max(window.rfind(ch) for ch in _CLAUSE_END)
    return window[cut + 1 :]


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _named(label: str, clause: str) -> float:
    """How far the clause names the indicator: 1 for its whole name, else the share of its
    name's character pairs found in the clause."""
    if label in clause:
        return 1.0
    pairs = _bigrams(label)
    return len(pairs & _bigrams(clause)) / len(pairs) if pairs else 0.0


def _matches(figure: Figure, number: Decimal, percent: bool) -> bool:
    if figure.is_rate:
        return percent and figure.percent is not None and figure.percent == number
    return not percent and figure.numerator == number


def propose(text: str, figures: dict[str, Figure], *, year: int) -> list[Proposal]:
    """The placeholders proposed for `text`, in order, given the figures of `year`."""
    proposals = []
    for m in _NUMBER.finditer(text):
        written, percent = m.group(1), bool(m.group(2))
        try:
            number = Decimal(written)
        except InvalidOperation:  # pragma: no cover — the pattern admits numbers only
            continue
        after = text[m.end() : m.end() + 3].lstrip()
        if not percent and number == year and after.startswith("年"):
            proposals.append(Proposal(m.start(), m.end(), m.group(0), ("year",)))
            continue
        candidates = [f for f in figures.values() if _matches(f, number, percent)]
        if not candidates:
            continue
        keys = _choose(candidates, _clause_before(text, m.start()), after)
        proposals.append(Proposal(m.start(), m.end(), m.group(0), keys))
    return proposals


def _choose(candidates: list[Figure], clause: str, after: str) -> tuple[str, ...]:
    if len(candidates) > 1 and clause.endswith(_TOGETHER):
        together = [f.key for f in candidates if _named(str(f.label), clause) == 1.0]
        if together:
            return tuple(together)

    def score(f: Figure) -> float:
        unit = str(f.indicator.unit_label)
        measured = 1.0 if not f.is_rate and unit and after.startswith(unit) else 0.0
        return measured + _named(str(f.label), clause)

    best = max(score(f) for f in candidates)
    return tuple(f.key for f in candidates if score(f) == best)


def with_placeholders(text: str, proposals: list[Proposal], accepted=None) -> str:
    """The text with the proposals (those whose index is in `accepted`, by default all) put in
    place of the numbers they stand for."""
    out, pos = [], 0
    for i, p in enumerate(proposals):
        if accepted is not None and i not in accepted:
            continue
        out += [text[pos : p.start], p.placeholder]
        pos = p.end
    out.append(text[pos:])
    return "".join(out)
