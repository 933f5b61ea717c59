"""The province bench's builder: counties copied from one generated county, by the database."""

import io

from cases.models import Bureau, DisputeScreening, PetitionCase, Unit
from devtools.bench.province import build_province
from indicators.compute import compute
from indicators.registry import Period


def test_every_county_holds_a_copy_of_the_first_in_its_own_units(db):
    built = build_province(counties=3, cities=2, cases_per_county=120, year=2025, progress=lambda *a: None)
    assert built.province.level == Bureau.Level.PROVINCE
    assert sorted(built.province.lineage_ids()) == sorted(
        [built.province.pk, *(c.pk for c in built.cities), *(c.pk for c in built.counties)]
    )
    first, second, third = built.counties
    assert second.parent == built.cities[1] and third.parent == built.cities[0]
    for county in built.counties:
        assert PetitionCase.objects.filter(bureau=county).count() == 120
        assert (
            DisputeScreening.objects.filter(bureau=county).count()
            == DisputeScreening.objects.filter(bureau=first).count()
        )
        # Every responsible unit of a copy is the county's own, never the template's.
        units = set(PetitionCase.objects.filter(bureau=county).values_list("responsible_unit__bureau", flat=True))
        assert units <= {county.pk, None}
    template = compute(first.pk, Period.year(2025))
    copy = compute(second.pk, Period.year(2025))
    assert copy["cases_received"].value == template["cases_received"].value == 120
    assert copy["disputes_screened"].value == template["disputes_screened"].value
    # vary() took a few first-time resolutions back in the copies, never in the template.
    assert copy["one_time_resolution_rate"].numerator <= template["one_time_resolution_rate"].numerator
    assert Unit.objects.filter(bureau=second).count() == Unit.objects.filter(bureau=first).count()


def test_the_bench_times_every_page_and_writes_its_section(db, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "benchmarks.md"
    call_command(
        "bench_province",
        "--counties",
        "2",
        "--cities",
        "1",
        "--cases-per-county",
        "60",
        "--runs",
        "1",
        "--output",
        str(out),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    text = out.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`/" in line]
    assert len(rows) == 7
    assert "refresh_figures (the nightly job)" in text
    assert "2 county bureaus, 120 cases" in text
    assert text.count("<!-- bench:province-") == 1
