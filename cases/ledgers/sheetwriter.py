"""The product's one .xlsx writer: the ledgers' exports and templates, the report's appendix.

openpyxl's write-only mode spends about 35 µs per cell (a Cell object, its style lookup and an
lxml element for each); a 100,000-row ledger has 2.8 million cells. Formatting the sheet XML
directly costs a few µs per cell, streamed into the zip so memory stays flat. It writes what we
need: text (always as text, never a formula: inline strings), numbers, Decimals to two places
(rates), dates (yyyy-mm-dd), a bold header row, and optionally a caption above it and column
widths. Its reader twin is cases/ledgers/xlsx.py.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Characters XML 1.0 cannot carry; a spreadsheet would refuse the whole file over one of them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="等线"/></font>'
    '<font><b/><sz val="11"/><name val="等线"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="{split}" topLeftCell="A{first}" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>{cols}<sheetData>'
)
DATE_STYLE, HEADER_STYLE, DECIMAL_STYLE = 1, 2, 3


@dataclass(frozen=True)
class Sheet:
    """One sheet: its tab's title, a header row (bold, frozen) and the rows below it; optionally
    a caption on the first row above the header, and column widths in characters."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    caption: str = ""
    widths: Sequence[float] = ()

    def start(self) -> str:
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(self.widths, start=1)
        )
        header_row = 2 if self.caption else 1
        return _SHEET_START.format(split=header_row, first=header_row + 1, cols=f"<cols>{cols}</cols>" if cols else "")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _row_xml(number: int, values: Sequence, letters: list[str], style: int = 0) -> str:
    parts = [f'<row r="{number}">']
    styled = f' s="{style}"' if style else ""
    for index, value in enumerate(values):
        if value is None or value == "":
            continue
        ref = f"{letters[index]}{number}"
        kind = value.__class__
        if kind is bool:
            value, kind = ("是" if value else "否"), str
        if kind is str or isinstance(value, str):
            text = escape(_ILLEGAL.sub("", value) if _ILLEGAL.search(value) else value)
            parts.append(f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
        elif kind is Decimal:
            parts.append(f'<c r="{ref}" s="{DECIMAL_STYLE}"><v>{value}</v></c>')
        elif kind is datetime.date or kind is datetime.datetime:
            day = value.date() if kind is datetime.datetime else value
            parts.append(f'<c r="{ref}" s="{DATE_STYLE}"><v>{(day - EXCEL_EPOCH).days}</v></c>')
        else:
            parts.append(f'<c r="{ref}"{styled}><v>{value!r}</v></c>')
    parts.append("</row>")
    return "".join(parts)


def write_workbook(out, sheets: Iterable[Sheet | tuple[str, Sequence[str], Iterable[Sequence]]]) -> None:
    """Write sheets (Sheet, or (title, header, rows)) to the binary file `out` as one .xlsx."""
    titles = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as archive:
        for n, sheet in enumerate(sheets, start=1):
            sheet = sheet if isinstance(sheet, Sheet) else Sheet(*sheet)
            titles.append(sheet.title)
            letters = [column_letter(i) for i in range(max(len(sheet.header), 1) + 64)]
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as stream:
                buffer = [sheet.start()]
                if sheet.caption:
                    buffer.append(_row_xml(1, [sheet.caption], letters))
                first = 2 if sheet.caption else 1
                buffer.append(_row_xml(first, sheet.header, letters, HEADER_STYLE))
                for number, row in enumerate(sheet.rows, start=first + 1):
                    buffer.append(_row_xml(number, row, letters))
                    if len(buffer) >= 1000:
                        stream.write("".join(buffer).encode())
                        buffer = []
                buffer.append("</sheetData></worksheet>")
                stream.write("".join(buffer).encode())
        sheet_list = "".join(
            f'<sheet name={quoteattr(_sheet_name(t))} sheetId="{n}" r:id="rId{n}"/>'
            for n, t in enumerate(titles, start=1)
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{sheet_list}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(titles) + 1)
        )
        styles_id = len(titles) + 1
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}"
            f'<Relationship Id="rId{styles_id}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, len(titles) + 1))),
        )


def _sheet_name(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Sheet1"
