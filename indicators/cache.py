"""Cached figures and pages, invalidated per bureau and year by changes to the records.

Every cached entry says what it is computed from, and its key carries the current *version* of
each of those dependencies (numbers kept in the cache itself). A change to the records bumps the
versions it touches, so the next request for an entry that depends on them misses and
recomputes, while every other entry stays cached:

- ``years``: a bureau's records of those years. A dashboard of 2026 shows 2025 as last year, so it
  depends on both; saving a 2026 case of bureau A leaves A's 2025 entries and every entry of
  bureau B cached.
- ``every_year``: a bureau's records of any year: the years with records, and the overdue and
  due-soon lists, which read every open case whatever its year (and the day: their names carry
  it, as before).
- ``rollup_years``: the records of a bureau *and every bureau below it* in those years (a city's
  roll-up): a change in a county bumps that year for the county and every bureau above it
  (`cases.tree.above`).

`invalidate(bureau, years)` is the one way in: with the years unknown it drops everything of the
bureau (and its share of the roll-ups above), with no bureau everything (a holiday changes every
bureau's deadlines; a change to the tree of bureaus, every roll-up). Unsure means broader, never
narrower.

Model signals tell which bureau and years a save or delete touches: the record's `bureau_id` (or
its parent's, for the persons of an order case or an accountability action) and the calendar year
of its ledger's date (`YearQuerySet.year_field`) — both the year it had when it was loaded
(kept by post_init, no query) and the one it is saved with, so a date moved from 2025 to 2026
drops both years' entries. Records without such a date (volunteers, roadmap postings, units)
count over ranges of years: they drop all of their bureau's entries.

`QuerySet.update()`, `bulk_create()`, `bulk_update()` and raw SQL send no model signals: code that
writes records that way (importers, generated data, a restore) sends
`cases.signals.records_changed(bureau=…, years=…)` afterwards; nothing below indicators/ imports
this module.

The cache must be shared by all processes serving the site (database, file or Redis cache):
with a per-process memory cache a bump in one worker is not seen by the others.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete, pre_save

from cases import tree
from cases.models import Bureau
from cases.models.base import YearQuerySet
from cases.signals import records_changed

from . import store
from .models import BureauFigures
from .tasks import recount_after_commit

VERSION_KEY = "indicators:data-version"  # the global version
# Logs about the records, not records: a dry-run import, an audit entry or an import's remembered
# value mapping changes no figure.
NOT_RECORDS = {"importlog", "auditentry", "importbackup", "importvaluemapping", "importedrows", "job"}
# Rows that belong to a bureau through a parent record: their bureau and year are the parent's.
PARENTS = {
    "cases.orderperson": "case",
    "cases.accountableperson": "action",
    "cases.accountabilityaction_cases": "accountabilityaction",
}
# Changes to these concern every bureau: the holidays (every deadline), the tree of bureaus.
EVERYONE = {"cases.holiday", "cases.bureau"}
# A safety net only: correctness comes from the versions, not from expiry.
TIMEOUT = 60 * 60
# Where post_init keeps the year a record had when it was loaded.
LOADED_YEAR = "_indicators_loaded_year"

T = TypeVar("T")


def _fresh() -> int:
    # Start from the clock, not from 1: should a version key alone be evicted, entries made under
    # an earlier count must not become valid again.
    return time.time_ns()


def _versions(keys: list[str]) -> dict[str, int]:
    """The current value of each version key (one round trip when all are there)."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _fresh(), timeout=None)
            found[key] = cache.get(key)
    return found


def _incr(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, _fresh(), timeout=None)


def version() -> int:
    """The global version: bumped by changes that concern every bureau, and by a migration."""
    return _versions([VERSION_KEY])[VERSION_KEY]


def year_key(bureau_id: int, year: int) -> str:
    return f"indicators:v:{bureau_id}:{year}"


def unknown_years_key(bureau_id: int) -> str:
    return f"indicators:v:{bureau_id}:unknown"


def every_year_key(bureau_id: int) -> str:
    return f"indicators:v:{bureau_id}:any"


def rollup_year_key(bureau_id: int, year: int) -> str:
    return f"indicators:r:{bureau_id}:{year}"


def rollup_unknown_key(bureau_id: int) -> str:
    return f"indicators:r:{bureau_id}:unknown"


def bump() -> None:
    """Mark every cached and stored figure of every bureau out of date (after writes without
    signals, and after a migration, which may change what an indicator counts)."""
    BureauFigures.objects.with_scopes_disabled().outdate(None)
    _incr(VERSION_KEY)


def bump_after_migrate(**kwargs) -> None:
    # Without a cache table (a database built without migrations) nothing is cached to drop.
    with contextlib.suppress(DatabaseError):
        bump()


def bureau_tree() -> tree.Tree:
    """Every bureau's id and the id of the one above it (cached under the global version, which
    a change to any bureau bumps)."""
    return get_or_build("bureau-tree", Bureau.objects.parent_map)


def invalidate(bureau_id: int | None, years: Iterable[int] | None = None, *, stored: bool = True) -> None:
    """Records of `bureau_id` in `years` changed: drop every entry computed from them. With
    bureau_id None, every entry; with years None, every entry of the bureau and the roll-ups of
    the bureaus above it. `stored=False` leaves the stored bureau-years to the caller (a write
    that kept them current by its share, indicators.store)."""
    if bureau_id is None:
        bump()
        return
    if stored:
        # The stored bureau-years (indicators.store): in the writer's own transaction.
        BureauFigures.objects.with_scopes_disabled().outdate(bureau_id, years)
    above = tree.above(bureau_tree(), bureau_id)
    keys = [every_year_key(bureau_id)]
    if years is None:
        keys += [unknown_years_key(bureau_id), *(rollup_unknown_key(pk) for pk in above)]
    else:
        years = sorted(set(years))
        keys += [year_key(bureau_id, y) for y in years]
        keys += [rollup_year_key(pk, y) for pk in above for y in years]
    for key in keys:
        _incr(key)


