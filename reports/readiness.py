"""What would make a figure of the year's report wrong, found before anyone prints it.

Each check is one query (plus one for its sample rows) whatever the number of records."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from cases.deadlines import UnknownHolidayYear
from cases.models import DisputeScreening, Holiday, PetitionCase, Unit
from cases.models.base import local_today, year_bounds
from indicators import references

from .placeholders import Placeholder, describe, placeholders, value_of

SAMPLE = 20


@dataclass
class Issue:
    title: str
    explanation: str
    count: int
    items: list[tuple[str, str | None]] = field(default_factory=list)  # (label, admin link)


def _admin_link(obj) -> str | None:
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return None


def _records_issue(qs, title: str, explanation: str) -> Issue | None:
    count = qs.count()
    if not count:
        return None
    return Issue(title, explanation, count, [(str(o), _admin_link(o)) for o in qs[:SAMPLE]])


def overdue_cases(bureau, year: int, today) -> Issue | None:
    qs = PetitionCase.objects.filter(bureau=bureau).in_year(year).overdue(today).order_by("received_on", "pk")
    return _records_issue(qs, _("超期未办结的信访事项"), _("办结或补录日期后，按期办结率、及时受理率等才是最终数字。"))


def closed_without_outcome(bureau, year: int) -> Issue | None:
    qs = PetitionCase.objects.filter(bureau=bureau, outcome="").in_year(year).closed().order_by("received_on", "pk")
    return _records_issue(qs, _("已办结但未填写处理结果的信访事项"), _("请补录处理结果。"))


def resolved_without_date(bureau, year: int) -> Issue | None:
    qs = DisputeScreening.objects.filter(
        bureau=bureau, status=DisputeScreening.Status.RESOLVED, resolved_on__isnull=True
    ).in_year(year)
    return _records_issue(
        qs.select_related("unit").order_by("found_on", "pk"),
        _("已化解但未填写化解日期的矛盾纠纷"),
        _("请补录化解日期。"),
    )


def silent_units(bureau, year: int) -> Issue | None:
    start, end = year_bounds(year)
    cases = PetitionCase.objects.filter(responsible_unit=OuterRef("pk"), received_on__range=(start, end))
    screenings = DisputeScreening.objects.filter(unit=OuterRef("pk"), found_on__range=(start, end))
    qs = (
        Unit.objects.filter(bureau=bureau, active=True)
        .exclude(kind=Unit.Kind.COUNTY)
        .filter(~Exists(cases) & ~Exists(screenings))
    )
    return _records_issue(
        qs,
        _("本年度没有任何记录的单位"),
        _("这些单位本年度既无信访事项也无矛盾纠纷排查记录；如有遗漏，请补录台账。"),
    )


def unknown_holidays(year: int, today) -> Issue | None:
    calendar = Holiday.objects.calendar()
    # Deadlines of cases received late in the year fall in the next one.
    years = [y for y in (year, year + 1) if y <= today.year + 1]
    missing = []
    for y in years:
        try:
            calendar.check_year(y)
        except UnknownHolidayYear:
            missing.append(y)
    if not missing:
        return None
    return Issue(
        _("节假日安排未知的年度"),
        _("这些年度的法定节假日和调休未录入，期限无法准确计算；请管理员在“节假日”中录入。"),
        len(missing),
        [(_("%(year)s年") % {"year": y}, None) for y in missing],
    )


def dashed_placeholders(report, values: dict[str, str]) -> Issue | None:
    """Placeholders that print "—": no records behind a rate, or an "all equal" group that differs."""
    found: dict[str, Placeholder] = {}
    for text in _texts(report):
        for p in placeholders(text):
            # A reference figure not entered is listed by missing_references().
            if any(references.is_reference_key(k) and k not in values for k in p.keys):
                continue
            if value_of(p, values) == "—":
                found.setdefault(p.source, p)
    if not found:
        return None

    items = [
        ("、".join(f"{describe(k)} {values.get(k, '—')}" for k in p.keys) + f"（{src}）", None)
        for src, p in found.items()
    ]
    return Issue(
        _("显示为“—”的数字"),
        _(
            "比率的分母为零（没有可计算的记录），或“均为”所列的几项指标并不相同，"
            "或信访局设置中缺少地名用语（如所在省份简称），请管理员在“信访局”设置中补填。"
        ),
        len(found),
        items,
    )


def missing_references(report, values: dict[str, str]) -> Issue | None:
    """Reference figures (全省平均, 全省排名, 参考) the text uses but the bureau has not entered
    for the report's year (indicators.references)."""
    missing: dict[str, str] = {}
    for text in _texts(report):
        for p in placeholders(text):
            for key in p.keys:
                if references.is_reference_key(key) and key not in values:
                    missing.setdefault(key, p.source)
    if not missing:
        return None
    return Issue(
        _("尚未录入的参考数字"),
        _("正文引用了这些参考数字，但本年度尚未录入；请在“参考数字”页面录入数值和来源。"),
        len(missing),
        [
            (f"{describe(k)}（{src}）", reverse("indicators:references") + f"?year={report.year}")
            for k, src in missing.items()
        ],
    )


def _texts(report) -> list[str]:
    texts = [report.title, report.intro]
    for s in report.sections.prefetch_related("paragraphs"):
        texts.append(s.title)
        texts.extend(t for p in s.paragraphs.all() for t in (p.lead, p.text))
    return texts


def check(report, values: dict[str, str], today=None) -> list[Issue]:
    today = today or local_today()
    bureau, year = report.bureau, report.year
    issues = [
        overdue_cases(bureau, year, today),
        closed_without_outcome(bureau, year),
        resolved_without_date(bureau, year),
        silent_units(bureau, year),
        unknown_holidays(year, today),
        dashed_placeholders(report, values),
        missing_references(report, values),
    ]
    return [i for i in issues if i is not None]
