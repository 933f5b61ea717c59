"""The whole report as one HTML document for the editor, and back.

The document is a list of blocks: the paragraphs before the first heading are the 导语 (intro),
each `<h2>` opens a section with that title, and each `<p>` after it is a paragraph of the
section. A paragraph's 小标题 (lead, numbered （一）（二）… when printed) is a leading
`<strong data-lead>`: only the editor's 加粗小标题 makes that mark, so ordinary bold at the start
of a paragraph stays bold text. Bold (`<strong>`/`<b>`) anywhere in the text is stored as
`**加粗**` (reports.placeholders reads and checks the marks), a lead mark that is not at the start
of a paragraph too. `<ul>`/`<ol>` items are paragraphs of the kind 项目符号 / 编号
(reports.models.Paragraph.Kind); a list nested in another is flattened to one level (the page
says so), and a list item has no lead. A placeholder `{满意率}` is a figure chip,
`<span data-figure="满意率">`, and is saved back as `{满意率}` — inside bold as `**{满意率}**`.

Reading the browser's HTML is strict: only these elements and the chip's and the lead's one
attribute are understood; any other tag is dropped (its text kept, except inside script/style),
every other attribute ignored. Nothing of the HTML is stored: saving stores the plain text made
here. Before the first heading a list item or a lead is kept as a line of the intro (the intro
is plain lines, with bold but no lists).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from django.core.exceptions import ValidationError

from .placeholders import _TOKEN, BOLD_MARK, segments

HEADING = "h2"
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "blockquote"}
BOLD = {"strong", "b"}
LISTS = {"ul": "bullet", "ol": "number"}
TEXT = "text"
SKIPPED = {"script", "style", "template", "textarea", "select", "object", "iframe", "svg", "math"}
LEAD_ATTR = "data-lead"


def _chips(text: str, values: dict[str, tuple[str, str]] | None = None) -> str:
    """A model text as editor HTML: literal text escaped, each `{…}` a figure chip, a line break
    within the text `<br>`."""
    return "<br>".join(_line(line, values) for line in text.split("\n"))


def _rich(text: str, values: dict[str, tuple[str, str]] | None = None) -> str:
    """`_chips` with the text's bold `**…**` as `<strong>` (a text whose marks are not valid, which
    nothing saves, is shown as typed)."""
    try:
        pieces = segments(text)
    except ValidationError:
        return _chips(text, values)
    return "".join(f"<strong>{_chips(t, values)}</strong>" if bold else _chips(t, values) for t, bold in pieces)


def _line(text: str, values: dict[str, tuple[str, str]] | None) -> str:
    out, pos = [], 0
    for m in _TOKEN.finditer(text):
        out.append(escape(text[pos : m.start()], quote=False))
        if m.group(1) is not None:
            name = m.group(1)
            words, shown = (values or {}).get(name, (name, ""))
            label = f"{words} {shown}".strip()
            out.append(
                f'<span data-figure="{escape(name)}" data-label="{escape(words)}" data-value="{escape(shown)}">'
                f"{escape(label, quote=False)}</span>"
            )
        else:
            out.append(escape(m.group(0), quote=False))
        pos = m.end()
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def to_html(data: dict, values: dict[str, tuple[str, str]] | None = None) -> str:
    """A template's shape ({"intro", "sections": [{"title", "paragraphs": [{"lead", "text",
    "kind"}]}]}) as the editor's HTML. `values` (placeholder as typed → its name in words and the
    value it prints) label the chips."""
    parts = []
    for line in data["intro"].split("\n") if data["intro"] else []:
        parts.append(f"<p>{_rich(line, values)}</p>")
    for s in data["sections"]:
        parts.append(f"<h2>{_chips(s['title'], values)}</h2>")
        open_list = None
        for p in s["paragraphs"]:
            kind = p.get("kind") or TEXT
            tag = {v: k for k, v in LISTS.items()}.get(kind)
            if open_list and open_list != tag:
                parts.append(f"</{open_list}>")
                open_list = None
            if tag and open_list != tag:
                parts.append(f"<{tag}>")
                open_list = tag
            lead = f'<strong {LEAD_ATTR}="">{_chips(p["lead"], values)}</strong>' if p["lead"] else ""
            if tag:
                lead = f"<strong>{_chips(p['lead'], values)}</strong>" if p["lead"] else ""
                parts.append(f"<li><p>{lead}{_rich(p['text'], values)}</p></li>")
            else:
                parts.append(f"<p>{lead}{_rich(p['text'], values)}</p>")
        if open_list:
            parts.append(f"</{open_list}>")
    return "".join(parts)


def report_data(report) -> dict:
    """The report's text in a template's shape: title, intro, sections with their paragraphs."""
    return {
        "title": report.title,
        "intro": report.intro,
        "sections": [
            {
                "title": s.title,
                "paragraphs": [{"lead": p.lead, "text": p.text, "kind": p.kind} for p in s.paragraphs.all()],
            }
            for s in report.sections.prefetch_related("paragraphs")
        ],
    }


def _marked(chunks: list[tuple[str, bool]]) -> str:
    """Text pieces with their boldness as the stored text: bold words between `**`, the white
    space at a bold piece's ends and line breaks left outside the marks."""
    merged: list[list] = []
    for chunk, bold in chunks:
        for i, line in enumerate(chunk.split("\n")):
            if i:
                merged.append(["\n", False])
            if not line:
                continue
            bold_here = bold and bool(line.strip())
            if merged and merged[-1][1] == bold_here and merged[-1][0] != "\n":
                merged[-1][0] += line
            else:
                merged.append([line, bold_here])
    out = []
    for text, bold in merged:
        if bold:
            core = text.strip()
            start = text[: len(text) - len(text.lstrip())]
            end = text[len(text.rstrip()) :]
            out.append(f"{start}{BOLD_MARK}{core}{BOLD_MARK}{end}")
        else:
            out.append(text)
    return "".join(out)


