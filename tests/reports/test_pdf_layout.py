"""The PDF in the GB/T 9704 layout, measured on the file itself."""

import io
import itertools
import re
import subprocess
from collections import defaultdict

import pdfplumber
import pytest

from cases.models.base import local_today
from reports.render import render
from reports.render.context import build_document
from reports.services import report_get_or_create

from .stubs import stub_figures

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)


@pytest.fixture
def pdf(bureau):
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    return render(build_document(report, stub_figures()), "pdf")


def _is_body(line) -> bool:
    return line[0]["size"] == pytest.approx(16, abs=0.01)


def _lines(page):
    """Characters grouped into lines by their top."""
    lines = defaultdict(list)
    for c in page.chars:
        lines[round(c["top"])].append(c)
    return [sorted(cs, key=lambda c: c["x0"]) for _, cs in sorted(lines.items())]


def test_pages_are_a4(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) >= 4
        for page in doc.pages:
            assert (page.width, page.height) == pytest.approx(A4, abs=0.5)


def test_fonts_are_embedded(pdf):
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=False)
    if out.returncode:  # older poppler reads no stdin
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            out = subprocess.run(["pdffonts", f.name], capture_output=True, check=True)
    rows = out.stdout.decode().splitlines()[2:]
    names = [r.split()[0] for r in rows]
    assert any("Noto-Serif-CJK-SC" in n for n in names)
    assert any("Noto-Sans-CJK-SC" in n for n in names)
    for row in rows:
        emb, sub, uni = re.search(r"(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", row).groups()
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_margins_and_font_sizes(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        first = doc.pages[0]
        title = [c for c in first.chars if c["size"] == pytest.approx(22, abs=0.1)]
        assert "".join(c["text"] for c in title) == "测试县信访局2024年法治政府建设工作报告"
        assert all("Bold" in c["fontname"] or "Serif" in c["fontname"] for c in title)
        # Title lines are centred on the text block (28 mm to 26 mm from the edges).
        block_centre = (28 * MM + (210 - 26) * MM) / 2
        for line in _lines(first)[:2]:
            assert (line[0]["x0"] + line[-1]["x1"]) / 2 == pytest.approx(block_centre, abs=2)
        body_lines = [
            line for page in doc.pages for line in _lines(page) if line[0]["size"] == pytest.approx(16, abs=0.01)
        ]
        assert len(body_lines) > 60
        left = min(line[0]["x0"] for line in body_lines)
        assert left == pytest.approx(28 * MM, abs=0.5)  # 79.37 pt
        assert max(line[-1]["x1"] for line in body_lines) <= (210 - 26) * MM + 1
        top = min(line[0]["top"] for page in doc.pages[1:] for line in _lines(page))
        assert 37 * MM < top < 37 * MM + 28.95 / 2  # the first line box starts at the top margin
        indented = [line for line in body_lines[:-2] if line[0]["x0"] > left + 1]  # the signature apart
        assert all(line[0]["x0"] == pytest.approx(left + 2 * 15.79, abs=1) for line in indented)


def test_it_ends_with_the_bureaus_name_and_the_date(pdf):
    """GB/T 9704-2012 7.3.5.2 without a seal: the name, and under it the date starting two
    characters further right; the date (longer here) ends two characters from the right margin."""
    today = local_today()
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        lines = [line for line in _lines(doc.pages[-1]) if line[0]["size"] == pytest.approx(16, abs=0.01)]
    name, date = lines[-2:]
    assert "".join(c["text"] for c in name) == "测试县信访局"
    assert "".join(c["text"] for c in date) == f"{today.year}年{today.month}月{today.day}日"
    assert date[-1]["x1"] == pytest.approx((210 - 26) * MM - 2 * 16, abs=2)
    assert date[0]["x0"] == pytest.approx(name[0]["x0"] + 2 * 16, abs=2)


def test_lines_hold_28_characters_at_a_28_95_pt_pitch(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[1]
        lines = [line for line in _lines(page) if line[0]["size"] == pytest.approx(16, abs=0.01)]
        tops = [line[0]["top"] for line in lines]
        pitches = {round(b - a, 1) for a, b in itertools.pairwise(tops)}
        assert pitches <= {28.9, 29.0, 57.9}  # 57.9: a heading kept with its paragraph
        full = [line for line in lines if all(ord(c["text"]) > 0x2E80 for c in line)]
        assert max(len(line) for line in full) == 28


def test_headings_and_leads_use_their_faces(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = [c for page in doc.pages for c in page.chars]
        text = "".join(c["text"] for c in chars)
        heading_at = text.index("一、党政主要负责人")
        assert "Sans" in chars[heading_at]["fontname"]
        assert "Serif" in chars[text.index("（一）加强组织领导")]["fontname"]


def test_page_numbers_alternate_sides(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            marks = [c for c in page.chars if c["size"] == pytest.approx(14, abs=0.01)]
            assert "".join(c["text"] for c in marks).replace(" ", "") == f"—{number}—"
            assert page.extract_text().splitlines()[-1] == f"— {number} —"
            if number % 2:
                assert marks[-1]["x1"] == pytest.approx((210 - 26) * MM - 14, abs=3)
            else:
                assert marks[0]["x0"] == pytest.approx(28 * MM + 14, abs=1)
            assert marks[0]["top"] > (297 - 35) * MM + 5 * MM


def test_the_pdf_is_small_and_the_same_for_the_same_text(bureau):
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    doc = build_document(report, stub_figures())
    first, second = render(doc, "pdf"), render(doc, "pdf")
    assert first == second
    assert len(first) < 1024 * 1024