def get_or_build(
    name: str,
    build: Callable[[], T],
    *,
    bureau_id: int | None = None,
    years: Iterable[int] = (),
    every_year: bool = False,
    rollup_years: Iterable[int] = (),
) -> T:
    """The cached value of `name`, built and stored if missing or out of date.

    `bureau_id` with `years`, `every_year` and `rollup_years` says what the value is computed
    from (see the module's docstring); with no bureau it is out of date only when everything is.
    """
    keys = [VERSION_KEY]
    if bureau_id is not None:
        if every_year:
            keys.append(every_year_key(bureau_id))
        years = list(years)
        if years:
            keys += [unknown_years_key(bureau_id), *(year_key(bureau_id, y) for y in years)]
        rollup_years = list(rollup_years)
        if rollup_years:
            keys += [rollup_unknown_key(bureau_id), *(rollup_year_key(bureau_id, y) for y in rollup_years)]
    current = _versions(keys)
    key = f"indicators:{name}:" + ".".join(str(current[k]) for k in keys)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


# What a change touches ------------------------------------------------------------------------


@functools.cache
def _year_field(model) -> str | None:
    queryset_class = getattr(model._default_manager, "_queryset_class", None)
    if queryset_class and issubclass(queryset_class, YearQuerySet):
        return queryset_class.year_field
    return None


def touched(instance) -> tuple[int | None, set[int] | None]:
    """(bureau id, years) of the figures a saved or deleted row may change: (None, None) for
    every bureau, (id, None) for every year of one."""
    label = instance._meta.label_lower
    if label in EVERYONE:
        return None, None
    record = instance
    if label in PARENTS:
        try:
            record = getattr(instance, PARENTS[label])
        except ObjectDoesNotExist:  # the parent is gone already: no telling which bureau
            return None, None
    bureau_id = getattr(record, "bureau_id", None)
    if bureau_id is None:
        return None, None
    field = _year_field(type(record))
    year = _year_of(getattr(record, field, None)) if field else None
    if year is None:
        return bureau_id, None
    years = {year}
    loaded = getattr(record, LOADED_YEAR, None)
    if loaded is not None:
        years.add(loaded)
    return bureau_id, years


def _year_of(value) -> int | None:
    """The year of a date, or of a date given as text ("2024-03-01": the ORM saves it as it is
    and leaves the text on the instance); None when there is none to tell."""
    if isinstance(value, datetime.date):
        return value.year
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return datetime.date.fromisoformat(value[:10]).year
    return None


def _remember_year(sender, instance, **kwargs) -> None:
    """The year a record had when it was loaded (only if its date was loaded: no query)."""
    field = _year_field(sender)
    year = _year_of(instance.__dict__.get(field)) if field else None
    if year is not None:
        instance.__dict__[LOADED_YEAR] = year


def _changed(bureau_id: int | None, years: set[int] | None, *, stored: bool = True) -> None:
    invalidate(bureau_id, years, stored=stored)
    if transaction.get_connection().in_atomic_block:
        # A request running while this transaction is open may cache pages without the change;
        # invalidating them again on commit throws those away. (Outside a transaction the change
        # is committed already.) The stored years need no second pass: a reader stores what it
        # counted only if the version it read is still there (indicators.store).
        transaction.on_commit(lambda: invalidate(bureau_id, years, stored=False), robust=True)


def _records_changed(sender, bureau=None, years=None, **kwargs) -> None:
    """`cases.signals.records_changed`, sent by the bulk writers: their years are outdated now and
    counted again by the worker once the write commits (indicators.tasks)."""
    bureau_id = getattr(bureau, "pk", bureau)
    _changed(bureau_id, None if years is None else set(years))
    recount_after_commit(bureau_id)


def _saved_or_deleted(sender, instance, raw=False, **kwargs) -> None:
    # A fixture (loaddata: raw saves) is the installation's, not a bureau's year: drop everything,
    # at the cost of one increment a row rather than the bureau's and its ancestors' years.
    if raw:
        _changed(None, None)
    elif store.SHARE_BEFORE in instance.__dict__:
        store.after_write(instance, deleted="created" not in kwargs)
        _changed(*touched(instance), stored=False)
    else:
        _changed(*touched(instance))
    _remember_year(sender, instance)  # saved again later, it moves from the year it has now


def _before_write(sender, instance, raw=False, **kwargs) -> None:
    """A petition case (screening, outreach event) about to be saved or deleted in a transaction:
    its share of the stored figures, to keep them current afterwards (indicators.store)."""
    if not raw and store.keeps_current(instance):
        store.before_write(instance)


def _m2m_changed(sender, instance, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        _changed(*touched(instance))


def connect() -> None:
    """Watch every model of the `cases` app, including the hidden many-to-many tables, and the
    bulk writers' `records_changed`."""
    records_changed.connect(_records_changed, dispatch_uid="indicators.cache:records_changed")
    for model in apps.get_app_config("cases").get_models(include_auto_created=True):
        if model._meta.model_name in NOT_RECORDS:
            continue
        uid = f"indicators.cache:{model._meta.label}"
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=uid)
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=uid)
        if model._meta.label_lower in store.DELTA_SOURCES:
            pre_save.connect(_before_write, sender=model, dispatch_uid=uid)
            pre_delete.connect(_before_write, sender=model, dispatch_uid=uid)
        if _year_field(model):
            post_init.connect(_remember_year, sender=model, dispatch_uid=uid)
        if model._meta.auto_created:
            m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid=uid)
