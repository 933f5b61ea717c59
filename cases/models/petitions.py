import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce, Least, NullIf
from django.utils.translation import gettext_lazy as _

from cases import deadlines
from cases.scoping import scoped_manager
from cases.validators import validate_id_number, validate_phone

from .base import Record, YearQuerySet, local_today


class PetitionCaseQuerySet(YearQuerySet):
    year_field = "received_on"

    def open(self):
        return self.filter(closed_on__isnull=True)

    def closed(self):
        return self.filter(closed_on__isnull=False)

    def overdue(self, today: datetime.date):
        """Items with a stage not done whose due date has passed: an open item's routing,
        acceptance or handling, or a closed item's 复查/复核 decision."""
        return self.filter(next_due_on__lt=today)

    def due_soon(self, today: datetime.date, cutoff: datetime.date):
        """Items not overdue with a pending stage due between today and `cutoff`."""
        return self.filter(next_due_on__gte=today, next_due_on__lte=cutoff)


# A date after every real deadline, standing for "no pending stage" inside next_due_on's
# expression (LEAST is MIN on SQLite, which is NULL if any argument is).
_NO_DEADLINE = datetime.date(9999, 12, 31)


def _earliest_pending_due():
    """The due date of the earliest stage not yet done. Review (复查) and re-review (复核) happen
    after closing, so they are the stages that still count on a closed item; the others count
    while the item is open."""
    open_item = Q(closed_on__isnull=True)
    pending = [
        (open_item & Q(routed_on__isnull=True, accepted_on__isnull=True), "routing_due_on"),
        (open_item & Q(unit_accepted_on__isnull=True), "unit_acceptance_due_on"),
        (open_item, "handling_due_on"),
        (Q(review_decided_on__isnull=True), "review_due_on"),
        (Q(recheck_decided_on__isnull=True), "recheck_due_on"),
    ]
    dates = [
        Coalesce(
            Case(When(condition, then=F(field)), default=Value(None), output_field=models.DateField()),
            Value(_NO_DEADLINE),
        )
        for condition, field in pending
    ]
    return NullIf(Least(*dates), Value(_NO_DEADLINE))


# The deadlines the figures judge against a day (indicators.registry: a stage overdue or not), each
# with the condition under which a case still waits for it (its stage undone) and the name of the
# index of the cases waiting for it: only those cases, their deadline between two days, count
# differently on the one than on the other (indicators.store rolls a stored year by them alone).
WAITS_FOR = (
    ("routing_due_on", Q(routed_on__isnull=True, accepted_on__isnull=True), "case_waits_routing"),
    ("unit_acceptance_due_on", Q(routed_on__isnull=False, unit_accepted_on__isnull=True), "case_waits_unit"),
    ("handling_due_on", Q(closed_on__isnull=True), "case_waits_handling"),
)


