"""The whole report as one HTML document for the editor, and back.

The document is a list of blocks: the paragraphs before the first heading are the 导语 (intro),
each `<h2>` opens a section with that title, and each `<p>` after it is a paragraph of the
section. A paragraph's leading bold run (`<strong>`) is its 小标题 (lead, numbered （一）（二）…
when printed), the rest its 正文 (text). A placeholder `{满意率}` is a figure chip,
`<span data-figure="满意率">`, and is saved back as `{满意率}`.

Reading the browser's HTML is strict: only these elements and the chip's one attribute are
understood; any other tag is dropped (its text kept, except inside script/style), every other
attribute ignored. Nothing of the HTML is stored: saving stores the plain text made here.
Bold anywhere but at the start of a paragraph, and lists, have no place in the report's text
(the Word and PDF renderers print 小标题 and 正文 only), so their words are kept as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from .placeholders import _TOKEN

HEADING = "h2"
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "blockquote"}
BOLD = {"strong", "b"}
SKIPPED = {"script", "style", "template", "textarea", "select", "object", "iframe", "svg", "math"}


def _chips(text: str, values: dict[str, tuple[str, str]] | None = None) -> str:
    """A model text as editor HTML: literal text escaped, each `{…}` a figure chip, a line break
    within the text `<br>`."""
    return "<br>".join(_line(line, values) for line in text.split("\n"))


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
    """A template's shape ({"intro", "sections": [{"title", "paragraphs": [{"lead", "text"}]}]})
    as the editor's HTML. `values` (placeholder as typed → its name in words and the value it
    prints) label the chips."""
    parts = []
    for line in data["intro"].split("\n") if data["intro"] else []:
        parts.append(f"<p>{_chips(line, values)}</p>")
    for s in data["sections"]:
        parts.append(f"<h2>{_chips(s['title'], values)}</h2>")
        for p in s["paragraphs"]:
            lead = f"<strong>{_chips(p['lead'], values)}</strong>" if p["lead"] else ""
            parts.append(f"<p>{lead}{_chips(p['text'], values)}</p>")
    return "".join(parts)


def report_data(report) -> dict:
    """The report's text in a template's shape: title, intro, sections with their paragraphs."""
    return {
        "title": report.title,
        "intro": report.intro,
        "sections": [
            {"title": s.title, "paragraphs": [{"lead": p.lead, "text": p.text} for p in s.paragraphs.all()]}
            for s in report.sections.prefetch_related("paragraphs")
        ],
    }


@dataclass
class _Block:
    tag: str
    lead: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    in_lead: bool = True  # still in the leading bold run
    stray_bold: bool = False  # bold after the start: printed as plain text

    def add(self, chunk: str, bold: bool) -> None:
        if not chunk:
            return
        if self.in_lead and bold and self.tag != HEADING:
            self.lead.append(chunk)
            return
        if self.in_lead and not chunk.strip() and not self.lead:
            self.text.append(chunk)  # white space before anything: not the end of a lead
            return
        if bold and not self.in_lead and chunk.strip():
            self.stray_bold = True
        self.in_lead = False
        self.text.append(chunk)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.block: _Block | None = None
        self.bold = 0
        self.skip = 0
        self.chip: list[str] | None = None  # the chip's name while inside it
        self.chip_depth = 0
        self.stray_bold = False

    def _open(self, tag: str) -> None:
        self._close()
        self.block = _Block(HEADING if tag == HEADING else "p")

    def _close(self) -> None:
        if self.block is not None:
            self.blocks.append(self.block)
            self.block = None

    def _add(self, chunk: str) -> None:
        if self.block is None:
            self.block = _Block("p")
        self.block.add(chunk, self.bold > 0)

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skip += 1
            return
        if self.skip:
            return
        if self.chip is not None:
            self.chip_depth += 1
            return
        if tag in BLOCKS:
            self._open(tag)
        elif tag in BOLD:
            self.bold += 1
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
        if tag in BLOCKS:
            self._close()
        elif tag in BOLD:
            self.bold = max(0, self.bold - 1)

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
    stray_bold: bool = False  # bold inside a paragraph's text, saved as plain text


def from_html(html: str) -> Parsed:
    """The editor's HTML as intro and sections ({"title", "paragraphs": [{"lead", "text"}]}).
    Empty paragraphs are dropped; text outside any heading before the first one is the intro."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    intro: list[str] = []
    sections: list[dict] = []
    stray = False
    for block in parser.blocks:
        lead, text = "".join(block.lead).replace("\n", " ").strip(), "".join(block.text).strip()
        stray = stray or block.stray_bold
        if block.tag == HEADING:
            sections.append({"title": (lead + text).replace("\n", " ").strip(), "paragraphs": []})
        elif not (lead or text):
            continue
        elif sections:
            sections[-1]["paragraphs"].append({"lead": lead, "text": text})
        else:
            intro.append((lead + text).strip())
    return Parsed("\n".join(intro), sections, stray)
