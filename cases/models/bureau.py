from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.deadlines import PACKAGE_YEARS, HolidayCalendar


class Bureau(models.Model):
    """The bureau whose ledgers these are. Name and county are data, never code."""

    name = models.CharField(_("机关名称"), max_length=100, unique=True)
    county = models.CharField(_("所在县（市、区）"), max_length=50)
    short_county = models.CharField(
        _("地名简称"),
        max_length=20,
        blank=True,
        help_text=_("如“温县”用于“平安温县”等表述；留空则用所在县名称。"),
    )
    roll_forward_holidays = models.BooleanField(
        _("期限末日遇节假日顺延"),
        default=True,
        help_text=_("期限最后一日为法定节假日或休息日（非调休上班日）时，顺延至下一个工作日。"),
    )
    due_soon_working_days = models.PositiveSmallIntegerField(_("“即将到期”提前工作日数"), default=3)

    class Meta:
        verbose_name = _("信访局")
        verbose_name_plural = _("信访局")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "Bureau":
        """The bureau this installation serves (one per installation; the first one)."""
        bureau = cls.objects.order_by("pk").first()
        if bureau is None:
            raise cls.DoesNotExist("尚未设置信访局信息，请管理员先在“信访局”中录入。")
        return bureau

    def calendar(self) -> HolidayCalendar:
        """The calendar this bureau's deadlines are counted in (one query)."""
        return Holiday.objects.calendar(roll_forward=self.roll_forward_holidays)


class Unit(models.Model):
    """A township or street (乡镇/街道), a county department, or the county level itself."""

    class Kind(models.TextChoices):
        TOWNSHIP = "township", _("乡镇（街道）")
        DEPARTMENT = "department", _("县直部门")
        COUNTY = "county", _("县级")

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="units", verbose_name=_("信访局"))
    name = models.CharField(_("单位名称"), max_length=50)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.TOWNSHIP)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "name"],
                name="unit_name_unique_per_bureau",
                violation_error_message=_("该单位名称已存在。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class HolidayQuerySet(models.QuerySet):
    def calendar(self, *, roll_forward: bool = True) -> HolidayCalendar:
        """The package's holidays plus these rows (one query)."""
        holidays, workdays = set(), set()
        for day, is_working in self.values_list("date", "is_working_day"):
            (workdays if is_working else holidays).add(day)
        years = PACKAGE_YEARS | {d.year for d in holidays | workdays}
        return HolidayCalendar(frozenset(holidays), frozenset(workdays), roll_forward, frozenset(years))


class Holiday(models.Model):
    """A day the bureau declares a holiday or a make-up working day (调休), for years the
    `chinesecalendar` package does not cover yet. A year is known once any row of it exists."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(
        _("调休上班日"),
        default=False,
        help_text=_("勾选表示该日为调休上班日，否则为法定节假日。"),
    )
    name = models.CharField(_("名称"), max_length=30, blank=True)

    objects = HolidayQuerySet.as_manager()

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
