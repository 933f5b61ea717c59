"""Every indicator of the annual report, declared once, with everything said about it.

An indicator names a *source* (a set of records selected for a period) and the filters that pick
its numerator and denominator out of it. `indicators.compute` turns the whole registry into
figures with one grouped query per source; the drill-down list of a figure applies the very same
filters to the same source, so the number on a card is always the length of the list behind it
(for a sum, the records summed).

The declarations here are the only list of indicators. The dashboard's cards (grouped by the
source's `section`, in the order below), its per-unit table (`per_unit`), its monthly trends
(`monthly`, one chart per source under its `trend_title`) and which way a rate should move
(`lower_is_better`); the drill-down list's columns and row links (the source's `columns`,
`select_related`, `link_path`, `admin_url_name`); the report's placeholders and Excel appendix;
`manage.py indicators`; the benchmark's raw scan of the cases (`devtools.bench.indicators`) — all read
them.

**Adding an indicator** touches this file and its tests. Add an `Indicator(...)` to `INDICATORS`
where it belongs (its place is its place on the dashboard, in the appendix and in the command's
output): key, label, definition, source and filters, and `per_unit=True`, `monthly="…"` or
`lower_is_better=True` if it belongs in the per-unit table or the trends, or is a rate where a
rise is bad news. A new kind of record needs a `Source` beside the others, listed in `SOURCES`:
its selection, dashboard section, drill-down columns and admin page. Then pin its figure on a
small ledger (tests/indicators/test_compute.py), give the drill-down fixture a record it counts
(`every_ledger` in tests/indicators/test_drilldown.py), and record the golden outputs again
(`UPDATE_GOLDEN=1 pytest tests/indicators/test_golden_outputs.py`): every page shows it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cases.models import (
    AccountabilityAction,
    AccountablePerson,
    BacklogEntry,
    DisputeScreening,
    OrderCase,
    OrderPerson,
    OutreachEvent,
    PetitionCase,
    RoadmapPosting,
    Unit,
    Volunteer,
)
from cases.models.base import local_today, year_bounds
from cases.models.petitions import WAITS_FOR


@dataclass(frozen=True)
class Period:
    """A closed date range and the day on which "passed" and "overdue" are judged."""

    start: datetime.date
    end: datetime.date
    as_of: datetime.date

    @classmethod
    def year(cls, year: int, *, as_of: datetime.date | None = None) -> Period:
        start, end = year_bounds(year)
        return cls(start, end, as_of or local_today())

    def previous_year(self) -> Period:
        def shift(d: datetime.date) -> datetime.date:
            return d.replace(year=d.year - 1, day=28 if (d.month, d.day) == (2, 29) else d.day)

        return Period(shift(self.start), shift(self.end), self.as_of)


@dataclass(frozen=True)
class Column:
    """A column of a drill-down list."""

    label: str
    path: str  # attribute path on the record, "__"-separated; a get_*_display method is called
    width: int | None = None  # long text is cut to this many characters


# eq=False: a source is one declared object, equal only to itself (compute() groups indicators
# by it); hashing its fields, lazy labels and callables among them, would say nothing more.
@dataclass(frozen=True, kw_only=True, eq=False)
class Source:
    """Records of one model that belong to a bureau and a period, and how the dashboard and the
    drill-down list present them."""

    key: str
    model: type[models.Model]
    select: Callable[[list[int], Period], models.QuerySet]  # the records of these bureaus in the period
    section: str  # title of the dashboard section its indicators' cards are in
    columns: tuple[Column, ...]  # of the drill-down list of its records
    select_related: tuple[str, ...] = ()  # what the columns read through foreign keys
    link_path: str = "pk"  # the pk of the record whose admin page a row opens
    admin_url_name: str | None = None  # admin change page the drill-down rows link to
    page_url_name: str | None = None  # the record's own page, linked instead where there is one
    unit_field: str | None = None  # path to the responsible Unit, for the per-unit table
    month_field: str | None = None  # date whose month places a record in the monthly trends
    trend_title: str = ""  # title of the monthly chart of its indicators marked `monthly`
    bureau_field: str = "bureau"  # path to the record's Bureau, to group a roll-up by bureau
    # Dates the figures compare with the day they are judged on (`Period.as_of`: a deadline passed
    # or not), each with the condition under which a record still waits for it: only such a record,
    # with its date between two days, counts differently on the one than on the other
    # (indicators.store rolls a stored year from day to day by those records alone).
    waits_for: tuple[tuple[str, Q], ...] = ()

    def queryset(self, bureau_id: int, period: Period) -> models.QuerySet:
        return self.select([bureau_id], period)

    def queryset_of(self, bureau_ids: list[int], period: Period) -> models.QuerySet:
        """The records of several bureaus (a roll-up): grouped by `bureau_field`, never listed."""
        return self.select(list(bureau_ids), period)


Filter = Q | Callable[[Period], Q]


@dataclass(frozen=True, kw_only=True)
class Indicator:
    key: str
    label: str
    definition: str
    source: Source
    numerator: Filter
    denominator: Filter | None = None  # None: a count (or sum), not a rate
    sum_field: str | None = None  # a count that adds up this field instead of counting rows
    unit_label: str = "件"
    lower_is_better: bool = False  # a rate where a rise is bad news (the dashboard marks it worse)
    per_unit: bool = False  # a column of the table of townships and departments (counts before rates)
    monthly: str = ""  # its series in its source's monthly trend chart ("排查"); "" for none
    extra_columns: tuple[Column, ...] = ()  # drill-down columns of this indicator only

    @property
    def columns(self) -> tuple[Column, ...]:
        """The drill-down list's columns: its source's, then its own."""
        return (*self.source.columns, *self.extra_columns)

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None

    def numerator_q(self, period: Period) -> Q:
        return _resolve(self.numerator, period)

    def denominator_q(self, period: Period) -> Q:
        return _resolve(self.denominator, period) if self.denominator is not None else Q()

    def records(
        self,
        bureau_id: int,
        period: Period,
        part: str = "numerator",
        unit_id: int | None = None,
    ):
        """The records behind the figure: the same source and filters as the aggregate."""
        qs = self.source.queryset(bureau_id, period)
        if unit_id is not None and self.source.unit_field:
            qs = qs.filter(**{f"{self.source.unit_field}_id": unit_id})
        if part == "denominator":
            return qs.filter(self.denominator_q(period))
        if part == "numerator":
            return qs.filter(self.numerator_q(period))
        raise ValueError(part)


def _resolve(f: Filter, period: Period) -> Q:
    return f(period) if callable(f) else f


# Sources -------------------------------------------------------------------------------------

# The dashboard's sections; it shows them in the order their first indicator has below.
PETITIONS_SECTION = _("信访事项办理")
DISPUTES_SECTION = _("矛盾纠纷排查化解")
ACCOUNTABILITY_SECTION = _("责任追究")
ORDER_SECTION = _("扰序案件处理")
OUTREACH_SECTION = _("普法宣传")


def _of_bureaus(bureau_path: str, bureau_ids: list[int]) -> dict:
    """The filter on the records' bureau: an equality for one bureau (the usual case, which the
    indexes on (bureau, date) serve best), IN for a roll-up."""
    if len(bureau_ids) == 1:
        return {f"{bureau_path}_id": bureau_ids[0]}
    return {f"{bureau_path}_id__in": bureau_ids}


def _dated(model, field, bureau_path="bureau"):
    def select(bureau_ids: list[int], period: Period):
        return model.objects.filter(
            **_of_bureaus(bureau_path, bureau_ids),
            **{f"{field}__gte": period.start, f"{field}__lte": period.end},
        )

    return select


CASES = Source(
    key="cases",
    model=PetitionCase,
    select=_dated(PetitionCase, "received_on"),
    section=PETITIONS_SECTION,
    columns=(
        Column(_("信访件编号"), "number"),
        Column(_("登记日期"), "received_on"),
        Column(_("信访形式"), "get_channel_display"),
        Column(_("信访人"), "petitioner_name"),
        Column(_("人数"), "head_count"),
        Column(_("责任单位"), "responsible_unit"),
        Column(_("转送交办日期"), "routed_on"),
        Column(_("办结日期"), "closed_on"),
        Column(_("办理期限"), "handling_due_on"),
    ),
    select_related=("responsible_unit",),
    admin_url_name="cases_petitioncase",
    page_url_name="casework:case",
    unit_field="responsible_unit",
    month_field="received_on",
    trend_title=_("各月受理信访事项"),
    # The deadlines of _bureau_due, _unit_due and _closure_due below, while their stage is undone.
    waits_for=tuple((field, waits) for field, waits, _index in WAITS_FOR),
)
SCREENINGS = Source(
    key="screenings",
    model=DisputeScreening,
    select=_dated(DisputeScreening, "found_on"),
    section=DISPUTES_SECTION,
    columns=(
        Column(_("排查日期"), "found_on"),
        Column(_("乡镇（街道）"), "unit"),
        Column(_("纠纷类型"), "kind"),
        Column(_("化解状态"), "get_status_display"),
        Column(_("化解日期"), "resolved_on"),
    ),
    select_related=("unit",),
    admin_url_name="cases_disputescreening",
    unit_field="unit",
    month_field="found_on",
    trend_title=_("各月矛盾纠纷排查与化解"),
)
ACCOUNTABLE_PERSONS = Source(
    key="accountable_persons",
    model=AccountablePerson,
    select=_dated(AccountablePerson, "action__decided_on", "action__bureau"),
    section=ACCOUNTABILITY_SECTION,
    columns=(
        Column(_("姓名"), "name"),
        Column(_("职务"), "position"),
        Column(_("处理方式"), "measure"),
        Column(_("追责日期"), "action__decided_on"),
        Column(_("被追责单位"), "action__unit"),
    ),
    select_related=("action__unit",),
    link_path="action_id",
    admin_url_name="cases_accountabilityaction",
    unit_field="action__unit",
    bureau_field="action__bureau",
)
ORDER_CASES = Source(
    key="order_cases",
    model=OrderCase,
    select=_dated(OrderCase, "occurred_on"),
    section=ORDER_SECTION,
    columns=(
        Column(_("发生日期"), "occurred_on"),
        Column(_("地点"), "place"),
        Column(_("违法行为"), "conduct", width=60),
    ),
    admin_url_name="cases_ordercase",
    month_field="occurred_on",
)
ORDER_PERSONS = Source(
    key="order_persons",
    model=OrderPerson,
    select=_dated(OrderPerson, "case__occurred_on", "case__bureau"),
    section=ORDER_SECTION,
    columns=(
        Column(_("姓名"), "name"),
        Column(_("处理措施"), "get_measure_display"),
        Column(_("发生日期"), "case__occurred_on"),
        Column(_("地点"), "case__place"),
    ),
    select_related=("case",),
    link_path="case_id",
    admin_url_name="cases_ordercase",
    bureau_field="case__bureau",
)
OUTREACH = Source(
    key="outreach",
    model=OutreachEvent,
    select=_dated(OutreachEvent, "held_on"),
    section=OUTREACH_SECTION,
    columns=(
        Column(_("日期"), "held_on"),
        Column(_("活动类型"), "get_kind_display"),
        Column(_("活动名称"), "title", width=40),
        Column(_("地点"), "place"),
        Column(_("参加人数"), "participants"),
        Column(_("发放资料（份）"), "materials"),
    ),
    admin_url_name="cases_outreachevent",
    month_field="held_on",
)


def _accountable_units(bureau_ids: list[int], period: Period):
    actions = AccountabilityAction.objects.held_accountable().filter(
        **_of_bureaus("bureau", bureau_ids),
        unit=OuterRef("pk"),
        decided_on__gte=period.start,
        decided_on__lte=period.end,
    )
    return Unit.objects.filter(Exists(actions))


ACCOUNTABLE_UNITS = Source(
    key="accountable_units",
    model=Unit,
    select=_accountable_units,
    section=ACCOUNTABILITY_SECTION,
    columns=(Column(_("单位"), "name"), Column(_("类别"), "get_kind_display")),
    admin_url_name="cases_unit",
)
VOLUNTEERS = Source(
    key="volunteers",
    model=Volunteer,
    select=lambda bureau_ids, period: Volunteer.objects.filter(**_of_bureaus("bureau", bureau_ids)).active_in_range(
        period.start, period.end
    ),
    section=OUTREACH_SECTION,
    columns=(
        Column(_("姓名"), "name"),
        Column(_("加入日期"), "joined_on"),
        Column(_("退出日期"), "left_on"),
    ),
    admin_url_name="cases_volunteer",
)
ROADMAP = Source(
    key="roadmap",
    model=RoadmapPosting,
    select=lambda bureau_ids, period: RoadmapPosting.objects.filter(**_of_bureaus("bureau", bureau_ids)).filter(
        Q(posted_on__isnull=True) | Q(posted_on__lte=period.end)
    ),
    section=OUTREACH_SECTION,
    columns=(
        Column(_("单位"), "unit"),
        Column(_("路线图已上墙"), "roadmap_posted"),
        Column(_("导引图已上墙"), "guide_posted"),
        Column(_("上墙日期"), "posted_on"),
    ),
    select_related=("unit",),
    admin_url_name="cases_roadmapposting",
    unit_field="unit",
)


def _backlog(bureau_ids: list[int], period: Period):
    """The 积案 entries on the list at some time in the period: listed by its end, not resolved
    before its start; neither the entry nor its case voided."""
    return BacklogEntry.objects.filter(
        Q(resolved_on__isnull=True) | Q(resolved_on__gte=period.start),
        **_of_bureaus("bureau", bureau_ids),
        listed_on__lte=period.end,
        case__voided_at__isnull=True,
    )


BACKLOG = Source(
    key="backlog",
    model=BacklogEntry,
    select=_backlog,
    section=PETITIONS_SECTION,
    columns=(
        Column(_("信访件编号"), "case__number"),
        Column(_("信访人"), "case__petitioner_name"),
        Column(_("责任单位"), "case__responsible_unit"),
        Column(_("列入积案日期"), "listed_on"),
        Column(_("化解日期"), "resolved_on"),
        Column(_("说明"), "note", width=40),
    ),
    select_related=("case__responsible_unit",),
    link_path="case_id",
    admin_url_name="cases_petitioncase",
    page_url_name="casework:case",
    unit_field="case__responsible_unit",
)

SOURCES = (
    CASES,
    BACKLOG,
    SCREENINGS,
    ACCOUNTABLE_UNITS,
    ACCOUNTABLE_PERSONS,
    ORDER_CASES,
    ORDER_PERSONS,
    OUTREACH,
    VOLUNTEERS,
    ROADMAP,
)

# Filters on petition cases -------------------------------------------------------------------

C = PetitionCase
ROUTED = Q(routing__in=[C.Routing.TRANSFER, C.Routing.ASSIGN], routed_on__isnull=False)
BUREAU_ACTED = Q(routed_on__isnull=False) | Q(accepted_on__isnull=False)
CLOSED = Q(closed_on__isnull=False)

# 初次/重复信访 and 一次性化解 as cases.repeats derives them; written into the three indicators'
# definitions, and their drill-down lists show a clerk's overrides with the reason.
REPEAT_RULE = (
    "同一事项指同一信访人（信访人档案相同或身份证号相同）就同一问题领域、同一责任单位提出的信访事项；"
    "在本局设定的认定期间内（默认365日）此前已有同一事项的为重复信访，否则为初次信访；"
    "一次性化解指已办结、未申请复查复核、且认定期间内此后无同一事项再次信访。"
    "登记员可填写理由改定，改定及理由见明细列表和修改记录。"
)
OVERRIDE_COLUMNS = (Column(_("人工改定及理由"), "override_note"),)
RATED = CLOSED & ~Q(satisfaction=C.Satisfaction.UNRATED)


# A 改进工作/完善政策 recommendation, or one not adopted, holds nobody accountable.
HELD_ACCOUNTABLE = Q(action__kind=AccountabilityAction.Kind.ACCOUNTABILITY, action__adopted=True)


def _bureau_due(period: Period) -> Q:
    return BUREAU_ACTED | Q(routing_due_on__lt=period.as_of)


def _unit_due(period: Period) -> Q:
    return ROUTED & (Q(unit_accepted_on__isnull=False) | Q(unit_acceptance_due_on__lt=period.as_of))


def _closure_due(period: Period) -> Q:
    return CLOSED | Q(handling_due_on__lt=period.as_of)


# 按期答复: the responsible unit's 答复 (信访处理意见书, Art. 32) given within the handling time of
# Art. 34 (60 days from its 受理, plus an approved extension of at most 30): `handling_due_on`, the
# deadline the case's page shows. A case counts in the year it was received, as every figure of
# the petition ledger does (its drill-down, per-unit column and stored years are the ledger's).
REPLIED = ROUTED & Q(unit_replied_on__isnull=False, handling_due_on__isnull=False)


def _reply_due(period: Period) -> Q:
    # An open case with no reply whose deadline has passed counts against the rate; a case
    # closed without a recorded reply (old ledgers) is not judged. Only open cases depend on the
    # day (Source.waits_for: handling_due_on while not closed).
    waiting = ROUTED & Q(unit_replied_on__isnull=True, closed_on__isnull=True, handling_due_on__lt=period.as_of)
    return REPLIED | waiting


def _measure(measure: str) -> Q:
    return Q(measure=measure)


def _assigned(source: str, prefix: str, name: str) -> tuple[Indicator, Indicator]:
    """The cases of one source other than the bureau's own (交办 from above, 包联), as bureaus
    report them ("中省交办26件、市交办24件、包联5件，化解率100%"): how many were received, and
    their 化解率 in the sense of 一次性化解率 — closed in one pass (no 复查/复核, no repeat
    petition) ÷ closed."""
    of_source = Q(source=source)
    return (
        Indicator(
            key=f"{prefix}_cases",
            label=name,
            definition=f"期内登记的来源为“{C.Source(source).label}”的信访事项",
            source=CASES,
            numerator=of_source,
        ),
        Indicator(
            key=f"{prefix}_resolution_rate",
            label=f"{name}化解率",
            definition=f"一次性化解（无复查复核、无重复信访）的{name}办结事项 ÷ {name}办结事项",
            source=CASES,
            numerator=of_source & CLOSED & Q(resolved_first_time=True),
            denominator=of_source & CLOSED,
        ),
    )


# 信访积案: the bureau's list (cases.models.BacklogEntry), as bureaus publish it ("存量231件，已化解
# 130件；增量64件，已化解39件"): 存量 on the list at the start of the year, 增量 listed in the year.
BACKLOG_RULE = (
    "信访积案指本局列入积案名单的长期未化解信访事项（多为多年重复信访），以名单的列入日期和化解（销号）日期为准；"
)


def _stock(period: Period) -> Q:
    return Q(listed_on__lt=period.start)


def _added(period: Period) -> Q:
    return Q(listed_on__gte=period.start)


def _resolved_in(period: Period) -> Q:
    return Q(resolved_on__gte=period.start, resolved_on__lte=period.end)


def _backlog_indicators() -> tuple[Indicator, ...]:
    return (
        Indicator(
            key="backlog_stock",
            label="信访积案存量",
            definition=BACKLOG_RULE + "存量为期初（1月1日前列入、尚未化解）在名单上的积案",
            source=BACKLOG,
            numerator=_stock,
        ),
        Indicator(
            key="backlog_stock_resolved",
            label="存量积案已化解",
            definition=BACKLOG_RULE + "存量积案中期内化解（销号）的",
            source=BACKLOG,
            numerator=lambda period: _stock(period) & _resolved_in(period),
        ),
        Indicator(
            key="backlog_added",
            label="信访积案增量",
            definition=BACKLOG_RULE + "增量为期内新列入名单的积案",
            source=BACKLOG,
            numerator=_added,
        ),
        Indicator(
            key="backlog_added_resolved",
            label="增量积案已化解",
            definition=BACKLOG_RULE + "期内新列入的积案中期内已化解（销号）的",
            source=BACKLOG,
            numerator=lambda period: _added(period) & _resolved_in(period),
        ),
    )


M = OrderPerson.Measure
K = OutreachEvent.Kind

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        key="timely_acceptance_rate",
        label="及时受理率",
        definition="15日内转送交办或告知受理的事项 ÷ 已满15日或已转送受理的事项",
        source=CASES,
        numerator=Q(routed_on__lte=F("routing_due_on")) | Q(accepted_on__lte=F("routing_due_on")),
        denominator=_bureau_due,
        per_unit=True,
    ),
    Indicator(
        key="accurate_transfer_rate",
        label="准确转交率",
        definition="转送交办后无成立异议的事项 ÷ 转送交办的事项",
        source=CASES,
        numerator=ROUTED & Q(objection_sustained=False),
        denominator=ROUTED,
    ),
    Indicator(
        key="authority_timely_acceptance_rate",
        label="有权处理机关（单位）及时受理率",
        definition="责任单位收到后15日内受理的转送交办事项 ÷ 已满15日或已受理的转送交办事项",
        source=CASES,
        numerator=ROUTED & Q(unit_accepted_on__lte=F("unit_acceptance_due_on")),
        denominator=_unit_due,
    ),
    Indicator(
        key="on_time_closure_rate",
        label="按期办结率",
        definition="在办理期限（60日加批准的延期）内办结的事项 ÷ 已办结及超期未办结的事项",
        source=CASES,
        numerator=CLOSED & Q(closed_on__lte=F("handling_due_on")),
        denominator=_closure_due,
        per_unit=True,
    ),
    Indicator(
        key="on_time_reply_rate",
        label="按期答复率",
        definition=(
            "责任单位在办理期限（自受理之日起60日，加批准的延期，《信访工作条例》第三十四条）内"
            "作出答复（出具信访处理意见书）的转送交办事项 ÷ 已答复及期限已过仍未答复的转送交办事项；"
            "按登记日期计入年度，与按期办结率等指标为同一批事项"
        ),
        source=CASES,
        numerator=REPLIED & Q(unit_replied_on__lte=F("handling_due_on")),
        denominator=_reply_due,
        per_unit=True,
        extra_columns=(Column(_("责任单位答复日期"), "unit_replied_on"),),
    ),
    Indicator(
        key="one_time_resolution_rate",
        label="一次性化解率",
        definition="一次性化解的办结事项 ÷ 办结事项。" + REPEAT_RULE,
        source=CASES,
        numerator=CLOSED & Q(resolved_first_time=True),
        denominator=CLOSED,
        per_unit=True,
        extra_columns=OVERRIDE_COLUMNS,
    ),
    Indicator(
        key="initial_one_time_resolution_rate",
        label="初次信访事项一次性化解率",
        definition="一次性化解的初次信访办结事项 ÷ 初次信访办结事项。" + REPEAT_RULE,
        source=CASES,
        numerator=CLOSED & Q(is_initial=True, resolved_first_time=True),
        denominator=CLOSED & Q(is_initial=True),
        extra_columns=OVERRIDE_COLUMNS,
    ),
    Indicator(
        key="legal_channel_cases",
        label="导入法定途径处理件数",
        definition="依《信访工作条例》第三十一条第一至五项导入法定途径处理的事项",
        source=CASES,
        numerator=Q(handling_path=C.HandlingPath.LEGAL),
    ),
    Indicator(
        key="cases_received",
        label="受理信访事项",
        definition="期内登记的信访事项",
        source=CASES,
        numerator=Q(),
        per_unit=True,
        monthly=_("受理"),
    ),
    Indicator(
        key="visit_batches",
        label="来访批次",
        definition="期内来访登记的批次",
        source=CASES,
        numerator=Q(channel=C.Channel.VISIT),
        unit_label="批",
    ),
    Indicator(
        key="visit_persons",
        label="来访人次",
        definition="期内来访的人次（各批人数之和）",
        source=CASES,
        numerator=Q(channel=C.Channel.VISIT),
        sum_field="head_count",
        unit_label="人次",
    ),
    Indicator(
        key="collective_visit_batches",
        label="集体访批次",
        definition="5人及以上的来访批次",
        source=CASES,
        numerator=Q(channel=C.Channel.VISIT, head_count__gte=C.COLLECTIVE_HEAD_COUNT),
        unit_label="批",
    ),
    Indicator(
        key="collective_visit_persons",
        label="集体访人次",
        definition="5人及以上的来访批次的人次（各批人数之和）",
        source=CASES,
        numerator=Q(channel=C.Channel.VISIT, head_count__gte=C.COLLECTIVE_HEAD_COUNT),
        sum_field="head_count",
        unit_label="人次",
    ),
    Indicator(
        key="individual_visit_batches",
        label="个访批次",
        definition="4人及以下的来访批次（来访批次中除集体访以外的）",
        source=CASES,
        numerator=Q(channel=C.Channel.VISIT, head_count__lt=C.COLLECTIVE_HEAD_COUNT),
        unit_label="批",
    ),
    Indicator(
        key="individual_visit_persons",
        label="个访人次",
        definition="4人及以下的来访批次的人次（各批人数之和）",
        source=CASES,
        numerator=Q(channel=C.Channel.VISIT, head_count__lt=C.COLLECTIVE_HEAD_COUNT),
        sum_field="head_count",
        unit_label="人次",
    ),
    Indicator(
        key="initial_cases",
        label="初次信访件数",
        definition="期内登记的初次信访事项（此前认定期间内没有同一事项的）",
        source=CASES,
        numerator=Q(is_initial=True),
    ),
    Indicator(
        key="online_cases",
        label="网上信访件数",
        definition="期内登记的网上信访事项",
        source=CASES,
        numerator=Q(channel=C.Channel.ONLINE),
    ),
    Indicator(
        key="participation_rate",
        label="参评率",
        definition="信访人作出满意度评价的办结事项 ÷ 办结事项",
        source=CASES,
        numerator=RATED,
        denominator=CLOSED,
    ),
    Indicator(
        key="satisfaction_rate",
        label="满意率",
        definition="评价为满意或基本满意的事项 ÷ 已评价的办结事项",
        source=CASES,
        numerator=RATED & Q(satisfaction__in=[C.Satisfaction.SATISFIED, C.Satisfaction.BASIC]),
        denominator=RATED,
        per_unit=True,
    ),
    Indicator(
        key="repeat_petition_rate",
        label="重复信访率",
        definition="重复信访事项 ÷ 期内登记的全部事项。" + REPEAT_RULE,
        source=CASES,
        numerator=Q(is_initial=False),
        denominator=Q(),
        lower_is_better=True,
        extra_columns=OVERRIDE_COLUMNS,
    ),
    *_assigned(C.Source.ABOVE, "assigned_above", "中央/省交办件"),
    *_assigned(C.Source.CITY, "assigned_city", "市交办件"),
    *_assigned(C.Source.BAOLIAN, "baolian", "包联件"),
    *_backlog_indicators(),
    Indicator(
        key="disputes_screened",
        label="排查矛盾纠纷",
        definition="期内排查发现的矛盾纠纷",
        source=SCREENINGS,
        numerator=Q(),
        unit_label="起",
        monthly=_("排查"),
    ),
    Indicator(
        key="disputes_resolved",
        label="化解矛盾纠纷",
        definition="期内排查发现的矛盾纠纷中已化解的",
        source=SCREENINGS,
        numerator=Q(status=DisputeScreening.Status.RESOLVED),
        unit_label="起",
        monthly=_("化解"),
    ),
    Indicator(
        key="dispute_resolution_rate",
        label="矛盾纠纷化解率",
        definition="已化解的矛盾纠纷 ÷ 排查发现的矛盾纠纷",
        source=SCREENINGS,
        numerator=Q(status=DisputeScreening.Status.RESOLVED),
        denominator=Q(),
        per_unit=True,
    ),
    Indicator(
        key="accountability_units",
        label="责任追究单位",
        definition="期内被采纳的追究责任建议涉及的不同单位",
        source=ACCOUNTABLE_UNITS,
        numerator=Q(),
        unit_label="个",
    ),
    Indicator(
        key="accountability_persons",
        label="责任追究责任人",
        definition="期内被采纳的追究责任建议中的责任人",
        source=ACCOUNTABLE_PERSONS,
        numerator=HELD_ACCOUNTABLE,
        unit_label="名",
    ),
    Indicator(
        key="order_cases",
        label="扰序案件",
        definition="期内处理的扰乱公共秩序案件",
        source=ORDER_CASES,
        numerator=Q(),
        unit_label="起",
    ),
    Indicator(
        key="order_persons",
        label="扰序处理人数",
        definition="期内扰序案件中依法处理的人员",
        source=ORDER_PERSONS,
        numerator=Q(),
        unit_label="人",
    ),
    Indicator(
        key="order_warnings",
        label="行政警告",
        definition="被处以警告的人员",
        source=ORDER_PERSONS,
        numerator=_measure(M.WARNING),
        unit_label="人",
    ),
    Indicator(
        key="order_administrative_detentions",
        label="行政拘留",
        definition="被处以行政拘留的人员",
        source=ORDER_PERSONS,
        numerator=_measure(M.ADMIN_DETENTION),
        unit_label="人",
    ),
    Indicator(
        key="order_criminal_detentions",
        label="刑事拘留",
        definition="被刑事拘留的人员",
        source=ORDER_PERSONS,
        numerator=_measure(M.CRIMINAL_DETENTION),
        unit_label="人",
    ),
    Indicator(
        key="volunteers",
        label="普法志愿者",
        definition="期内在册的志愿者",
        source=VOLUNTEERS,
        numerator=Q(),
        unit_label="名",
    ),
    Indicator(
        key="volunteer_activities",
        label="志愿服务活动",
        definition="期内开展的志愿服务活动",
        source=OUTREACH,
        numerator=Q(kind=K.VOLUNTEER),
        unit_label="次",
    ),
    Indicator(
        key="training_sessions",
        label="培训会等活动",
        definition="信访工作法治化培训会、《条例》进党校等活动",
        source=OUTREACH,
        numerator=Q(kind__in=[K.TRAINING, K.PARTY_SCHOOL]),
        unit_label="次",
    ),
    Indicator(
        key="campaigns",
        label="集中宣传活动",
        definition="信访法治化集中宣传活动",
        source=OUTREACH,
        numerator=Q(kind=K.CAMPAIGN),
        unit_label="场次",
    ),
    Indicator(
        key="materials_distributed",
        label="发放宣传资料",
        definition="各类活动发放的宣传资料份数之和",
        source=OUTREACH,
        numerator=Q(),
        sum_field="materials",
        unit_label="份",
    ),
    Indicator(
        key="roadmap_units",
        label="路线图导引图上墙乡镇（街道）",
        definition="“路线图”“导引图”均已上墙的乡镇（街道）",
        source=ROADMAP,
        numerator=Q(unit__kind=Unit.Kind.TOWNSHIP, roadmap_posted=True, guide_posted=True),
        unit_label="个",
    ),
)

BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}


def get(key: str) -> Indicator:
    return BY_KEY[key]
