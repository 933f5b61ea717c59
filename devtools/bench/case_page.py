"""The case page (/cases/<pk>/, cases.casework) at N cases: its server time and its queries.

`bench_case_page()` opens the page as a clerk (登记员) for a few kinds of case — the newest, the
oldest, a closed one with a 复查/复核, one routed to a unit and still open, and one whose activity
log holds `log_entries` entries — each `runs` times after one warm-up, through Django's test client
(the whole request: middleware, scope, template). It returns one row per case: the median time
and the number of queries, which must not grow with the log. `manage.py bench_case_page` prints
them as a Markdown table; the target at 1,000,000 cases is ≤ 100 ms server time.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from accounts import roles
from cases.audit import log_action
from cases.models import AuditEntry, Membership, PetitionCase

TARGET_MS = 100.0


@dataclass
class Row:
    label: str
    case: PetitionCase
    queries: int
    ms: float

    @property
    def within_target(self) -> bool:
        return self.ms <= TARGET_MS


def add_log_entries(case: PetitionCase, wanted: int) -> int:
    """Give `case` at least `wanted` activity-log entries; returns how many it has."""
    have = AuditEntry._base_manager.filter(object_id=case.pk, content_type__model="petitioncase").count()
    for i in range(have, wanted):
        log_action(
            case,
            user=None,
            username="bench",
            action=AuditEntry.Action.UPDATE,
            changes={"summary": [str(i), str(i + 1)]},
            bureau_id=case.bureau_id,
        )
    return max(have, wanted)


def sample_cases() -> list[tuple[str, PetitionCase]]:
    """The cases to open, each found through an index (no scan of a million rows)."""
    cases = PetitionCase._base_manager.select_related("bureau")
    newest = cases.order_by("-received_on", "-id").first()
    if newest is None:
        return []
    found = [("newest", newest), ("oldest", cases.order_by("received_on", "id").first())]
    in_bureau = cases.filter(bureau=newest.bureau)
    reviewed = in_bureau.filter(next_due_on__isnull=False, closed_on__isnull=False).order_by("next_due_on").first()
    if reviewed is not None:
        found.append(("closed, under review", reviewed))
    routed = in_bureau.filter(next_due_on__isnull=False, closed_on__isnull=True).order_by("next_due_on").first()
    if routed is not None:
        found.append(("open, most urgent", routed))
    return found


def bench_case_page(*, runs: int = 5, log_entries: int = 200) -> list[Row]:
    sample = sample_cases()
    if not sample:
        return []
    clerk, _ = User.objects.get_or_create(username="bench-clerk", defaults={"is_staff": True})
    clerk.groups.set([Group.objects.get(name=roles.CLERK)])
    Membership.place(clerk, sample[0][1].bureau)
    client = Client(SERVER_NAME="localhost")
    client.force_login(clerk)
    rows = []

    def measure(label, case):
        if case.bureau_id != clerk_bureau[0]:  # the clerk works in the case's bureau
            Membership.place(clerk, case.bureau)
            clerk_bureau[0] = case.bureau_id
        url = f"/cases/{case.pk}/"
        response = client.get(url)  # warm-up
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        rows.append(Row(label, case, len(queries.captured_queries), statistics.median(times) * 1000))

    clerk_bureau = [sample[0][1].bureau_id]
    with override_settings(DEBUG=False):
        for label, case in sample:
            measure(label, case)
        # The newest case again once its log is long: the same queries, about the same time.
        newest = sample[0][1]
        measure(f"newest, {add_log_entries(newest, log_entries)} log entries", newest)
    return rows


def markdown(rows: list[Row], total: int, runs: int, machine: dict[str, str] | None = None) -> str:
    """The section `case-page-<database>` of docs/benchmarks.md."""
    label = f"case-page-{connection.vendor}"
    run_on = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        f"<!-- bench:{label} -->",
        f"## The case page ({connection.vendor}, {total} cases)",
        "",
        f"Run {run_on}; the case page (`/cases/<pk>/`) as a clerk, median of {runs} requests after one "
        f"warm-up (ms); target ≤ {TARGET_MS:.0f} ms. " + ", ".join(f"{k}: {v}" for k, v in (machine or {}).items()),
        "",
        "| case | number | queries | ms |",
        "|---|---|---:|---:|",
        *(f"| {r.label} | {r.case.number} | {r.queries} | {r.ms:.1f} |" for r in rows),
        f"<!-- /bench:{label} -->",
        "",
    ]
    return "\n".join(lines)
