import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.scoping import scoped_manager


class Revision(models.Model):
    """A published report, frozen: the filled text and every figure (`document`), and the PDF
    bytes with their checksum (SHA-256; users read it as the 校验码, a fingerprint of the PDF).
    Records changed later never touch it; a correction is a new number."""

    report = models.ForeignKey("reports.Report", on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("版本号"))
    reason = models.TextField(_("更正理由"), max_length=2000, blank=True)
    document = models.JSONField(_("报告内容"))
    pdf = models.BinaryField(_("PDF 文件"))
    sha256 = models.CharField(
        _("校验码"), max_length=64, help_text=_("PDF 文件的“指纹”：文件有任何改动，校验码都会不同。")
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("发布人"),
    )

    objects = scoped_manager(bureau="report__bureau")

    class Meta:
        verbose_name = _("已发布版本")
        verbose_name_plural = _("已发布版本")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="revision_number_unique"),
            models.CheckConstraint(
                condition=models.Q(number=1) | ~models.Q(reason=""),
                name="revision_correction_has_reason",
                violation_error_message=_("更正发布须填写更正理由。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} 第{self.number}版"

    @staticmethod
    def checksum(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()
