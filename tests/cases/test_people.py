"""Registration from the person: the look-up (masked as the rest of the product), the
registration page, and the person's ID number checked per GB 11643."""

import datetime

import pytest
from django.urls import reverse

from accounts import roles
from cases.models import AuditEntry, Bureau, PetitionCase, Petitioner, Unit
from cases.models.base import local_today
from cases.people import lookup
from cases.scoping import acting_for
from tests.cases.test_repeats import LI, ZHANG, register
from tests.conftest import _user

D = datetime.date
LOOKUP = reverse("people:lookup")
REGISTER = reverse("people:register")
PHONE = "13812345678"


@pytest.fixture
def history(bureau, alice, unit):
    """张桂兰: two cases, the later one a repeat of the first; 李四: one."""
    first = register(
        bureau,
        alice,
        number="温信2025-0012",
        day=D(2026, 3, 1),
        unit=unit,
        closed_on=D(2026, 4, 1),
        outcome="support",
    )
    Petitioner.objects.filter(pk=first.petitioner_id).update(phone=PHONE, address="温县温泉街道东街8号")
    second = register(bureau, alice, number="温信2025-0100", day=D(2026, 9, 1), unit=unit)
    other = register(bureau, alice, number="温信2025-0101", day=D(2026, 9, 2), who=LI, name="李四", unit=unit)
    return first, second, other


def json_lookup(client, q, **params):
    response = client.get(LOOKUP, {"q": q, "format": "json", **params})
    assert response.status_code == 200
    return response.json()


def test_a_clerk_finds_the_person_and_her_earlier_cases_by_id_number(client, alice, history, unit):
    client.force_login(alice)
    data = json_lookup(client, ZHANG)
    assert data["kind"] == "id_number" and data["masked"] is False
    [person] = data["persons"]
    assert (person["name"], person["id_number"], person["phone"]) == ("张桂兰", ZHANG, PHONE)
    assert [
        (c["number"], c["received_on"], c["subject_area"], c["responsible_unit"], c["state"]) for c in person["cases"]
    ] == [
        ("温信2025-0100", "2026-09-01", "城乡建设", "温泉街道", "在办"),
        ("温信2025-0012", "2026-03-01", "城乡建设", "温泉街道", "已办结"),
    ]


def test_phone_and_name_prefix_find_the_person(client, alice, history):
    client.force_login(alice)
    assert [p["name"] for p in json_lookup(client, PHONE)["persons"]] == ["张桂兰"]
    assert [p["name"] for p in json_lookup(client, "张")["persons"]] == ["张桂兰"]
    assert [p["name"] for p in json_lookup(client, "张桂")["persons"]] == ["张桂兰"]
    assert json_lookup(client, "张贵")["persons"] == []


def test_the_fragment_says_a_new_case_on_the_same_matter_will_be_a_repeat(client, alice, history, unit):
    client.force_login(alice)
    html = client.get(LOOKUP, {"q": ZHANG, "area": "城乡建设", "unit": unit.pk}).content.decode()
    assert "重复信访：与 温信2025-0100 同一事项" in html
    assert "温信2025-0012" in html and "选用此人" in html
    other_area = client.get(LOOKUP, {"q": ZHANG, "area": "劳动社保", "unit": unit.pk}).content.decode()
    assert "重复信访" not in other_area


def test_the_lookup_is_masked_for_the_head(client, henry, history):
    client.force_login(henry)
    data = json_lookup(client, ZHANG)
    assert data["masked"] is True
    [person] = data["persons"]
    assert (person["name"], person["id_number"], person["phone"]) == (
        "张**",
        "410825********" + ZHANG[-4:],
        "138****5678",
    )
    assert person["address"] == "温县温*******"
    assert [c["number"] for c in person["cases"]] == ["温信2025-0100", "温信2025-0012"]
    html = client.get(LOOKUP, {"q": ZHANG}).content.decode()
    assert "张桂兰" not in html and ZHANG not in html and PHONE not in html and "选用此人" not in html
    # A masked name is no key: a name prefix finds nobody for the head.
    assert json_lookup(client, "张")["persons"] == []


def test_another_bureaus_person_is_not_found(client, history):
    other = Bureau.objects.create(name="乙县信访局", county="乙县")
    stranger = _user("b-clerk", roles.CLERK, other)
    client.force_login(stranger)
    for term in (ZHANG, PHONE, "张"):
        assert json_lookup(client, term)["persons"] == [], term


