"""The demo builder (manage.py build_demo) and the shipped fixtures/demo.json it wrote."""

from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from cases.models import Bureau, PetitionCase

SHIPPED = Path(settings.BASE_DIR) / "fixtures" / "demo.json"


def test_the_builder_writes_the_shipped_file(db, tmp_path):
    """The fixture is the builder's output, byte for byte: edit the builder, not the JSON."""
    output = tmp_path / "demo.json"
    out = StringIO()

    call_command("build_demo", "--output", str(output), stdout=out, stderr=StringIO())

    assert output.read_bytes() == SHIPPED.read_bytes()
    assert f"已写入 {output}：" in out.getvalue()


def _rows():
    from devtools import demo

    return demo.build()[0]


def test_every_level_is_there_the_city_above_two_counties():
    bureaus = {r["pk"]: r["fields"] for r in _rows() if r["model"] == "cases.bureau"}

    assert {pk: (f["name"], f["level"], f["parent"], f["self_reference"]) for pk, f in bureaus.items()} == {
        1: ("温县信访局", "county", 2, "我县"),
        2: ("焦作市信访局", "city", None, "我市"),
        3: ("武陟县信访局", "county", 2, "我县"),
    }
    assert bureaus[2]["short_county"] == "焦作" and bureaus[3]["short_county"] == "武陟"


def test_each_bureaus_records_name_only_its_own_units_and_numbers():
    rows = _rows()
    unit_bureau = {r["pk"]: r["fields"]["bureau"] for r in rows if r["model"] == "cases.unit"}
    prefixes = {1: "温信", 2: "焦信", 3: "武信"}
    for row in rows:
        fields = row["fields"]
        for key in ("unit", "responsible_unit"):
            if fields.get(key) is not None and "bureau" in fields:
                assert unit_bureau[fields[key]] == fields["bureau"], row
        if row["model"] == "cases.petitioncase":
            assert fields["number"].startswith(prefixes[fields["bureau"]]), row
    kinds = {(unit_bureau[pk], r["fields"]["kind"]) for r in rows if r["model"] == "cases.unit" for pk in [r["pk"]]}
    assert (2, "district") in kinds and (2, "department") in kinds  # 县（市、区） and 市直部门
    assert (3, "township") in kinds and (3, "county") in kinds


def test_wuzhi_has_two_county_sized_years_and_jiaozuo_a_few_records_of_its_own():
    rows = _rows()
    cases = Counter(
        (r["fields"]["bureau"], str(r["fields"]["received_on"].year))
        for r in rows
        if r["model"] == "cases.petitioncase"
    )

    assert (cases[(3, "2023")], cases[(3, "2024")]) == (226, 213)  # 温县: 231 and 202
    assert (cases[(2, "2023")], cases[(2, "2024")]) == (46, 41)
    assert cases[(1, "2024")] == 202
    screenings = Counter(r["fields"]["bureau"] for r in rows if r["model"] == "cases.disputescreening")
    assert screenings[2] > 0 and screenings[3] > 100


def test_the_shipped_file_stays_small():
    assert SHIPPED.stat().st_size < 2_500_000  # 2.0 MB: 温县's four years, 武陟's two, 焦作's own


@pytest.mark.django_db
def test_the_loaded_tree_each_bureau_and_the_lineage(db):
    call_command("loaddata", "demo", verbosity=0)

    city = Bureau.objects.get(name="焦作市信访局")
    assert sorted(city.lineage_ids()) == [1, 2, 3]
    assert Bureau.objects.get(name="温县信访局").lineage_ids(up=True) == [1, 2]
    assert PetitionCase.objects.filter(bureau=city).count() == 87
    assert PetitionCase.objects.filter(bureau__name="武陟县信访局").count() == 439
