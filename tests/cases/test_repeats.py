"""初次/重复信访 and 一次性化解 derived from the petitioner's history (cases.repeats), counted in
the report's figures, and overridden by a clerk only with a reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import repeats
from cases.models import AuditEntry, PetitionCase, Unit
from cases.people.services import PersonData, case_register
from cases.scoping import acting_for
from cases.validators import id_check_char
from indicators import compute, drilldown, registry
from tests.cases.test_case_form import form_data

D = datetime.date


def id_number(seq: int, born: str = "19800101") -> str:
    first = f"410825{born}{seq:03d}"
    return first + id_check_char(first)


ZHANG = id_number(1)
LI = id_number(2)


def register(bureau, user, *, number, day, who=ZHANG, name="张桂兰", area="城乡建设", unit=None, **fields):
    with acting_for(bureau):
        return case_register(
            bureau=bureau,
            user=user,
            person=PersonData(name=name, id_number=who),
            number=number,
            received_on=day,
            channel="visit",
            category="claim",
            subject_area=area,
            responsible_unit=unit,
            **fields,
        )


def entries(case):
    return AuditEntry.objects.filter(content_type__model="petitioncase", object_id=case.pk)


def figure(bureau, key, year=2024):
    return compute.compute(bureau.pk, registry.Period.year(year), keys=[key])[key]


@pytest.fixture
def first(bureau, alice, unit):
    return register(
        bureau,
        alice,
        number="温信2024-0012",
        day=D(2024, 3, 1),
        unit=unit,
        closed_on=D(2024, 4, 1),
        outcome="support",
    )


def test_a_repeat_petitioner_is_detected_on_entry_and_counted(bureau, alice, unit, first):
    assert first.is_initial is True
    assert first.resolved_first_time is True  # closed, no review, nothing later yet
    assert figure(bureau, "one_time_resolution_rate").display == "100%"

    second = register(bureau, alice, number="温信2024-0100", day=D(2024, 9, 1), unit=unit)

    assert second.is_initial is False
    assert second.petitioner_id == first.petitioner_id  # the same person, found by ID number
    first.refresh_from_db()
    assert first.resolved_first_time is False  # a repeat petition: not resolved at once
    rate = figure(bureau, "repeat_petition_rate")
    assert (rate.numerator, rate.denominator, rate.display) == (1, 2, "50%")
    assert figure(bureau, "one_time_resolution_rate").display == "0%"
    assert figure(bureau, "initial_one_time_resolution_rate").display == "0%"
    logged = entries(first).get(action="update")
    assert logged.changes == {"resolved_first_time": ["是", "否"]}
    assert "温信2024-0100" in logged.detail


def test_outside_the_window_or_on_another_matter_it_is_initial(bureau, alice, unit, first):
    other_unit = Unit.objects.get(bureau=bureau, name="太行街道")
    later = register(bureau, alice, number="A-1", day=D(2025, 3, 2), unit=unit)  # 366 days on
    other_area = register(bureau, alice, number="A-2", day=D(2024, 5, 1), unit=unit, area="劳动社保")
    other_place = register(bureau, alice, number="A-3", day=D(2024, 5, 2), unit=other_unit)
    someone_else = register(bureau, alice, number="A-4", day=D(2024, 5, 3), unit=unit, who=LI, name="李四")
    assert [c.is_initial for c in (later, other_area, other_place, someone_else)] == [True, True, True, True]
    first.refresh_from_db()
    assert first.resolved_first_time is True


def test_the_bureau_sets_the_window(bureau, alice, unit, first):
    bureau.repeat_window_days = 30
    bureau.save()
    assert register(bureau, alice, number="B-1", day=D(2024, 4, 15), unit=unit).is_initial is True
    bureau.repeat_window_days = 365
    bureau.save()
    assert register(bureau, alice, number="B-2", day=D(2024, 4, 16), unit=unit).is_initial is False


def test_a_review_means_not_resolved_first_time(bureau, alice, unit, first):
    first.review, first.review_requested_on = "review", D(2024, 4, 10)  # a stage action's fields
    with acting_for(bureau):
        changes = repeats.apply(first, user=alice)
    assert changes == {"resolved_first_time": ["是", "否"]}
    assert entries(first).filter(detail="系统认定").count() == 1


# ---------------------------------------------------------------- overrides in the workbench


def change_data(case, unit, **overrides):
    data = form_data(
        unit,
        number=case.number,
        received_on=str(case.received_on),
        petitioner_name=case.petitioner_name,
        petitioner_id_number=case.petitioner_id_number,
        subject_area=case.subject_area,
        routing="",
        routed_on="",
        unit_accepted_on="",
    )
    data["petitioner"] = str(case.petitioner_id)
    if not case.is_initial:
        data.pop("is_initial")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_override_needs_a_reason_and_is_logged_and_shown_in_the_drill_down(
    client, bureau, alice, henry, unit, first
):
    second = register(bureau, alice, number="温信2024-0100", day=D(2024, 9, 1), unit=unit)
    url = reverse("admin:cases_petitioncase_change", args=[second.pk])
    client.force_login(alice)

    refused = client.post(url, change_data(second, unit, is_initial="on"))
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors["initial_override_reason"]
    assert "重复信访：与 温信2024-0012 同一事项；改定“初次信访”请填写理由。" in errors
    second.refresh_from_db()
    assert second.is_initial is False

    reason = "前案已另行答复，本次为新的诉求"
    saved = client.post(url, change_data(second, unit, is_initial="on", initial_override_reason=reason))
    assert saved.status_code == 302
    second.refresh_from_db()
    assert (second.is_initial, second.initial_override_reason) == (True, reason)
    entry = entries(second).filter(action="update").latest("id")
    assert entry.changes["is_initial"] == ["否", "是"]
    assert entry.changes["initial_override_reason"] == ["", reason]
    assert figure(bureau, "repeat_petition_rate").display == "0%"

    # Saving again keeps the override: the rule does not undo it.
    client.post(url, change_data(second, unit, is_initial="on", initial_override_reason=reason))
    second.refresh_from_db()
    assert second.is_initial is True

    indicator = registry.get("initial_one_time_resolution_rate")
    listing = drilldown.listing(
        indicator,
        bureau_id=bureau.pk,
        period=registry.Period.year(2024),
        part="denominator",
        unit_id=None,
        page=None,
        user=henry,
    )
    assert [str(c.label) for c in listing.columns][-1] == "人工改定及理由"
    notes = {row.cells[0]: row.cells[-1] for row in listing.rows}
    assert notes == {"温信2024-0012": "—"}  # the second is open: not in the closed denominator
    repeat = registry.get("repeat_petition_rate")
    listing = drilldown.listing(
        repeat,
        bureau_id=bureau.pk,
        period=registry.Period.year(2024),
        part="denominator",
        unit_id=None,
        page=None,
        user=henry,
    )
    notes = {row.cells[0]: row.cells[-1] for row in listing.rows}
    assert notes["温信2024-0100"] == f"改定为初次信访：{reason}"


def test_an_untouched_flag_on_a_new_case_in_the_workbench_is_derived(client, bureau, alice, unit, first):
    client.force_login(alice)
    data = form_data(
        unit,
        number="W-9",
        received_on="2024-06-01",
        petitioner_name="张桂兰",
        petitioner_id_number=ZHANG,
        subject_area="城乡建设",
        routing="",
        routed_on="",
        unit_accepted_on="",
    )
    response = client.post(reverse("admin:cases_petitioncase_add"), data)
    assert response.status_code == 302
    case = PetitionCase.objects.get(number="W-9")
    assert (case.is_initial, case.flags_derived) == (False, True)
    first.refresh_from_db()
    assert first.resolved_first_time is False


def test_an_imported_case_keeps_its_recorded_flags_when_edited(client, bureau, alice, unit):
    old = PetitionCase.objects.create(
        bureau=bureau,
        number="OLD-1",
        received_on=D(2024, 2, 1),
        channel="visit",
        petitioner_name="张桂兰",
        petitioner_id_number=ZHANG,
        category="claim",
        subject_area="城乡建设",
        responsible_unit=unit,
        is_initial=False,  # recorded so in the old ledger, with no earlier case here
    )
    client.force_login(alice)
    data = change_data(old, unit, summary="补充说明")
    data.pop("petitioner")
    assert client.post(reverse("admin:cases_petitioncase_change", args=[old.pk]), data).status_code == 302
    old.refresh_from_db()
    assert (old.is_initial, old.flags_derived, old.summary) == (False, False, "补充说明")


def test_group_head_count_is_checked_against_the_listed_persons(bureau, alice, unit):
    with pytest.raises(ValidationError) as refused, acting_for(bureau):
        case_register(
            bureau=bureau,
            user=alice,
            person=PersonData(name="张三"),
            others=[PersonData(name="李四"), PersonData(name="王五")],
            number="G-1",
            received_on=D(2024, 3, 1),
            channel="visit",
            category="claim",
            head_count=1,
        )
    assert refused.value.message_dict["head_count"] == ["列出了3名信访人，人数却为1：人数不能少于列出的人数。"]
    assert PetitionCase.objects.count() == 0
    # The case's own names are checked wherever it is saved (the workbench, the import).
    case = PetitionCase(
        bureau=bureau,
        number="G-2",
        received_on=D(2024, 3, 1),
        channel="visit",
        category="claim",
        petitioner_name="张三、李四、王五",
        head_count=1,
    )
    with pytest.raises(ValidationError) as refused:
        case.full_clean()
    assert "人数不能少于列出的人数" in refused.value.message_dict["head_count"][0]


def test_a_group_visit_lists_its_representatives(bureau, alice, unit):
    with acting_for(bureau):
        case = case_register(
            bureau=bureau,
            user=alice,
            person=PersonData(name="张三", id_number=ZHANG),
            others=[PersonData(name="李四", representative=True), PersonData(name="王五", representative=True)],
            number="G-3",
            received_on=D(2024, 3, 1),
            channel="visit",
            category="claim",
            head_count=30,
        )
    assert case.petitioner_name == "张三、李四、王五"
    assert case.is_collective
    assert [(p.petitioner.name, p.representative) for p in case.persons.order_by("id")] == [
        ("张三", False),
        ("李四", True),
        ("王五", True),
    ]
    created = entries(case).get(action="create")
    assert created.changes["信访事项人员·新增"] == ["", "张三；李四；王五；"]


def test_a_unit_closing_a_derived_case_makes_it_resolved_first_time(bureau, alice, unit):
    from cases import workflow

    case = register(
        bureau, alice, number="U-1", day=D(2024, 3, 1), unit=unit, routing="assign", routed_on=D(2024, 3, 2)
    )
    case.unit_accepted_on, case.unit_replied_on = D(2024, 3, 3), D(2024, 3, 20)
    case.save()
    with acting_for(bureau):
        closed = workflow.unit_close(case, user=alice, outcome="support", today=D(2024, 3, 25))
    closed.refresh_from_db()
    assert (closed.closed_on, closed.resolved_first_time) == (D(2024, 3, 25), True)
    # The rule's change is in the closing's own entry of the activity log.
    close = entries(closed).get(action=AuditEntry.Action.CASE_CLOSE)
    assert close.changes["resolved_first_time"] == ["否", "是"]


def test_the_rule_reads_the_persons_cases_in_one_query(bureau, alice, unit, first, django_assert_num_queries):
    second = register(bureau, alice, number="Q-1", day=D(2024, 9, 1), unit=unit)
    second = PetitionCase.objects.select_related("bureau").get(pk=second.pk)
    with django_assert_num_queries(1):
        derived = repeats.derive(second)
    assert (derived.is_initial, derived.earlier.number) == (False, "温信2024-0012")


def test_the_bureaus_stages_derive_the_flags_and_a_later_repeat_undoes_one_time(bureau, alice, unit):
    """Closing on the case page makes a derived case 一次性化解 in the closing's own log entry; the
    same person on the same matter a month later makes the first one not 一次性化解 after all."""
    from cases import stages

    case = register(bureau, alice, number="S-1", day=D(2024, 3, 1), unit=unit)
    with acting_for(bureau):
        stages.accept(case, user=alice, on=D(2024, 3, 2))
        closed = stages.close(case, user=alice, on=D(2024, 3, 20), outcome="support")
    closed.refresh_from_db()
    assert (closed.is_initial, closed.resolved_first_time) == (True, True)
    assert entries(closed).get(action=AuditEntry.Action.CASE_CLOSE).changes["resolved_first_time"] == ["否", "是"]

    again = register(bureau, alice, number="S-2", day=D(2024, 4, 20), unit=unit)
    closed.refresh_from_db()
    assert again.is_initial is False
    assert closed.resolved_first_time is False
    assert figure(bureau, "one_time_resolution_rate").numerator == 0
