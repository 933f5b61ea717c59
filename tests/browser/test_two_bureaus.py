"""Two bureaus side by side in Chromium: their clerks signed in at the same time, each in a
browser context of its own, each seeing and adding only its own bureau's cases."""

import datetime

import pytest

from accounts import roles
from cases.models import Bureau, PetitionCase, Unit
from tests.conftest import _user

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_clerks(bureau):
    other = Bureau.objects.create(name="乙县信访局", county="乙县", short_county="乙县")
    Unit.objects.create(bureau=other, name="乙一镇")
    for n in (1, 2):
        for b, prefix in ((bureau, "甲"), (other, "乙")):
            PetitionCase.objects.create(
                bureau=b,
                number=f"{prefix}2024-{n:04d}",
                received_on=datetime.date(2024, 3, n),
                channel="visit",
                petitioner_name="某某",
                category="claim",
            )
    _user("clerk-a", roles.CLERK, bureau)
    _user("clerk-b", roles.CLERK, other)
    return bureau, other


def case_numbers(page) -> set[str]:
    page.goto("/admin/cases/petitioncase/")
    return set(page.locator("#result_list tbody .field-case_number a").all_inner_texts())


def add_case(page, number: str) -> None:
    page.goto("/admin/cases/petitioncase/add/")
    page.fill("#id_number", number)
    page.fill("#id_received_on", "2024-09-20")
    page.select_option("#id_channel", "visit")
    page.fill("#id_petitioner_name", "刘某某")
    page.select_option("#id_category", "claim")
    page.fill("#id_summary", "反映小区供暖问题")
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    assert f"成功添加了 信访事项“{number}”" in page.locator(".messagelist").inner_text()


def test_two_bureaus_clerks_side_by_side_see_and_add_only_their_own(browser, live_server, two_clerks):
    bureau, other = two_clerks
    pages = {}
    contexts = []
    for name in ("clerk-a", "clerk-b"):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, name, f"pw-{name}")
        pages[name] = page
    a, b = pages["clerk-a"], pages["clerk-b"]
    try:
        # Both are signed in at once: each list is its own bureau's.
        assert case_numbers(a) == {"甲2024-0001", "甲2024-0002"}
        assert case_numbers(b) == {"乙2024-0001", "乙2024-0002"}

        add_case(a, "甲2024-0003")
        add_case(b, "乙2024-0003")

        assert case_numbers(a) == {"甲2024-0001", "甲2024-0002", "甲2024-0003"}
        assert case_numbers(b) == {"乙2024-0001", "乙2024-0002", "乙2024-0003"}
        # The same number in both bureaus is no clash: numbers are unique per bureau.
        add_case(b, "甲2024-0003")
        assert "甲2024-0003" in case_numbers(b)
        assert case_numbers(a) == {"甲2024-0001", "甲2024-0002", "甲2024-0003"}
    finally:
        for context in contexts:
            context.close()

    assert set(PetitionCase.objects.filter(bureau=bureau).values_list("number", flat=True)) == {
        "甲2024-0001",
        "甲2024-0002",
        "甲2024-0003",
    }
    assert set(PetitionCase.objects.filter(bureau=other).values_list("number", flat=True)) == {
        "乙2024-0001",
        "乙2024-0002",
        "乙2024-0003",
        "甲2024-0003",
    }
