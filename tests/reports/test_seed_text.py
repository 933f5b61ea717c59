"""With 2024 records that reproduce the seed's figures, every rendering reads as the seed does."""

import io
from pathlib import Path

import docx
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from cases.models import Bureau
from reports.render import render
from reports.render.context import build_document
from reports.render.html import render_fragment
from reports.services import report_get_or_create

from .seed import html_paragraphs, normalise, pdf_paragraphs, seed_paragraphs

DEMO = Path(django_settings.BASE_DIR) / "fixtures" / "demo.json"


def _document(bureau):
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    return build_document(report)


@pytest.fixture(params=["records", "demo"])
def seed_doc(request, db, settings):
    """The 2024 report over records built here, and over the shipped demo data once it exists."""
    if request.param == "records":
        return _document(request.getfixturevalue("wenxian"))
    if not DEMO.exists():
        pytest.skip("fixtures/demo.json has not landed yet")
    if DEMO.parent not in map(Path, settings.FIXTURE_DIRS):  # until the settings name the folder
        settings.FIXTURE_DIRS = [*settings.FIXTURE_DIRS, DEMO.parent]
    call_command("loaddata", "demo", verbosity=0)
    return _document(Bureau.objects.get(name="温县信访局"))


def test_the_seed_has_the_paragraphs_we_compare_against():
    paragraphs = seed_paragraphs()
    assert paragraphs[:2] == ["温县信访局", "2024年法治政府建设工作报告"]
    assert len(paragraphs) == 20  # title (2), intro, 5 headings, 12 paragraphs
    assert "与信访工作同安排" in paragraphs[4]


def test_the_text_matches_the_seed_paragraph_by_paragraph(seed_doc):
    assert [normalise(p) for p in seed_doc.paragraphs_text()] == seed_paragraphs()


def _signed(doc) -> list[str]:
    """The seed's text, then the signature block the published page leaves out: the bureau's
    name and the date the text was built (成文日期)."""
    return [*seed_paragraphs(), "温县信访局", doc.dated]


def test_the_html_matches_the_seed(seed_doc):
    assert html_paragraphs(render_fragment(seed_doc)) == _signed(seed_doc)


def test_the_pdf_text_matches_the_seed(seed_doc):
    assert pdf_paragraphs(render(seed_doc, "pdf")) == _signed(seed_doc)


def test_the_word_file_matches_the_seed(seed_doc):
    document = docx.Document(io.BytesIO(render(seed_doc, "docx")))
    paragraphs = [normalise(p.text) for p in document.paragraphs if p.text.strip()]
    assert paragraphs == _signed(seed_doc)


def test_figures_are_printed_without_added_spaces(seed_doc):
    text = "".join(seed_doc.paragraphs_text())
    assert "达到了93.96%。" in text
    assert "已排查各类矛盾纠纷157起，化解126起，化解率80.25%。" in text
    assert "均为100%，" in text
