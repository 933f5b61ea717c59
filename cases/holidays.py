"""A year's holidays and make-up working days entered at once: the administrator pastes the State
Council's notice (国务院办公厅关于某年部分节假日安排的通知) or a list of dates, sees what was read,
and confirms; the year's rows are replaced and the year marked complete (HolidayYear), after
which its deadlines are counted (cases.deadlines). Nothing is written from a text that cannot be
read in full: every date is accounted for, or the paste is refused with the reason.

The notice reads, per festival:
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    2月14日（周六）、2月28日（周六）上班。
A list gives one day or range per line: `2027-01-01 元旦`, `2027-02-06 至 2027-02-12 春节`,
`2027-02-14 上班`.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.audit import log_action
from cases.deadlines import PACKAGE_YEARS
from cases.models import AuditEntry, Bureau, Holiday, HolidayYear, PetitionCase
from cases.signals import records_changed

MAX_RANGE_DAYS = 31
WEEKDAYS = "一二三四五六日"

_FULL_WIDTH = str.maketrans("０１２３４５６７８９／．～－", "0123456789/.~-")
_NOTES = re.compile(r"[（(][^）)]*[）)]")
# A festival's heading: "元旦：", "二、春节：", "六、中秋节、国庆节：".
_HEADING = re.compile(r"((?:[\u4e00-\u9fff]{1,5}、)*[\u4e00-\u9fff]{0,5}(?:节|元旦))\s*[：:]")
_ENUMERATION = re.compile(r"^[一二三四五六七八九十]+、")
_SENTENCE = re.compile(r"[。；;\n]+")
_DATE = (
    r"(?:(?P<y1>\d{4})\s*[年./-]\s*)?(?P<m1>\d{1,2})\s*[月./-]\s*(?P<d1>\d{1,2})\s*日?"
    r"(?:\s*(?:至|到|~|—|–)\s*(?:(?:(?P<y2>\d{4})\s*[年./-]\s*)?(?P<m2>\d{1,2})\s*[月./-]\s*)?(?P<d2>\d{1,2})\s*日?)?"
)
_DATES = re.compile(_DATE)
_TOTAL = re.compile(r"共\s*(\d{1,2})\s*天")
_WORK = ("上班", "补班")
_REST = ("放假", "休息", "休假")


class NoticeError(ValueError):
    """The paste cannot be read in full: every problem, in Chinese."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


@dataclass
class Festival:
    name: str
    holidays: list[datetime.date] = field(default_factory=list)
    workdays: list[datetime.date] = field(default_factory=list)

    @property
    def span(self) -> str:
        if not self.holidays:
            return "—"
        first, last = min(self.holidays), max(self.holidays)
        return _day(first) if first == last else f"{_day(first)}至{_day(last)}"

    @property
    def workday_list(self) -> str:
        return "、".join(f"{_day(d)}（{weekday(d)}）" for d in sorted(self.workdays)) or "—"


@dataclass
class YearPlan:
    """What a paste says about `year`: festivals in order, and dates it names outside the year."""

    year: int
    festivals: list[Festival]
    outside: list[datetime.date] = field(default_factory=list)

    @property
    def holidays(self) -> dict[datetime.date, str]:
        return {d: f.name for f in self.festivals for d in f.holidays}

    @property
    def workdays(self) -> dict[datetime.date, str]:
        return {d: f.name for f in self.festivals for d in f.workdays}