def test_a_case_from_before_persons_were_kept_is_found_by_its_id_number(client, alice, bureau, unit):
    PetitionCase.objects.create(
        bureau=bureau,
        number="OLD-7",
        received_on=D(2023, 5, 1),
        channel="letter",
        petitioner_name="赵六",
        petitioner_id_number=ZHANG,
        category="claim",
        responsible_unit=unit,
    )
    client.force_login(alice)
    [person] = json_lookup(client, ZHANG)["persons"]
    assert (person["id"], person["name"], [c["number"] for c in person["cases"]]) == (None, "赵六", ["OLD-7"])


def test_the_lookup_is_two_queries(alice, bureau, history, django_assert_num_queries):
    alice.has_perm("cases.view_personal_data")  # the permissions, read once per request anyway
    with acting_for(bureau), django_assert_num_queries(2):
        result = lookup.lookup(ZHANG, bureau=bureau, user=alice)
    assert [c.number for c in result.persons[0].cases] == ["温信2025-0100", "温信2025-0012"]
    with acting_for(bureau), django_assert_num_queries(2):
        result = lookup.lookup("张", bureau=bureau, user=alice)
    assert len(result.persons) == 1


def test_the_lookup_is_bounded(alice, bureau, unit):
    with acting_for(bureau):
        for i in range(25):
            Petitioner.objects.create(bureau=bureau, name=f"王{i:02d}")
        person = Petitioner.objects.create(bureau=bureau, name="王大", id_number=LI)
        for i in range(12):
            PetitionCase.objects.create(
                bureau=bureau,
                petitioner=person,
                number=f"W-{i}",
                received_on=D(2024, 1, 1) + datetime.timedelta(days=i),
                channel="visit",
                petitioner_name="王大",
                category="claim",
            )
        assert len(lookup.lookup("王", bureau=bureau, user=alice).persons) == lookup.MAX_PERSONS
        [found] = lookup.lookup(LI, bureau=bureau, user=alice).persons
    assert len(found.cases) == lookup.MAX_CASES and found.more_cases
    assert found.cases[0].number == "W-11"


# ---------------------------------------------------------------- the registration page


def registration(**overrides):
    data = {
        "person-person": "",
        "person-name": "刘翠英",
        "person-id_number": ZHANG,
        "person-phone": PHONE,
        "person-address": "温县赵堡镇",
        "person-others": "",
        "case-number": "温信2026-0186",
        "case-received_on": "2026-11-02",
        "case-channel": "visit",
        "case-head_count": "1",
        "case-category": "claim",
        "case-subject_area": "城乡建设",
        "case-responsible_unit": "",
        "case-summary": "反映危房改造补助未发放",
    }
    data.update(overrides)
    return data


def test_a_clerk_registers_a_case_from_a_new_person(client, alice, bureau, unit):
    client.force_login(alice)
    page = client.get(REGISTER)
    assert page.status_code == 200
    html = page.content.decode()
    assert "people.js" in html and "<script>" not in html

    response = client.post(REGISTER, registration(**{"case-responsible_unit": str(unit.pk)}))

    case = PetitionCase.objects.get(number="温信2026-0186")
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:case", args=[case.pk])  # the case's own page
    person = Petitioner.objects.get(bureau=bureau)
    assert (person.name, person.id_number, person.phone, person.address) == ("刘翠英", ZHANG, PHONE, "温县赵堡镇")
    assert (case.petitioner, case.petitioner_name, case.petitioner_id_number, case.petitioner_phone) == (
        person,
        "刘翠英",
        ZHANG,
        PHONE,
    )
    assert case.is_initial and case.flags_derived
    assert case.routing_due_on is not None  # due dates computed as the workbench does
    created = AuditEntry.objects.get(content_type__model="petitioncase", object_id=case.pk)
    assert created.action == "create" and created.changes["number"] == ["", "温信2026-0186"]
    assert AuditEntry.objects.filter(content_type__model="petitioner", object_id=person.pk, action="create").exists()


