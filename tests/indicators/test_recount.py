"""After a bulk write the worker counts the outdated years again (indicators.tasks.recount), so
the head's next dashboard reads them instead of counting in the request."""

import datetime

from django.db import transaction

from cases.models import PetitionCase
from cases.signals import records_changed
from indicators import store
from indicators.compute import compute
from indicators.models import BureauFigures
from indicators.registry import Period
from indicators.tasks import recount
from tests.indicators.test_compute import closed_case
from tests.indicators.test_rollup import city  # noqa: F401  (a city and two counties)

D = datetime.date


def _values(figures):
    return {key: (f.numerator, f.denominator) for key, f in figures.items()}


def test_a_bulk_write_is_counted_again_by_the_worker_once_committed(city, django_capture_on_commit_callbacks):  # noqa: F811
    _city, a, b = city
    period = Period.year(2024)
    store.bureau_year(a.pk, period)  # the dashboard's year of 甲县, per unit and month too
    store.bureau_year(b.pk, period)
    before = BureauFigures.objects.get(bureau=a, year=2024)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        PetitionCase.objects.bulk_create([PetitionCase(bureau=a, number="A-BULK", received_on=D(2024, 5, 1))])
        records_changed.send(sender=PetitionCase, bureau=a, years=[2024])
        # Outdated inside the write's transaction; the recount waits for the commit.
        inner = BureauFigures.objects.get(bureau=a, year=2024)
        assert (inner.version, inner.computed_version) == (before.version + 1, before.computed_version)

    assert len(callbacks) >= 1
    row = BureauFigures.objects.get(bureau=a, year=2024)
    assert row.computed_version == row.version == before.version + 1  # counted again, current
    assert row.by_unit is not None and row.by_month is not None
    assert row.counts["cases_received"][0] == before.counts["cases_received"][0] + 1
    assert _values(store._figures(row.counts)) == _values(compute(a.pk, period))
    other = BureauFigures.objects.get(bureau=b, year=2024)
    assert other.version == other.computed_version == 1  # 乙县 untouched


def test_recount_counts_only_the_outdated_years_and_keeps_totals_as_totals(city):  # noqa: F811
    _city, a, _b = city
    store.bureau_year(a.pk, Period.year(2024))
    store.figures_by_bureau([a.pk], Period.year(2023))  # a roll-up's: totals only
    BureauFigures.objects.filter(bureau=a).update(version=5)
    closed_case(a, "A-X")  # a single save outside a transaction: outdates 2024 again

    assert recount.call(a.pk) == 2
    rows = {r.year: r for r in BureauFigures.objects.filter(bureau=a)}
    assert all(r.computed_version == r.version for r in rows.values())
    assert rows[2023].by_unit is None and rows[2024].by_unit is not None
    assert recount.call(a.pk) == 0  # nothing outdated: nothing counted
