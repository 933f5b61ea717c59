"""Whose records a query may see: the one place where a bureau's records are kept to that bureau.

Every model that holds a bureau's data (a ledger's rows, their people, the activity log, imports,
reports, units, memberships) has a manager made by `scoped_manager()` (django-scopes). While a
scope is active its queries are filtered to the scope's bureaus, and — for petition cases — to a
responsible unit's own cases; while none is active, a query raises `ScopeError` instead of
returning every bureau's rows. So a view or command that forgets whose records it reads fails
loudly, in the tests, rather than showing one bureau another's cases.

Scopes are entered in three places only:
- `cases.middleware.ScopeMiddleware`: each request acts for the signed-in user's organization (`Membership`);
  anonymous visitors and users without one see no records.
- `acting_for()` in management commands (after `--bureau`, see `cases.management.bureau`).
- `within()` for figures over several bureaus (a city's roll-up), which show numbers only.

Dimensions:
- ``bureau``: the bureaus whose records are visible (a list of ids).
- ``unit``: for a responsible unit's user, their unit's id; else None (no filter).
- ``org``: the bureaus whose organization data (units, memberships) is visible; the site
  administrator's is None (every bureau's), while their ``bureau`` is [] (no records at all).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import models
from django_scopes import ScopedManager, get_scope, scope, scopes_disabled

__all__ = ["acting_for", "as_site_admin", "current_scope", "scoped_manager", "scopes_disabled", "within"]


def scoped_manager(queryset_class=models.QuerySet, *, bureau: str = "bureau", unit: str | None = None, org=False):
    """The manager of a model holding a bureau's data; `bureau` is the path to its bureau.
    `org=True` for organization data (units, memberships): the site administrator sees it all."""
    dimensions = {"org": bureau} if org else {"bureau": bureau}
    if unit:
        dimensions["unit"] = unit
    return ScopedManager(_manager_class=models.Manager.from_queryset(queryset_class), **dimensions)


@contextmanager
def acting_for(bureau, unit=None):
    """Act as a user of `bureau` (a Bureau, or None for no bureau's records), or of one of its
    units: every scoped query sees that bureau's rows only, and a unit's only its own cases."""
    ids = [bureau.pk] if bureau is not None else []
    with scope(bureau=ids, unit=unit.pk if unit is not None else None, org=ids, _bureau=bureau, _unit=unit):
        yield


@contextmanager
def within(bureau_ids):
    """Figures over several bureaus (a roll-up): their records are visible to the queries inside,
    which must show numbers only, never a record."""
    ids = list(bureau_ids)
    with scope(bureau=ids, unit=None, org=ids, _bureau=None, _unit=None):
        yield


@contextmanager
def as_site_admin():
    """The site administrator: every bureau's organization data, no bureau's records."""
    with scope(bureau=[], unit=None, org=None, _bureau=None, _unit=None):
        yield


def current_scope() -> dict:
    """The active scope: {} when none is active, {"_enabled": False} when scopes are disabled."""
    return get_scope()
