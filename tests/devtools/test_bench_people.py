from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from cases.models import PetitionCase, Petitioner

pytestmark = pytest.mark.django_db


def test_the_person_lookup_bench_links_persons_and_times_every_lookup(bureau, tmp_path):
    call_command("generate_synthetic", "--cases", "300", "--year", "2024", "--seed", "7", stdout=StringIO())
    out = StringIO()
    output = tmp_path / "benchmarks.md"

    call_command("bench_people", "--persons", "20", "--runs", "1", "--output", str(output), stdout=out)

    assert Petitioner.objects.filter(bureau=bureau).count() == 20
    person = Petitioner.objects.filter(bureau=bureau).first()
    linked = PetitionCase.objects.filter(petitioner=person)
    assert linked.count() >= 1
    assert set(linked.values_list("petitioner_id_number", flat=True)) == {person.id_number}
    rows = {
        line.split("|")[1].strip(): line.split("|")[2:-1]
        for line in out.getvalue().splitlines()
        if line.startswith("| ") and "---" not in line
    }
    rows.pop("look-up")
    assert set(rows) >= {"ID number of a person", "a surname", "ID number of a case without a person", "found nowhere"}
    persons, cases, queries = (int(rows["ID number of a person"][i]) for i in range(3))
    assert persons == 1 and cases >= 1 and queries == 2
    assert [int(x) for x in rows["found nowhere"][:3]] == [0, 0, 1]
    assert f"<!-- bench:people-{connection.vendor} -->" in output.read_text(encoding="utf-8")
