"""How the report names its own place is the bureau's data: 我县 for a county, 我市 for a city."""

from cases.models import Bureau
from reports.render.context import build_document
from reports.services import report_get_or_create


def _text(doc) -> str:
    return "".join(p.text for s in doc.sections for p in s.paragraphs)


def test_a_city_report_says_我市_and_a_county_report_我县(db):
    city = Bureau.objects.create(name="焦作市信访局", county="焦作市", level=Bureau.Level.CITY, self_reference="我市")
    county = Bureau.objects.create(name="温县信访局", county="温县", parent=city)
    city_text = _text(build_document(report_get_or_create(bureau=city, year=2024)[0]))
    county_text = _text(build_document(report_get_or_create(bureau=county, year=2024)[0]))
    assert "我市" in city_text and "我县" not in city_text
    assert "我县" in county_text and "我市" not in county_text
