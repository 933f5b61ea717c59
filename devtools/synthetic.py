"""Synthetic ledgers at any scale, for demos, load tests and the benchmark.

`generate()` writes `cases` petition cases received in `year` for a bureau, plus the other ledgers
in proportion (screenings ≈ cases ÷ 3, and so on), in batches: each batch is built, bulk-inserted
in its own transaction and dropped, so memory stays flat whatever the size. The same seed, year
and starting number give the same rows (apart from the created/updated timestamps).

Dates never lie after `today`: a stage that would end in the future is left pending, which is
what the ledger of a year still under way looks like.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from cases import deadlines
from cases.models import (
    AccountabilityAction,
    AccountablePerson,
    Bureau,
    DisputeScreening,
    OrderCase,
    OrderPerson,
    OutreachEvent,
    PetitionCase,
    RoadmapPosting,
    Unit,
    Volunteer,
)
from cases.models.base import local_today
from devtools.vocabulary import (
    GIVEN_NAME_CHARACTERS,
    MAIN_DEPARTMENTS,
    MOBILE_SECOND_DIGITS,
    SURNAMES,
    TOWNSHIPS,
    id_number,
    mobile_phone,
)

# Records of the other ledgers per petition case received. Chosen so that a county of a few
# hundred cases looks like the seed report (157 screenings, ~20 accountable units, 8 order cases).
SCREENINGS_PER_CASE = 1 / 3
ACTIONS_PER_CASE = 1 / 25
ORDER_CASES_PER_CASE = 1 / 60
OUTREACH_PER_CASE = 1 / 20
VOLUNTEERS_PER_CASE = 1 / 25

SUBJECT_AREAS = (
    "城乡建设",
    "劳动社保",
    "自然资源",
    "农业农村",
    "政法",
    "卫生健康",
    "教育",
    "生态环境",
    "交通运输",
    "民政",
    "市场监管",
    "其他",
)
SUMMARIES = (
    "反映{area}方面问题，要求依法处理",
    "反映拖欠工资问题，请求协调解决",
    "反映土地承包经营权纠纷，要求确权",
    "反映房屋征收补偿标准问题",
    "反映小区物业管理问题",
    "举报村干部违规问题，要求调查处理",
    "反映邻里宅基地纠纷",
    "建议完善{area}相关政策",
)
DISPUTE_KINDS = ("土地纠纷", "邻里纠纷", "婚姻家庭", "劳资纠纷", "征地拆迁", "物业纠纷", "合同纠纷", "其他纠纷")
ACCOUNTABILITY_MEASURES = ("诫勉谈话", "通报批评", "批评教育", "责令检查", "党内警告", "政务警告")
POSITIONS = ("科员", "副科长", "科长", "副镇长", "副主任", "村支部书记", "网格员")
ORDER_CONDUCT = (
    "在机关门前聚集滞留，扰乱单位秩序",
    "在公共场所拉横幅，扰乱公共秩序",
    "缠访闹访，拒不离开接待场所",
    "采取过激方式表达诉求，扰乱公共秩序",
)
OUTREACH_TITLES = {
    OutreachEvent.Kind.VOLUNTEER: "信访法治志愿服务",
    OutreachEvent.Kind.TRAINING: "信访工作法治化培训会",
    OutreachEvent.Kind.PARTY_SCHOOL: "《信访工作条例》进党校",
    OutreachEvent.Kind.CAMPAIGN: "信访法治化集中宣传",
    OutreachEvent.Kind.INSPECTION: "信访事项办理案卷评查",
    OutreachEvent.Kind.OTHER: "普法宣传活动",
}

C = PetitionCase
DAY = datetime.timedelta(days=1)


def pick(rng: random.Random, weighted: tuple[tuple[object, float], ...]):
    """One value of (value, weight) pairs; cheaper than rng.choices for a single draw."""
    x = rng.random() * sum(w for _, w in weighted)
    for value, weight in weighted:
        x -= weight
        if x < 0:
            return value
    return weighted[-1][0]


CHANNELS = ((C.Channel.LETTER, 25), (C.Channel.VISIT, 35), (C.Channel.ONLINE, 30), (C.Channel.PHONE, 10))
CATEGORIES = ((C.Category.SUGGESTION, 10), (C.Category.COMPLAINT, 25), (C.Category.CLAIM, 65))
ROUTINGS = ((C.Routing.TRANSFER, 45), (C.Routing.ASSIGN, 25), (C.Routing.DIRECT, 27), (C.Routing.NONE, 3))
PATHS = ((C.HandlingPath.PETITION, 92), (C.HandlingPath.LEGAL, 6), (C.HandlingPath.LITIGATION, 2))
# Where a case came from, by its sequence number rather than the random stream (so the other
# ledgers' figures stay what they were): of every 25, one 中央/省交办, two 市交办, one 包联.
SOURCE_BY_SEQUENCE = {1: C.Source.ABOVE, 2: C.Source.CITY, 3: C.Source.CITY, 4: C.Source.BAOLIAN}
OUTCOMES = (
    (C.Outcome.SUPPORT, 30),
    (C.Outcome.EXPLAIN, 45),
    (C.Outcome.REJECT, 10),
    (C.Outcome.MEDIATION, 10),
    (C.Outcome.SETTLEMENT, 5),
)
SATISFACTIONS = (
    (C.Satisfaction.SATISFIED, 78),
    (C.Satisfaction.BASIC, 14),
    (C.Satisfaction.UNSATISFIED, 3),
    (C.Satisfaction.UNRATED, 5),
)
ORDER_MEASURES = (
    (OrderPerson.Measure.EDUCATION, 25),
    (OrderPerson.Measure.WARNING, 35),
    (OrderPerson.Measure.FINE, 10),
    (OrderPerson.Measure.ADMIN_DETENTION, 25),
    (OrderPerson.Measure.CRIMINAL_DETENTION, 5),
)
OUTREACH_KINDS = (
    (OutreachEvent.Kind.VOLUNTEER, 20),
    (OutreachEvent.Kind.TRAINING, 20),
    (OutreachEvent.Kind.PARTY_SCHOOL, 5),
    (OutreachEvent.Kind.CAMPAIGN, 40),
    (OutreachEvent.Kind.INSPECTION, 5),
    (OutreachEvent.Kind.OTHER, 10),
)


@dataclass
class Result:
    bureau: Bureau
    first_number: str = ""
    last_number: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    warnings: set[str] = field(default_factory=set)
    seconds: float = 0.0


class AlreadyGenerated(Exception):
    pass


def ensure_bureau(name: str | None) -> Bureau:
    """The named bureau (or the installation's one), created if missing; a bureau without units
    gets 温县's townships and its main departments."""
    bureau = Bureau.objects.filter(name=name).first() if name else Bureau.objects.order_by("pk").first()
    if bureau is None:
        name = name or "示例县信访局"
        county = name.removesuffix("信访局") or "示例县"
        bureau = Bureau.objects.create(name=name, county=county, short_county=county.removesuffix("县"))
    if not bureau.units.exists():
        Unit.objects.create(bureau=bureau, name=bureau.county or "县级", kind=Unit.Kind.COUNTY, sort_order=0)
        Unit.objects.bulk_create(
            [Unit(bureau=bureau, name=n, kind=Unit.Kind.TOWNSHIP, sort_order=i) for i, n in enumerate(TOWNSHIPS)]
            + [
                Unit(bureau=bureau, name=n, kind=Unit.Kind.DEPARTMENT, sort_order=i)
                for i, n in enumerate(MAIN_DEPARTMENTS)
            ]
        )
    return bureau


def _next_sequence(bureau: Bureau, year: int) -> int:
    """1 + the highest sequence of this year's "YYYY-nnnnnnn" numbers of the bureau."""
    prefix = f"{year}-"
    last = PetitionCase.objects.filter(bureau=bureau, number__startswith=prefix).aggregate(m=Max("number"))["m"]
    if not last:
        return 1
    tail = last.removeprefix(prefix)
    return int(tail) + 1 if tail.isdigit() else 1


def case_number(year: int, seq: int) -> str:
    return f"{year}-{seq:07d}"


class _Generator:
    def __init__(self, *, bureau, year, seed, first_seq, today, calendar, units=None):
        self.bureau = bureau
        self.year = year
        self.today = today
        # A string seed is hashed with SHA-512 by `random`, so it does not depend on PYTHONHASHSEED.
        self.rng = random.Random(f"{seed}:{year}:{first_seq}")
        self.calendar = calendar
        # The bureau's units, read from the database unless given (the demo builds them unsaved).
        if units is None:
            units = bureau.units.filter(active=True).order_by("kind", "sort_order", "pk")
        self.units = list(units)
        self.townships = [u for u in self.units if u.kind == Unit.Kind.TOWNSHIP] or self.units
        self.departments = [u for u in self.units if u.kind == Unit.Kind.DEPARTMENT] or self.units
        start = datetime.date(year, 1, 1)
        end = min(datetime.date(year, 12, 31), today)
        if end < start:
            raise ValueError(f"{year} 年尚未开始，无法生成该年的数据。")
        self.days = [start + DAY * i for i in range((end - start).days + 1)]
        working = []
        for d in self.days:
            try:
                if calendar.is_working_day(d):
                    working.append(d)
            except deadlines.UnknownHolidayYear:
                if d.weekday() < 5:
                    working.append(d)
        self.working_days = working or self.days
        # For each day, itself if a working day, else the next working day (the last one at the end).
        self.next_working, following = [], self.working_days[-1]
        working_set = set(self.working_days)
        for d in reversed(self.days):
            following = d if d in working_set else following
            self.next_working.append(following)
        self.next_working.reverse()
        # The part of the year the current batch covers: records are entered roughly in the
        # order they happen, so row order follows the dates as in a real ledger.
        self.window = (0.0, 1.0)

    # Small pieces -------------------------------------------------------------------------

    def name(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN_NAME_CHARACTERS)
        given += rng.choice(GIVEN_NAME_CHARACTERS) if rng.random() < 0.7 else ""
        return rng.choice(SURNAMES) + given

    def id_number(self, received: datetime.date) -> str:
        """Someone of 18 to 85 from anywhere in Henan (area "41…")."""
        rng = self.rng
        born = datetime.date(received.year - rng.randint(18, 85), rng.randint(1, 12), rng.randint(1, 28))
        area = f"41{rng.randint(1, 17):02d}{rng.randint(1, 30):02d}"
        return id_number(area, born, rng.randint(0, 999))

    def phone(self) -> str:
        return mobile_phone("1" + self.rng.choice(MOBILE_SECOND_DIGITS), self.rng.randint(0, 999_999_999))

    def after(self, start: datetime.date, low: int, high: int) -> datetime.date | None:
        """A day `low`..`high` days after `start`, or None when that is still in the future."""
        day = start + DAY * self.rng.randint(low, high)
        return day if day <= self.today else None

    def day(self, working: bool = False) -> datetime.date:
        low, high = self.window
        index = min(int((low + self.rng.random() * (high - low)) * len(self.days)), len(self.days) - 1)
        return self.next_working[index] if working else self.days[index]

    # Petition cases -----------------------------------------------------------------------

    def case(self, seq: int) -> PetitionCase:
        rng = self.rng
        channel = pick(rng, CHANNELS)
        received = self.day(working=channel == C.Channel.VISIT)
        head_count = 1
        if channel == C.Channel.VISIT:
            r = rng.random()
            head_count = 1 if r < 0.82 else rng.randint(2, 4) if r < 0.95 else rng.randint(5, 40)
        elif channel == C.Channel.LETTER and rng.random() < 0.05:
            head_count = rng.randint(2, 8)
        names = [self.name() for _ in range(min(head_count, 3))]
        petitioner = "、".join(names) + ("等" if head_count > 3 else "")
        area = rng.choice(SUBJECT_AREAS)
        unit = (
            rng.choice(self.townships)
            if rng.random() < 0.7
            else rng.choice(self.departments)
            if rng.random() < 0.95
            else None
        )

        routing = pick(rng, ROUTINGS)
        routed_on = accepted_on = unit_accepted_on = objection_on = None
        objection_sustained = False
        late = rng.random() < 0.02  # a few stages miss their deadline, or the rates are all 100%
        if routing in (C.Routing.TRANSFER, C.Routing.ASSIGN):
            routed_on = self.after(received, 1, 25 if late else 14)
            if routed_on is None:
                routing = C.Routing.NONE
            else:
                if rng.random() < 0.03:
                    objection_on = self.after(routed_on, 1, 7)
                    objection_sustained = objection_on is not None and rng.random() < 0.4
                unit_accepted_on = self.after(routed_on, 1, 25 if late else 14)
        elif routing == C.Routing.DIRECT:
            accepted_on = self.after(received, 1, 25 if late else 14)
            if accepted_on is None:
                routing = C.Routing.NONE
        if routing == C.Routing.NONE and self.today - received > DAY * 15 and rng.random() < 0.5:
            accepted_on = self.after(received, 1, 30)

        extension_days = 0
        extension_approved = False
        if rng.random() < 0.05:
            extension_days = rng.randint(10, 30)
            extension_approved = rng.random() < 0.9
        started = unit_accepted_on or accepted_on
        closed_on = None
        if started is not None and rng.random() < 0.985:
            limit = 60 + (extension_days if extension_approved else 0)
            closed_on = self.after(started, 3, limit + 20 if late else limit)

        outcome = review = satisfaction = ""
        review_requested_on = review_decided_on = None
        resolved_first_time = False
        is_initial = rng.random() < 0.88
        if closed_on is not None:
            outcome = pick(rng, OUTCOMES)
            if rng.random() < 0.04:
                review_requested_on = self.after(closed_on, 1, 30)
                if review_requested_on is not None:
                    review = C.Review.REVIEW if rng.random() < 0.8 else C.Review.RECHECK
                    if rng.random() < 0.9:
                        review_decided_on = self.after(review_requested_on, 5, 35)
            resolved_first_time = not review and rng.random() < (0.96 if is_initial else 0.85)
            satisfaction = pick(rng, SATISFACTIONS)

        case = PetitionCase(
            bureau_id=self.bureau.pk,
            number=case_number(self.year, seq),
            received_on=received,
            channel=channel,
            petitioner_name=petitioner,
            petitioner_id_number=self.id_number(received),
            petitioner_phone=self.phone() if rng.random() < 0.9 else "",
            head_count=head_count,
            is_initial=is_initial,
            category=pick(rng, CATEGORIES),
            subject_area=area,
            summary=rng.choice(SUMMARIES).format(area=area),
            responsible_unit_id=unit.pk if unit else None,
            routing=routing,
            routed_on=routed_on,
            objection_on=objection_on,
            objection_sustained=objection_sustained,
            accepted_on=accepted_on,
            unit_accepted_on=unit_accepted_on,
            # A routed case is closed on its unit's 答复 (no draw of its own: the sequence stays).
            unit_replied_on=closed_on if unit_accepted_on is not None else None,
            handling_path=pick(rng, PATHS),
            extension_days=extension_days,
            extension_approved=extension_approved,
            closed_on=closed_on,
            outcome=outcome,
            resolved_first_time=resolved_first_time,
            review=review,
            review_requested_on=review_requested_on,
            review_decided_on=review_decided_on,
            satisfaction=satisfaction,
            source=SOURCE_BY_SEQUENCE.get(seq % 25, C.Source.LOCAL),
        )
        return case

    # The other ledgers --------------------------------------------------------------------

    def screening(self) -> DisputeScreening:
        rng = self.rng
        found = self.day()
        r = rng.random()
        status = (
            DisputeScreening.Status.RESOLVED
            if r < 0.8
            else DisputeScreening.Status.IN_PROGRESS
            if r < 0.93
            else DisputeScreening.Status.UNRESOLVED
        )
        resolved_on = self.after(found, 0, 60) if status == DisputeScreening.Status.RESOLVED else None
        if status == DisputeScreening.Status.RESOLVED and resolved_on is None:
            status = DisputeScreening.Status.IN_PROGRESS
        kind = rng.choice(DISPUTE_KINDS)
        unit = rng.choice(self.townships)
        return DisputeScreening(
            bureau_id=self.bureau.pk,
            found_on=found,
            unit_id=unit.pk,
            kind=kind,
            description=f"{unit.name}排查发现{kind}，涉及{rng.randint(2, 30)}户群众",
            status=status,
            resolved_on=resolved_on,
        )

    def action(self) -> tuple[AccountabilityAction, list[AccountablePerson]]:
        rng = self.rng
        kind = pick(
            rng,
            (
                (AccountabilityAction.Kind.ACCOUNTABILITY, 70),
                (AccountabilityAction.Kind.IMPROVE_WORK, 20),
                (AccountabilityAction.Kind.IMPROVE_POLICY, 10),
            ),
        )
        action = AccountabilityAction(
            bureau_id=self.bureau.pk,
            decided_on=self.day(working=True),
            kind=kind,
            unit_id=rng.choice(self.units).pk,
            measure=rng.choice(ACCOUNTABILITY_MEASURES) if kind == AccountabilityAction.Kind.ACCOUNTABILITY else "",
            adopted=rng.random() < 0.92,
        )
        persons = []
        if kind == AccountabilityAction.Kind.ACCOUNTABILITY:
            persons = [
                AccountablePerson(
                    name=self.name(),
                    position=rng.choice(POSITIONS),
                    measure=rng.choice(ACCOUNTABILITY_MEASURES),
                )
                for _ in range(pick(rng, ((0, 10), (1, 70), (2, 15), (3, 5))))
            ]
        return action, persons

    def order_case(self) -> tuple[OrderCase, list[OrderPerson]]:
        rng = self.rng
        occurred = self.day(working=True)
        case = OrderCase(
            bureau_id=self.bureau.pk,
            occurred_on=occurred,
            place=rng.choice((*[u.name for u in self.townships], "县信访局接待大厅", "县政府门前")),
            conduct=rng.choice(ORDER_CONDUCT),
            police_reference=f"公（治）决字〔{occurred.year}〕{rng.randint(1, 9999)}号",
        )
        persons = [
            OrderPerson(name=self.name(), id_number=self.id_number(occurred), measure=pick(rng, ORDER_MEASURES))
            for _ in range(pick(rng, ((1, 80), (2, 15), (3, 5))))
        ]
        return case, persons

    def outreach(self) -> OutreachEvent:
        K = OutreachEvent.Kind
        rng = self.rng
        kind = pick(rng, OUTREACH_KINDS)
        place = rng.choice(self.townships).name
        return OutreachEvent(
            bureau_id=self.bureau.pk,
            held_on=self.day(working=kind != K.CAMPAIGN),
            kind=kind,
            title=f"{place}{OUTREACH_TITLES[kind]}",
            place=place,
            participants=rng.randint(10, 300),
            materials=rng.randint(50, 400) if kind in (K.CAMPAIGN, K.VOLUNTEER) else 0,
        )

    def volunteer(self) -> Volunteer:
        rng = self.rng
        joined = self.day() - DAY * rng.randint(0, 3 * 365)
        left = self.after(joined, 180, 4 * 365) if rng.random() < 0.15 else None
        return Volunteer(
            bureau_id=self.bureau.pk,
            name=self.name(),
            phone=self.phone(),
            joined_on=joined,
            left_on=left,
        )


class _Inserter:
    """Plain INSERTs (executemany; COPY on PostgreSQL) for the big ledgers.

    `bulk_create` spends most of its time preparing each value of each row through its field
    (about 35 calls per case); here the only values that need adapting are dates, of which a year
    has a few hundred, so they are adapted once and remembered. Everything else (str, int, bool,
    None) the database drivers take as it is. Rows get no primary keys back.
    """

    def __init__(self):
        self._dates: dict[datetime.date, object] = {}
        self._sql: dict[type[models.Model], tuple[str, list]] = {}

    def _statement(self, model: type[models.Model]):
        if model not in self._sql:
            fields = [f for f in model._meta.concrete_fields if not (f.primary_key or f.generated)]
            qn = connection.ops.quote_name
            sql = "INSERT INTO {} ({}) VALUES ({})".format(
                qn(model._meta.db_table),
                ", ".join(qn(f.column) for f in fields),
                ", ".join(["%s"] * len(fields)),
            )
            self._sql[model] = (sql, fields)
        return self._sql[model]

    def insert(self, model: type[models.Model], objs: list[models.Model]) -> None:
        if not objs:
            return
        sql, fields = self._statement(model)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        dates = self._dates
        adapt_date = connection.ops.adapt_datefield_value
        getters = []
        for f in fields:
            if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
                getters.append((None, now))
            else:
                getters.append((f.attname, isinstance(f, models.DateField)))
        rows = []
        for obj in objs:
            row = []
            for attname, is_date in getters:
                if attname is None:
                    row.append(is_date)  # the adapted timestamp
                    continue
                value = getattr(obj, attname)
                if is_date and value is not None:
                    adapted = dates.get(value)
                    if adapted is None:
                        adapted = dates[value] = adapt_date(value)
                    value = adapted
                row.append(value)
            rows.append(row)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY streams the rows in one command; executemany sends one INSERT per row.
                with cursor.cursor.copy(self._copy_sql(model, fields)) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(sql, rows)

    @staticmethod
    def _copy_sql(model: type[models.Model], fields: list) -> str:
        qn = connection.ops.quote_name
        return f"COPY {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) FROM STDIN"


SQLITE_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def _sqlite_page_cache():
    """A larger SQLite page cache while loading, restored afterwards.

    Each case goes into five indexes at random places (received date, unit, due dates, name).
    Once those indexes outgrow SQLite's default 2 MiB cache every insert rereads pages from the
    OS, and loading a million cases takes several times as long as ten loads of 100,000. A
    bounded cache of 256 MiB holds the index pages of a million cases; PostgreSQL sizes its own
    buffers, so it is left alone.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _quota(total: int, ratio: float, done: int, minimum: int = 0) -> int:
    """How many records of a ledger are due once `done` of `total` cases exist, so that the
    batches add up to round(total × ratio) without ever holding them all."""
    target = max(minimum, round(total * ratio)) if total else 0
    return target * done // total if total else 0


def generate(
    *,
    cases: int,
    year: int,
    seed: int = 1,
    bureau: Bureau,
    append: bool = False,
    batch_size: int = 5000,
    today: datetime.date | None = None,
    calendar: deadlines.HolidayCalendar | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Write `cases` cases of `year` and the other ledgers in proportion; see the module doc.

    Refuses (AlreadyGenerated) when the bureau already has numbers of that year, unless `append`,
    which continues after the highest number.
    """
    started = time.perf_counter()
    first_seq = _next_sequence(bureau, year)
    if first_seq > 1 and not append:
        raise AlreadyGenerated(
            f"{bureau} 已有 {year} 年的信访事项（至 {case_number(year, first_seq - 1)}）；"
            "如需追加请使用 --append，如需重建请先清空数据库。"
        )
    calendar = deadlines.RememberingCalendar(calendar or bureau.calendar())
    gen = _Generator(
        bureau=bureau,
        year=year,
        seed=seed,
        first_seq=first_seq,
        today=today or local_today(),
        calendar=calendar,
    )
    result = Result(bureau=bureau, first_number=case_number(year, first_seq))
    counts = dict.fromkeys(
        ("cases", "screenings", "accountability_actions", "accountable_persons", "order_cases", "order_persons"),
        0,
    )
    counts |= {"outreach_events": 0, "volunteers": 0, "roadmap_postings": 0}
    with transaction.atomic():
        counts["roadmap_postings"] = _roadmap(gen)
    with _sqlite_page_cache():
        inserter = _Inserter()
        through = AccountabilityAction.cases.through
        done = 0
        while done < cases:
            size = min(batch_size, cases - done)
            with transaction.atomic():
                gen.window = (done / cases, (done + size) / cases)
                batch = [gen.case(first_seq + done + i) for i in range(size)]
                # Numbers are given in order of receipt, as the registration desk does.
                batch.sort(key=lambda c: (c.received_on, c.number))
                for i, case in enumerate(batch):
                    case.number = case_number(year, first_seq + done + i)
                for case in batch:
                    result.warnings.update(case.refresh_due_dates(calendar))
                inserter.insert(PetitionCase, batch)
                done += size

                wanted = _quota(cases, SCREENINGS_PER_CASE, done) - counts["screenings"]
                inserter.insert(DisputeScreening, [gen.screening() for _ in range(wanted)])
                counts["screenings"] += wanted

                # Each recommendation cites one to three cases of this batch.
                wanted = _quota(cases, ACTIONS_PER_CASE, done, 1) - counts["accountability_actions"]
                pairs = [gen.action() for _ in range(wanted)]
                cited = [gen.rng.sample(batch, min(len(batch), gen.rng.randint(1, 3))) for _ in pairs]
                pks = dict(
                    PetitionCase.objects.filter(
                        bureau_id=bureau.pk, number__in={c.number for cs in cited for c in cs}
                    ).values_list("number", "pk")
                )
                AccountabilityAction.objects.bulk_create([a for a, _ in pairs])
                links, persons = [], []
                for (action, people), cited_cases in zip(pairs, cited, strict=True):
                    links += [
                        through(accountabilityaction_id=action.pk, petitioncase_id=pks[c.number]) for c in cited_cases
                    ]
                    for person in people:
                        person.action_id = action.pk
                        persons.append(person)
                inserter.insert(through, links)
                inserter.insert(AccountablePerson, persons)
                counts["accountability_actions"] += len(pairs)
                counts["accountable_persons"] += len(persons)

                wanted = _quota(cases, ORDER_CASES_PER_CASE, done, 1) - counts["order_cases"]
                pairs = [gen.order_case() for _ in range(wanted)]
                OrderCase.objects.bulk_create([c for c, _ in pairs])
                people = []
                for case, ps in pairs:
                    for p in ps:
                        p.case_id = case.pk
                        people.append(p)
                inserter.insert(OrderPerson, people)
                counts["order_cases"] += len(pairs)
                counts["order_persons"] += len(people)

                wanted = _quota(cases, OUTREACH_PER_CASE, done, 10) - counts["outreach_events"]
                inserter.insert(OutreachEvent, [gen.outreach() for _ in range(wanted)])
                counts["outreach_events"] += wanted

                wanted = _quota(cases, VOLUNTEERS_PER_CASE, done, 5) - counts["volunteers"]
                inserter.insert(Volunteer, [gen.volunteer() for _ in range(wanted)])
                counts["volunteers"] += wanted
            counts["cases"] = done
            result.last_number = batch[-1].number
            if progress:
                progress(done, cases)
    result.counts = counts
    result.seconds = time.perf_counter() - started
    return result


def _roadmap(gen: _Generator) -> int:
    """The 路线图/导引图 of every unit that has no posting yet; most are on the wall."""
    rng = gen.rng
    have = set(RoadmapPosting.objects.filter(unit__bureau=gen.bureau).values_list("unit_id", flat=True))
    rows = []
    for unit in gen.units:
        if unit.pk in have:
            continue
        posted = rng.random() < 0.9
        rows.append(
            RoadmapPosting(
                bureau_id=gen.bureau.pk,
                unit_id=unit.pk,
                roadmap_posted=posted,
                guide_posted=posted or rng.random() < 0.5,
                posted_on=gen.day() if posted else None,
            )
        )
    RoadmapPosting.objects.bulk_create(rows)
    return len(rows)