@dataclass
class _Block:
    tag: str
    kind: str = TEXT
    lead: list[str] = field(default_factory=list)
    text: list[tuple[str, bool]] = field(default_factory=list)
    in_lead: bool = True  # still where a lead may stand

    def add(self, chunk: str, bold: bool, lead: bool) -> None:
        if not chunk:
            return
        if self.in_lead and lead and self.tag != HEADING and self.kind == TEXT:
            self.lead.append(chunk)
            return
        if self.in_lead and not chunk.strip() and not self.lead:
            self.text.append((chunk, False))  # white space before anything: not the end of a lead
            return
        self.in_lead = False
        self.text.append((chunk, bold or lead))


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.block: _Block | None = None
        self.bold: list[bool] = []  # the open bold elements: True for a lead mark
        self.lists: list[str] = []  # the open lists' kinds, innermost last
        self.flattened = False
        self.skip = 0
        self.chip: list[str] | None = None  # the chip's name while inside it
        self.chip_depth = 0

    def _open(self, tag: str) -> None:
        self._close()
        if tag == HEADING:
            self.block = _Block(HEADING)
        else:
            self.block = _Block("p", self.lists[-1] if self.lists else TEXT)

    def _close(self) -> None:
        if self.block is not None:
            self.blocks.append(self.block)
            self.block = None

    def _add(self, chunk: str) -> None:
        if self.block is None:
            self._open("p")
        lead = bool(self.bold) and all(self.bold)
        self.block.add(chunk, bool(self.bold) and not lead, lead)

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skip += 1
            return
        if self.skip:
            return
        if self.chip is not None:
            self.chip_depth += 1
            return
        if tag in LISTS:
            self._close()
            self.lists.append(LISTS[tag])
            self.flattened = self.flattened or len(self.lists) > 1
        elif tag in BLOCKS:
            self._open(tag)
        elif tag in BOLD:
            self.bold.append(any(name == LEAD_ATTR for name, _value in attrs))
        elif tag == "br":
            self._add("\n")
        elif tag == "span":
            name = dict(attrs).get("data-figure")
            if name is not None:
                self.chip, self.chip_depth = [name], 0

    def handle_startendtag(self, tag, attrs):
        if tag == "br" and not self.skip and self.chip is None:
            self._add("\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if self.chip is not None:
            if tag == "span" and self.chip_depth == 0:
                name = self.chip[0].strip().replace("{", "").replace("}", "")
                self.chip = None
                if name:
                    self._add("{" + name + "}")
            elif self.chip_depth:
                self.chip_depth -= 1
            return
        if tag in LISTS:
            self._close()
            if self.lists:
                self.lists.pop()
        elif tag in BLOCKS:
            self._close()
        elif tag in BOLD and self.bold:
            self.bold.pop()

    def handle_data(self, data):
        if self.skip or self.chip is not None:
            return  # a chip's shown value is not text
        self._add(data.replace("\r", "").replace("\n", " ").replace("\xa0", " "))

    def close(self):
        super().close()
        self._close()


@dataclass
class Parsed:
    intro: str
    sections: list[dict]
    flattened: bool = False  # a list nested in another, saved as items of one level


def from_html(html: str) -> Parsed:
    """The editor's HTML as intro and sections ({"title", "paragraphs": [{"lead", "text",
    "kind"}]}). Empty paragraphs are dropped; text outside any heading before the first one is
    the intro."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    intro: list[str] = []
    sections: list[dict] = []
    for block in parser.blocks:
        lead = "".join(block.lead).replace("\n", " ").strip()
        if block.tag == HEADING:
            title = lead + "".join(chunk for chunk, _bold in block.text)
            sections.append({"title": title.replace("\n", " ").strip(), "paragraphs": []})
            continue
        if sections:
            text = _marked(block.text).strip()
            if lead or text:
                sections[-1]["paragraphs"].append({"lead": lead, "text": text, "kind": block.kind})
        else:
            line = _marked([(lead, True), *block.text] if lead else block.text).strip()
            if line:
                intro.append(line)
    return Parsed("\n".join(intro), sections, parser.flattened)
