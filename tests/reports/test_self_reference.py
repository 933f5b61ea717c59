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


def test_a_city_report_quotes_its_whole_area_with_total_placeholders(db):
    import datetime

    from cases.models import PetitionCase
    from reports.placeholders import validate_template

    city = Bureau.objects.create(name="焦作市信访局", county="焦作市", level=Bureau.Level.CITY, self_reference="我市")
    county = Bureau.objects.create(name="温县信访局", county="温县", parent=city)
    for n, bureau in enumerate((county, county, city)):
        PetitionCase.objects.create(
            bureau=bureau,
            number=f"X-{n}",
            received_on=datetime.date(2024, 3, 1),
            channel="visit",
            petitioner_name="王建国",
            category="claim",
        )
    validate_template("全市{total_cases_received}件")  # a known placeholder
    report = report_get_or_create(bureau=city, year=2024)[0]
    report.intro = "全市受理{total_cases_received}件，其中本级{cases_received}件。"
    intro = "".join(run.text for run in build_document(report).intro)
    assert intro == "全市受理3件，其中本级1件。"
    county_report = report_get_or_create(bureau=county, year=2024)[0]
    county_report.intro = "{total_cases_received}/{cases_received}"
    assert "".join(run.text for run in build_document(county_report).intro) == "2/2"  # none below: its own
