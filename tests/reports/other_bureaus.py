"""Designed records of two bureaus other than 温县, built to the totals they publish (issue 12):
合阳县's 2022 (and 2021, its 同比 base) and 长治市's 2023 (and 2022). Every row is made here with
bulk_create, a few thousand in all; tests/reports/test_other_bureaus.py asserts the figures.

合阳县 2022: 来访 839批/3,326人次 (个访 689批/1,062人次, 集体访 150批/2,264人次) against 1,079批/
4,727人次 in 2021; 网上受理 682件 against 1,209; 中省交办 26件, 市交办 24件, 包联 5件, each routed,
answered within its handling time and closed in one pass; 重复信访 132 of 1,576 items against 279
of 2,288 (占比 8.38 % against 12.19 %: 同比下降 31.31 %).
长治市 2023: 满意率 314 of 319 rated (98.43 %); 初次信访 149 against 319 in 2022 (−53.29 %); 信访积案
on the list on 1 January 2023: 231 (130 resolved in 2023), listed in 2023: 64 (39 resolved).
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from cases.models import BacklogEntry, Bureau, PetitionCase
from indicators.models import ReferenceFigure

C = PetitionCase
D = datetime.date
DAY = datetime.timedelta(days=1)


class Cases:
    """Rows of one bureau, numbered in order."""

    def __init__(self, bureau: Bureau):
        self.bureau = bureau
        self.rows: list[PetitionCase] = []
        self.numbers = itertools.count(1)

    def add(self, year: int, n: int, *, first_day: D | None = None, **fields) -> list[PetitionCase]:
        start = first_day or D(year, 1, 1)
        made = []
        for i in range(n):
            received = start + (i % 300) * DAY
            made.append(
                C(
                    bureau=self.bureau,
                    number=f"{year}-{next(self.numbers):05d}",
                    received_on=received,
                    petitioner_name="信访人",
                    category=C.Category.CLAIM,
                    routing_due_on=received + 15 * DAY,
                    **{"channel": C.Channel.LETTER, **fields},
                )
            )
        self.rows.extend(made)
        return made

    def visits(self, year: int, batches: int, persons: int, *, collective: bool) -> list[PetitionCase]:
        """`batches` visits of `persons` people in all: as even as can be (5 or more a batch for a
        集体访, 1 to 4 for a 个访)."""
        base, extra = divmod(persons, batches)
        assert (base >= C.COLLECTIVE_HEAD_COUNT) if collective else (base >= 1 and base + (extra > 0) < 5)
        made = self.add(year, batches, channel=C.Channel.VISIT)
        for i, case in enumerate(made):
            case.head_count = base + (1 if i < extra else 0)
        return made

    def save(self) -> list[PetitionCase]:
        return PetitionCase.objects.bulk_create(self.rows, batch_size=500)


def repeat(cases: list[PetitionCase], n: int) -> None:
    """Mark the first n as 重复信访."""
    assert len(cases) >= n
    for case in cases[:n]:
        case.is_initial = False


def heyang() -> Bureau:
    bureau = Bureau.objects.create(
        name="合阳县信访局",
        county="合阳县",
        short_county="合阳",
        self_reference="我县",
        level=Bureau.Level.COUNTY,
        percent_rounding="truncate",  # 合阳 cuts its per cents off after two decimals (see the test)
    )
    # Typed by the bureau: its rank in the province (no record gives it).
    ReferenceFigure.objects.create(
        bureau=bureau, year=2022, kind=ReferenceFigure.Kind.RANK, value=7, source="省信访局2022年度考核通报"
    )
    rows = Cases(bureau)
    # 2021: the base of 2022's 同比.
    visits_2021 = rows.visits(2021, 900, 1300, collective=False) + rows.visits(2021, 179, 3427, collective=True)
    rows.add(2021, 1209, channel=C.Channel.ONLINE)
    repeat(visits_2021, 279)
    # 2022.
    visits_2022 = rows.visits(2022, 689, 1062, collective=False) + rows.visits(2022, 150, 2264, collective=True)
    rows.add(2022, 682, channel=C.Channel.ONLINE)
    repeat(visits_2022, 132)
    for source, n in ((C.Source.ABOVE, 26), (C.Source.CITY, 24), (C.Source.BAOLIAN, 5)):
        # Routed, accepted by the unit, answered and closed in one pass within its handling time
        # (60 days from the unit's acceptance).
        rows.add(
            2022,
            n,
            first_day=D(2022, 2, 1),
            source=source,
            routing=C.Routing.ASSIGN,
            routed_on=D(2022, 3, 3),
            unit_accepted_on=D(2022, 3, 7),
            unit_acceptance_due_on=D(2022, 3, 18),
            handling_due_on=D(2022, 5, 6),
            unit_replied_on=D(2022, 4, 20),
            closed_on=D(2022, 12, 20),
            outcome=C.Outcome.SUPPORT,
            resolved_first_time=True,
        )
    rows.save()
    return bureau


def changzhi() -> Bureau:
    bureau = Bureau.objects.create(
        name="长治市信访局", county="长治市", short_county="长治", self_reference="我市", level=Bureau.Level.CITY
    )
    # Typed by the bureau: the province's 满意率 of 2023.
    ReferenceFigure.objects.create(
        bureau=bureau,
        year=2023,
        kind=ReferenceFigure.Kind.PROVINCE,
        indicator="satisfaction_rate",
        value=Decimal("98.10"),
        source="省信访局2023年度通报",
    )
    rows = Cases(bureau)
    # 2022: 319 初次信访 and 100 重复.
    repeat(rows.add(2022, 419), 100)
    # 2023: 149 初次 and 251 重复; 319 closed and rated, 314 of them 满意 or 基本满意.
    made = rows.add(2023, 400)
    repeat(made, 251)
    for i, case in enumerate(made[:319]):
        case.closed_on = D(2023, 12, 30)
        case.outcome = C.Outcome.EXPLAIN
        case.satisfaction = (
            C.Satisfaction.UNSATISFIED if i < 5 else C.Satisfaction.BASIC if i < 50 else C.Satisfaction.SATISFIED
        )
    # The cases on the 积案 list were received years before.
    old = rows.add(2019, 305, first_day=D(2019, 3, 1))
    for case in old:
        case.is_initial = False
    old = iter(rows.save()[-305:])

    def entries(n, listed: D, resolved: list[D | None]):
        return [
            BacklogEntry(
                bureau=bureau,
                case=next(old),
                listed_on=listed + (i % 200) * DAY,
                resolved_on=resolved[i % len(resolved)],
            )
            for i in range(n)
        ]

    BacklogEntry.objects.bulk_create(
        [
            *entries(10, D(2021, 2, 1), [D(2022, 6, 30)]),  # off the list before 2023
            *entries(130, D(2021, 3, 1), [D(2023, 4, 1), D(2023, 12, 31)]),  # 存量, 已化解
            *entries(71, D(2021, 5, 1), [None]),  # 存量, still on the list
            *entries(30, D(2022, 2, 1), [D(2024, 1, 1)]),  # 存量, resolved only in 2024
            *entries(39, D(2023, 1, 1), [D(2023, 9, 1), D(2023, 12, 31)]),  # 增量, 已化解
            *entries(25, D(2023, 6, 1), [None, D(2024, 5, 1)]),  # 增量, not resolved in 2023
        ]
    )
    return bureau
