"""Issue 12: 合阳县's 2022 and 长治市's 2023 figures from designed records (tests/reports/
other_bureaus.py), computed by the registry and written by a report paragraph that names them in
Chinese with their 同比 forms and the figures each bureau typed in (全省排名, 全省满意率).

Rounding, in DOMAIN terms (docs/indicators.md, 数字的写法): a rate and a 同比 are printed to two
decimals, rounded half up by default; a bureau may choose to cut them off (truncate) instead.
合阳 publishes 来访人次 同比 −29.63 % and 网上受理 同比 −43.58 %, which come from its prior years
(4,727 persons, 1,209 items) only when cut off after two decimals (−29.6382 %, −43.5897 %): its
designed bureau is set to truncate, and the same figures half up are −29.64 % and −43.59 %.
Whole per cents print without decimals (100%), the product's default.
"""

import pytest
from django.db import transaction
from django_scopes import scopes_disabled

from cases.models import Bureau
from indicators.compute import compute
from indicators.registry import Period
from reports.models import Paragraph, Section
from reports.placeholders import validate_template
from reports.render.context import build_document
from reports.services import report_get_or_create

from . import other_bureaus

AS_OF = Period.year(2026).start  # every deadline of 2021–2023 has passed


@pytest.fixture(scope="module")
def bureaus(django_db_setup, django_db_blocker) -> dict[str, Bureau]:
    """Both bureaus' records, built once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic(), scopes_disabled():
        yield {"合阳": other_bureaus.heyang(), "长治": other_bureaus.changzhi()}
        transaction.set_rollback(True)


def figures(bureau, year):
    return {key: f.display for key, f in compute(bureau.pk, Period.year(year, as_of=AS_OF)).items()}


def paragraph(bureau: Bureau, year: int, text: str) -> str:
    """`text` as the year's report prints it: a report whose one paragraph is `text`."""
    validate_template(text)  # every Chinese name and form is one the editor accepts
    report, _created = report_get_or_create(bureau=bureau, year=year)
    report.sections.all().delete()
    section = Section.objects.create(report=report, position=0, title="工作情况")
    Paragraph.objects.create(section=section, position=0, lead="", text=text)
    return build_document(report).sections[0].paragraphs[0].text


HEYANG_2022 = {
    "visit_batches": "839",
    "visit_persons": "3326",
    "individual_visit_batches": "689",
    "individual_visit_persons": "1062",
    "collective_visit_batches": "150",
    "collective_visit_persons": "2264",
    "online_cases": "682",
    "cases_received": "1576",
    "on_time_reply_rate": "100%",
    "repeat_petition_rate": "8.38%",
    "assigned_above_cases": "26",
    "assigned_city_cases": "24",
    "baolian_cases": "5",
    "assigned_above_resolution_rate": "100%",
    "assigned_city_resolution_rate": "100%",
    "baolian_resolution_rate": "100%",
}
HEYANG_2021 = {
    "visit_batches": "1079",
    "visit_persons": "4727",
    "online_cases": "1209",
    "cases_received": "2288",
    "repeat_petition_rate": "12.19%",
}


@pytest.mark.django_db
def test_heyang_2022_figures(bureaus):
    this, last = figures(bureaus["合阳"], 2022), figures(bureaus["合阳"], 2021)
    assert {k: this[k] for k in HEYANG_2022} == HEYANG_2022
    assert {k: last[k] for k in HEYANG_2021} == HEYANG_2021


@pytest.mark.django_db
def test_heyang_2022_report_paragraph(bureaus):
    text = paragraph(
        bureaus["合阳"],
        2022,
        "全年共接待群众来访{来访批次}批{来访人次}人次，同比分别{来访批次.同比}、{来访人次.同比}。"
        "其中个访{个访批次}批{个访人次}人次，集体访{集体访批次}批{集体访人次}人次。"
        "网上受理信访事项{网上信访件数}件，同比{网上信访件数.同比}。按期答复率{按期答复率}，"
        "重复信访占比同比{重复信访率.同比变化率}。受理中省交办件{中央/省交办件}件、市交办件{市交办件}件、"
        "包联件{包联件}件，化解率均为{中央/省交办件化解率|市交办件化解率|包联件化解率}。"
        "信访工作考核全省排名{全省排名}。",
    )
    assert text == (
        "全年共接待群众来访839批3326人次，同比分别下降22.24%、下降29.63%。"
        "其中个访689批1062人次，集体访150批2264人次。"
        "网上受理信访事项682件，同比下降43.58%。按期答复率100%，"
        "重复信访占比同比下降31.31%。受理中省交办件26件、市交办件24件、"
        "包联件5件，化解率均为100%。信访工作考核全省排名第七。"
    )


CHANGZHI_2023 = {
    "satisfaction_rate": "98.43%",
    "initial_cases": "149",
    "cases_received": "400",
    "backlog_stock": "231",
    "backlog_stock_resolved": "130",
    "backlog_added": "64",
    "backlog_added_resolved": "39",
}


@pytest.mark.django_db
def test_changzhi_2023_figures(bureaus):
    this, last = figures(bureaus["长治"], 2023), figures(bureaus["长治"], 2022)
    assert {k: this[k] for k in CHANGZHI_2023} == CHANGZHI_2023
    assert (last["initial_cases"], last["cases_received"]) == ("319", "419")
    # The list at the start of 2024: 2023's 存量 and 增量 not resolved in 2023.
    assert figures(bureaus["长治"], 2024)["backlog_stock"] == str(231 - 130 + 64 - 39)


@pytest.mark.django_db
def test_changzhi_2023_report_paragraph(bureaus):
    text = paragraph(
        bureaus["长治"],
        2023,
        "{自称}群众满意率{满意率}，{满意率.较全省}。初次信访同比{初次信访件数.同比}。"
        "信访积案存量{信访积案存量}件，已化解{存量积案已化解}件；增量{信访积案增量}件，已化解{增量积案已化解}件。",
    )
    assert text == (
        "我市群众满意率98.43%，高于全省0.33个百分点。初次信访同比下降53.29%。信访积案存量231件，已化解130件；增量64件，已化解39件。"
    )


@pytest.mark.django_db
def test_heyang_half_up_would_not_print_what_heyang_published(bureaus):
    """The rounding rule is the bureau's choice: half up, the same records print −29.64 % and
    −43.59 %, not the published −29.63 % and −43.58 %."""
    heyang = bureaus["合阳"]
    Bureau.objects.filter(pk=heyang.pk).update(percent_rounding="half_up")
    heyang.refresh_from_db()
    text = paragraph(heyang, 2022, "来访人次同比{来访人次.同比}，网上信访件数同比{网上信访件数.同比}。")
    assert text == "来访人次同比下降29.64%，网上信访件数同比下降43.59%。"
