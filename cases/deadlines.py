"""Statutory deadlines of the 信访工作条例 and the holiday calendar they are counted in.

The 条例 counts 日 as calendar days (only Art. 23's objection is in 工作日). As everywhere in
Chinese law (民法典 Art. 201) the starting day is not counted, so 15 days from 2024-03-01 end on
2024-03-16. A deadline whose last day is a rest day rolls forward to the next working day unless
the bureau switched that off. Rest days are statutory holidays plus weekends that are not make-up
working days (调休); they come from the `chinesecalendar` package and from the bureau's own
Holiday table for years the package does not know yet. A year neither knows is an error.

This module knows no models: callers pass a HolidayCalendar, which the bureau builds from its
table (`Bureau.calendar()`, `Holiday.objects.calendar()`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import chinese_calendar

ONE_DAY = datetime.timedelta(days=1)

ROUTING_DAYS = 15  # Art. 22, 23: route or accept within 15 days of receipt
UNIT_ACCEPTANCE_DAYS = 15  # Art. 23: the responsible body accepts within 15 days
OBJECTION_WORKING_DAYS = 5  # Art. 23: objection within 5 working days
HANDLING_DAYS = 60  # Art. 34
MAX_EXTENSION_DAYS = 30  # Art. 34
REVIEW_DAYS = 30  # Art. 35, 36: a 复查 (or 复核) is decided within 30 days of its request
RECHECK_DAYS = 30  # Art. 36
REVIEW_REQUEST_DAYS = 30  # Art. 35, 36: requested within 30 days of the reply (or the 复查 decision)


class UnknownHolidayYear(LookupError):
    """The holidays of a year are unknown: neither the package nor the bureau's table has them."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"尚未掌握 {year} 年的法定节假日和调休安排，请管理员在“节假日”中录入 {year} 年的安排后再计算期限。"
        )


# The package's own is_workday() scans its tables on every call (~80 µs); computing a million
# deadlines needs plain set look-ups.
PACKAGE_HOLIDAYS = frozenset(chinese_calendar.holidays)
PACKAGE_WORKDAYS = frozenset(chinese_calendar.workdays)
PACKAGE_YEARS = frozenset(d.year for d in PACKAGE_HOLIDAYS | PACKAGE_WORKDAYS)


@dataclass(frozen=True)
class HolidayCalendar:
    """Rest and working days. `extra_*` are the bureau's own entries; they win over the package."""

    extra_holidays: frozenset[datetime.date] = frozenset()
    extra_workdays: frozenset[datetime.date] = frozenset()
    roll_forward: bool = True
    known_years: frozenset[int] = field(default=PACKAGE_YEARS)

    def check_year(self, year: int) -> None:
        if year not in self.known_years:
            raise UnknownHolidayYear(year)

    def is_working_day(self, day: datetime.date) -> bool:
        self.check_year(day.year)
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        if day in PACKAGE_WORKDAYS:
            return True
        return day.weekday() < 5 and day not in PACKAGE_HOLIDAYS

    def next_working_day(self, day: datetime.date) -> datetime.date:
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def due_date(self, start: datetime.date, days: int, *, working_days: bool = False) -> datetime.date:
        if days < 0:
            raise ValueError("期限天数不能为负数")
        if working_days:
            day, left = start, days
            while left:
                day += ONE_DAY
                if self.is_working_day(day):
                    left -= 1
            return day
        end = start + datetime.timedelta(days=days)
        return self.next_working_day(end) if self.roll_forward else end

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (negative when end is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count


class RememberingCalendar:
    """A calendar whose due dates are remembered per (start, days): a ledger of 100,000 rows, or a
    million generated cases, has a few thousand distinct start dates, and each due date walks the
    holiday tables day by day. An unknown year is remembered too, and raised each time, so every
    case still reports it."""

    def __init__(self, calendar: HolidayCalendar):
        self._calendar = calendar
        self._due: dict[tuple, datetime.date | int] = {}

    def due_date(self, start: datetime.date, days: int, *, working_days: bool = False) -> datetime.date:
        key = (start, days, working_days)
        if key not in self._due:
            try:
                self._due[key] = self._calendar.due_date(start, days, working_days=working_days)
            except UnknownHolidayYear as exc:
                self._due[key] = exc.year
        found = self._due[key]
        if isinstance(found, int):
            raise UnknownHolidayYear(found)
        return found

    def __getattr__(self, name):
        return getattr(self._calendar, name)


def due_soon_cutoff(
    calendar: HolidayCalendar, today: datetime.date, working_days: int
) -> tuple[datetime.date, str | None]:
    """The last day that counts as "due soon" (即将到期), and a warning when next year's
    holidays are unknown: then calendar days are counted rather than nothing shown as due."""
    try:
        return calendar.due_date(today, working_days, working_days=True), None
    except UnknownHolidayYear as exc:
        return today + datetime.timedelta(days=working_days), str(exc)
