import pytest
from django.core.exceptions import ValidationError

from reports.placeholders import Placeholder, Run, fill, fill_text, parse, validate_template
from reports.render.context import build_section, change_words, chinese_number, printed

from .stubs import stub_figures


def test_parse_splits_text_and_placeholders():
    assert parse("化解率{dispute_resolution_rate}。") == [
        "化解率",
        Placeholder(("dispute_resolution_rate",), "{dispute_resolution_rate}"),
        "。",
    ]


def test_doubled_braces_are_literal():
    assert fill_text("{{year}} 是{year}", {"year": "2024"}) == "{year} 是2024"


@pytest.mark.parametrize("text", ["化解率{dispute_resolution_rate}", "{year}年{bureau}{county}{short_county}", ""])
def test_known_placeholders_are_accepted(text):
    validate_template(text)


def test_an_unknown_placeholder_is_refused_by_name():
    with pytest.raises(ValidationError) as e:
        validate_template("化解率{dispute_rate}，共{disputes_screened}起，{foo|year}")
    message = e.value.messages[0]
    assert message.startswith("未知的占位符：{dispute_rate}、{foo|year}")
    assert "{disputes_screened}" not in message.split("。")[0]


@pytest.mark.parametrize("text", ["化解率{dispute_resolution_rate", "化解率}", "{{year}"])
def test_a_stray_brace_is_refused(text):
    with pytest.raises(ValidationError, match="花括号"):
        validate_template(text)


def test_fill_marks_the_figures():
    assert fill("排查{disputes_screened}起", {"disputes_screened": "157"}) == [
        Run("排查"),
        Run("157", "disputes_screened"),
        Run("起"),
    ]


def test_a_group_prints_its_shared_value_or_a_dash():
    values = {"a_rate": "100%", "b_rate": "100%", "c_rate": "98.50%"}
    assert fill_text("均为{a_rate|b_rate}", values) == "均为100%"
    assert fill_text("均为{a_rate|c_rate}", values) == "均为—"


def test_printed_figures():
    figures = stub_figures(dispute_resolution_rate=(126, 157), on_time_closure_rate=(10, 10))
    assert printed(figures["dispute_resolution_rate"]) == "80.25%"
    assert printed(figures["on_time_closure_rate"]) == "100%"
    assert printed(figures["disputes_screened"]) == "157"
    assert printed(stub_figures(satisfaction_rate=(0, 0))["satisfaction_rate"]) == "—"
    assert printed(stub_figures(satisfaction_rate=(161, 200))["satisfaction_rate"]) == "80.50%"


def test_sections_and_leads_are_numbered():
    assert [chinese_number(n) for n in (1, 5, 10, 11, 20, 23)] == ["一", "五", "十", "十一", "二十", "二十三"]
    section = build_section(3, "普法", [("甲。", "正文"), ("", "无小标题"), ("乙。", "{year}")], {"year": "2024"})
    assert section.heading == "三、普法"
    assert [p.text for p in section.paragraphs] == ["（一）甲。正文", "无小标题", "（二）乙。2024"]


# Figures by their Chinese names, and their forms (issue 12) -----------------------------------


def test_a_figure_is_named_in_chinese_or_by_its_key():
    assert parse("{满意率}") == [Placeholder(("satisfaction_rate",), "{满意率}")]
    assert parse("{来访人次.同比}") == [Placeholder(("visit_persons.change",), "{来访人次.同比}")]
    assert parse("{visit_persons.last_year}|{年度}") == [
        Placeholder(("visit_persons.last_year",), "{visit_persons.last_year}"),
        "|",
        Placeholder(("year",), "{年度}"),
    ]
    validate_template("{满意率}、{来访人次.上年}、{重复信访率.同比变化率}、{机关名称}{年度}年、{满意率|参评率}")


@pytest.mark.parametrize(
    ("text", "near"),
    [("{满意度}", "{满意率}"), ("{来访人数.同比}", "{来访人次}"), ("{矛盾纠纷化解}", "{矛盾纠纷化解率}")],
)
def test_an_unknown_name_is_refused_with_the_nearest_names(text, near):
    with pytest.raises(ValidationError) as e:
        validate_template(f"今年{text}。")
    message = e.value.messages[0]
    assert message.startswith(f"未知的占位符：{text}。是否要用：")
    assert near in message.split("？")[0]


def test_a_form_a_figure_does_not_have_is_refused():
    for text in ("{满意率.明年}", "{年度.同比}", "{total_satisfaction_rate.同比}"):
        with pytest.raises(ValidationError, match="未知的占位符"):
            validate_template(text)


def test_year_on_year_in_words():
    """合阳县 2022: 来访 839 批, 同比 −22.24 % (1,079 the year before); 长治市-style points for a rate;
    a rate's relative change as 合阳 writes 重复信访占比同比下降31.31%."""
    now = stub_figures(visit_batches=(839, None), satisfaction_rate=(9843, 10000), repeat_petition_rate=(6869, 100000))
    before = stub_figures(
        visit_batches=(1079, None), satisfaction_rate=(9713, 10000), repeat_petition_rate=(10000, 100000)
    )
    assert change_words(now["visit_batches"], before["visit_batches"]) == "下降22.24%"
    assert change_words(before["visit_batches"], now["visit_batches"]) == "增长28.61%"  # 240 / 839
    assert change_words(now["satisfaction_rate"], before["satisfaction_rate"]) == "提高1.30个百分点"
    assert change_words(now["repeat_petition_rate"], before["repeat_petition_rate"], relative=True) == "下降31.31%"
    assert change_words(now["repeat_petition_rate"], before["repeat_petition_rate"]) == "下降3.13个百分点"
    assert change_words(stub_figures(campaigns=(40, None))["campaigns"], now["campaigns"]) == "增长100%"
    assert change_words(now["campaigns"], now["campaigns"]) == "持平"
    assert change_words(now["volunteers"], stub_figures(volunteers=(0, None))["volunteers"]) == "—"  # no base
    assert change_words(now["satisfaction_rate"], None) == "—"


def test_the_report_prints_last_year_and_the_change_from_the_records(bureau, unit, sarah):
    """Screenings: 2023 3 of 4 resolved (75%), 2024 31 of 40 (77.50%), read from the records."""
    from datetime import date

    from cases.models import DisputeScreening
    from reports.render.context import build_document
    from reports.services import report_get_or_create, report_update_heading

    for year, found, resolved in ((2023, 4, 3), (2024, 40, 31)):
        for n in range(found):
            DisputeScreening.objects.create(
                bureau=bureau,
                unit=unit,
                found_on=date(year, 3, 1),
                kind="土地",
                status=DisputeScreening.Status.RESOLVED if n < resolved else DisputeScreening.Status.IN_PROGRESS,
            )
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    report_update_heading(
        report=report,
        user=sarah,
        title="{年度}年法治政府建设工作报告",
        intro="排查{排查矛盾纠纷}起，同比{排查矛盾纠纷.同比}；化解率{矛盾纠纷化解率}，"
        "{矛盾纠纷化解率.同比}（上年{矛盾纠纷化解率.上年}）。",
    )
    doc = build_document(report)
    assert doc.intro_text == "排查40起，同比增长900%；化解率77.50%，提高2.50个百分点（上年75%）。"
