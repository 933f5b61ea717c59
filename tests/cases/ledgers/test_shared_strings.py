"""The shared strings of a workbook are capped in number and in total length (issue 15)."""

import io
import zipfile
from xml.sax.saxutils import escape

from lxml import etree

from cases.ledgers.service import import_ledger
from cases.ledgers.xlsx import MAIN_NS, open_sheet
from cases.models import DisputeScreening, ImportLog

from .conftest import make_xlsx

HEAD = ["排查日期", "乡镇（街道）", "纠纷类型", "简要情况", "化解状态", "化解日期"]


def as_excel_saves_it(data: bytes, *, rich: dict[str, str] | None = None) -> bytes:
    """The workbook with its texts moved into xl/sharedStrings.xml, one entry per distinct text,
    as Excel and WPS store them (openpyxl writes inline strings). `rich` replaces the inner XML of
    the entry of a text (rich-text runs, phonetic guides)."""
    rich = rich or {}
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    sheet = etree.fromstring(source.read("xl/worksheets/sheet1.xml"))
    strings: dict[str, int] = {}
    for cell in sheet.iter(f"{{{MAIN_NS}}}c"):
        if cell.get("t") == "inlineStr":
            text = "".join(cell.itertext())
            for child in list(cell):
                cell.remove(child)
            cell.set("t", "s")
            etree.SubElement(cell, f"{{{MAIN_NS}}}v").text = str(strings.setdefault(text, len(strings)))
    items = "".join(f"<si>{rich.get(text, f'<t>{escape(text)}</t>')}</si>" for text in strings)
    table = f'<sst xmlns="{MAIN_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = etree.tostring(sheet, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, content)
        target.writestr("xl/sharedStrings.xml", table.encode())
    return out.getvalue()


def ledger(n: int, description: str = "", **kwargs) -> bytes:
    """n screenings, their texts stored as shared strings."""
    rows = [["2024-03-05", "温泉街道", "土地", f"{description}{i}", "化解中", None] for i in range(n)]
    return as_excel_saves_it(make_xlsx([HEAD, *rows]), **kwargs)


def attempt(data: bytes):
    return import_ledger(kind="screenings", file=io.BytesIO(data), file_name="台账.xlsx", dry_run=False)


def assert_refused(result, message):
    assert result.file_error.startswith(message), result.file_error
    assert DisputeScreening.objects.count() == 0
    log = ImportLog.objects.get()
    assert (log.outcome, log.message) == (ImportLog.Outcome.REFUSED, result.file_error)


def test_too_many_shared_strings_are_refused(bureau, settings):
    settings.LEDGER_IMPORT_MAX_SHARED_STRINGS = 20
    # 6 header texts + 3 repeated ones + 20 distinct summaries = 29 strings.
    assert_refused(attempt(ledger(20)), "文件中不同文字内容的条数超过 20 条的导入上限")


def test_too_long_shared_strings_are_refused(bureau, settings):
    settings.LEDGER_IMPORT_MAX_SHARED_CHARS = 10_000
    # Few strings, but 20 × 1,000 characters of padding.
    assert_refused(attempt(ledger(20, description="邻" * 1000)), "文件中的文字总量超过 10,000 字的导入上限")


def test_a_file_exactly_at_the_caps_opens_and_phonetic_guides_do_not_count(settings):
    rich = {
        # A 1,000-character phonetic guide (not part of the value) and a text in two runs.
        "温泉街道": "<t>温泉街道</t><rPh sb='0' eb='4'><t>" + "ウ" * 1000 + "</t></rPh>",
        "土地": "<r><t>土</t></r><r><rPr><b/></rPr><t>地</t></r>",
    }
    data = ledger(3, description="邻里", rich=rich)
    sheet = open_sheet(io.BytesIO(data))
    assert {"温泉街道", "土地", "邻里2"} <= set(sheet.shared_strings)
    assert [row for _n, row in sheet.rows()][1][:4] == ["2024-03-05", "温泉街道", "土地", "邻里0"]
    count, chars = len(sheet.shared_strings), sum(map(len, sheet.shared_strings))
    assert chars < 1000
    settings.LEDGER_IMPORT_MAX_SHARED_STRINGS, settings.LEDGER_IMPORT_MAX_SHARED_CHARS = count, chars
    assert open_sheet(io.BytesIO(data)).shared_strings == sheet.shared_strings


def test_a_normal_file_still_imports_under_the_default_caps(bureau):
    assert attempt(ledger(50, description="邻里纠纷")).created == 50
    assert DisputeScreening.objects.filter(description="邻里纠纷49").exists()
