"""Placeholders in the report text: parse, validate and fill `{key}`.

`{dispute_resolution_rate}` prints the figure as the indicator shows it ("80.25%", "157", "—");
`{bureau}`, `{county}`, `{short_county}` and `{year}` print the bureau's own data;
`{total_dispute_resolution_rate}` the figure over the bureau and every bureau below it. `{a|b|c}` prints
the one value that a, b and c share, for sentences such as "…均为 100%": when they differ it prints
"—", which the readiness check reports, rather than a sentence that is no longer true. `{{` and
`}}` are literal braces.

Figures are printed exactly where the placeholder stands, with no space added around them: 公文
are typed without spaces between Chinese and digits (the gaps in the seed's "达到了 93.96%" are
Word's automatic CJK/Latin spacing carried into the copied text). A bureau that wants spaces types
them around the placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.registry import BY_KEY

DASH = "—"
CONTEXT_KEYS = {
    "year": "年度，如 2024",
    "bureau": "机关名称，如 温县信访局",
    "county": "所在县（市、区）名称",
    "short_county": "地名简称，如“平安温县”中的“温县”",
    "self_reference": "报告对本地的自称，如“我县”“我市”",
}
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_KEY = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Placeholder:
    keys: tuple[str, ...]
    source: str  # as typed, braces included


@dataclass(frozen=True)
class Run:
    """A piece of filled text; `key` is set when it came from a placeholder."""

    text: str
    key: str | None = None


# `{total_<key>}`: the figure over the bureau and every bureau below it (a city's or province's
# roll-up, indicators.rollup); for a bureau with none below, its own figure.
TOTAL = "total_"


def known_keys() -> set[str]:
    return set(BY_KEY) | {TOTAL + key for key in BY_KEY} | set(CONTEXT_KEYS)


def uses_totals(*texts: str) -> bool:
    return any("{" + TOTAL in text or "|" + TOTAL in text for text in texts)


def parse(text: str) -> list[str | Placeholder]:
    """Literal strings and placeholders, in order. Raises ValidationError on a stray brace."""
    parts: list[str | Placeholder] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            parts.append(text[pos : m.start()])
        token = m.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif m.group(1) is not None:
            keys = tuple(k.strip() for k in m.group(1).split("|"))
            parts.append(Placeholder(keys, token))
        else:
            raise ValidationError(
                _("第 %(pos)s 个字符处的花括号“%(brace)s”不成对；如需输入花括号本身，请连写两个。"),
                code="brace",
                params={"pos": m.start() + 1, "brace": token},
            )
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def placeholders(text: str) -> list[Placeholder]:
    return [p for p in parse(text) if isinstance(p, Placeholder)]


def validate_template(text: str) -> None:
    """Refuse a text with a stray brace or a placeholder naming no indicator, naming them all."""
    known = known_keys()
    unknown = []
    for p in placeholders(text):
        if not all(_KEY.fullmatch(k) and k in known for k in p.keys):
            unknown.append(p.source)
    if unknown:
        raise ValidationError(
            _("未知的占位符：%(names)s。请使用指标代码（如 {dispute_resolution_rate}）或 {year}、{bureau}。"),
            code="unknown_placeholder",
            params={"names": "、".join(dict.fromkeys(unknown))},
        )


def value_of(p: Placeholder, values: Mapping[str, str]) -> str:
    found = {values.get(k, DASH) for k in p.keys}
    return found.pop() if len(found) == 1 else DASH


def fill(text: str, values: Mapping[str, str]) -> list[Run]:
    """The text with each placeholder replaced by its value from `values` (key → printed value)."""
    runs: list[Run] = []
    for part in parse(text):
        if isinstance(part, Placeholder):
            runs.append(Run(value_of(part, values), "|".join(part.keys)))
        elif runs and runs[-1].key is None:
            runs[-1] = Run(runs[-1].text + part)
        else:
            runs.append(Run(part))
    return runs


def fill_text(text: str, values: Mapping[str, str]) -> str:
    return "".join(r.text for r in fill(text, values))
