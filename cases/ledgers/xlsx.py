"""Streaming reader for .xlsx ledgers, with the checks that come before any parsing.

Why not openpyxl's read-only mode: on the 100,000-row benchmark it spends about 27 µs per cell
and, for sheets written without a <dimension> element (openpyxl's own write-only files, and our
exports from sheetwriter.py), parses the whole sheet once more just to size it. Reading the sheet
XML with lxml's iterparse, the same streaming idea, takes half the time. openpyxl still decides
which number formats are dates.

The reader never trusts the sheet's declared size: it stops after a run of blank rows, so the
million empty formatted rows some spreadsheets carry cost a few milliseconds, not a minute.
Nor the shared strings' (the table of texts that cells point into, read whole before the
sheet): their number and their total length are capped, because a small file of padded strings
(389 MB unpacked from 6.8 MB, under the zip-bomb ratio) once grew a worker to 4.2 GB.
"""

from __future__ import annotations

import datetime
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
BLANK_RUN = 1000  # this many blank rows in a row end the sheet


class FileRejected(ValueError):
    """The file is not a readable .xlsx ledger; the message says why, in Chinese."""


def max_upload_bytes() -> int:
    return getattr(settings, "LEDGER_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def max_unzipped_bytes() -> int:
    return getattr(settings, "LEDGER_IMPORT_MAX_UNZIPPED_BYTES", 400 * 1024 * 1024)


def max_shared_strings() -> int:
    return getattr(settings, "LEDGER_IMPORT_MAX_SHARED_STRINGS", 1_000_000)


def max_shared_chars() -> int:
    return getattr(settings, "LEDGER_IMPORT_MAX_SHARED_CHARS", 100_000_000)


def not_xlsx() -> str:
    return _("这不是有效的 Excel（.xlsx）文件，或文件已损坏。请用 Excel 或 WPS 另存为 .xlsx 后再导入。")


MAX_RATIO = 100  # real sheets compress about 10–30×; a bomb reaches thousands


@dataclass
class Sheet:
    """The first worksheet of a checked workbook, ready to stream."""

    archive: zipfile.ZipFile
    path: str
    shared_strings: list[str]
    date_styles: frozenset[int]
    epoch: datetime.datetime

    def rows(self) -> Iterator[tuple[int, list]]:
        """(Excel row number, cell values) for each non-blank row, in order."""
        return _rows(self)

    def fraction_read(self) -> float:
        """How far through the sheet's XML the reader is, 0–1 (for progress bars)."""
        stream = getattr(self, "_stream", None)
        size = self.archive.getinfo(self.path).file_size or 1
        try:
            return min(stream.tell() / size, 1.0) if stream else 0.0
        except (OSError, ValueError):
            return 1.0


def open_sheet(file, size: int | None = None) -> Sheet:
    """Check `file` (a path or a binary file object) and open its first worksheet.

    Refuses, with FileRejected, files over the size limit, files that are not zip archives
    (a .txt or .xls renamed .xlsx), truncated or corrupt archives, and archives whose
    uncompressed size or compression ratio betrays a zip bomb, all before any XML is parsed.
    """
    if size is None:
        size = _size_of(file)
    limit = max_upload_bytes()
    if size > limit:
        raise FileRejected(
            _("文件过大（%(size).1f MB），导入上限为 %(limit)d MB，请拆分后分批导入。")
            % {"size": size / 1024 / 1024, "limit": limit // 1024 // 1024}
        )
    if size == 0:
        raise FileRejected(_("文件是空的。"))
    try:
        archive = zipfile.ZipFile(file)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise FileRejected(
            _("这不是有效的 Excel（.xlsx）文件，或文件已损坏。请用 Excel 或 WPS 另存为 .xlsx 后再导入。")
        ) from None
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > max_unzipped_bytes() or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise FileRejected(_("文件解压后异常庞大，疑似压缩炸弹，已拒绝导入。"))
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise FileRejected(
            _("这不是有效的 Excel（.xlsx）文件，或文件已损坏。请用 Excel 或 WPS 另存为 .xlsx 后再导入。")
        )
    try:
        path, epoch = _first_sheet(archive)
        shared = _shared_strings(archive) if "xl/sharedStrings.xml" in names else []
        dates = _date_styles(archive) if "xl/styles.xml" in names else frozenset()
    except FileRejected:
        raise
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise FileRejected(_("Excel 文件结构已损坏，无法读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。")) from None
    if path not in names:
        raise FileRejected(_("Excel 文件中没有工作表。"))
    return Sheet(archive, path, shared, dates, epoch)


def _size_of(file) -> int:
    if hasattr(file, "size") and file.size is not None:
        return file.size
    if hasattr(file, "seek"):
        position = file.tell()
        file.seek(0, 2)
        size = file.tell()
        file.seek(position)
        return size
    import os

    return os.path.getsize(file)


def _parse(archive: zipfile.ZipFile, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    with archive.open(name) as stream:
        return etree.parse(stream, parser).getroot()


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, datetime.datetime]:
    workbook = _parse(archive, "xl/workbook.xml")
    pr = workbook.find(f"{{{MAIN_NS}}}workbookPr")
    date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    sheet = workbook.find(f"{{{MAIN_NS}}}sheets/{{{MAIN_NS}}}sheet")
    if sheet is None:
        raise KeyError("sheet")
    rel_id = sheet.get(f"{{{REL_NS}}}id")
    rels = _parse(archive, "xl/_rels/workbook.xml.rels")
    for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            return path, epoch
    raise KeyError(rel_id)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    """The workbook's shared strings, refused past LEDGER_IMPORT_MAX_SHARED_STRINGS strings or
    LEDGER_IMPORT_MAX_SHARED_CHARS characters in all.

    The length is counted text by text as the parser meets them, and each string's element is
    freed (and unlinked from the root) once read, so memory stays near what the caps allow.
    """
    strings: list[str] = []
    si_tag, t_tag, r_tag = f"{{{MAIN_NS}}}si", f"{{{MAIN_NS}}}t", f"{{{MAIN_NS}}}r"
    count_limit, char_limit = max_shared_strings(), max_shared_chars()
    chars = 0
    with archive.open("xl/sharedStrings.xml") as stream:
        for _event, element in etree.iterparse(stream, tag=(si_tag, t_tag), resolve_entities=False):
            if element.tag == t_tag:
                # Only the text runs count: <rPh> holds phonetic guides that are not part of the value.
                parent = element.getparent()
                if parent is not None and (parent.tag == si_tag or parent.tag == r_tag) and element.text:
                    chars += len(element.text)
                    if chars > char_limit:
                        raise FileRejected(
                            _("文件中的文字总量超过 %(limit)s 字的导入上限，请拆分后分批导入。")
                            % {"limit": f"{char_limit:,}"}
                        )
                continue
            if len(strings) >= count_limit:
                raise FileRejected(
                    _("文件中不同文字内容的条数超过 %(limit)s 条的导入上限，请拆分后分批导入。")
                    % {"limit": f"{count_limit:,}"}
                )
            parts = [child.text or "" for child in element if child.tag == t_tag]
            parts += [t.text or "" for run in element if run.tag == r_tag for t in run if t.tag == t_tag]
            strings.append("".join(parts))
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    return strings


def _date_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    styles = _parse(archive, "xl/styles.xml")
    custom = {
        int(fmt.get("numFmtId")): fmt.get("formatCode", "")
        for fmt in styles.iterfind(f"{{{MAIN_NS}}}numFmts/{{{MAIN_NS}}}numFmt")
    }
    dates = set()
    xfs = styles.find(f"{{{MAIN_NS}}}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else ()):
        fmt_id = int(xf.get("numFmtId", "0"))
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, ""))
        # 14–22 and the CJK date formats 27–36, 50–58 are dates whatever their code says.
        if is_date_format(code) or 14 <= fmt_id <= 22 or 27 <= fmt_id <= 36 or 50 <= fmt_id <= 58:
            dates.add(index)
    return frozenset(dates)


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _rows(sheet: Sheet) -> Iterator[tuple[int, list]]:
    row_tag, t_tag, v_tag = f"{{{MAIN_NS}}}row", f"{{{MAIN_NS}}}t", f"{{{MAIN_NS}}}v"
    shared, date_styles, epoch = sheet.shared_strings, sheet.date_styles, sheet.epoch
    columns: dict[str, int] = {}  # "AB" -> 27, learnt as the sheet is read
    dates: dict[float, datetime.datetime] = {}  # a ledger repeats a few thousand dates
    blank_run, number = 0, 0
    try:
        with sheet.archive.open(sheet.path) as stream:
            sheet._stream = stream
            context = etree.iterparse(stream, tag=row_tag, resolve_entities=False)
            for _event, row in context:
                declared = row.get("r")
                number = int(declared) if declared else number + 1
                digits = len(str(number))
                values: list = []
                for cell in row:
                    ref = cell.get("r")
                    if ref:
                        letters = ref[:-digits] if ref[-digits:] == declared else ref.rstrip("0123456789")
                        position = columns.get(letters)
                        if position is None:
                            position = columns[letters] = _column_index(letters)
                        if position > len(values):
                            values.extend([None] * (position - len(values)))
                    kind = cell.get("t")
                    value = None
                    if kind == "inlineStr":
                        inline = cell[0] if len(cell) else ()
                        if len(inline) == 1 and inline[0].tag == t_tag:  # the usual <is><t>…</t></is>
                            value = inline[0].text or ""
                        else:
                            value = "".join(t.text or "" for t in cell.iter(t_tag))
                    elif len(cell):
                        last = cell[-1]  # <v> comes after any <f>ormula
                        raw = last.text if last.tag == v_tag else None
                        if raw is not None:
                            if kind == "s":
                                value = shared[int(raw)]
                            elif kind in ("str", "e"):
                                value = raw
                            elif kind == "b":
                                value = raw == "1"
                            elif kind == "d":
                                value = datetime.datetime.fromisoformat(raw)
                            else:
                                number_value = float(raw)
                                style = cell.get("s")
                                if style and int(style) in date_styles:
                                    value = dates.get(number_value)
                                    if value is None:
                                        value = dates[number_value] = from_excel(number_value, epoch)
                                else:
                                    value = int(number_value) if number_value.is_integer() else number_value
                    values.append(value)
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                if any(v is not None and (v.__class__ is not str or v.strip()) for v in values):
                    blank_run = 0
                    yield number, values
                else:
                    blank_run += 1
                    if blank_run >= BLANK_RUN:
                        return
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError, OSError, IndexError, ValueError) as exc:
        raise FileRejected(_("Excel 文件第 %(row)d 行附近已损坏，无法继续读取。") % {"row": number + 1}) from exc
