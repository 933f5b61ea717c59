from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.scoping import scoped_manager

COMMENT_MAX = 2000


class ReviewComment(models.Model):
    """The head's comment on one section of a returned report, shown to staff on the editing
    page until one of them marks it resolved."""

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="comments", verbose_name=_("年度报告")
    )
    section = models.ForeignKey(
        "reports.Section",
        on_delete=models.SET_NULL,
        null=True,
        related_name="comments",
        verbose_name=_("报告部分"),
    )
    section_title = models.CharField(_("部分标题"), max_length=200, help_text=_("退回时该部分的标题"))
    text = models.TextField(_("审核意见"), max_length=COMMENT_MAX)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("提出人")
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )

    objects = scoped_manager(bureau="report__bureau")

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.section_title}：{self.text[:30]}"