def _day(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"


def weekday(day: datetime.date) -> str:
    return "周" + WEEKDAYS[day.weekday()]


def parse_notice(text: str, year: int) -> YearPlan:
    """The holidays and make-up working days of `year` in `text`, or NoticeError."""
    text = (text or "").translate(_FULL_WIDTH)
    if not text.strip():
        raise NoticeError([_("请粘贴国务院办公厅的节假日安排通知，或逐行填写日期。")])
    problems: list[str] = []
    text = _NOTES.sub("", text)  # （周六）, （农历腊月二十八、周日）: notes, not dates
    headings = list(_HEADING.finditer(text))
    if headings:
        parts = [
            (_ENUMERATION.sub("", h.group(1)), text[h.end() : nxt.start() if nxt else len(text)])
            for h, nxt in zip(headings, [*headings[1:], None], strict=True)
        ]
        festivals = [_read_part(name, body, year, problems, listed=False) for name, body in parts]
    else:
        festivals = [_read_part("", line, year, problems, listed=True) for line in text.splitlines() if line.strip()]
    festivals = [f for f in festivals if f.holidays or f.workdays]
    plan = YearPlan(year, [])
    for festival in festivals:
        outside = [d for d in festival.holidays + festival.workdays if d.year != year]
        plan.outside += outside
        festival.holidays = [d for d in festival.holidays if d.year == year]
        festival.workdays = [d for d in festival.workdays if d.year == year]
        if festival.holidays or festival.workdays:
            plan.festivals.append(festival)
    _check(plan, problems)
    if problems:
        raise NoticeError(problems)
    return plan


def _read_part(name: str, body: str, year: int, problems: list[str], *, listed: bool) -> Festival:
    festival = Festival(name or _label(body, _("调休") if any(w in body for w in _WORK) else _("节假日")))
    for sentence in _SENTENCE.split(body):
        found = list(_DATES.finditer(sentence))
        if not found:
            continue
        working = any(w in sentence for w in _WORK)
        if not working and not listed and not any(r in sentence for r in _REST):
            problems.append(
                _("“%(text)s”中的日期无法判断是放假还是上班，请写明“放假”或“上班”。") % {"text": sentence.strip()}
            )
            continue
        days: list[datetime.date] = []
        for match in found:
            days += _days(match, year, problems)
        if working:
            festival.workdays += days
            continue
        festival.holidays += days
        total = _TOTAL.search(sentence)
        if total and int(total.group(1)) != len(days):
            problems.append(
                _("%(name)s：放假日期共%(n)s天，与通知所写“共%(said)s天”不符，请核对。")
                % {"name": festival.name, "n": len(days), "said": total.group(1)}
            )
    return festival


def _label(line: str, default: str) -> str:
    """A listed line's name: its words once the dates and the usual verbs are taken out."""
    words = _DATES.sub(" ", line)
    for verb in ("调休", "放假", "上班", "补班", "休息", "休假", "至", "到"):
        words = words.replace(verb, " ")
    found = re.findall(r"[\u4e00-\u9fff]+", words)
    return found[0][:30] if found else default


def _days(match: re.Match, year: int, problems: list[str]) -> list[datetime.date]:
    g = match.groupdict()
    m1, d1 = int(g["m1"]), int(g["d1"])
    y1 = int(g["y1"]) if g["y1"] else year
    if g["d2"] is None:
        first = last = _date(y1, m1, d1, match.group(0), problems)
    else:
        m2 = int(g["m2"]) if g["m2"] else m1
        if g["y2"]:
            y2 = int(g["y2"])
        elif m2 < m1:  # 12月31日至1月2日: the holiday begins in the year before
            y1, y2 = (y1 - 1, y1) if not g["y1"] else (y1, y1 + 1)
        else:
            y2 = y1
        first = _date(y1, m1, d1, match.group(0), problems)
        last = _date(y2, m2, int(g["d2"]), match.group(0), problems)
    if first is None or last is None:
        return []
    if last < first:
        problems.append(_("“%(text)s”的结束日期早于开始日期。") % {"text": match.group(0).strip()})
        return []
    if (last - first).days >= MAX_RANGE_DAYS:
        problems.append(
            _("“%(text)s”跨度超过%(n)s天，请核对。") % {"text": match.group(0).strip(), "n": MAX_RANGE_DAYS}
        )
        return []
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


def _date(y: int, m: int, d: int, text: str, problems: list[str]) -> datetime.date | None:
    try:
        return datetime.date(y, m, d)
    except ValueError:
        problems.append(_("“%(text)s”不是有效日期。") % {"text": text.strip()})
        return None


def _check(plan: YearPlan, problems: list[str]) -> None:
    if problems:
        return
    if not plan.festivals:
        if plan.outside:
            problems.append(
                _("粘贴的日期都不在%(year)s年（如 %(day)s），请核对年度。")
                % {"year": plan.year, "day": plan.outside[0]}
            )
        else:
            problems.append(_("没有识别出任何日期。请粘贴通知原文，或每行写一个日期，如“2027-01-01 元旦”。"))
        return
    holidays, workdays = plan.holidays, plan.workdays
    for day in sorted(holidays.keys() & workdays.keys()):
        problems.append(_("%(day)s 既写为放假又写为上班，请核对。") % {"day": day})
    for day, name in sorted(workdays.items()):
        if day.weekday() < 5:
            problems.append(
                _("%(name)s：调休上班日 %(day)s 是%(weekday)s，不是周末，请核对。")
                % {"name": name, "day": day, "weekday": weekday(day)}
            )
    if not holidays:
        problems.append(_("没有识别出%(year)s年的放假日期。") % {"year": plan.year})


def digest(year: int, text: str) -> str:
    """What the preview showed, so that a confirmation writes nothing else."""
    return hashlib.sha256(f"{year}\n{text}".encode()).hexdigest()[:32]


def refresh_deadlines(year: int) -> int:
    """Count again, in every bureau, the stored due dates that fall in `year` (or in the last days
    before it, which may roll into it): while the year was unknown they were stored without
    rolling past its holidays. Returns how many cases changed. Holidays are the nation's, so this
    reaches every bureau's cases, and writes only their due dates."""
    start, end = datetime.date(year - 1, 12, 20), datetime.date(year, 12, 31)
    fields = ["routing_due_on", "unit_acceptance_due_on", "handling_due_on", "review_due_on"]
    touched = Q()
    for name in fields:
        touched |= Q(**{f"{name}__range": (start, end)})
    changed_total = 0
    for bureau in Bureau.objects.order_by("pk"):
        calendar = bureau.calendar()
        changed = []
        for case in PetitionCase._base_manager.filter(touched, bureau=bureau).only("pk", *_DATE_FIELDS, *fields):
            before = [getattr(case, name) for name in fields]
            case.refresh_due_dates(calendar)
            if [getattr(case, name) for name in fields] != before:
                changed.append(case)
        if changed:
            PetitionCase._base_manager.bulk_update(changed, fields, batch_size=1000)
            records_changed.send(sender=Holiday, bureau=bureau, years=None)
            changed_total += len(changed)
    return changed_total


# What refresh_due_dates() reads.
_DATE_FIELDS = (
    "received_on",
    "routing",
    "routed_on",
    "accepted_on",
    "unit_accepted_on",
    "extension_days",
    "extension_approved",
    "review",
    "review_requested_on",
)


# Writing ------------------------------------------------------------------------------------------


def year_status(year: int) -> str:
    """ "package" (the chinesecalendar package knows it), "complete", "incomplete" or "missing"."""
    if year in PACKAGE_YEARS:
        return "package"
    entered = HolidayYear.objects.filter(year=year).values_list("complete", flat=True).first()
    if entered is None:
        return "incomplete" if Holiday.objects.filter(date__year=year).exists() else "missing"
    return "complete" if entered else "incomplete"


def years_to_warn(today: datetime.date) -> list[int]:
    """The years whose holidays are not known yet though deadlines are being counted into them:
    this year, and from October the next (a case received then has its handling deadline, 60
    days and an extension, in the next year)."""
    years = [today.year] + ([today.year + 1] if today.month >= 10 else [])
    return [y for y in years if year_status(y) not in ("package", "complete")]


def holidays_replace(*, plan: YearPlan, complete: bool, notice: str, user) -> HolidayYear:
    """Replace `plan.year`'s rows with the plan's, mark the year (in)complete, and log it."""
    year = plan.year
    with transaction.atomic():
        rows = Holiday.objects.filter(date__year=year)
        before = _summary(rows.values_list("date", "is_working_day"))
        rows.delete()
        Holiday.objects.bulk_create(
            [Holiday(date=d, name=n[:30], is_working_day=False) for d, n in sorted(plan.holidays.items())]
            + [Holiday(date=d, name=_workday_name(n), is_working_day=True) for d, n in sorted(plan.workdays.items())]
        )
        entry, created = HolidayYear.objects.get_or_create(year=year)
        was_complete = entry.complete
        entry.complete = complete
        entry.completed_by = user if complete else None
        entry.completed_at = timezone.now() if complete else None
        entry.notice = notice[:20000]
        entry.save()
        after = _summary([(d, False) for d in plan.holidays] + [(d, True) for d in plan.workdays])
        log_action(
            entry,
            user=user,
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            changes={
                "节假日安排": [before, after],
                "complete": ["是" if was_complete else "否", "是" if complete else "否"],
            },
            detail=_("录入%(year)s年节假日：放假%(h)s天，调休上班%(w)s天")
            % {"year": year, "h": len(plan.holidays), "w": len(plan.workdays)},
        )
    # Every bureau's deadlines and figures are counted in these days.
    records_changed.send(sender=Holiday, bureau=None, years=None)
    entry.refreshed = refresh_deadlines(year) if complete else 0
    return entry


def set_complete(*, year: int, complete: bool, user) -> HolidayYear:
    """Mark a year entered row by row (in the holiday list) complete, or incomplete again."""
    with transaction.atomic():
        entry, _created = HolidayYear.objects.get_or_create(year=year)
        was = entry.complete
        entry.complete = complete
        entry.completed_by = user if complete else None
        entry.completed_at = timezone.now() if complete else None
        entry.save()
        log_action(
            entry,
            user=user,
            action=AuditEntry.Action.UPDATE,
            changes={"complete": ["是" if was else "否", "是" if complete else "否"]},
        )
    records_changed.send(sender=Holiday, bureau=None, years=None)
    entry.refreshed = refresh_deadlines(year) if complete else 0
    return entry


def _summary(rows) -> str:
    rows = sorted(rows)
    rest = "、".join(f"{d:%m-%d}" for d, working in rows if not working) or "无"
    work = "、".join(f"{d:%m-%d}" for d, working in rows if working) or "无"
    return f"放假 {rest}；调休上班 {work}"


def _workday_name(festival: str) -> str:
    return (festival if festival.endswith("调休") else f"{festival}调休")[:30]
