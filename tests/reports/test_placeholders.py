import pytest
from django.core.exceptions import ValidationError

from reports.placeholders import Placeholder, Run, fill, fill_text, parse, validate_template
from reports.render.context import build_section, chinese_number, printed

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
