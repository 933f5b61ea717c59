"""The seed report as a list of paragraphs, and the normalisation both sides go through.

The seed is text copied out of a Word file: its first line "(2) 严涛" and the page breaks that
split words ("与信\\n\\n访工作") are artefacts of the copy, and so are the spaces Word shows between
Chinese and digits ("达到了 93.96%") and the half-width brackets of "(一)". The comparison removes
whitespace and reads "(" ")" as "（" "）"; nothing else is forgiven.
"""

import html
import re
import subprocess
from pathlib import Path

# The real 2024 report sits in shared/ beside the project's root, for developers and CI alike.
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_a6f0a82ea1106549.txt"
ARTEFACTS = {"(2) 严涛"}
_ENDS_PARAGRAPH = re.compile(r"[。：；！？”]$")


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def seed_paragraphs() -> list[str]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", SEED.read_text(encoding="utf-8")) if b.strip()]
    merged: list[tuple[str, bool]] = []
    for block in blocks:
        if block in ARTEFACTS:
            continue
        heading = block.startswith("#")
        block = block.lstrip("#").strip()
        previous = merged[-1] if merged else None
        if previous and not previous[1] and not heading and not _ENDS_PARAGRAPH.search(previous[0]):
            merged[-1] = (previous[0] + block, False)  # a page break inside a paragraph
        else:
            merged.append((block, heading))
    return [normalise(b) for b, _ in merged]


def html_paragraphs(markup: str) -> list[str]:
    """Text of every printed block of the report markup: title lines, paragraphs, headings."""
    blocks = re.findall(r"<(p|h2)\b[^>]*>(.*?)</\1>", markup, flags=re.S)
    return [normalise(html.unescape(re.sub(r"<[^>]+>", "", inner))) for _, inner in blocks]


def pdftotext(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pdf_paragraphs(pdf: bytes) -> list[str]:
    """Paragraphs of the PDF's text: in pdftotext's layout, a line that starts indented (the first
    line of a paragraph, a heading or a centred title line) starts a paragraph; page numbers go."""
    paragraphs: list[str] = []
    for line in pdftotext(pdf).replace("\f", "\n").splitlines():
        if not line.strip() or re.fullmatch(r"\s*—\s*\d+\s*—\s*", line):
            continue
        if line[0].isspace() or not paragraphs:
            paragraphs.append(line.strip())
        else:
            paragraphs[-1] += line.strip()
    return [normalise(p) for p in paragraphs]
