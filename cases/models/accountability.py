from django.db import models
from django.utils.translation import gettext_lazy as _

from cases import privacy
from cases.scoping import scoped_manager

from .base import Record, YearQuerySet


class AccountabilityQuerySet(YearQuerySet):
    year_field = "decided_on"

    def held_accountable(self):
        """Adopted recommendations to hold someone accountable (追究责任), not the other two kinds."""
        return self.filter(kind=AccountabilityAction.Kind.ACCOUNTABILITY, adopted=True)


class AccountabilityAction(Record):
    """A 三项建议 recommendation of the bureau (Art. 45–47) and who was held accountable."""

    class Kind(models.TextChoices):
        IMPROVE_WORK = "improve_work", _("改进工作建议")
        IMPROVE_POLICY = "improve_policy", _("完善政策建议")
        ACCOUNTABILITY = "accountability", _("追究责任建议")

    decided_on = models.DateField(_("日期"))
    kind = models.CharField(_("建议类型"), max_length=16, choices=Kind.choices, default=Kind.ACCOUNTABILITY)
    unit = models.ForeignKey(
        "cases.Unit",
        on_delete=models.PROTECT,
        related_name="accountability_actions",
        verbose_name=_("被追责单位"),
    )
    measure = models.CharField(_("追责措施"), max_length=200, blank=True)
    adopted = models.BooleanField(_("建议已采纳"), default=True)
    cases = models.ManyToManyField(
        "cases.PetitionCase",
        blank=True,
        related_name="accountability_actions",
        verbose_name=_("关联信访事项"),
    )
    note = models.TextField(_("备注"), max_length=2000, blank=True)

    objects = scoped_manager(AccountabilityQuerySet)

    class Meta:
        verbose_name = _("责任追究（三项建议）")
        verbose_name_plural = _("责任追究（三项建议）")
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["bureau", "decided_on"], name="accountability_bureau_date"),
            models.Index(fields=["decided_on", "id"], name="accountability_decided_id"),  # the list's order
        ]

    def __str__(self) -> str:
        return f"{self.decided_on:%Y-%m-%d} {self.unit}"


class AccountablePerson(models.Model):
    action = models.ForeignKey(
        AccountabilityAction,
        on_delete=models.CASCADE,
        related_name="persons",
        verbose_name=_("责任追究"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    measure = models.CharField(_("处理方式"), max_length=100, blank=True)

    objects = scoped_manager(bureau="action__bureau")

    class Meta:
        verbose_name = _("责任人")
        verbose_name_plural = _("责任人")
        ordering = ["id"]

    def __str__(self) -> str:
        # A person's str() is shown where no permission is checked (titles, breadcrumbs, inline
        # headings, the audit trail's list): masked always; the name field itself is for those
        # who may see it (cases.privacy).
        return privacy.mask_name(self.name)
