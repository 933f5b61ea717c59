"""Placeholders in the report text: parse, validate and fill `{key}`.

A figure is named by its Chinese name or its key: `{矛盾纠纷化解率}` and `{dispute_resolution_rate}`
print the figure as the indicator shows it ("80.25%", "157", "—"). A form after a dot prints
something else of it: `{来访人次.上年}` last year's value; `{来访人次.同比}` the change from last year
in words — per cent for a count ("下降22.24%", "增长5%"), percentage points for a rate ("提高1.3个百分点");
`{重复信访率.同比变化率}` a rate's relative change in per cent ("下降31.31%"), as some bureaus write
it; "持平" when unchanged, "—" when last year gives no base. The keys' English forms are `.last_year`,
`.change` and `.relative_change`. The bureau's own data has Chinese names too: {年度}, {机关名称},
{县名}, {地名简称}, {自称}, {本级} (县 of 县直单位), {各级} (中央、省、市、县) and {省份} (河南).
`{bureau}`, `{county}`, `{short_county}`, `{self_reference}`, `{level_word}`, `{levels}`,
`{province}` and `{year}` print the bureau's own data (cases.Bureau.place_words);
`{total_dispute_resolution_rate}` the figure over the bureau and every bureau below it. `{a|b|c}` prints
the one value that a, b and c share, for sentences such as "…均为 100%": when they differ it prints
"—", which the readiness check reports, rather than a sentence that is no longer true. `{{` and
`}}` are literal braces.

Reference figures the bureau types in for the year (indicators.references): `{全省满意率}`
(`{province_satisfaction_rate}`) the province's average of a rate, `{满意率.较全省}`
(`.vs_province`) the bureau's rate against it ("高于全省0.33个百分点"), `{全省排名}`
(`{province_rank}`) the bureau's rank ("第七"), `{参考.名称}` (`{reference.名称}`) a figure from
another system; one not entered prints "—" and the readiness check lists it.

Figures are printed exactly where the placeholder stands, with no space added around them: 公文
are typed without spaces between Chinese and digits (the gaps in the seed's "达到了 93.96%" are
Word's automatic CJK/Latin spacing carried into the copied text). A bureau that wants spaces types
them around the placeholder.

Bold inside a text is written `**加粗的文字**` (reports.document makes it from the editor's bold;
the plain section pages and the template files take it as typed). A placeholder may stand inside
it (`**{满意率}**`); the marks are read outside placeholders only. `validate_template` refuses a
mark left open, bold across a line break, an empty pair `****` and three or more asterisks in a
row (which would nest or be ambiguous) — a single `*` is an ordinary character. Every rendering
prints the bold words in bold (`Run.bold`); plain-text exports print the words without the marks.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators import references
from indicators.registry import BY_KEY

DASH = "—"
CONTEXT_KEYS = {
    "year": "年度，如 2024",
    "bureau": "机关名称，如 温县信访局",
    "county": "所在县（市、区）名称",
    "short_county": "地名简称，如“平安温县”中的“温县”",
    "self_reference": "报告对本地的自称，如“我县”“我市”",
    "level_word": "本级简称，如“县直单位”中的“县”",
    "levels": "各级部署，如“中央、省、市、县”",
    "province": "所在省份简称，如“河南信访信息平台”中的“河南”",
}
CONTEXT_NAMES = {
    "年度": "year",
    "机关名称": "bureau",
    "县名": "county",
    "地名简称": "short_county",
    "自称": "self_reference",
    "本级": "level_word",
    "各级": "levels",
    "省份": "province",
}
# The forms of a figure after its name: what each prints is made in reports.render.context.
FORMS = {
    "上年": "last_year",
    "last_year": "last_year",
    "同比": "change",
    "change": "change",
    "同比变化率": "relative_change",
    "relative_change": "relative_change",
    "较全省": references.VS_PROVINCE,
    references.VS_PROVINCE: references.VS_PROVINCE,
}
FORM_LABELS = {"last_year": "上年", "change": "同比", "relative_change": "同比变化率", references.VS_PROVINCE: "较全省"}
RATE_FORMS = {references.VS_PROVINCE}  # forms of a rate only
PROVINCE_WORD, RANK_NAME, REFERENCE_WORD = "全省", "全省排名", "参考"
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_MARKS = re.compile(r"\*{2,}")
BOLD_MARK = "**"
_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z_]+)?")


@dataclass(frozen=True)
class Placeholder:
    keys: tuple[str, ...]
    source: str  # as typed, braces included


@dataclass(frozen=True)
class Run:
    """A piece of filled text; `key` is set when it came from a placeholder."""

    text: str
    key: str | None = None
    bold: bool = False


# `{total_<key>}`: the figure over the bureau and every bureau below it (a city's or province's
# roll-up, indicators.rollup); for a bureau with none below, its own figure.
TOTAL = "total_"


def known_keys() -> set[str]:
    return (
        set(BY_KEY)
        | {TOTAL + key for key in BY_KEY}
        | set(CONTEXT_KEYS)
        | {f"{key}.{form}" for key in BY_KEY for form in FORM_LABELS if form not in RATE_FORMS}
        | {f"{key}.{form}" for key, i in BY_KEY.items() if i.is_rate for form in RATE_FORMS}
        | {references.PROVINCE + key for key, i in BY_KEY.items() if i.is_rate}
        | {references.RANK}
    )


def _is_known(key: str, known: set[str]) -> bool:
    """A key the text may use: a known one, or `reference.<name>` (a figure from another
    system, whatever the bureau names it)."""
    if key.startswith(references.REFERENCE):
        name = key.removeprefix(references.REFERENCE)
        return bool(name) and not (references.FORBIDDEN_IN_NAME & set(name))
    return bool(_KEY.fullmatch(key)) and key in known


def _by_label() -> dict[str, str]:
    return {str(i.label): key for key, i in BY_KEY.items()}


def canonical(name: str) -> str:
    """The key a placeholder's name stands for: 满意率 → satisfaction_rate, 来访人次.同比 →
    visit_persons.change, 年度 → year; a name that stands for nothing is returned as typed."""
    name = name.strip().replace("．", ".")
    base, dot, form = name.partition(".")
    base = base.strip()
    if base in (REFERENCE_WORD, "reference") and dot and form.strip():
        return references.REFERENCE + form.strip()
    if base == RANK_NAME:
        return references.RANK
    labels = _by_label()
    if base.startswith(PROVINCE_WORD) and not dot and BY_KEY.get(labels.get(base.removeprefix(PROVINCE_WORD), "")):
        return references.PROVINCE + labels[base.removeprefix(PROVINCE_WORD)]
    key = labels.get(base) or CONTEXT_NAMES.get(base) or base
    if not dot:
        return key
    if key in BY_KEY and form.strip() in FORMS:
        return f"{key}.{FORMS[form.strip()]}"
    return name


def describe(key: str) -> str:
    """A canonical key in words, for the readiness check: 满意率（同比）, 全省满意率, 参考.名称."""
    if key.startswith(references.REFERENCE):
        return REFERENCE_WORD + "." + key.removeprefix(references.REFERENCE)
    if key == references.RANK:
        return RANK_NAME
    if key.startswith(references.PROVINCE) and key.removeprefix(references.PROVINCE) in BY_KEY:
        return PROVINCE_WORD + str(BY_KEY[key.removeprefix(references.PROVINCE)].label)
    base, _dot, form = key.partition(".")
    context = {key: name for name, key in CONTEXT_NAMES.items()}
    label = str(BY_KEY[base].label) if base in BY_KEY else context.get(base, base)
    return f"{label}（{FORM_LABELS[form]}）" if form in FORM_LABELS else label


def suggestions(name: str, n: int = 3) -> list[str]:
    """The nearest names of figures to a name that stands for none."""
    base = name.strip().partition(".")[0]
    names = [*_by_label(), *CONTEXT_NAMES, RANK_NAME]
    found = difflib.get_close_matches(base, names, n=n, cutoff=0.3)
    if not found:  # a name sharing characters with the typed one: 满意度 → 满意率
        found = [label for label in names if set(base) & set(label) and len(set(base) & set(label)) >= 2][:n]
    return found


def uses_references(*texts: str) -> bool:
    """Whether a text may name a reference figure (indicators.references): a quick look for
    their names, so that a text without them costs no query."""
    words = (PROVINCE_WORD, REFERENCE_WORD, references.PROVINCE, references.REFERENCE, references.VS_PROVINCE)
    return any(word in text for text in texts for word in words)


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
            keys = tuple(canonical(k) for k in m.group(1).split("|"))
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


def segments(text: str) -> list[tuple[str, bool]]:
    """The text cut at its bold marks `**` (outside placeholders): (piece, bold) in order, the
    marks themselves dropped and empty pieces left out. Raises ValidationError on a mark left
    open, an empty bold, bold across a line break or three or more asterisks in a row."""
    cuts: list[tuple[int, int]] = []  # the marks' spans
    pos = 0
    for m in _TOKEN.finditer(text):
        cuts.extend(_marks_in(text, pos, m.start()))
        pos = m.end()
    cuts.extend(_marks_in(text, pos, len(text)))
    if not cuts:
        return [(text, False)] if text else []
    out: list[tuple[str, bool]] = []
    bold, pos = False, 0
    for start, end in cuts:
        piece = text[pos:start]
        if bold and not piece:
            raise ValidationError(
                _("第 %(pos)s 个字符处的加粗标记“****”之间没有文字。"), code="bold_empty", params={"pos": start - 1}
            )
        if bold and "\n" in piece:
            raise ValidationError(
                _("第 %(pos)s 个字符处开始的加粗跨了行：请在每行分别加粗。"), code="bold_line", params={"pos": pos - 1}
            )
        if piece:
            out.append((piece, bold))
        bold, pos = not bold, end
    if bold:
        raise ValidationError(
            _("第 %(pos)s 个字符处的加粗标记“**”没有结束的“**”：加粗的文字须前后各有一个“**”。"),
            code="bold_open",
            params={"pos": cuts[-1][0] + 1},
        )
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def _marks_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    found = []
    for m in _MARKS.finditer(text, start, end):
        if len(m.group(0)) != 2:
            raise ValidationError(
                _("第 %(pos)s 个字符处有%(n)s个连续的星号：加粗只用一对“**”，不能嵌套、连写或留空。"),
                code="bold_nested",
                params={"pos": m.start() + 1, "n": len(m.group(0))},
            )
        found.append((m.start(), m.end()))
    return found


def unmarked(text: str) -> str:
    """The text without its bold marks (as a plain-text export prints it); the text unchanged
    when its marks are not valid."""
    try:
        return "".join(piece for piece, _bold in segments(text))
    except ValidationError:
        return text


def placeholders(text: str) -> list[Placeholder]:
    return [p for p in parse(text) if isinstance(p, Placeholder)]


def validate_template(text: str) -> None:
    """Refuse a text with a stray brace, a bold mark out of place (`segments`) or a placeholder
    naming no figure, naming them all and the nearest names of figures."""
    segments(text)
    known = known_keys()
    unknown, near = [], []
    for p in placeholders(text):
        bad = [k for k in p.keys if not _is_known(k, known)]
        if bad:
            unknown.append(p.source)
            near.extend(name for k in bad for name in suggestions(k))
    if unknown:
        message = _("未知的占位符：%(names)s。") % {"names": "、".join(dict.fromkeys(unknown))}
        if near:
            message += _("是否要用：%(near)s？") % {"near": "、".join("{" + n + "}" for n in dict.fromkeys(near))}
        message += _("可用指标的中文名称（如 {矛盾纠纷化解率}）、名称加“.上年”“.同比”，或 {年度}、{机关名称}。")
        raise ValidationError(message, code="unknown_placeholder")


def value_of(p: Placeholder, values: Mapping[str, str]) -> str:
    found = {values.get(k, DASH) for k in p.keys}
    return found.pop() if len(found) == 1 else DASH


def fill(text: str, values: Mapping[str, str], *, marks: bool = True) -> list[Run]:
    """The text with each placeholder replaced by its value from `values` (key → printed value),
    its `**…**` bold runs (`marks`). A text saved before the marks existed whose asterisks are not
    valid marks (validate_template refuses it from now on) prints as typed, as it did."""
    try:
        pieces = segments(text) if marks else [(text, False)]
    except ValidationError:
        pieces = [(text, False)]
    runs: list[Run] = []
    for piece, bold in pieces:
        for part in parse(piece):
            if isinstance(part, Placeholder):
                runs.append(Run(value_of(part, values), "|".join(part.keys), bold))
            elif runs and runs[-1].key is None and runs[-1].bold == bold:
                runs[-1] = Run(runs[-1].text + part, None, bold)
            else:
                runs.append(Run(part, None, bold))
    return runs


def fill_text(text: str, values: Mapping[str, str], *, marks: bool = False) -> str:
    """The filled text as one string. Asterisks are printed as typed unless `marks` (the report's
    headings: the words without the marks); the notices (notices.placeholders) have no bold."""
    return "".join(r.text for r in fill(text, values, marks=marks))
