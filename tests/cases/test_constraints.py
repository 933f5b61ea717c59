"""Rules the database holds itself, whatever path writes the row."""

import pytest
from django.db import IntegrityError, transaction

from cases.models import DisputeScreening, PetitionCase, Volunteer
from tests.conftest import day


def case(bureau, **kw):
    fields = dict(
        bureau=bureau,
        number="2024-0001",
        received_on=day("2024-03-01"),
        channel=PetitionCase.Channel.VISIT,
        petitioner_name="张三",
        category=PetitionCase.Category.CLAIM,
    )
    fields.update(kw)
    return PetitionCase(**fields)


def refused(obj) -> bool:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        return True
    return False


def test_a_valid_case_is_stored(bureau):
    case(bureau).save()
    assert PetitionCase.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"closed_on": day("2024-02-28")},
        {"routed_on": day("2024-02-01"), "routing": "transfer"},
        {"accepted_on": day("2024-02-29")},
        {"unit_accepted_on": day("2024-01-01")},
        {"extension_days": 31},
        {"head_count": 0},
        {"resolved_first_time": True},  # not closed
        {"resolved_first_time": True, "closed_on": day("2024-04-01"), "review": "review"},
    ],
)
def test_the_database_refuses_impossible_cases(bureau, fields):
    assert refused(case(bureau, **fields))
    assert PetitionCase.objects.count() == 0


def test_a_sustained_objection_without_its_date_is_stored_but_the_form_asks_for_it(bureau):
    """Old ledgers never recorded the objection's date (issue 13): the importer takes such a row
    with a warning, so the database does not refuse it; a clerk's form still asks for the date."""
    from django.core.exceptions import ValidationError

    sustained = case(bureau, objection_sustained=True)
    with pytest.raises(ValidationError) as refused_by_form:
        sustained.full_clean()
    assert refused_by_form.value.message_dict["objection_on"] == ["异议成立时请填写异议提出日期。"]
    assert not refused(sustained)
    assert PetitionCase.objects.get().objection_on is None


def test_a_case_number_is_unique_per_bureau(bureau):
    case(bureau).save()
    assert refused(case(bureau))
    assert PetitionCase.objects.count() == 1


def test_the_same_number_in_another_bureau_is_fine(bureau):
    from cases.models import Bureau

    other = Bureau.objects.create(name="另一县信访局", county="另一县")
    case(bureau).save()
    case(other).save()
    assert PetitionCase.objects.count() == 2


def test_a_resolved_date_only_on_a_resolved_screening(bureau, unit):
    s = DisputeScreening(bureau=bureau, unit=unit, found_on=day("2024-05-01"), kind="土地纠纷", status="in_progress")
    s.resolved_on = day("2024-05-10")
    assert refused(s)
    s.status = "resolved"
    s.resolved_on = day("2024-04-30")
    assert refused(s)
    s.resolved_on = day("2024-05-10")
    s.save()
    assert DisputeScreening.objects.get().resolved_on == day("2024-05-10")


def test_a_volunteer_cannot_leave_before_joining(bureau):
    assert refused(Volunteer(bureau=bureau, name="李四", joined_on=day("2024-05-01"), left_on=day("2024-04-01")))
