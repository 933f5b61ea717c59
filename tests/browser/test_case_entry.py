"""A clerk registers a petition case in Chromium with the keyboard only and sees its due dates."""

import pytest

from cases.models import PetitionCase

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_into(page, selector: str, text: str) -> None:
    page.focus(selector)
    page.keyboard.type(text)


def choose(page, selector: str, presses: int) -> None:
    """Pick the option `presses` steps below the current one, as a keyboard user does."""
    page.focus(selector)
    for _ in range(presses):
        page.keyboard.press("ArrowDown")


def test_a_clerk_registers_a_case_with_the_keyboard_and_sees_its_due_dates(page, alice, bureau):
    login(page, "alice", "pw-alice")
    page.goto("/admin/cases/petitioncase/add/")
    assert page.locator("h1").inner_text() == "增加信访事项"

    type_into(page, "#id_number", "WX-2024-0777")
    type_into(page, "#id_received_on", "2024-09-20")
    choose(page, "#id_channel", 2)  # 来信 → 来访
    type_into(page, "#id_petitioner_name", "刘某某")
    choose(page, "#id_category", 3)  # 申诉求决类
    type_into(page, "#id_subject_area", "城乡建设")
    type_into(page, "#id_summary", "反映小区供暖问题")
    # The unit field is an autocomplete: open it with the keyboard, type, confirm with Enter.
    page.focus("#id_responsible_unit + .select2 .select2-selection")
    page.keyboard.press("Enter")
    page.wait_for_selector(".select2-container--open .select2-search__field")
    page.keyboard.type("温泉")
    page.wait_for_selector(".select2-results__option--highlighted:has-text('温泉街道')")
    page.keyboard.press("Enter")
    choose(page, "#id_routing", 2)  # 转送
    type_into(page, "#id_routed_on", "2024-09-25")
    page.focus("input[name=_continue]")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    assert "成功添加了 信访事项“WX-2024-0777”" in page.locator(".messagelist").inner_text()
    case = PetitionCase.objects.get(number="WX-2024-0777")
    assert case.responsible_unit.name == "温泉街道"
    table = page.locator("table.deadlines").inner_text()
    # received 09-20: 15 days end on 10-05, inside National Day → first working day 10-08
    assert "2024-10-08" in table
    # routed 09-25: 15 days end on 10-10, a working day
    assert "2024-10-10" in table
    assert "已超期" in table  # the responsible unit never recorded its acceptance
