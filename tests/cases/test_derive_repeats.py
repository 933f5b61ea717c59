"""`manage.py derive_repeats`: recorded flags recomputed by the rule only when asked, the dry run
printing how the figures would change and writing nothing."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import AuditEntry, PetitionCase
from tests.cases.test_repeats import LI, ZHANG

D = datetime.date


def case(bureau, number, day, who, unit, **fields):
    defaults = {"is_initial": True, "resolved_first_time": False}
    return PetitionCase.objects.create(
        bureau=bureau,
        number=number,
        received_on=day,
        channel="visit",
        petitioner_name="某某",
        petitioner_id_number=who,
        category="claim",
        subject_area="城乡建设",
        responsible_unit=unit,
        **{**defaults, **fields},
    )


@pytest.fixture
def imported(bureau, unit):
    """Four imported cases of 2024 with their recorded flags: 张's second petition was recorded
    as 初次 and her first as 一次性化解; 李's one with an override kept."""
    closed = {"outcome": "support", "resolved_first_time": True}
    return [
        case(bureau, "I-1", D(2024, 1, 5), ZHANG, unit, closed_on=D(2024, 2, 1), **closed),
        case(bureau, "I-2", D(2024, 6, 5), ZHANG, unit),
        case(bureau, "I-3", D(2024, 3, 5), LI, unit, closed_on=D(2024, 4, 1), **closed),
        case(bureau, "I-4", D(2024, 7, 5), LI, unit, initial_override_reason="不同诉求，经局长审定"),
    ]


def run(*args):
    out = StringIO()
    call_command("derive_repeats", "--year", "2024", *args, stdout=out)
    return out.getvalue()


def flags():
    return list(PetitionCase.objects.order_by("number").values_list("number", "is_initial", "resolved_first_time"))


def test_the_dry_run_prints_before_and_after_and_writes_nothing(imported):
    recorded = flags()

    out = run("--dry-run")

    assert "（试运行，未写入）" in out
    assert "  重复信访率：0% → 25%" in out  # I-2 becomes a repeat; I-4 keeps its override
    assert "  一次性化解率：100% → 0%" in out  # I-1 and I-3 each had a later petition
    assert "  初次信访事项一次性化解率：100% → 0%" in out
    assert "  变化的事项：3 件（初次/重复 1 件，一次性化解 2 件）" in out
    assert flags() == recorded
    assert not AuditEntry.objects.exists()
    assert not PetitionCase.objects.filter(flags_derived=True).exists()


def test_the_run_writes_skips_overrides_and_logs(imported):
    out = run()

    assert "（已写入）" in out and "  重复信访率：0% → 25%" in out
    assert flags() == [
        ("I-1", True, False),
        ("I-2", False, False),
        ("I-3", True, False),
        ("I-4", True, False),  # overridden: kept as the clerk set it
    ]
    logged = {e.object_repr: e.changes for e in AuditEntry.objects.filter(detail="derive_repeats：按信访史重新认定")}
    assert logged == {
        "I-1": {"resolved_first_time": ["是", "否"]},
        "I-2": {"is_initial": ["是", "否"]},
        "I-3": {"resolved_first_time": ["是", "否"]},
    }
    assert PetitionCase.objects.filter(flags_derived=True).count() == 4
    # Run again: nothing changes.
    assert "  变化的事项：0 件" in run()


def test_a_bad_year_is_refused(bureau):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="年度应为四位数字"):
        call_command("derive_repeats", "--year", "24", stdout=StringIO())
