from django.db import models
from django.utils.translation import gettext_lazy as _

from cases import privacy
from cases.scoping import scoped_manager
from cases.validators import validate_id_number

from .base import Record, YearQuerySet


class OrderCaseQuerySet(YearQuerySet):
    year_field = "occurred_on"


class OrderCase(Record):
    """A case of disturbing public order in the course of petitioning (扰序案件)."""

    occurred_on = models.DateField(_("发生日期"))
    place = models.CharField(_("地点"), max_length=100)
    conduct = models.TextField(_("违法行为"), max_length=2000)
    police_reference = models.CharField(_("公安文书号"), max_length=50, blank=True)

    objects = scoped_manager(OrderCaseQuerySet)

    class Meta:
        verbose_name = _("扰序案件")
        verbose_name_plural = _("扰序案件")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["bureau", "occurred_on"], name="order_bureau_date"),
            models.Index(fields=["occurred_on", "id"], name="order_occurred_id"),  # the list's order
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on:%Y-%m-%d} {self.place}"


class OrderPerson(models.Model):
    class Measure(models.TextChoices):
        EDUCATION = "education", _("批评教育")
        WARNING = "warning", _("警告")
        FINE = "fine", _("罚款")
        ADMIN_DETENTION = "admin_detention", _("行政拘留")
        CRIMINAL_DETENTION = "criminal_detention", _("刑事拘留")

    case = models.ForeignKey(
        OrderCase,
        on_delete=models.CASCADE,
        related_name="persons",
        verbose_name=_("扰序案件"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, validators=[validate_id_number])
    measure = models.CharField(_("处理措施"), max_length=20, choices=Measure.choices)

    objects = scoped_manager(bureau="case__bureau")

    class Meta:
        verbose_name = _("被处理人")
        verbose_name_plural = _("被处理人")
        ordering = ["id"]

    def __str__(self) -> str:
        # A person's str() is shown where no permission is checked (titles, breadcrumbs, inline
        # headings, the audit trail's list): masked always; the name field itself is for those
        # who may see it (cases.privacy).
        return privacy.mask_name(self.name)
