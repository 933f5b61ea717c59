"""The person look-up of registration (cases.people.lookup) at scale.

`link_persons()` gives `count` of a bureau's generated cases a person record (Petitioner) each,
as registration would have made them, and links every case of the same ID number to it: set-based
(one INSERT of the persons, one UPDATE of the cases), so it costs little at a million cases.
`measure()` then times the look-up as the registration page calls it — by a linked person's ID
number, phone and name prefix, by an ID number of a case without a person (history), and by a
term that finds nothing — through the service (median of `runs`, with its query count) and
through HTTP as a clerk (the fragment and the JSON), and `section()` writes the Markdown table.
"""

from __future__ import annotations

import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accounts import roles
from cases.models import Bureau, Membership, PetitionCase, Petitioner
from cases.people import lookup
from cases.scoping import acting_for

TARGET_MS = 50


def link_persons(bureau: Bureau, count: int) -> list[Petitioner]:
    """Persons for the first `count` distinct ID numbers of the bureau's cases (newest first),
    each linked to every case of its ID number."""
    seen: dict[str, PetitionCase] = {}
    rows = (
        PetitionCase.objects.filter(bureau=bureau, petitioner__isnull=True)
        .exclude(petitioner_id_number="")
        .order_by("-received_on", "-id")
        .values_list("petitioner_id_number", "petitioner_name", "petitioner_phone")
    )
    for id_number, name, phone in rows.iterator(chunk_size=2000):
        if id_number not in seen:
            seen[id_number] = Petitioner(
                bureau=bureau, name=name.split("、")[0][:50], id_number=id_number, phone=phone, address=""
            )
            if len(seen) >= count:
                break
    Petitioner.objects.bulk_create(seen.values(), batch_size=1000)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_petitioncase SET petitioner_id = (SELECT p.id FROM cases_petitioner p "
            "WHERE p.bureau_id = cases_petitioncase.bureau_id "
            "AND p.id_number = cases_petitioncase.petitioner_id_number), updated_at = %s "
            "WHERE bureau_id = %s AND petitioner_id IS NULL AND petitioner_id_number IN "
            "(SELECT id_number FROM cases_petitioner WHERE bureau_id = %s AND id_number <> '')",
            [now, bureau.pk, bureau.pk],
        )
    return list(Petitioner.objects.filter(bureau=bureau).order_by("id"))


def terms(bureau: Bureau) -> list[tuple[str, str]]:
    """(label, term) of each look-up timed."""
    person = (
        Petitioner.objects.filter(bureau=bureau).exclude(phone="").order_by("-id").first()
        or Petitioner.objects.filter(bureau=bureau).order_by("-id").first()
    )
    unlinked = (
        PetitionCase.objects.filter(bureau=bureau, petitioner__isnull=True)
        .exclude(petitioner_id_number="")
        .order_by("-received_on", "-id")
        .values_list("petitioner_id_number", flat=True)
        .first()
    )
    found = []
    if person is not None:
        found += [("ID number of a person", person.id_number)]
        if person.phone:
            found += [("phone of a person", person.phone)]
        found += [("2 characters of a name", person.name[:2]), ("a surname", person.name[:1])]
    if unlinked:
        found.append(("ID number of a case without a person", unlinked))
    found.append(("found nowhere", "噪音噪音"))
    return found


def measure(bureau: Bureau, *, runs: int = 5) -> list[dict]:
    """One row per term: persons and cases found, queries, service ms, fragment ms, JSON ms."""
    clerk, _ = get_user_model().objects.get_or_create(username="bench-people-clerk", defaults={"is_staff": True})
    clerk.groups.set([Group.objects.get(name=roles.CLERK)])
    Membership.place(clerk, bureau)
    clerk = get_user_model().objects.get(pk=clerk.pk)  # a fresh permission cache
    clerk.has_perm(roles.PERSONAL_DATA)  # read once, as a request's middleware would
    client = Client(SERVER_NAME="localhost")
    client.force_login(clerk)
    rows = []
    with override_settings(DEBUG=False):
        for label, term in terms(bureau):
            times = []
            connection.queries_log.clear()  # a full log (maxlen) would capture nothing
            with acting_for(bureau):
                with CaptureQueriesContext(connection) as queries:
                    result = lookup.lookup(term, bureau=bureau, user=clerk)
                query_count = len(queries.captured_queries)  # read now: each request empties the log
                for _ in range(runs):
                    started = time.perf_counter()
                    lookup.lookup(term, bureau=bureau, user=clerk)
                    times.append(time.perf_counter() - started)
            http = {}
            for kind, params in (("fragment", {"q": term}), ("json", {"q": term, "format": "json"})):
                client.get("/people/lookup/", params)  # warm-up
                spent = []
                for _ in range(runs):
                    started = time.perf_counter()
                    response = client.get("/people/lookup/", params)
                    spent.append(time.perf_counter() - started)
                    assert response.status_code == 200, (term, response.status_code)
                http[kind] = statistics.median(spent) * 1000
            rows.append(
                {
                    "label": label,
                    "persons": len(result.persons),
                    "cases": sum(len(p.cases) for p in result.persons),
                    "queries": query_count,
                    "service_ms": statistics.median(times) * 1000,
                    "fragment_ms": http["fragment"],
                    "json_ms": http["json"],
                }
            )
    return rows


def section(rows: list[dict], *, cases: int, persons: int, runs: int, machine: dict[str, str]) -> str:
    label = f"people-{connection.vendor}"
    lines = [
        f"<!-- bench:{label} -->",
        f"## Person look-up ({connection.vendor}, {cases} cases, {persons} persons)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"registration's look-up (`/people/lookup/`), median of {runs}; target ≤ {TARGET_MS} ms. "
        + ", ".join(f"{k}: {v}" for k, v in machine.items()),
        "",
        "| look-up | persons | cases | queries | service ms | fragment ms | JSON ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {r['label']} | {r['persons']} | {r['cases']} | {r['queries']} | {r['service_ms']:.1f} | "
            f"{r['fragment_ms']:.1f} | {r['json_ms']:.1f} |"
            for r in rows
        ),
        f"<!-- /bench:{label} -->",
        "",
    ]
    return "\n".join(lines)
