import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a calendar year. Records carry dates (not datetimes), which the
    clerk enters as Asia/Shanghai dates, so the year boundary is already in that zone."""
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def local_today() -> datetime.date:
    return datetime.datetime.now(ZoneInfo(settings.TIME_ZONE)).date()


class YearQuerySet(models.QuerySet):
    """Every ledger is counted by the calendar year of one date field, named by `year_field`."""

    year_field = "date"

    def in_year(self, year: int):
        return self.in_range(*year_bounds(year))

    def year_span(self) -> tuple[int, int] | None:
        """The first and last year with records: two index seeks. (SQLite answers MIN and MAX
        from an index only one at a time; asked together they read every row.)"""
        field = self.year_field
        first = self.order_by(field).values_list(field, flat=True).first()
        if first is None:
            return None
        last = self.order_by(f"-{field}").values_list(field, flat=True).first()
        return first.year, last.year

    def in_range(self, start: datetime.date, end: datetime.date):
        return self.filter(**{f"{self.year_field}__gte": start, f"{self.year_field}__lte": end})


class Record(models.Model):
    """Common columns of every ledger row.

    A row entered by mistake is voided (作废), never deleted: `voided_at` set, with who and why.
    The managers (cases.scoping.scoped_manager) leave voided rows out of every list, figure and
    export; the row stays in the database and its entries in the activity log, and its unique
    values (a case's number) stay taken, as `validate_constraints` checks against every row."""

    bureau = models.ForeignKey("cases.Bureau", on_delete=models.PROTECT, verbose_name=_("信访局"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("作废人"),
    )
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True, editable=False)

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        from cases.scoping import including_voided

        with including_voided():
            super().validate_unique(exclude)

    def validate_constraints(self, exclude=None):
        from cases.scoping import including_voided

        with including_voided():
            super().validate_constraints(exclude)
