"""A backup restores to the very same records, and so to the very same indicators."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from cases.models import DisputeScreening, PetitionCase
from indicators.compute import compute
from indicators.registry import Period

pytestmark = pytest.mark.django_db(transaction=True)


def figures(bureau):
    return {k: f.as_json() for k, f in compute(bureau.pk, Period.year(2024)).items()}


def make_records(bureau, unit, n=30):
    for i in range(n):
        received = datetime.date(2024, 1, 1) + datetime.timedelta(days=i * 11)
        PetitionCase.objects.create(
            bureau=bureau,
            number=f"B-{i:03}",
            received_on=received,
            channel="visit",
            petitioner_name="张三",
            category="claim",
            accepted_on=received + datetime.timedelta(days=3),
            closed_on=received + datetime.timedelta(days=30) if i % 3 else None,
            resolved_first_time=bool(i % 3) and i % 5 != 0,
        )
        DisputeScreening.objects.create(
            bureau=bureau,
            unit=unit,
            found_on=received,
            kind="邻里",
            status="resolved" if i % 2 else "in_progress",
        )


def test_restore_gives_back_identical_indicators(bureau, unit, tmp_path):
    make_records(bureau, unit)
    before = figures(bureau)
    path = tmp_path / "b.backup"
    call_command("backup_data", "--output", str(path))
    manifest = json.loads((tmp_path / "b.backup.manifest.json").read_text())
    assert manifest["size"] == path.stat().st_size and len(manifest["sha256"]) == 64

    PetitionCase.objects.filter(number__in=["B-001", "B-002"]).delete()
    DisputeScreening.objects.filter(status="resolved").update(status="unresolved")
    assert figures(bureau) != before

    call_command("restore_data", str(path), "--yes")
    assert PetitionCase.objects.count() == 30
    assert figures(bureau) == before
    assert before["disputes_screened"] == 30 and before["disputes_resolved"] == 15


def test_a_damaged_backup_is_refused_and_nothing_changes(bureau, unit, tmp_path):
    make_records(bureau, unit, n=5)
    path = tmp_path / "b.backup"
    call_command("backup_data", "--output", str(path))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    PetitionCase.objects.filter(number="B-000").delete()
    with pytest.raises(CommandError, match="SHA-256 与清单不符"):
        call_command("restore_data", str(path), "--yes")
    assert PetitionCase.objects.count() == 4