class PetitionCase(Record):
    """One petition item (信访事项) through its whole life under the 信访工作条例 (2022)."""

    class Channel(models.TextChoices):
        LETTER = "letter", _("来信")
        VISIT = "visit", _("来访")
        ONLINE = "online", _("网上信访")
        PHONE = "phone", _("电话")

    class Category(models.TextChoices):
        SUGGESTION = "suggestion", _("建议意见类")
        COMPLAINT = "complaint", _("检举控告类")
        CLAIM = "claim", _("申诉求决类")

    class Routing(models.TextChoices):
        NONE = "", _("未转交")
        TRANSFER = "transfer", _("转送")
        ASSIGN = "assign", _("交办")
        DIRECT = "direct", _("本机关直接受理")

    class Source(models.TextChoices):
        LOCAL = "local", _("本级受理")
        ABOVE = "above", _("中央/省交办")
        CITY = "city", _("市交办")
        BAOLIAN = "baolian", _("包联")

    class HandlingPath(models.TextChoices):
        PETITION = "petition", _("信访程序办理")
        LEGAL = "legal", _("导入法定途径")
        LITIGATION = "litigation", _("诉访分离（政法部门）")

    class Outcome(models.TextChoices):
        NONE = "", _("—")
        SUPPORT = "support", _("支持")
        EXPLAIN = "explain", _("解释说明")
        REJECT = "reject", _("不予支持")
        MEDIATION = "mediation", _("调解")
        SETTLEMENT = "settlement", _("和解")

    class Review(models.TextChoices):
        NONE = "", _("无")
        REVIEW = "review", _("复查")
        RECHECK = "recheck", _("复核")

    class Satisfaction(models.TextChoices):
        UNRATED = "", _("未评价")
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    COLLECTIVE_HEAD_COUNT = 5  # 集体访: five or more people

    number = models.CharField(_("信访件编号"), max_length=40)
    received_on = models.DateField(_("登记日期"))
    channel = models.CharField(_("信访形式"), max_length=10, choices=Channel.choices)
    petitioner = models.ForeignKey(
        "cases.Petitioner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        db_index=False,  # case_petitioner_received leads with it
        verbose_name=_("信访人档案"),
        help_text=_("登记时选定的信访人；历史和导入的事项可为空"),
    )
    petitioner_name = models.CharField(_("信访人"), max_length=200, help_text=_("多人以“、”分隔"))
    petitioner_id_number = models.CharField(_("身份证号"), max_length=18, blank=True, validators=[validate_id_number])
    petitioner_phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    head_count = models.PositiveSmallIntegerField(
        _("人数"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    is_initial = models.BooleanField(_("初次信访"), default=True)
    initial_override_reason = models.CharField(
        _("初次/重复认定改定理由"),
        max_length=200,
        blank=True,
        help_text=_("填写后“初次信访”以登记员所选为准，不再由系统按信访史认定"),
    )
    category = models.CharField(_("诉求类型"), max_length=12, choices=Category.choices)
    subject_area = models.CharField(_("问题领域"), max_length=30, blank=True)
    summary = models.TextField(_("主要诉求"), blank=True, max_length=4000)
    responsible_unit = models.ForeignKey(
        "cases.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("责任单位"),
    )

    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.LOCAL)
    assigned_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("上级交办件"),
        help_text=_("上级信访局交办本局的原件"),
    )
    routing = models.CharField(_("转交方式"), max_length=10, choices=Routing.choices, blank=True, default="")
    routed_on = models.DateField(_("转送交办日期"), null=True, blank=True)
    objection_on = models.DateField(
        _("异议提出日期"),
        null=True,
        blank=True,
        help_text=_("责任单位认为不属其职责的异议"),
    )
    objection_sustained = models.BooleanField(_("转送异议成立"), default=False)
    accepted_on = models.DateField(
        _("受理告知日期"),
        null=True,
        blank=True,
        help_text=_("本机关告知信访人受理的日期"),
    )
    unit_accepted_on = models.DateField(_("责任单位受理日期"), null=True, blank=True)
    unit_replied_on = models.DateField(_("责任单位答复日期"), null=True, blank=True)
    unit_reply = models.TextField(_("处理意见"), blank=True, max_length=4000)

    handling_path = models.CharField(
        _("处理途径"),
        max_length=12,
        choices=HandlingPath.choices,
        default=HandlingPath.PETITION,
    )
    extension_days = models.PositiveSmallIntegerField(
        _("延期天数"),
        default=0,
        validators=[MaxValueValidator(30, _("延期不得超过30日（《信访工作条例》第三十四条）。"))],
    )
    extension_approved = models.BooleanField(_("延期已批准"), default=False)
    extension_approved_on = models.DateField(_("延期批准日期"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=500, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=12, choices=Outcome.choices, blank=True, default="")
    resolved_first_time = models.BooleanField(_("一次性化解"), default=False)
    resolution_override_reason = models.CharField(
        _("一次性化解改定理由"),
        max_length=200,
        blank=True,
        help_text=_("填写后“一次性化解”以登记员所选为准，不再由系统认定"),
    )
    flags_derived = models.BooleanField(
        _("初次与化解由系统认定"),
        default=False,
        editable=False,
        help_text=_("历史和导入的事项保留原登记的认定，直至运行 derive_repeats 重新认定"),
    )
    review = models.CharField(_("复查复核"), max_length=10, choices=Review.choices, blank=True, default="")
    # 复查 (Art. 35) and then, only after its decision, 复核 (Art. 36): each keeps its own dates.
    # (Records imported before the two were told apart hold a 复核's dates in the first pair.)
    review_requested_on = models.DateField(_("复查复核申请日期"), null=True, blank=True)
    review_decided_on = models.DateField(_("复查复核决定日期"), null=True, blank=True)
    recheck_requested_on = models.DateField(_("复核申请日期"), null=True, blank=True)
    recheck_decided_on = models.DateField(_("复核决定日期"), null=True, blank=True)
    satisfaction = models.CharField(
        _("满意度评价"),
        max_length=12,
        choices=Satisfaction.choices,
        blank=True,
        default="",
    )

    # Statutory due dates, derived from the dates above by cases.deadlines (holidays included) and
    # stored so that "overdue" and the timeliness rates are plain indexed comparisons in SQL.
    routing_due_on = models.DateField(_("转送受理期限"), null=True, blank=True, editable=False)
    unit_acceptance_due_on = models.DateField(_("责任单位受理期限"), null=True, blank=True, editable=False)
    handling_due_on = models.DateField(_("办理期限"), null=True, blank=True, editable=False)
    review_due_on = models.DateField(_("复查复核期限"), null=True, blank=True, editable=False)
    recheck_due_on = models.DateField(_("复核期限"), null=True, blank=True, editable=False)
    # The earliest of those still pending, computed by the database from the columns above, so
    # the overdue and due-soon lists are one range scan on one index and can never go stale.
    next_due_on = models.GeneratedField(
        expression=_earliest_pending_due(),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name=_("最近期限"),
    )

    objects = scoped_manager(PetitionCaseQuerySet, unit="responsible_unit")

    class Meta:
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        ordering = ["-received_on", "-id"]
        permissions = [("view_personal_data", _("可查看信访人身份证号和电话"))]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "number"],
                name="case_number_unique_per_bureau",
                violation_error_message=_("该信访件编号已存在。"),
            ),
            models.CheckConstraint(
                condition=Q(head_count__gte=1),
                name="case_head_count_positive",
                violation_error_message=_("人数至少为1。"),
            ),
            models.CheckConstraint(
                condition=Q(extension_days__lte=30),
                name="case_extension_at_most_30",
                violation_error_message=_("延期不得超过30日（《信访工作条例》第三十四条）。"),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("received_on")),
                name="case_closed_after_received",
                violation_error_message=_("办结日期不能早于登记日期。"),
            ),
            models.CheckConstraint(
                condition=Q(routed_on__isnull=True) | Q(routed_on__gte=F("received_on")),
                name="case_routed_after_received",
                violation_error_message=_("转送交办日期不能早于登记日期。"),
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=F("received_on")),
                name="case_accepted_after_received",
                violation_error_message=_("受理告知日期不能早于登记日期。"),
            ),
            models.CheckConstraint(
                condition=Q(unit_accepted_on__isnull=True) | Q(unit_accepted_on__gte=F("received_on")),
                name="case_unit_accepted_after_received",
                violation_error_message=_("责任单位受理日期不能早于登记日期。"),
            ),
            # No check constraint that a sustained objection has its date: old ledgers never
            # recorded it, and no figure needs it (the importer takes such rows with a warning);
            # the form still asks for it (clean()).
            models.CheckConstraint(
                condition=Q(resolved_first_time=False) | (Q(review="") & Q(closed_on__isnull=False)),
                name="case_first_time_means_closed_without_review",
                violation_error_message=_("只有已办结且未申请复查复核的事项才能记为一次性化解。"),
            ),
        ]
        indexes = [
            # A bureau's cases by year (the figures) and, read backwards, its case list's order:
            # every list is one bureau's now (cases.scoping), so the bureau leads.
            models.Index(fields=["bureau", "received_on", "id"], name="case_bureau_received_id"),
            # The case list's order (newest first), read backwards, for the first page of a million.
            models.Index(fields=["received_on", "id"], name="case_received_id"),
            models.Index(fields=["responsible_unit", "received_on"], name="case_unit_received"),
            models.Index(fields=["closed_on", "handling_due_on"], name="case_open_due"),
            # The overdue and due-soon lists: the case list's (all cases) and the dashboard's (the
            # bureau's, most urgent first; SQLite would otherwise read the bureau's every row).
            models.Index(fields=["next_due_on"], name="case_next_due"),
            models.Index(fields=["bureau", "next_due_on"], name="case_bureau_next_due"),
            models.Index(fields=["petitioner_name"], name="case_petitioner"),
            # A full ID number or phone number pasted into the search finds its cases at once.
            models.Index(fields=["petitioner_id_number"], name="case_id_number"),
            models.Index(fields=["petitioner_phone"], name="case_phone"),
            # The same matter (cases.repeats): a person's cases by date.
            models.Index(fields=["petitioner", "received_on"], name="case_petitioner_received"),
            *(models.Index(fields=["bureau", field], condition=waits, name=name) for field, waits, name in WAITS_FOR),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self):
        """Cross-field rules, with the message on the field the clerk has to correct."""
        errors: dict[str, str] = {}
        received = self.received_on
        if received and received > local_today():
            errors["received_on"] = _("登记日期不能晚于今天。")
        for name, label in (
            ("routed_on", _("转送交办日期")),
            ("accepted_on", _("受理告知日期")),
            ("unit_accepted_on", _("责任单位受理日期")),
            ("closed_on", _("办结日期")),
            ("review_requested_on", _("复查复核申请日期")),
        ):
            value = getattr(self, name)
            if value and received and value < received:
                errors[name] = _("%(label)s不能早于登记日期（%(received)s）。") % {
                    "label": label,
                    "received": received,
                }
        if self.extension_days > 30:
            errors["extension_days"] = _("延期不得超过30日（《信访工作条例》第三十四条）。")
        if self.routing in (self.Routing.TRANSFER, self.Routing.ASSIGN) and not self.routed_on:
            errors["routed_on"] = _("已选择转送或交办，请填写转送交办日期。")
        if self.routed_on and self.routing not in (
            self.Routing.TRANSFER,
            self.Routing.ASSIGN,
        ):
            errors["routing"] = _("填写了转送交办日期，请选择转送或交办。")
        if self.unit_accepted_on and self.routed_on and self.unit_accepted_on < self.routed_on:
            errors["unit_accepted_on"] = _("责任单位受理日期不能早于转送交办日期。")
        if self.objection_sustained and not self.objection_on:
            errors["objection_on"] = _("异议成立时请填写异议提出日期。")
        if self.outcome and not self.closed_on:
            errors["closed_on"] = _("填写了处理结果，请同时填写办结日期。")
        if self.resolved_first_time and not self.closed_on:
            errors["resolved_first_time"] = _("未办结的事项不能记为一次性化解。")
        elif self.resolved_first_time and self.review:
            errors["resolved_first_time"] = _("申请了复查复核的事项不能记为一次性化解。")
        if self.review and not self.closed_on:
            errors["review"] = _("事项办结后才能申请复查复核。")
        if self.review_decided_on and self.review_requested_on and self.review_decided_on < self.review_requested_on:
            errors["review_decided_on"] = _("复查复核决定日期不能早于申请日期。")
        if self.recheck_requested_on:
            if not self.review_decided_on:
                errors["recheck_requested_on"] = _("复查决定作出后才能申请复核。")
            elif self.recheck_requested_on < self.review_decided_on:
                errors["recheck_requested_on"] = _("复核申请日期不能早于复查决定日期。")
            elif self.review != self.Review.RECHECK:
                errors["review"] = _("填写了复核申请日期，复查复核请选择“复核”。")
        if self.recheck_decided_on and not self.recheck_requested_on:
            errors["recheck_decided_on"] = _("请先填写复核申请日期。")
        elif self.recheck_decided_on and self.recheck_decided_on < self.recheck_requested_on:
            errors["recheck_decided_on"] = _("复核决定日期不能早于复核申请日期。")
        if self.satisfaction and not self.closed_on:
            errors["satisfaction"] = _("事项办结后才能进行满意度评价。")
        names = self.petitioner_names()
        if self.head_count and len(names) > self.head_count:
            errors["head_count"] = _("列出了%(names)d名信访人，人数却为%(count)d：人数不能少于列出的人数。") % {
                "names": len(names),
                "count": self.head_count,
            }
        if errors:
            raise ValidationError(errors)

    def petitioner_names(self) -> list[str]:
        """The names in petitioner_name ("多人以“、”分隔")."""
        text = (self.petitioner_name or "").replace(",", "、").replace("，", "、")
        return [n.strip() for n in text.split("、") if n.strip()]

    @property
    def override_note(self) -> str:
        """A clerk's overrides of the derived flags, with their reasons (cases.repeats)."""
        notes = []
        if self.initial_override_reason:
            kind = _("初次信访") if self.is_initial else _("重复信访")
            notes.append(_("改定为%(kind)s：%(reason)s") % {"kind": kind, "reason": self.initial_override_reason})
        if self.resolution_override_reason:
            kind = _("一次性化解") if self.resolved_first_time else _("非一次性化解")
            notes.append(_("改定为%(kind)s：%(reason)s") % {"kind": kind, "reason": self.resolution_override_reason})
        return "；".join(str(n) for n in notes)

    @property
    def is_collective(self) -> bool:
        return self.head_count >= self.COLLECTIVE_HEAD_COUNT

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def bureau_acted_on(self) -> datetime.date | None:
        """When the bureau routed the item or told the petitioner it was accepted (Art. 22, 23)."""
        dates = [d for d in (self.routed_on, self.accepted_on) if d]
        return min(dates) if dates else None

    @property
    def handling_started_on(self) -> datetime.date | None:
        """Handling time runs from acceptance by the body that handles it (Art. 34)."""
        return self.unit_accepted_on or self.accepted_on

    @property
    def approved_extension_days(self) -> int:
        return self.extension_days if self.extension_approved else 0

    @property
    def review_label(self) -> str:
        """复查, once the two stages are told apart; 复查复核 for a record that holds one pair of
        dates for a 复核 (imported before they were)."""
        legacy = self.review == self.Review.RECHECK and self.recheck_requested_on is None
        return str(_("复查复核") if legacy else _("复查"))

    def refresh_due_dates(self, calendar) -> list[str]:
        """Set the stored due dates from the case's dates. Called by every path that writes a
        case (admin form, import, synthetic data), never from save(). Returns warnings in Chinese
        for deadlines that fall in a year whose holidays are unknown: those are stored without
        roll-forward (the earliest the deadline can be) rather than left empty."""
        warnings: list[str] = []

        def due(start, days):
            if start is None:
                return None
            try:
                return calendar.due_date(start, days)
            except deadlines.UnknownHolidayYear as exc:
                warnings.append(str(exc))
                return start + datetime.timedelta(days=days)

        self.routing_due_on = due(self.received_on, deadlines.ROUTING_DAYS)
        routed = self.routing in (self.Routing.TRANSFER, self.Routing.ASSIGN)
        self.unit_acceptance_due_on = due(self.routed_on, deadlines.UNIT_ACCEPTANCE_DAYS) if routed else None
        self.handling_due_on = due(
            self.handling_started_on,
            deadlines.HANDLING_DAYS + self.approved_extension_days,
        )
        self.review_due_on = due(self.review_requested_on, deadlines.REVIEW_DAYS) if self.review else None
        self.recheck_due_on = (
            due(self.recheck_requested_on, deadlines.RECHECK_DAYS) if self.review == self.Review.RECHECK else None
        )
        return sorted(set(warnings))

    def stages(self, today: datetime.date, calendar, due_soon_days: int = 3) -> list["Stage"]:
        """Each statutory stage with its due date and where the case stands against it."""
        routed = self.routing in (self.Routing.TRANSFER, self.Routing.ASSIGN)
        closed = self.closed_on is not None
        # (label, due, done, applies, still running): closing the item ends its earlier stages
        # (one never recorded is shown as such, not as overdue); the review runs after closing.
        started = self.handling_started_on is not None
        unit_accepted = self.unit_accepted_on
        rows = [
            ("routing", _("转送/受理告知"), self.routing_due_on, self.bureau_acted_on, True, not closed),
            ("unit_acceptance", _("责任单位受理"), self.unit_acceptance_due_on, unit_accepted, routed, not closed),
            ("handling", _("办理"), self.handling_due_on, self.closed_on, started, not closed),
            ("review", self.review_label, self.review_due_on, self.review_decided_on, bool(self.review), True),
            (
                "recheck",
                _("复核"),
                self.recheck_due_on,
                self.recheck_decided_on,
                self.recheck_requested_on is not None,
                True,
            ),
        ]
        result = []
        for key, label, due_on, done_on, applies, running in rows:
            if not applies or due_on is None:
                continue
            if done_on is not None:
                state = Stage.DONE_ON_TIME if done_on <= due_on else Stage.DONE_LATE
            elif not running:
                state = Stage.NOT_RECORDED
            elif due_on < today:
                state = Stage.OVERDUE
            else:
                try:
                    left = calendar.working_days_between(today, due_on)
                except deadlines.UnknownHolidayYear:
                    left = (due_on - today).days
                state = Stage.DUE_SOON if left <= due_soon_days else Stage.PENDING
            result.append(Stage(str(label), due_on, done_on, state, key))
        return result


class Stage:
    DONE_ON_TIME = "done"
    DONE_LATE = "late"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    PENDING = "pending"
    NOT_RECORDED = "unrecorded"
    LABELS = {
        DONE_ON_TIME: _("按期完成"),
        DONE_LATE: _("逾期完成"),
        OVERDUE: _("已超期"),
        DUE_SOON: _("即将到期"),
        PENDING: _("办理中"),
        NOT_RECORDED: _("办结时未记录"),
    }

    __slots__ = ("done_on", "due_on", "key", "label", "state")

    def __init__(
        self,
        label: str,
        due_on: datetime.date,
        done_on: datetime.date | None,
        state: str,
        key: str = "",
    ):
        self.label, self.due_on, self.done_on, self.state, self.key = (
            label,
            due_on,
            done_on,
            state,
            key,
        )

    @property
    def state_label(self) -> str:
        return str(self.LABELS[self.state])

    def __repr__(self) -> str:
        return f"Stage({self.label!r}, {self.due_on}, {self.state})"
