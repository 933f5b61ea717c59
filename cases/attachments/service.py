"""Attaching a file to a case and reading it back, each written to the activity log.

The log entry is about the case (it shows on the case's 历史 page), and names the attachment by
its number, stage, type, size and SHA-256 — not by its file name, which may name the petitioner
and the log is read by roles that may not see personal data.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata

from django.db import transaction
from django.utils.translation import gettext as _

from cases.audit import log_action
from cases.models import Attachment, AuditEntry, PetitionCase

from . import filetypes
from .filetypes import FileRejected

__all__ = ["FileRejected", "attach", "clean_name", "log_download"]

NAME_MAX = 200


def clean_name(name: str) -> str:
    """The user's file name as shown and offered back: its last part only, without control
    characters, at most NAME_MAX characters (the extension kept)."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        keep = dot and len(extension) < 10
        name = stem[: NAME_MAX - len(extension) - 1] + dot + extension if keep else name[:NAME_MAX]
    return name or _("附件")


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for block in iter(lambda: file.read(1 << 20), b""):
        digest.update(block)
    file.seek(0)
    return digest.hexdigest()


def check(uploaded) -> filetypes.Kind:
    """The kind of an uploaded file, or FileRejected: its size first, then its bytes."""
    if uploaded is None:
        raise FileRejected(_("请选择要上传的文件。"))
    filetypes.check_size(uploaded.size)
    return filetypes.detect(uploaded)


def attach(case: PetitionCase, uploaded, *, stage: str, user, kind: filetypes.Kind | None = None) -> Attachment:
    """Store `uploaded` (a Django UploadedFile) as an attachment of `case`. FileRejected, with
    nothing stored, when it is too large, empty, or not what its bytes must be."""
    stages = {value for value, _label in Attachment.Stage.choices}
    if stage not in stages:
        raise FileRejected(_("请选择有效的办理环节。"))
    kind = kind or check(uploaded)
    attachment = Attachment(
        bureau_id=case.bureau_id,
        case=case,
        stage=stage,
        original_name=clean_name(uploaded.name),
        content_type=kind.content_type,
        size=uploaded.size,
        sha256=_sha256(uploaded),
        uploaded_by=user if getattr(user, "pk", None) else None,
    )
    with transaction.atomic():
        attachment.file.save(f"upload.{kind.extension}", uploaded, save=False)
        try:
            attachment.save()
            log_action(
                case,
                user=user,
                action=AuditEntry.Action.ATTACHMENT_UPLOADED,
                detail=_describe(attachment),
            )
        except Exception:
            attachment.file.storage.delete(attachment.file.name)
            raise
    return attachment


def log_download(attachment: Attachment, *, user) -> None:
    log_action(
        attachment.case,
        user=user,
        action=AuditEntry.Action.ATTACHMENT_DOWNLOADED,
        detail=_describe(attachment),
    )


def _describe(attachment: Attachment) -> str:
    kind = filetypes.KINDS.get(attachment.content_type)
    return _("附件%(pk)s（%(stage)s，%(kind)s，%(size)s 字节，SHA-256 %(sha)s）") % {
        "pk": attachment.pk,
        "stage": attachment.get_stage_display(),
        "kind": kind.label if kind else attachment.content_type,
        "size": attachment.size,
        "sha": attachment.sha256[:16],
    }
