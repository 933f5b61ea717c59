"""The report as an editable Word file with the 公文 font names that WPS and Word on a government
desktop have (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312); the same layout as the PDF.

Bold words are runs with `<w:b/>` in 仿宋_GB2312 (Word and WPS embolden it). List items are body
paragraphs opened by their printed "1." / "·", not Word's "List Number"/"List Bullet" styles: in
python-docx's template those styles carry numbering (numId 5 and 1) whose level has a hanging
indent (w:ind left/hanging) instead of the 公文 two-character first-line indent, and one numbering
for the whole file, so a second list would go on 4. 5. instead of 1. 2.; the explicit prefix
prints as the PDF does and stays put when the file is edited."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .context import ReportDocument

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
LEAD_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LINE_PITCH = Pt(28.95)


def _set_font(run, name: str, size: float) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    # Word picks the face of Chinese characters from w:eastAsia, which python-docx does not set.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(document, *, indent: bool = True, align=WD_ALIGN_PARAGRAPH.JUSTIFY):
    p = document.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(32) if indent else Pt(0)
    return p


def _add_runs(p, runs, font: str) -> None:
    """The runs as Word runs: one per stretch of bold or plain text, the bold ones `<w:b/>`."""
    stretches: list[list] = []
    for r in runs:
        if stretches and stretches[-1][1] == r.bold:
            stretches[-1][0] += r.text
        elif r.text:
            stretches.append([r.text, r.bold])
    for text, bold in stretches:
        run = p.add_run(text)
        _set_font(run, font, 16)
        if bold:
            run.bold = True


def _page_number_footer(footer, align) -> None:
    p = footer.paragraphs[0]
    p.alignment = align
    fmt = p.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(14)
    else:
        fmt.left_indent = Pt(14)
    _set_font(p.add_run("— "), PAGE_NUMBER_FONT, 14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = p.add_run("1")
    _set_font(run, PAGE_NUMBER_FONT, 14)
    field.append(run._element)
    p._p.append(field)
    _set_font(p.add_run(" —"), PAGE_NUMBER_FONT, 14)


def _page_setup(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def _heading_style(document):
    """Word's own "Heading 1" (what its navigation pane lists), dressed as a 公文 heading: 黑体
    3号, black, not bold, on the text's line grid — so a heading looks as before and is one."""
    style = document.styles["Heading 1"]
    style.font.name = HEADING_FONT
    style.font.size = Pt(16)
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEADING_FONT)
    return style


def _signature(document, doc: ReportDocument) -> None:
    """The bureau's name and the 成文日期 under the text, right-indented as in the PDF."""
    if not doc.signature:
        return
    _paragraph(document)  # the blank line above
    for line, indent in doc.signature:
        p = _paragraph(document, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(16 * indent)
        p.paragraph_format.keep_with_next = True
        _set_font(p.add_run(line), BODY_FONT, 16)


def render_docx(doc: ReportDocument) -> bytes:
    document = Document()
    _page_setup(document)
    heading = _heading_style(document)
    document.core_properties.title = doc.bureau + doc.title
    for line in doc.title_lines:
        p = _paragraph(document, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.line_spacing = Pt(36)
        _set_font(p.add_run(line), TITLE_FONT, 22)
    _paragraph(document)  # the blank line under the title
    if doc.intro:
        _add_runs(_paragraph(document), doc.intro, BODY_FONT)
    for section in doc.sections:
        p = _paragraph(document)
        p.style = heading
        p.paragraph_format.keep_with_next = True
        _set_font(p.add_run(section.heading), HEADING_FONT, 16)
        for para in section.paragraphs:
            p = _paragraph(document)
            if para.marker:
                _set_font(p.add_run(para.marker), BODY_FONT, 16)
            if para.lead_number:
                _set_font(p.add_run(para.lead_number + "".join(r.text for r in para.lead)), LEAD_FONT, 16)
            _add_runs(p, para.body, BODY_FONT)
    _signature(document, doc)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
