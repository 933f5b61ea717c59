"""The storage of the background jobs' result files: STORAGES["jobs"] (settings), a private folder
outside any public URL, served only through the permission-checked download view."""

from __future__ import annotations

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _JobStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["jobs"]


storage = _JobStorage()


@receiver(setting_changed)
def _reset(*, setting, **kwargs):
    if setting in ("STORAGES", "JOBS_ROOT"):
        storage._wrapped = empty
