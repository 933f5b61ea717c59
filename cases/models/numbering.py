from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.scoping import scoped_manager


class CaseNumberCounter(models.Model):
    """The last sequence number given to a bureau's cases of a year (cases.numbering). Written
    only by `next_case_number()`, never by hand: it has no page and no permissions."""

    bureau = models.ForeignKey(
        "cases.Bureau", on_delete=models.CASCADE, related_name="case_number_counters", verbose_name=_("信访局")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用到的序号"), default=0)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("信访件编号计数")
        verbose_name_plural = _("信访件编号计数")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["bureau", "year"], name="case_number_counter_per_year")]

    def __str__(self) -> str:
        return f"{self.bureau} {self.year}年 {self.last}"
