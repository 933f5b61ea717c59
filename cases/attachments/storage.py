"""The storage attachments are kept in: STORAGES["attachments"] (settings), a folder outside any
public URL by default. Looked up on each use, so a test or a deployment that changes the setting
is followed without restarting."""

from __future__ import annotations

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _AttachmentStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["attachments"]


_storage = _AttachmentStorage()


def attachment_storage():
    """The FileField's storage (a callable, so migrations name it rather than freeze it)."""
    return _storage


@receiver(setting_changed)
def _reset(*, setting, **kwargs):
    if setting in ("STORAGES", "ATTACHMENTS_ROOT"):
        _storage._wrapped = empty
