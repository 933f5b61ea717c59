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
from contextvars import ContextVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django_scopes import ScopedManager, get_scope, scope, scopes_disabled

__all__ = [
    "acting_for",
    "as_site_admin",
    "current_scope",
    "including_voided",
    "scoped_manager",
    "scopes_disabled",
    "within",
]

# Voided (作废) ledger rows (cases.models.base.Record.voided_at) are left out by every scoped
# manager, and the rows hanging from them (a case's persons) with them, unless a block asks for
# them with `including_voided()` (uniqueness checks: a voided case's number stays taken).
_WITH_VOIDED: ContextVar[bool] = ContextVar("with_voided", default=False)


@contextmanager
def including_voided():
    token = _WITH_VOIDED.set(True)
    try:
        yield
    finally:
        _WITH_VOIDED.reset(token)


def _voided_path(model, bureau: str) -> str | None:
    """The path from `model` to the `voided_at` that voids its rows: its own, or that of the
    row its bureau is reached through (an OrderPerson's case); None for data never voided."""
    parts = bureau.split("__")[:-1]
    target = model
    try:
        for part in parts:
            target = target._meta.get_field(part).related_model
        target._meta.get_field("voided_at")
    except FieldDoesNotExist:
        return None
    return "__".join([*parts, "voided_at"])


def scoped_manager(queryset_class=models.QuerySet, *, bureau: str = "bureau", unit: str | None = None, org=False):
    """The manager of a model holding a bureau's data; `bureau` is the path to its bureau.
    `org=True` for organization data (units, memberships): the site administrator sees it all.
    Voided rows are left out (see `including_voided`)."""
    dimensions = {"org": bureau} if org else {"bureau": bureau}
    if unit:
        dimensions["unit"] = unit
    base = models.Manager.from_queryset(queryset_class)

    class LiveManager(base):
        def get_queryset(self):
            queryset = super().get_queryset()
            if _WITH_VOIDED.get():
                return queryset
            path = _voided_path(self.model, bureau)
            return queryset.filter(**{f"{path}__isnull": True}) if path else queryset

    return ScopedManager(_manager_class=LiveManager, **dimensions)


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
