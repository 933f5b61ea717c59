from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.scoping import scoped_manager


class BureauTemplate(models.Model):
    """The bureau's own default for a new year's report: its title, intro, sections in order with
    their headings and paragraphs (`sections`: [{"title", "paragraphs": [{"lead", "text"}]}]), in
    the shape of the shipped template (reports/data/default_template.json). Saved from a year's
    report or from last year's published text with its numbers turned into placeholders."""

    bureau = models.OneToOneField(
        "cases.Bureau", on_delete=models.CASCADE, related_name="report_template", verbose_name=_("信访局")
    )
    title = models.CharField(_("标题"), max_length=200)
    intro = models.TextField(_("导语"), blank=True)
    sections = models.JSONField(_("各部分"), default=list)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修改人"),
    )

    objects = scoped_manager()

    class Meta:
        verbose_name = _("本局报告模板")
        verbose_name_plural = _("本局报告模板")

    def __str__(self) -> str:
        return f"{self.bureau}报告模板"

    def as_template(self) -> dict:
        return {"title": self.title, "intro": self.intro, "sections": self.sections}
