"""Cached dashboard data, invalidated by any change to the records.

Every cached entry's key carries a *data version*, a number kept in the cache itself. Saving or
deleting any row of the `cases` app (or changing a many-to-many link between them) bumps the
version, so the next request misses and recomputes: the bureau head never sees a stale figure,
and nothing has to know which entries a change affects.

`QuerySet.update()`, `bulk_create()`, `bulk_update()` and raw SQL send no model signals: code that
writes records that way (importers, generated data, a restore) sends `cases.signals.records_changed`
afterwards, which bumps the version too; nothing below indicators/ imports this module.

The cache must be shared by all processes serving the site (database, file or Redis cache):
with a per-process memory cache a bump in one worker is not seen by the others.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from cases.signals import records_changed

VERSION_KEY = "indicators:data-version"
# Logs about the records, not records: a dry-run import or an audit entry changes no figure.
NOT_RECORDS = {"importlog", "auditentry", "importbackup"}
# A safety net only: correctness comes from the version, not from expiry.
TIMEOUT = 60 * 60

T = TypeVar("T")


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:
        # Start from the clock, not from 1: should the version key alone be evicted, entries made
        # under an earlier count must not become valid again.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        current = cache.get(VERSION_KEY)
    return current


def bump() -> None:
    """Mark every cached figure out of date. Call after writing records without signals."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def bump_after_migrate(**kwargs) -> None:
    # Without a cache table (a database built without migrations) nothing is cached to drop.
    with contextlib.suppress(DatabaseError):
        bump()


def get_or_build(name: str, build: Callable[[], T]) -> T:
    """The cached value of `name` under the current data version, built and stored if missing."""
    key = f"indicators:{version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def _records_changed(sender, **kwargs) -> None:
    bump()
    # A request running while this transaction is open may cache figures without the change;
    # bumping again on commit throws those away.
    transaction.on_commit(bump, robust=True)


def connect() -> None:
    """Watch every model of the `cases` app, including the hidden many-to-many tables, and the
    bulk writers' `records_changed`."""
    records_changed.connect(_records_changed, dispatch_uid="indicators.cache:records_changed")
    for model in apps.get_app_config("cases").get_models(include_auto_created=True):
        if model._meta.model_name in NOT_RECORDS:
            continue
        uid = f"indicators.cache:{model._meta.label}"
        post_save.connect(_records_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_records_changed, sender=model, dispatch_uid=uid)
        if model._meta.auto_created:
            m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid=uid)


def _m2m_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        _records_changed(sender)
