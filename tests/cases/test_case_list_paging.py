"""A large list is counted only up to a cap: the page says so and never offers to act on rows
nobody counted. (The cap is 10,000 in production; these tests lower it to 5.)"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.admin.paging import CappedPaginator
from cases.admin.petitions import PetitionCaseAdmin
from cases.deadlines import HolidayCalendar
from cases.models import PetitionCase

LIST = reverse("admin:cases_petitioncase_changelist")


@pytest.fixture
def eight_cases(bureau):
    calendar = HolidayCalendar()
    for i in range(8):
        case = PetitionCase(
            bureau=bureau,
            number=f"WX-2024-{i:04d}",
            received_on=datetime.date(2024, 3, 1) + datetime.timedelta(days=i),
            channel="visit" if i < 5 else "letter",
            petitioner_name="张三",
            category="claim",
        )
        case.refresh_due_dates(calendar)
        case.save()


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 5)
    monkeypatch.setattr(PetitionCaseAdmin, "list_per_page", 2)


def test_a_list_beyond_the_cap_says_so_and_pages_through_the_newest(client, alice, eight_cases, small_cap):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST)
    cl = page.context["cl"]
    assert (cl.result_count, cl.paginator.capped, cl.paginator.num_pages) == (5, True, 3)
    assert [c.number for c in cl.result_list] == ["WX-2024-0007", "WX-2024-0006"]
    text = page.content.decode()
    assert "5+ 信访事项" in text
    assert "超过5条，只列出按当前排序的前5条" in text
    assert "超过5条结果" in text
    # The list's own count, capped; the heading's overdue and due-soon counts (two ranges of the
    # (bureau, next_due_on) index, templates/admin/change_list.html) aside.
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"].upper() and "petitioncase" in q["sql"] and "next_due_on" not in q["sql"]
    ]
    assert len(counts) == 1 and "LIMIT 6" in counts[0], counts

    last = client.get(LIST, {"p": 3}).context["cl"]
    assert [c.number for c in last.result_list] == ["WX-2024-0003"]  # the 5th newest
    beyond = client.get(LIST, {"p": 4})  # rows 7-8 exist, but past the cap: the last page
    assert beyond.status_code == 200
    assert [c.number for c in beyond.context["cl"].result_list] == ["WX-2024-0003"]
    before = client.get(LIST, {"p": 0})  # and a page before the first is the first
    assert [c.number for c in before.context["cl"].result_list] == ["WX-2024-0007", "WX-2024-0006"]


def test_a_list_within_the_cap_counts_exactly_and_offers_select_all(client, alice, eight_cases, small_cap):
    client.force_login(alice)
    page = client.get(LIST, {"channel__exact": "visit"})
    cl = page.context["cl"]
    assert (cl.result_count, cl.paginator.capped) == (5, False)  # exactly the cap is not beyond it
    page = client.get(LIST, {"channel__exact": "letter"})
    cl = page.context["cl"]
    assert (cl.result_count, cl.paginator.capped) == (3, False)
    text = page.content.decode()
    assert "3 信访事项" in text and "+ 信访事项" not in text and "超过" not in text


def test_select_all_across_pages_is_offered_only_when_the_count_is_exact(client, adam, eight_cases, monkeypatch):
    """The admin, who may delete, gets "select all 8" on an exact count and not on a capped one."""
    monkeypatch.setattr(PetitionCaseAdmin, "list_per_page", 2)
    client.force_login(adam)
    text = client.get(LIST).content.decode()
    assert "选中所有的 8 个 信访事项" in text and "8 信访事项" in text
    monkeypatch.setattr(CappedPaginator, "CAP", 5)
    text = client.get(LIST).content.decode()
    assert 'class="action-counter"' in text  # the selection counter stays
    assert 'class="question' not in text and "选中所有的" not in text


def test_a_searched_list_is_counted_to_the_lower_search_cap(client, alice, eight_cases, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "SEARCH_CAP", 3)
    monkeypatch.setattr(PetitionCaseAdmin, "list_per_page", 2)
    client.force_login(alice)
    searched = client.get(LIST, {"q": "张三"})
    cl = searched.context["cl"]
    assert (cl.result_count, cl.paginator.capped) == (3, True)
    assert "超过3条结果" in searched.content.decode()
    filtered = client.get(LIST, {"channel__exact": "visit"}).context["cl"]  # filters keep the higher cap
    assert (filtered.result_count, filtered.paginator.capped) == (5, False)
