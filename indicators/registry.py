"""Every indicator of the annual report, declared once.

An indicator names a *source* (a set of records selected for a period) and the filters that pick
its numerator and denominator out of it. `indicators.compute` turns the whole registry into
figures with one grouped query per source; the drill-down list of a figure applies the very same
filters to the same source, so the number on a card is always the length of the list behind it
(for a sum, the records summed).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from cases.models import (
    AccountabilityAction,
    AccountablePerson,
    DisputeScreening,
    OrderCase,
    OrderPerson,
    OutreachEvent,
    PetitionCase,
    RoadmapPosting,
    Unit,
    Volunteer,
)


@dataclass(frozen=True)
class Period:
    """A closed date range and the day on which "passed" and "overdue" are judged."""

    start: datetime.date
    end: datetime.date
    as_of: datetime.date

    @classmethod
    def year(cls, year: int, *, as_of: datetime.date | None = None) -> Period:
        from cases.models.base import local_today, year_bounds

        start, end = year_bounds(year)
        return cls(start, end, as_of or local_today())

    def previous_year(self) -> Period:
        def shift(d: datetime.date) -> datetime.date:
            return d.replace(year=d.year - 1, day=28 if (d.month, d.day) == (2, 29) else d.day)

        return Period(shift(self.start), shift(self.end), self.as_of)


@dataclass(frozen=True)
class Source:
    """Records of one model that belong to a bureau and a period."""

    key: str
    model: type[models.Model]
    select: Callable[[int, Period], models.QuerySet]
    unit_field: str | None = None  # path to the responsible Unit, for the per-unit table
    admin_url_name: str | None = None  # admin changelist the drill-down rows link to
    month_field: str | None = None  # date whose month places a record in the monthly trends

    def queryset(self, bureau_id: int, period: Period) -> models.QuerySet:
        return self.select(bureau_id, period)


Filter = Q | Callable[[Period], Q]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    definition: str
    source: Source
    numerator: Filter
    denominator: Filter | None = None  # None: a count (or sum), not a rate
    sum_field: str | None = None  # a count that adds up this field instead of counting rows
    unit_label: str = "件"

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


def _dated(model, field, bureau_path="bureau"):
    def select(bureau_id: int, period: Period):
        return model.objects.filter(
            **{
                f"{bureau_path}_id": bureau_id,
                f"{field}__gte": period.start,
                f"{field}__lte": period.end,
            }
        )

    return select


CASES = Source(
    "cases",
    PetitionCase,
    _dated(PetitionCase, "received_on"),
    "responsible_unit",
    "cases_petitioncase",
    "received_on",
)
SCREENINGS = Source(
    "screenings",
    DisputeScreening,
    _dated(DisputeScreening, "found_on"),
    "unit",
    "cases_disputescreening",
    "found_on",
)
ACCOUNTABLE_PERSONS = Source(
    "accountable_persons",
    AccountablePerson,
    _dated(AccountablePerson, "action__decided_on", "action__bureau"),
    "action__unit",
    "cases_accountabilityaction",
)
ORDER_CASES = Source(
    "order_cases",
    OrderCase,
    _dated(OrderCase, "occurred_on"),
    None,
    "cases_ordercase",
    "occurred_on",
)
ORDER_PERSONS = Source(
    "order_persons",
    OrderPerson,
    _dated(OrderPerson, "case__occurred_on", "case__bureau"),
    None,
    "cases_ordercase",
)
OUTREACH = Source(
    "outreach",
    OutreachEvent,
    _dated(OutreachEvent, "held_on"),
    None,
    "cases_outreachevent",
    "held_on",
)


def _accountable_units(bureau_id: int, period: Period):
    actions = AccountabilityAction.objects.held_accountable().filter(
        unit=OuterRef("pk"),
        bureau_id=bureau_id,
        decided_on__gte=period.start,
        decided_on__lte=period.end,
    )
    return Unit.objects.filter(Exists(actions))


ACCOUNTABLE_UNITS = Source("accountable_units", Unit, _accountable_units, None, "cases_unit")
VOLUNTEERS = Source(
    "volunteers",
    Volunteer,
    lambda bureau_id, period: Volunteer.objects.filter(bureau_id=bureau_id).active_in_range(period.start, period.end),
    None,
    "cases_volunteer",
)
ROADMAP = Source(
    "roadmap",
    RoadmapPosting,
    lambda bureau_id, period: RoadmapPosting.objects.filter(bureau_id=bureau_id).filter(
        Q(posted_on__isnull=True) | Q(posted_on__lte=period.end)
    ),
    "unit",
    "cases_roadmapposting",
)

SOURCES = (
    CASES,
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
RATED = CLOSED & ~Q(satisfaction=C.Satisfaction.UNRATED)


# A 改进工作/完善政策 recommendation, or one not adopted, holds nobody accountable.
HELD_ACCOUNTABLE = Q(action__kind=AccountabilityAction.Kind.ACCOUNTABILITY, action__adopted=True)


def _bureau_due(period: Period) -> Q:
    return BUREAU_ACTED | Q(routing_due_on__lt=period.as_of)


def _unit_due(period: Period) -> Q:
    return ROUTED & (Q(unit_accepted_on__isnull=False) | Q(unit_acceptance_due_on__lt=period.as_of))


def _closure_due(period: Period) -> Q:
    return CLOSED | Q(handling_due_on__lt=period.as_of)


def _measure(measure: str) -> Q:
    return Q(measure=measure)


M = OrderPerson.Measure
K = OutreachEvent.Kind

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "timely_acceptance_rate",
        "及时受理率",
        "15日内转送交办或告知受理的事项 ÷ 已满15日或已转送受理的事项",
        CASES,
        Q(routed_on__lte=F("routing_due_on")) | Q(accepted_on__lte=F("routing_due_on")),
        _bureau_due,
    ),
    Indicator(
        "accurate_transfer_rate",
        "准确转交率",
        "转送交办后无成立异议的事项 ÷ 转送交办的事项",
        CASES,
        ROUTED & Q(objection_sustained=False),
        ROUTED,
    ),
    Indicator(
        "authority_timely_acceptance_rate",
        "有权处理机关（单位）及时受理率",
        "责任单位收到后15日内受理的转送交办事项 ÷ 已满15日或已受理的转送交办事项",
        CASES,
        ROUTED & Q(unit_accepted_on__lte=F("unit_acceptance_due_on")),
        _unit_due,
    ),
    Indicator(
        "on_time_closure_rate",
        "按期办结率",
        "在办理期限（60日加批准的延期）内办结的事项 ÷ 已办结及超期未办结的事项",
        CASES,
        CLOSED & Q(closed_on__lte=F("handling_due_on")),
        _closure_due,
    ),
    Indicator(
        "one_time_resolution_rate",
        "一次性化解率",
        "一次性化解（无复查复核、无重复信访）的办结事项 ÷ 办结事项",
        CASES,
        CLOSED & Q(resolved_first_time=True),
        CLOSED,
    ),
    Indicator(
        "initial_one_time_resolution_rate",
        "初次信访事项一次性化解率",
        "一次性化解的初次信访办结事项 ÷ 初次信访办结事项",
        CASES,
        CLOSED & Q(is_initial=True, resolved_first_time=True),
        CLOSED & Q(is_initial=True),
    ),
    Indicator(
        "legal_channel_cases",
        "导入法定途径处理件数",
        "依《信访工作条例》第三十一条第一至五项导入法定途径处理的事项",
        CASES,
        Q(handling_path=C.HandlingPath.LEGAL),
    ),
    Indicator("cases_received", "受理信访事项", "期内登记的信访事项", CASES, Q()),
    Indicator(
        "visit_batches",
        "来访批次",
        "期内来访登记的批次",
        CASES,
        Q(channel=C.Channel.VISIT),
        unit_label="批",
    ),
    Indicator(
        "visit_persons",
        "来访人次",
        "期内来访的人次（各批人数之和）",
        CASES,
        Q(channel=C.Channel.VISIT),
        sum_field="head_count",
        unit_label="人次",
    ),
    Indicator(
        "collective_visit_batches",
        "集体访批次",
        "5人及以上的来访批次",
        CASES,
        Q(channel=C.Channel.VISIT, head_count__gte=C.COLLECTIVE_HEAD_COUNT),
        unit_label="批",
    ),
    Indicator(
        "online_cases",
        "网上信访件数",
        "期内登记的网上信访事项",
        CASES,
        Q(channel=C.Channel.ONLINE),
    ),
    Indicator(
        "participation_rate",
        "参评率",
        "信访人作出满意度评价的办结事项 ÷ 办结事项",
        CASES,
        RATED,
        CLOSED,
    ),
    Indicator(
        "satisfaction_rate",
        "满意率",
        "评价为满意或基本满意的事项 ÷ 已评价的办结事项",
        CASES,
        RATED & Q(satisfaction__in=[C.Satisfaction.SATISFIED, C.Satisfaction.BASIC]),
        RATED,
    ),
    Indicator(
        "repeat_petition_rate",
        "重复信访率",
        "重复信访事项 ÷ 期内登记的全部事项",
        CASES,
        Q(is_initial=False),
        Q(),
    ),
    Indicator(
        "disputes_screened",
        "排查矛盾纠纷",
        "期内排查发现的矛盾纠纷",
        SCREENINGS,
        Q(),
        unit_label="起",
    ),
    Indicator(
        "disputes_resolved",
        "化解矛盾纠纷",
        "期内排查发现的矛盾纠纷中已化解的",
        SCREENINGS,
        Q(status=DisputeScreening.Status.RESOLVED),
        unit_label="起",
    ),
    Indicator(
        "dispute_resolution_rate",
        "矛盾纠纷化解率",
        "已化解的矛盾纠纷 ÷ 排查发现的矛盾纠纷",
        SCREENINGS,
        Q(status=DisputeScreening.Status.RESOLVED),
        Q(),
    ),
    Indicator(
        "accountability_units",
        "责任追究单位",
        "期内被采纳的追究责任建议涉及的不同单位",
        ACCOUNTABLE_UNITS,
        Q(),
        unit_label="个",
    ),
    Indicator(
        "accountability_persons",
        "责任追究责任人",
        "期内被采纳的追究责任建议中的责任人",
        ACCOUNTABLE_PERSONS,
        HELD_ACCOUNTABLE,
        unit_label="名",
    ),
    Indicator(
        "order_cases",
        "扰序案件",
        "期内处理的扰乱公共秩序案件",
        ORDER_CASES,
        Q(),
        unit_label="起",
    ),
    Indicator(
        "order_persons",
        "扰序处理人数",
        "期内扰序案件中依法处理的人员",
        ORDER_PERSONS,
        Q(),
        unit_label="人",
    ),
    Indicator(
        "order_warnings",
        "行政警告",
        "被处以警告的人员",
        ORDER_PERSONS,
        _measure(M.WARNING),
        unit_label="人",
    ),
    Indicator(
        "order_administrative_detentions",
        "行政拘留",
        "被处以行政拘留的人员",
        ORDER_PERSONS,
        _measure(M.ADMIN_DETENTION),
        unit_label="人",
    ),
    Indicator(
        "order_criminal_detentions",
        "刑事拘留",
        "被刑事拘留的人员",
        ORDER_PERSONS,
        _measure(M.CRIMINAL_DETENTION),
        unit_label="人",
    ),
    Indicator("volunteers", "普法志愿者", "期内在册的志愿者", VOLUNTEERS, Q(), unit_label="名"),
    Indicator(
        "volunteer_activities",
        "志愿服务活动",
        "期内开展的志愿服务活动",
        OUTREACH,
        Q(kind=K.VOLUNTEER),
        unit_label="次",
    ),
    Indicator(
        "training_sessions",
        "培训会等活动",
        "信访工作法治化培训会、《条例》进党校等活动",
        OUTREACH,
        Q(kind__in=[K.TRAINING, K.PARTY_SCHOOL]),
        unit_label="次",
    ),
    Indicator(
        "campaigns",
        "集中宣传活动",
        "信访法治化集中宣传活动",
        OUTREACH,
        Q(kind=K.CAMPAIGN),
        unit_label="场次",
    ),
    Indicator(
        "materials_distributed",
        "发放宣传资料",
        "各类活动发放的宣传资料份数之和",
        OUTREACH,
        Q(),
        sum_field="materials",
        unit_label="份",
    ),
    Indicator(
        "roadmap_units",
        "路线图导引图上墙乡镇（街道）",
        "“路线图”“导引图”均已上墙的乡镇（街道）",
        ROADMAP,
        Q(unit__kind=Unit.Kind.TOWNSHIP, roadmap_posted=True, guide_posted=True),
        unit_label="个",
    ),
)

BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}


def get(key: str) -> Indicator:
    return BY_KEY[key]
