"""The dashboard at a city's scale: the same number of queries, a bounded time."""

import datetime
import random
import re
import time

import pytest
from django.core.cache import cache

from cases.models import DisputeScreening, PetitionCase, Unit

pytestmark = pytest.mark.slow

CASES = 20_000


@pytest.fixture
def city(bureau):
    cache.clear()
    rng = random.Random(2024)
    units = list(Unit.objects.filter(bureau=bureau))
    cases = []
    for i in range(CASES):
        received = datetime.date(2023 + i % 2, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        closed = received + datetime.timedelta(days=rng.randrange(90)) if rng.random() < 0.9 else None
        cases.append(
            PetitionCase(
                bureau=bureau,
                number=f"C{i:06d}",
                received_on=received,
                channel=rng.choice(PetitionCase.Channel.values),
                petitioner_name="某某",
                category=PetitionCase.Category.CLAIM,
                responsible_unit=rng.choice(units),
                routing=PetitionCase.Routing.TRANSFER,
                routed_on=received + datetime.timedelta(days=rng.randrange(20)),
                routing_due_on=received + datetime.timedelta(days=15),
                unit_acceptance_due_on=received + datetime.timedelta(days=30),
                handling_due_on=received + datetime.timedelta(days=75),
                closed_on=closed,
                resolved_first_time=bool(closed) and rng.random() < 0.9,
                is_initial=rng.random() < 0.8,
            )
        )
    PetitionCase.objects.bulk_create(cases, batch_size=2000)
    DisputeScreening.objects.bulk_create(
        (
            DisputeScreening(
                bureau=bureau,
                unit=rng.choice(units),
                found_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(365)),
                kind="土地纠纷",
                status=rng.choice(DisputeScreening.Status.values),
            )
            for _ in range(5_000)
        ),
        batch_size=2000,
    )
    yield
    cache.clear()


def test_the_dashboard_of_a_city(client, henry, city, assert_max_data_queries):
    client.force_login(henry)
    started = time.perf_counter()
    # 48 (tests/indicators/test_dashboard.py), the tree of bureaus (is there a roll-up to link to?)
    # and the session saved (a new login)
    with assert_max_data_queries(50):
        response = client.get("/?year=2024")
    cold = time.perf_counter() - started
    started = time.perf_counter()
    with assert_max_data_queries(8):
        client.get("/?year=2024")
    warm = time.perf_counter() - started
    started = time.perf_counter()
    records = client.get("/indicators/cases_received/?year=2024&page=100")
    drilldown = time.perf_counter() - started
    print(f"\n{CASES} cases: dashboard cold {cold:.3f}s, warm {warm:.3f}s, drill-down page 100 {drilldown:.3f}s")
    assert response.status_code == records.status_code == 200
    html = response.content.decode()
    received = re.search(r'id="card-cases_received".*?<p class="value"><a [^>]*>(\d+)</a>', html, re.S)
    assert int(received.group(1)) == CASES // 2
    assert cold < 10 and warm < 1
