"""The other ledgers' lists: year and month filters instead of the date hierarchy (which read
every row to list the dates that occur), and per-row counts worked out for the page's rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import AccountabilityAction, AccountablePerson, DisputeScreening, OrderCase, OrderPerson

D = datetime.date


@pytest.fixture
def clerk_client(client, alice, bureau):
    client.force_login(alice)
    return client


def listing(client, model, **params):
    url = reverse(f"admin:cases_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_screenings_filter_by_year_and_month_without_reading_every_date(clerk_client, bureau, unit):
    for found in (D(2024, 6, 3), D(2024, 6, 30), D(2024, 7, 1), D(2023, 6, 15)):
        DisputeScreening.objects.create(bureau=bureau, unit=unit, found_on=found, kind="土地纠纷")
    response, sql = listing(clerk_client, DisputeScreening, year="2024", month="6")
    assert sorted(s.found_on for s in response.context["cl"].result_list) == [D(2024, 6, 3), D(2024, 6, 30)]
    assert not any("date_trunc" in q or ("DISTINCT" in q and "found_on" in q) for q in sql), sql
    assert "2024年" in response.content.decode() and "6月" in response.content.decode()


@pytest.mark.parametrize(
    ("model", "person_model", "make"),
    [
        (
            AccountabilityAction,
            AccountablePerson,
            lambda bureau, unit, day: AccountabilityAction.objects.create(bureau=bureau, unit=unit, decided_on=day),
        ),
        (
            OrderCase,
            OrderPerson,
            lambda bureau, unit, day: OrderCase.objects.create(
                bureau=bureau, occurred_on=day, place="县政府", conduct="滞留"
            ),
        ),
    ],
)
def test_person_counts_per_row_without_grouping_the_ledger(clerk_client, bureau, unit, model, person_model, make):
    fk = "action" if person_model is AccountablePerson else "case"
    extra = {} if person_model is AccountablePerson else {"measure": OrderPerson.Measure.WARNING}
    rows = [make(bureau, unit, D(2024, 5, d)) for d in (1, 2, 3)]
    for row, n in zip(rows, (2, 0, 3), strict=True):
        for i in range(n):
            person_model.objects.create(**{fk: row}, name=f"人{i}", **extra)
    response, sql = listing(clerk_client, model)
    counts = {r.pk: r._persons for r in response.context["cl"].result_list}
    assert counts == {rows[0].pk: 2, rows[1].pk: 0, rows[2].pk: 3}
    page_query = next(q for q in sql if '"_persons"' in q)
    assert "GROUP BY" not in page_query.split("(SELECT")[0]  # only inside the per-row subquery

    cl = response.context["cl"]
    column = cl.list_display.index("person_count")
    by_count = listing(clerk_client, model, o=f"-{column}")[0].context["cl"].result_list
    assert [r._persons for r in by_count] == [3, 2, 0]  # the column still sorts
