import datetime
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import (
    AccountabilityAction,
    AccountablePerson,
    Bureau,
    DisputeScreening,
    Holiday,
    OrderCase,
    OrderPerson,
    OutreachEvent,
    PetitionCase,
    RoadmapPosting,
    Unit,
    Volunteer,
)
from devtools import synthetic

pytestmark = pytest.mark.django_db

CASE_FIELDS = [
    f.attname
    for f in PetitionCase._meta.concrete_fields
    if f.attname not in ("id", "bureau_id", "created_at", "updated_at", "responsible_unit_id")
]
# The fields of the pinned digests below, spelled out so that a new field does not move them.
PINNED_CASE_FIELDS = (
    *("number", "received_on", "channel", "petitioner_name", "petitioner_id_number", "petitioner_phone"),
    *("head_count", "is_initial", "category", "subject_area", "summary", "routing", "routed_on", "objection_on"),
    *("objection_sustained", "accepted_on", "unit_accepted_on", "handling_path", "extension_days"),
    *("extension_approved", "closed_on", "outcome", "resolved_first_time", "review", "review_requested_on"),
    *("review_decided_on", "satisfaction", "routing_due_on", "unit_acceptance_due_on", "handling_due_on"),
    *("review_due_on", "next_due_on"),
)


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_synthetic", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def checksum(bureau: Bureau, case_fields=CASE_FIELDS) -> str:
    """Every generated value of the bureau, with units by kind and order (ids and the county unit's
    name differ between bureaus)."""
    rows = [
        PetitionCase.objects.filter(bureau=bureau)
        .order_by("number")
        .values_list(*case_fields, "responsible_unit__kind", "responsible_unit__sort_order"),
        DisputeScreening.objects.filter(bureau=bureau)
        .order_by("pk")
        .values_list("found_on", "unit__name", "kind", "description", "status", "resolved_on"),
        AccountabilityAction.objects.filter(bureau=bureau)
        .order_by("pk")
        .values_list("decided_on", "kind", "unit__kind", "unit__sort_order", "measure", "adopted"),
        AccountabilityAction.cases.through.objects.filter(accountabilityaction__bureau=bureau)
        .order_by("pk")
        .values_list("accountabilityaction__decided_on", "petitioncase__number"),
        AccountablePerson.objects.filter(action__bureau=bureau)
        .order_by("pk")
        .values_list("name", "position", "measure"),
        OrderCase.objects.filter(bureau=bureau)
        .order_by("pk")
        .values_list("occurred_on", "place", "conduct", "police_reference"),
        OrderPerson.objects.filter(case__bureau=bureau).order_by("pk").values_list("name", "id_number", "measure"),
        OutreachEvent.objects.filter(bureau=bureau)
        .order_by("pk")
        .values_list("held_on", "kind", "title", "place", "participants", "materials"),
        Volunteer.objects.filter(bureau=bureau).order_by("pk").values_list("name", "phone", "joined_on", "left_on"),
        RoadmapPosting.objects.filter(bureau=bureau)
        .order_by("pk")
        .values_list("unit__kind", "unit__sort_order", "roadmap_posted", "guide_posted", "posted_on"),
    ]
    return hashlib.sha256(repr([list(r) for r in rows]).encode()).hexdigest()


@pytest.mark.parametrize(
    ("seed", "cases", "batch_size", "digest"),
    [
        (7, 300, 5000, "b2be394dac8c964041222953314e6ed2cbae17eac9bd816e3c48e48360358cc1"),
        (1, 600, 250, "55b9fc4973ce5b36940926d4a48c59ff963b65c09943669a26162ed61c9f7960"),
    ],
)
def test_a_seed_gives_the_records_it_always_gave(seed, cases, batch_size, digest):
    """Pinned: a change to the generator or its vocabulary that moves a single value shows here."""
    bureau = synthetic.ensure_bureau("甲县信访局")

    synthetic.generate(
        cases=cases, year=2024, seed=seed, bureau=bureau, batch_size=batch_size, today=datetime.date(2025, 12, 31)
    )

    assert checksum(bureau, PINNED_CASE_FIELDS) == digest


