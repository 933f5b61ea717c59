"""Petitioners' names, ID numbers and phones only for those with cases.view_personal_data."""

import pytest
from django.urls import reverse

from cases import privacy
from cases.models import PetitionCase
from tests.conftest import day


def test_masks():
    assert privacy.mask_name("张三") == "张*"
    assert privacy.mask_name("欧阳娜娜、李四") == "欧***、李*"
    assert privacy.mask_id_number("410825199003071234") == "410825********1234"
    assert privacy.mask_phone("13812345678") == "138****5678"
    assert privacy.mask_phone("") == ""


@pytest.fixture
def case(bureau, unit):
    return PetitionCase.objects.create(
        bureau=bureau,
        number="P-9",
        received_on=day("2024-03-01"),
        channel="visit",
        petitioner_name="张三丰",
        petitioner_id_number="410825199003071234",
        petitioner_phone="13812345678",
        category="claim",
        responsible_unit=unit,
    )


def test_the_clerk_sees_the_petitioner_in_full(client, alice, case):
    client.force_login(alice)
    listing = client.get(reverse("admin:cases_petitioncase_changelist")).content.decode()
    assert "张三丰" in listing
    form = client.get(reverse("admin:cases_petitioncase_change", args=[case.pk])).content.decode()
    assert "410825199003071234" in form and "13812345678" in form


@pytest.mark.parametrize("who", ["henry", "sarah"])
def test_head_and_staff_see_masks_only(client, request, who, case):
    client.force_login(request.getfixturevalue(who))
    listing = client.get(reverse("admin:cases_petitioncase_changelist")).content.decode()
    assert "张**" in listing and "张三丰" not in listing
    form = client.get(reverse("admin:cases_petitioncase_change", args=[case.pk])).content.decode()
    assert "张三丰" not in form and "410825199003071234" not in form and "13812345678" not in form
    assert "张**" in form


def test_search_by_name_is_only_for_those_who_may_see_names(client, henry, alice, case):
    url = reverse("admin:cases_petitioncase_changelist")
    client.force_login(henry)
    assert len(client.get(url, {"q": "张三丰"}).context["cl"].result_list) == 0
    client.force_login(alice)
    assert len(client.get(url, {"q": "张三丰"}).context["cl"].result_list) == 1
