"""What an uploaded file really is, read from its bytes (its magic numbers), never from its name
or the content type the browser sent: PDF, JPEG, PNG or DOCX, or refused.

A DOCX is a zip archive holding `[Content_Types].xml` and `word/document.xml`; its directory is
read (no XML is parsed) and refused when it unpacks to far more than it weighs (a zip bomb, with
the ledger importer's ratio) or carries macros (`vbaProject.bin`: a .docm renamed .docx).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from cases.ledgers.xlsx import MAX_RATIO

ALLOWED_NAMES = "PDF、JPEG、PNG、DOCX"
DOCX_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a long Word document with scans is a few tens of MB


class FileRejected(ValueError):
    """The file may not be attached; str() says why, in Chinese."""


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    label: str


PDF = Kind("application/pdf", "pdf", "PDF")
JPEG = Kind("image/jpeg", "jpg", "JPEG")
PNG = Kind("image/png", "png", "PNG")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "DOCX")
KINDS = {k.content_type: k for k in (PDF, JPEG, PNG, DOCX)}


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


def _refuse_type() -> FileRejected:
    return FileRejected(
        _("文件内容不是允许的类型（只能上传 %(allowed)s 文件；系统按文件内容判断，不看文件名）。")
        % {"allowed": ALLOWED_NAMES}
    )


def check_size(size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise FileRejected(
            _("文件过大（%(size).1f MB），附件上限为 %(limit).1f MB。")
            % {"size": size / 1024 / 1024, "limit": limit / 1024 / 1024}
        )
    if size == 0:
        raise FileRejected(_("文件是空的。"))


def detect(file) -> Kind:
    """The kind of `file` (a binary file object, read from its start and rewound), or FileRejected."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        _check_docx(file)
        file.seek(0)
        return DOCX
    raise _refuse_type()


def _check_docx(file) -> None:
    try:
        archive = zipfile.ZipFile(file)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise FileRejected(_("这不是有效的 Word（.docx）文件，或文件已损坏。")) from None
    names = {info.filename for info in infos}
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > DOCX_MAX_UNZIPPED_BYTES or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise FileRejected(_("文件解压后异常庞大，疑似压缩炸弹，已拒绝上传。"))
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise FileRejected(
            _("这不是 Word（.docx）文档：压缩包里没有 word/document.xml 或 [Content_Types].xml。")
            + _("只能上传 %(allowed)s 文件。") % {"allowed": ALLOWED_NAMES}
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRejected(_("文档含有宏（VBA），不能上传；请另存为不含宏的 .docx 后再上传。"))
