from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.scoping import scoped_manager


class Dashboard(models.Model):
    """No table: carries the permission to see the dashboard and the drill-down lists."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", _("可查看工作指标看板"))]
        verbose_name = _("工作指标看板")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class BureauFiguresQuerySet(models.QuerySet):
    def outdate(self, bureau_id: int | None, years=None) -> int:
        """Records of `bureau_id` (None: of every bureau) in `years` (None: in any year) changed:
        mark their stored figures out of date. One UPDATE of the rows there are; called by every
        writer (indicators.cache.invalidate), in the writer's own transaction."""
        rows = self if bureau_id is None else self.filter(bureau_id=bureau_id)
        if years is not None:
            rows = rows.filter(year__in=list(years))
        return rows.update(version=models.F("version") + 1)


class BureauFigures(models.Model):
    """Every figure of one bureau's year — in total, per responsible unit and per month — computed
    once and kept until its records change: what a city's or province's roll-up and the bureau's
    own dashboard read instead of counting every record.

    `version` counts the changes to the bureau's records of that year (the writers raise it);
    `counts` are valid while `computed_version` equals it and, for a year whose deadlines are
    still running, while `as_of` is the day asked about (indicators.store)."""

    bureau = models.ForeignKey("cases.Bureau", on_delete=models.CASCADE, verbose_name=_("信访局"))
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveIntegerField(_("数据版本"), default=1)
    computed_version = models.PositiveIntegerField(_("计算时的数据版本"), default=0)
    as_of = models.DateField(_("判断期限的日期"), null=True)
    counts = models.JSONField(_("各项数字"), default=dict, help_text=_("指标 → [分子, 分母]"))
    by_unit = models.JSONField(
        _("各责任单位的数字"), null=True, help_text=_("责任单位编号 → 指标 → [分子, 分母]；未计算时为空")
    )
    by_month = models.JSONField(_("各月的数字"), null=True, help_text=_("月份 → 指标 → [分子, 分母]；未计算时为空"))

    objects = scoped_manager(BureauFiguresQuerySet)

    class Meta:
        verbose_name = _("预先计算的年度数字")
        verbose_name_plural = _("预先计算的年度数字")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["bureau", "year"], name="bureau_figures_unique_year")]

    def __str__(self) -> str:
        return f"{self.bureau_id}:{self.year}"
