"""One rule for printing numbers (indicators.numbers): rounding half up or cut off, a whole per
cent as "100%" or "100.00%", and the change from last year in signed text and in words."""

from decimal import Decimal

from indicators import numbers
from indicators.compute import Figure
from indicators.numbers import NumberFormat
from indicators.registry import BY_KEY
from reports.render.context import change_words, printed, values_for

HALF_UP = NumberFormat()
TRUNCATE = NumberFormat(truncate=True)
DECIMALS = NumberFormat(decimals=True)


def count(key: str, n: int, fmt=HALF_UP) -> Figure:
    return Figure(BY_KEY[key], n, None, fmt)


def rate(n: int, d: int, fmt=HALF_UP, key="satisfaction_rate") -> Figure:
    return Figure(BY_KEY[key], n, d, fmt)


def test_heyang_visits_need_truncation():
    """合阳 2022: 来访 3,326 人次 against 4,727 (−29.638…%) and 网上受理 682 against 1,209
    (−43.589…%) are published as −29.63 % and −43.58 %: cut off, not rounded half up."""
    for fmt, persons, online in ((HALF_UP, "下降29.64%", "下降43.59%"), (TRUNCATE, "下降29.63%", "下降43.58%")):
        assert change_words(count("visit_persons", 3326, fmt), count("visit_persons", 4727, fmt)) == persons
        assert change_words(count("online_cases", 682, fmt), count("online_cases", 1209, fmt)) == online
    assert numbers.change(count("visit_persons", 3326), count("visit_persons", 4727), TRUNCATE).value == Decimal(
        "-29.63"
    )
    # 个访 批次 839 against 1,079: −22.24 % either way (−22.242…).
    assert change_words(count("visit_batches", 839, TRUNCATE), count("visit_batches", 1079, TRUNCATE)) == "下降22.24%"


def test_dashboard_table_text_uses_the_same_change():
    now, before = count("visit_persons", 3326, TRUNCATE), count("visit_persons", 4727, TRUNCATE)
    c = numbers.change(now, before, TRUNCATE)
    assert numbers.signed(c, TRUNCATE) == "-29.63%"
    assert numbers.signed(c, TRUNCATE, unit=False) == "-29.63"
    assert numbers.signed(numbers.change(count("visit_persons", 3326), count("visit_persons", 4727))) == "-29.64%"
    assert c.direction == "down"


def test_a_rate_is_cut_off_or_rounded():
    # 2 ÷ 3 = 66.666…%
    assert rate(2, 3).display == "66.67%"
    assert rate(2, 3, TRUNCATE).display == "66.66%"
    assert rate(2, 3, TRUNCATE).percent == Decimal("66.66")


def test_a_whole_per_cent_prints_as_the_bureau_chooses():
    assert rate(5, 5).display == "100%" == printed(rate(5, 5))
    assert rate(5, 5, DECIMALS).display == "100.00%" == printed(rate(5, 5, DECIMALS))
    assert rate(161, 200).display == rate(161, 200, DECIMALS).display == "80.50%"
    assert rate(0, 0).display == "—"
    # Changes follow the same rule: 75 % → 80 % is 5 points.
    five = numbers.change(rate(4, 5), rate(3, 4))
    assert numbers.words(five) == "提高5个百分点"
    assert numbers.words(numbers.change(rate(4, 5, DECIMALS), rate(3, 4, DECIMALS)), DECIMALS) == "提高5.00个百分点"
    assert numbers.signed(five) == "+5 个百分点"


def test_changes_of_rates_in_points_and_relatively():
    now, before = rate(9843, 10000), rate(9713, 10000)
    assert change_words(now, before) == "提高1.30个百分点"
    assert numbers.signed(numbers.change(now, before)) == "+1.30 个百分点"
    # 重复信访占比 0.9 % → 0.6182…%: relatively −31.31 %.
    assert change_words(rate(68, 11000), rate(9, 1000), relative=True) == "下降31.31%"
    assert change_words(rate(1, 2), rate(1, 2)) == "持平"
    assert change_words(rate(1, 2), rate(0, 0)) == "—"
    assert change_words(count("visit_persons", 5), count("visit_persons", 0)) == "—"
    assert change_words(count("visit_persons", 5), None) == "—"


def test_half_up_rounds_away_from_zero_and_truncation_towards_it():
    assert numbers.round2(Decimal("-29.635")) == Decimal("-29.64")
    assert numbers.round2(Decimal("-29.639"), TRUNCATE) == Decimal("-29.63")
    assert numbers.round2(Decimal("98.435")) == Decimal("98.44")
    assert numbers.round2(Decimal("98.439"), TRUNCATE) == Decimal("98.43")


def test_the_bureau_fields_give_the_format(bureau):
    assert NumberFormat.of(bureau) == HALF_UP  # the default: half up, "100%"
    bureau.percent_whole, bureau.percent_rounding = "decimals", "truncate"
    bureau.full_clean()
    assert NumberFormat.of(bureau) == NumberFormat(decimals=True, truncate=True)


def test_chinese_numerals_for_ranks():
    assert [numbers.chinese_number(n) for n in (7, 10, 17, 40, 100, 105, 120)] == [
        "七",
        "十",
        "十七",
        "四十",
        "一百",
        "一百零五",
        "一百二十",
    ]


def test_the_bureaus_choice_reaches_the_report_and_the_dashboard(bureau):
    """合阳's figures through the report's values and a dashboard card, as the bureau is set."""
    import datetime

    from indicators import dashboard
    from reports.services import report_get_or_create

    report, _ = report_get_or_create(bureau=bureau, year=2022)
    figures = {"visit_persons": count("visit_persons", 3326), "online_cases": count("online_cases", 682)}
    previous = {"visit_persons": count("visit_persons", 4727), "online_cases": count("online_cases", 1209)}
    data = dict(
        year=2022,
        today=datetime.date(2023, 1, 10),
        figures={"visit_persons": (3326, None)},
        previous={"visit_persons": (4727, None)},
        units=[],
        by_unit={},
        monthly={},
        overdue=[],
        overdue_total=0,
        due_soon=[],
        due_soon_total=0,
    )
    values = values_for(report, figures, previous)
    assert (values["visit_persons.change"], values["online_cases.change"]) == ("下降29.64%", "下降43.59%")
    card = dashboard._card(BY_KEY["visit_persons"], dashboard.DashboardData(**data))
    assert (card.change, card.direction) == ("-29.64%", "down")

    bureau.percent_rounding = "truncate"
    bureau.save()
    report.bureau.refresh_from_db()
    values = values_for(report, figures, previous)
    assert (values["visit_persons.change"], values["online_cases.change"]) == ("下降29.63%", "下降43.58%")
    card = dashboard._card(BY_KEY["visit_persons"], dashboard.DashboardData(**data, number_format=TRUNCATE))
    assert card.change == "-29.63%"


def test_spreadsheet_cells_stay_numbers_written_the_bureaus_way():
    from reports.render import xlsx
    from reports.render.context import ReportDocument, figure_rows

    for fmt, cell in ((HALF_UP, 100), (DECIMALS, Decimal("100.00"))):
        rows = figure_rows({"satisfaction_rate": rate(5, 5, fmt)}, {"satisfaction_rate": rate(161, 200, fmt)})
        doc = ReportDocument(bureau="甲", year=2024, title="", intro=[], sections=[], figures=rows)
        (row,) = list(xlsx.rows(doc))
        assert row[3:6] == [cell, Decimal("80.50"), "+19.50 个百分点"]
        assert type(row[3]) is type(cell)
    assert numbers.sheet_number(Decimal("80.50")) == Decimal("80.50")
