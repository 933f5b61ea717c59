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

from .defaults import default_template

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


def placeholder_words(p: Proposal) -> str:
    """The proposal as staff type it, by the figures' Chinese names: {初次信访事项一次性化解率}, {年度}."""
    from .placeholders import CONTEXT_NAMES

    context = {key: name for name, key in CONTEXT_NAMES.items()}
    names = [str(BY_KEY[k].label) if k in BY_KEY else context.get(k, k) for k in p.keys]
    return "{" + "|".join(names) + "}"


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def with_words(text: str, proposals: list[Proposal], accepted=None) -> str:
    """As with_placeholders(), with the figures named in Chinese, as a template: a brace the
    published text holds stays a brace ("{{")."""
    out, pos = [], 0
    for i, p in enumerate(proposals):
        if accepted is not None and i not in accepted:
            continue
        out += [_literal(text[pos : p.start]), placeholder_words(p)]
        pos = p.end
    out.append(_literal(text[pos:]))
    return "".join(out)


# Reading last year's published report: a .txt file (UTF-8) or a Word file's paragraphs.
MAX_UPLOAD = 2 * 1024 * 1024  # a report is some 20 kB of text; a Word file with pictures more


class UnreadableFile(ValueError):
    """The file is not a report we can read; the message says why, in Chinese."""


def read_report_file(name: str, data: bytes) -> str:
    if len(data) > MAX_UPLOAD:
        raise UnreadableFile(f"文件 {name} 超过 {MAX_UPLOAD // (1024 * 1024)} MB，请上传报告正文（.txt 或 .docx）。")
    suffix = name.lower().rpartition(".")[2]
    if suffix == "docx":
        import io

        import docx

        try:
            return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
        except Exception as exc:  # a damaged or disguised file
            raise UnreadableFile(f"无法读取 Word 文件 {name}：{type(exc).__name__}") from None
    if suffix != "txt":
        raise UnreadableFile("只能读取 .txt 或 .docx 文件。")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(f"{name} 不是 UTF-8 编码的文本，请另存为 UTF-8 后再试。") from None


# Splitting a published report into the template's shape: headings "一、…" open sections, "（一）…。"
# opens a paragraph with its lead heading; the title is the first line naming a 报告 before the first
# heading, the lines between it and the first heading are the intro; the bureau's name and the date
# under the text (the signature block) are dropped; a line cut by a page break is joined to the next.
_SECTION = re.compile(r"^[一二三四五六七八九十]+[、.．]\s*(.+)$")
_LEAD = re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*(.*)$")
_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_ENDS = "。：；！？”:;!?"
LEAD_MAX = 60
# Word's automatic spacing between Chinese and digits, carried into copied text ("达到了 93.96%"):
# 公文 are typed without it, and the figure printed in its place is not spaced either.
_CJK = "\u4e00-\u9fff，。；：、（）“”"
_SPACED = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+(?=[\d{{])|(?<=[\d%}}])[ \t\u3000]+(?=[{_CJK}])")


def unspaced(text: str) -> str:
    return _SPACED.sub("", text)


def split_report(text: str, *, bureau_name: str = "") -> dict:
    """{"title", "intro", "sections": [{"title", "paragraphs": [{"lead", "text"}]}]}."""
    lines = [unspaced(line.strip().lstrip("#").strip()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    while lines and (lines[-1] == bureau_name or _DATE.match(lines[-1]) or lines[-1].endswith("信访局")):
        lines.pop()
    first = next((i for i, line in enumerate(lines) if _is_section(line)), len(lines))
    head, body = lines[:first], lines[first:]
    titled = [i for i, line in enumerate(head) if "报告" in line and len(line) <= 60]
    title_at = titled[0] if titled else None
    title = head[title_at] if title_at is not None else ""
    intro = "".join(_joined([line for line in head[(title_at + 1 if title_at is not None else 0) :]]))
    if title_at is None:
        intro = "".join(_joined([line for line in head if line != bureau_name]))
    sections: list[dict] = []
    for line in body:
        m = _SECTION.match(line) if _is_section(line) else None
        if m:
            sections.append({"title": m.group(1).strip(), "lines": []})
        else:
            sections[-1]["lines"].append(line)
    return {
        "title": title or default_template()["title"],  # a text without one: the usual title
        "intro": intro,
        "sections": [{"title": s["title"], "paragraphs": _paragraphs(s["lines"])} for s in sections],
    }


def _is_section(line: str) -> bool:
    return bool(_SECTION.match(line)) and len(line) <= 60 and not line.endswith("。")


def _joined(lines: list[str]) -> list[str]:
    """Lines cut by a page break ("…与信" / "访工作…") joined into their paragraph."""
    out: list[str] = []
    for line in lines:
        if out and not out[-1].endswith(tuple(_ENDS)) and not _LEAD.match(line):
            out[-1] += line
        else:
            out.append(line)
    return out


def _paragraphs(lines: list[str]) -> list[dict]:
    paragraphs = []
    for line in _joined(lines):
        m = _LEAD.match(line)
        if m:
            rest = m.group(1)
            end = rest.find("。")
            if 0 <= end < LEAD_MAX:
                paragraphs.append({"lead": rest[: end + 1], "text": rest[end + 1 :]})
                continue
            paragraphs.append({"lead": "", "text": rest})
            continue
        paragraphs.append({"lead": "", "text": line})
    return paragraphs
