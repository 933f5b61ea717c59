from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.base import Record
from cases.scoping import scoped_manager

from .registry import BY_KEY


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


class ReferenceFigure(Record):
    """A figure the bureau types in for a year because no record of its own gives it: the
    province's average of a rate (全省平均满意率), the bureau's rank in the province (全省排名第七),
    or a figure from another system — each with where it comes from. The dashboard shows a rate
    beside the province's ("高于全省0.33个百分点"); the report prints them by placeholders
    ({全省满意率}, {满意率.较全省}, {全省排名}, {参考.名称}: reports.placeholders)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("全省平均")
        RANK = "rank", _("全省排名")
        OTHER = "other", _("其他系统的数字")

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    indicator = models.CharField(_("指标"), max_length=60, blank=True, help_text=_("全省平均：与本局哪一项比率比较。"))
    name = models.CharField(
        _("名称"), max_length=30, blank=True, help_text=_("其他系统的数字：报告中用 {参考.名称} 引用。")
    )
    value = models.DecimalField(
        _("数值"), max_digits=12, decimal_places=2, help_text=_("比率填百分数（如 98.10 表示 98.10%），排名填名次。")
    )
    source = models.CharField(_("来源说明"), max_length=200, help_text=_("如“省信访局2023年度通报”。"))

    objects = scoped_manager()

    class Meta:
        verbose_name = _("参考数字")
        verbose_name_plural = _("参考数字")
        ordering = ["year", "kind", "indicator", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "year", "kind", "indicator", "name"],
                condition=models.Q(voided_at__isnull=True),
                name="reference_figure_unique",
                violation_error_message=_("本年度已录入这项参考数字，请修改原有的一项。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.label}"

    @property
    def label(self) -> str:
        """全省平均满意率, 全省排名, or the typed name."""
        if self.kind == self.Kind.PROVINCE:
            indicator = BY_KEY.get(self.indicator)
            return _("全省平均%(label)s") % {"label": indicator.label if indicator else self.indicator}
        if self.kind == self.Kind.RANK:
            return str(_("全省排名"))
        return self.name
