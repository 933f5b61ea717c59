from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.scoping import scoped_manager

from .base import Record, YearQuerySet, local_today


class ScreeningQuerySet(YearQuerySet):
    year_field = "found_on"


class DisputeScreening(Record):
    """A dispute found by the regular screening (矛盾纠纷排查) and whether it was resolved."""

    class Status(models.TextChoices):
        RESOLVED = "resolved", _("已化解")
        IN_PROGRESS = "in_progress", _("化解中")
        UNRESOLVED = "unresolved", _("未化解")

    found_on = models.DateField(_("排查日期"))
    unit = models.ForeignKey(
        "cases.Unit",
        on_delete=models.PROTECT,
        related_name="screenings",
        verbose_name=_("乡镇（街道）"),
    )
    kind = models.CharField(_("纠纷类型"), max_length=30)
    description = models.TextField(_("简要情况"), max_length=2000, blank=True)
    status = models.CharField(_("化解状态"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    resolved_on = models.DateField(_("化解日期"), null=True, blank=True)

    objects = scoped_manager(ScreeningQuerySet)

    class Meta:
        verbose_name = _("矛盾纠纷排查")
        verbose_name_plural = _("矛盾纠纷排查")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(status="resolved"),
                name="screening_date_only_when_resolved",
                violation_error_message=_("只有“已化解”的矛盾纠纷才能填写化解日期。"),
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("found_on")),
                name="screening_resolved_after_found",
                violation_error_message=_("化解日期不能早于排查日期。"),
            ),
        ]
        # status in the index: the yearly counts read the index alone, never the rows.
        indexes = [
            models.Index(fields=["bureau", "found_on", "status"], name="screening_bureau_found_status"),
            # The list's order (newest first), read backwards; and the kinds its filter offers.
            models.Index(fields=["found_on", "id"], name="screening_found_id"),
            models.Index(fields=["kind"], name="screening_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.found_on:%Y-%m-%d} {self.unit} {self.kind}"

    def clean(self):
        errors = {}
        if self.found_on and self.found_on > local_today():
            errors["found_on"] = _("排查日期不能晚于今天。")
        if self.resolved_on and self.status != self.Status.RESOLVED:
            errors["resolved_on"] = _("只有“已化解”的矛盾纠纷才能填写化解日期。")
        elif self.resolved_on and self.found_on and self.resolved_on < self.found_on:
            errors["resolved_on"] = _("化解日期不能早于排查日期。")
        if errors:
            raise ValidationError(errors)
