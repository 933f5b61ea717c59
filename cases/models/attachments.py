import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.attachments.storage import attachment_storage
from cases.scoping import scoped_manager

from .base import Record


def stored_name(instance: "Attachment", filename: str) -> str:
    """A random name on disk under the bureau's folder, with the extension of what the bytes
    are: the user's file name is kept in the row, never used as a path."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"{instance.bureau_id}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class Attachment(Record):
    """A file attached to a petition case, or to one of its stages (a scanned letter at 登记, the
    unit's 处理意见书 at 答复 …). Personal data: downloaded only by those who may see it."""

    class Stage(models.TextChoices):
        NONE = "", _("—")
        REGISTERED = "registered", _("登记")
        ACCEPTED = "accepted", _("受理")
        ROUTED = "routed", _("交办")
        UNIT_ACCEPTED = "unit_accepted", _("单位受理")
        REPLIED = "replied", _("答复")
        CLOSED = "closed", _("办结")
        REVIEW = "review", _("复查")
        RECHECK = "recheck", _("复核")
        OBJECTION = "objection", _("异议")
        EXTENSION = "extension", _("延期")

    case = models.ForeignKey(
        "cases.PetitionCase", on_delete=models.PROTECT, related_name="attachments", verbose_name=_("信访事项")
    )
    stage = models.CharField(_("办理环节"), max_length=16, choices=Stage.choices, blank=True, default="")
    file = models.FileField(_("文件"), storage=attachment_storage, upload_to=stored_name, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = scoped_manager(unit="case__responsible_unit")

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["case", "uploaded_at"], name="attachment_case_time")]

    def __str__(self) -> str:
        return _("附件%(pk)s") % {"pk": self.pk}