def test_it_creates_the_cases_with_due_dates_and_the_other_ledgers():
    out = generate("--cases", "300", "--year", "2024", "--seed", "7")

    bureau = Bureau.objects.get()
    assert "2024-0000001…2024-0000300" in out
    assert PetitionCase.objects.filter(bureau=bureau).count() == 300
    assert Unit.objects.filter(bureau=bureau, kind=Unit.Kind.TOWNSHIP).count() == 11
    assert not PetitionCase.objects.filter(routing_due_on__isnull=True).exists()
    routed = PetitionCase.objects.filter(routing__in=["transfer", "assign"])
    assert routed.exists()
    assert not routed.filter(unit_acceptance_due_on__isnull=True).exists()
    assert (
        not PetitionCase.objects.exclude(routing__in=["transfer", "assign"])
        .filter(unit_acceptance_due_on__isnull=False)
        .exists()
    )
    started = PetitionCase.objects.exclude(unit_accepted_on__isnull=True, accepted_on__isnull=True)
    assert not started.filter(handling_due_on__isnull=True).exists()
    assert DisputeScreening.objects.count() == 100
    assert AccountabilityAction.objects.count() == 12
    assert OrderCase.objects.count() == 5
    assert OrderPerson.objects.count() >= 5
    assert OutreachEvent.objects.count() == 15
    assert Volunteer.objects.count() == 12
    assert RoadmapPosting.objects.count() == Unit.objects.filter(bureau=bureau).count()
    # Variety: every channel, category and outcome of the choices shows up in 300 cases.
    assert set(PetitionCase.objects.values_list("channel", flat=True)) == set(PetitionCase.Channel.values)
    assert set(PetitionCase.objects.values_list("category", flat=True)) == set(PetitionCase.Category.values)
    assert PetitionCase.objects.filter(extension_days__gt=0).exists()
    assert PetitionCase.objects.exclude(review="").exists()
    assert PetitionCase.objects.filter(head_count__gte=PetitionCase.COLLECTIVE_HEAD_COUNT).exists()


def test_the_stored_due_dates_are_those_of_refresh_due_dates():
    generate("--cases", "300", "--year", "2024", "--seed", "7")
    calendar = Holiday.objects.calendar()
    due = ("routing_due_on", "unit_acceptance_due_on", "handling_due_on", "review_due_on")
    for case in PetitionCase.objects.order_by("number")[::7]:
        stored = [getattr(case, name) for name in due]
        case.refresh_due_dates(calendar)
        assert stored == [getattr(case, name) for name in due], case.number


def test_the_same_seed_gives_the_same_records():
    generate("--cases", "300", "--year", "2024", "--seed", "7", "--bureau", "甲县信访局")
    generate("--cases", "300", "--year", "2024", "--seed", "7", "--bureau", "乙县信访局")
    generate("--cases", "300", "--year", "2024", "--seed", "8", "--bureau", "丙县信访局")

    first, second, other = (checksum(Bureau.objects.get(name=n)) for n in ("甲县信访局", "乙县信访局", "丙县信访局"))
    assert first == second
    assert first != other


def test_the_records_pass_full_clean():
    generate("--cases", "300", "--year", "2024", "--seed", "7")
    for model in (
        PetitionCase,
        DisputeScreening,
        AccountabilityAction,
        AccountablePerson,
        OrderCase,
        OrderPerson,
        OutreachEvent,
        Volunteer,
        RoadmapPosting,
    ):
        sample = list(model.objects.order_by("pk")[:40]) + list(model.objects.order_by("-pk")[:10])
        assert sample, model
        for record in sample:
            record.full_clean()


def test_a_second_run_for_the_same_year_refuses_unless_appending():
    generate("--cases", "50", "--year", "2024", "--seed", "7")

    with pytest.raises(CommandError, match="--append"):
        generate("--cases", "50", "--year", "2024", "--seed", "7")
    out = generate("--cases", "50", "--year", "2024", "--seed", "7", "--append")

    assert "2024-0000051…2024-0000100" in out
    assert PetitionCase.objects.count() == 100
    assert PetitionCase.objects.values("number").distinct().count() == 100
    # The starting number is part of the seed: appended cases are new draws, not copies.
    first = PetitionCase.objects.get(number="2024-0000001")
    appended = PetitionCase.objects.get(number="2024-0000051")
    assert (first.received_on, first.petitioner_name) != (appended.received_on, appended.petitioner_name)


def test_another_year_gets_its_own_numbers():
    generate("--cases", "20", "--year", "2023", "--seed", "7")
    generate("--cases", "20", "--year", "2024", "--seed", "7")

    assert PetitionCase.objects.filter(number__startswith="2023-").count() == 20
    assert PetitionCase.objects.filter(number__startswith="2024-").count() == 20
    assert not PetitionCase.objects.filter(received_on__year=2023, number__startswith="2024-").exists()