def test_a_blank_number_is_the_bureaus_next_of_the_year(client, alice, bureau):
    """Numbering (cases.numbering) from the registration page: the pattern's next number of the
    registration date's year, shown as the field's hint before saving."""
    bureau.case_number_pattern = "测信{year}-{seq:04d}"
    bureau.save()
    client.force_login(alice)
    this_year = local_today().year
    assert f'placeholder="保存时自动编号，如 测信{this_year}-0001"' in client.get(REGISTER).content.decode()

    client.post(REGISTER, registration(**{"case-number": ""}))
    client.post(REGISTER, registration(**{"case-number": "", "person-id_number": "", "person-name": "王五"}))

    numbers = list(PetitionCase.objects.filter(bureau=bureau).order_by("pk").values_list("number", flat=True))
    assert numbers == ["测信2026-0001", "测信2026-0002"]


def test_registering_a_picked_person_again_is_a_repeat(client, alice, bureau, unit, history):
    first, _second, _other = history
    client.force_login(alice)
    response = client.post(
        REGISTER,
        registration(
            **{
                "person-person": str(first.petitioner_id),
                "person-name": "",
                "person-id_number": "",
                "case-responsible_unit": str(unit.pk),
            }
        ),
    )
    assert response.status_code == 302
    case = PetitionCase.objects.get(number="温信2026-0186")
    assert case.petitioner_id == first.petitioner_id and case.petitioner_name == "张桂兰"
    assert case.is_initial is False  # the same matter as 温信2025-0100 within the year
    assert "已登记信访事项 温信2026-0186（重复信访：与 温信2025-0100 同一事项）。" in [
        str(m) for m in response.wsgi_request._messages
    ]


def test_a_wrong_check_digit_is_refused_with_its_message(client, alice):
    client.force_login(alice)
    wrong = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")
    response = client.post(REGISTER, registration(**{"person-id_number": wrong}))
    assert response.status_code == 200
    assert "身份证号校验位不正确，请核对后重新输入。" in response.content.decode()
    assert PetitionCase.objects.count() == 0 and Petitioner.objects.count() == 0


def test_a_group_with_too_small_a_head_count_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(REGISTER, registration(**{"person-others": "李四\n王五"}))
    assert response.status_code == 200
    assert "列出了3名信访人，人数却为1：人数不能少于列出的人数。" in response.content.decode()
    assert PetitionCase.objects.count() == 0 and Petitioner.objects.count() == 0


def test_a_duplicate_number_is_refused_and_nothing_is_written(client, alice, history):
    client.force_login(alice)
    response = client.post(REGISTER, registration(**{"case-number": "温信2025-0012", "person-id_number": ""}))
    assert response.status_code == 200
    assert "该信访件编号已存在。" in response.content.decode()
    assert Petitioner.objects.filter(name="刘翠英").count() == 0


@pytest.mark.parametrize("role", ["head", "staff"])
def test_the_head_and_staff_cannot_register(client, role, role_users):
    client.force_login(role_users[role])
    assert client.get(REGISTER).status_code == 403
    assert client.post(REGISTER, registration()).status_code == 403
    assert PetitionCase.objects.count() == 0


def test_a_unit_officer_has_neither_page(client, bureau, history):
    officer = _user("uma", roles.UNIT, bureau, Unit.objects.get(bureau=bureau, name="温泉街道"))
    client.force_login(officer)
    assert client.get(LOOKUP, {"q": ZHANG}).status_code == 403
    assert client.get(REGISTER).status_code == 403


def test_the_workbench_lists_persons_masked_for_the_head_and_in_full_for_a_clerk(client, alice, henry, history):
    first, _second, _other = history
    url = reverse("admin:cases_petitioner_changelist")
    client.force_login(henry)
    html = client.get(url).content.decode()
    assert "张**" in html and "张桂兰" not in html and ZHANG not in html
    page = client.get(reverse("admin:cases_petitioner_change", args=[first.petitioner_id])).content.decode()
    assert "温信2025-0012" in page and "张桂兰" not in page and PHONE not in page
    client.force_login(alice)
    assert [p.name for p in client.get(url, {"q": "张桂"}).context["cl"].result_list] == ["张桂兰"]
    assert ZHANG in client.get(url).content.decode()


def test_a_forged_person_of_another_bureau_is_refused(client, alice, bureau):
    other = Bureau.objects.create(name="乙县信访局", county="乙县")
    theirs = Petitioner.objects.create(bureau=other, name="乙某", id_number=LI)
    client.force_login(alice)
    response = client.post(REGISTER, registration(**{"person-person": str(theirs.pk), "person-name": ""}))
    assert response.status_code == 200
    assert "所选信访人不存在。" in response.content.decode()
    assert PetitionCase.objects.count() == 0 and "乙某" not in response.content.decode()
