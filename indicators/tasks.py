"""Background work of the figures (the worker of cases.jobs, django-tasks).

A bulk write — an import, an import taken back, a restore — outdates the stored years it
touched (indicators.cache), and the next dashboard would count them again inside the head's
request: seconds at a million cases. Instead, once the write is committed, the worker counts them
again (`recount`), so that the dashboard finds them current. A reader that comes first counts
them itself as before; whichever stores first wins, and neither keeps a figure that raced a write
(indicators.store's conditional UPDATE).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django_tasks import task

from cases.scoping import within

from . import store
from .models import BureauFigures
from .registry import Period

log = logging.getLogger(__name__)


@task()
def recount(bureau_id: int) -> int:
    """Count again each stored year of the bureau that a write outdated: in total, and per unit
    and per month where the dashboard had stored those. Returns how many years were counted."""
    rows = list(
        BureauFigures.objects.with_scopes_disabled()
        .filter(bureau_id=bureau_id)
        .exclude(computed_version=F("version"))
        .values_list("year", "by_unit")
    )
    with within([bureau_id]):
        for year, by_unit in rows:
            period = Period.year(year)
            if by_unit is not None:
                store.bureau_year(bureau_id, period)
            else:
                store.figures_by_bureau([bureau_id], period)
    return len(rows)


def recount_after_commit(bureau_id: int | None) -> None:
    """Hand `recount` of the bureau (None: of every bureau that has stored years) to the worker
    once the writer's transaction commits. A queue that cannot be reached costs the dashboard a
    count, never the write: it is logged, not raised."""

    def enqueue() -> None:
        ids = (
            [bureau_id]
            if bureau_id is not None
            else list(BureauFigures.objects.with_scopes_disabled().values_list("bureau_id", flat=True).distinct())
        )
        for pk in ids:
            try:
                recount.enqueue(pk)
            except Exception:  # the write stands; the next reader counts instead
                log.exception("could not queue the recount of bureau %s", pk)

    transaction.on_commit(enqueue, robust=True)
