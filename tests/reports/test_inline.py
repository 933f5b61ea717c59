"""Bold words inside a paragraph's text (`**…**`) and bulleted / numbered list paragraphs
(Paragraph.kind): the markup read and refused, the editor's HTML and back, every rendering (HTML,
PDF, Word, text), the plain section page, and revisions published before either existed."""

import io
import json

import docx
import pdfplumber
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.document import from_html, report_data, to_html
from reports.models import Paragraph, Revision
from reports.placeholders import Run, fill, segments, unmarked, validate_template
from reports.render import render
from reports.render.context import ReportDocument, build_document, build_section
from reports.render.html import render_fragment
from reports.services import report_get_or_create, report_publish

YEAR = 2024
VALUES = {"satisfaction_rate": "98.43%", "year": "2024"}


@pytest.fixture
def report(bureau):
    report, _ = report_get_or_create(bureau=bureau, year=YEAR)
    return report


# --- the markup ---------------------------------------------------------------------------------


def test_bold_marks_cut_the_text_and_fill_marks_the_runs():
    assert segments("全年**信访积案**化解。") == [("全年", False), ("信访积案", True), ("化解。", False)]
    assert segments("注*：单个星号是普通字符") == [("注*：单个星号是普通字符", False)]
    assert fill("满意率**{满意率}**，高于上年。", VALUES) == [
        Run("满意率"),
        Run("98.43%", "satisfaction_rate", True),
        Run("，高于上年。"),
    ]
    assert fill("**重点**{年度}**年**", VALUES) == [Run("重点", None, True), Run("2024", "year"), Run("年", None, True)]
    assert unmarked("全年**信访积案**化解。") == "全年信访积案化解。"
    validate_template("**{满意率}**与**{年度}年**")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("正文**加粗", "没有结束的“**”"),
        ("**a**b**", "第 7 个字符处的加粗标记"),
        ("***嵌套***", "3个连续的星号"),
        ("空的****加粗", "4个连续的星号"),
        ("**跨\n行**", "跨了行"),
        ("{满**意率}", "未知的占位符"),
    ],
)
def test_a_mark_out_of_place_is_refused_in_chinese(text, words):
    with pytest.raises(ValidationError) as e:
        validate_template(text)
    assert words in " ".join(e.value.messages)


def test_asterisks_saved_before_the_marks_existed_print_as_typed_and_notices_have_no_bold():
    from notices.placeholders import fill as notice_fill

    assert fill("身份证号***，编号**1", VALUES) == [Run("身份证号***，编号**1")]
    assert notice_fill("{编号}：**注意**", {"编号": "X-1"}) == "X-1：**注意**"


def test_the_section_page_refuses_an_open_mark_and_changes_nothing(client, sarah, report):
    section = report.sections.first()
    before = list(section.paragraphs.values_list("lead", "text", "kind"))
    events = report.events.count()
    client.force_login(sarah)
    url = reverse("reports:edit_section", args=[YEAR, section.pk])
    data = {"title": section.title, "lead": ["小标题。"], "text": ["正文**加粗"], "kind": ["text"]}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "没有结束的“**”" in response.content.decode()
    assert list(section.paragraphs.values_list("lead", "text", "kind")) == before
    assert report.events.count() == events


def test_the_section_page_shows_and_takes_the_markup_and_the_kind(client, sarah, report):
    section = report.sections.first()
    client.force_login(sarah)
    url = reverse("reports:edit_section", args=[YEAR, section.pk])
    page = client.get(url).content.decode()
    assert "两对星号之间" in page and '<option value="number">编号</option>' in page
    response = client.post(
        url,
        {
            "title": section.title,
            "lead": ["小标题。", "", ""],
            "text": ["全年**信访积案**化解。", "健全机制。\n压实责任。", "·符号"],
            "kind": ["text", "number", "bullet"],
        },
    )
    assert response.status_code == 302
    assert list(section.paragraphs.values_list("lead", "text", "kind")) == [
        ("小标题。", "全年**信访积案**化解。", "text"),
        ("", "健全机制。", "number"),
        ("", "压实责任。", "number"),
        ("", "·符号", "bullet"),
    ]
    page = client.get(url).content.decode()
    assert "全年**信访积案**化解。" in page and '<option value="number" selected>编号</option>' in page
    response = client.post(url, {"title": section.title, "lead": [""], "text": ["x"], "kind": ["table"]})
    assert "段落类型只能是" in response.content.decode()
    assert section.paragraphs.count() == 4
    # Its preview prints them as every rendering does.
    preview = reverse("reports:preview_section", args=[YEAR, section.pk])
    data = {"title": "部分", "lead": ["", ""], "text": ["全年**积案**化解。", "甲\n乙"], "kind": ["text", "number"]}
    html = client.post(preview, data).content.decode()
    assert "全年<strong>积案</strong>化解。" in html
    assert '<span class="marker">1.</span>甲</p>' in html and '<span class="marker">2.</span>乙</p>' in html


# --- the editor's HTML --------------------------------------------------------------------------

DATA = {
    "title": "t",
    "intro": "导语有**加粗**。",
    "sections": [
        {
            "title": "工作成效",
            "paragraphs": [
                {"lead": "加强组织领导。", "text": "满意率为**{满意率}**，**全年**化解积案。", "kind": "text"},
                {"lead": "", "text": "**段首加粗**不是小标题。", "kind": "text"},
                {"lead": "", "text": "第一点。", "kind": "bullet"},
                {"lead": "", "text": "第二点**加粗**。", "kind": "bullet"},
                {"lead": "", "text": "健全机制。", "kind": "number"},
                {"lead": "", "text": "压实责任。", "kind": "number"},
                {"lead": "", "text": "其后的正文。", "kind": "text"},
            ],
        }
    ],
}


def test_bold_a_lead_both_lists_and_a_chip_in_bold_go_to_html_and_back():
    html = to_html(DATA, {"满意率": ("满意率", "98.43%")})
    assert '<p><strong data-lead="">加强组织领导。</strong>满意率为<strong><span data-figure="满意率"' in html
    assert "<p><strong>段首加粗</strong>不是小标题。</p>" in html
    assert "<ul><li><p>第一点。</p></li><li><p>第二点<strong>加粗</strong>。</p></li></ul>" in html
    assert "<ol><li><p>健全机制。</p></li><li><p>压实责任。</p></li></ol><p>其后的正文。</p>" in html
    parsed = from_html(html)
    assert (parsed.intro, parsed.sections, parsed.flattened) == (DATA["intro"], DATA["sections"], False)


def test_a_nested_list_is_flattened_and_a_lead_in_a_list_item_is_bold_text():
    html = (
        "<h2>部分</h2><ol><li><p><strong data-lead>要点</strong>一</p><ul><li><p>嵌套</p></li></ul></li>"
        "<li><p>二</p></li></ol><p>正文 <b> 加粗 </b><br><strong>下一行</strong></p>"
    )
    parsed = from_html(html)
    assert parsed.flattened
    assert parsed.sections[0]["paragraphs"] == [
        {"lead": "", "text": "**要点**一", "kind": "number"},
        {"lead": "", "text": "嵌套", "kind": "bullet"},
        {"lead": "", "text": "二", "kind": "number"},
        {"lead": "", "text": "正文  **加粗** \n**下一行**", "kind": "text"},
    ]


def test_the_editor_refuses_a_typed_open_mark_and_saves_nothing(client, sarah, report):
    before = report_data(report)
    client.force_login(sarah)
    html = "<h2>部分</h2><p>正文**加粗</p>"
    response = client.post(reverse("reports:write", args=[YEAR]), {"title": "报告", "document": html})
    assert response.status_code == 422
    assert "第1部分第1段：第 3 个字符处的加粗标记“**”没有结束" in response.content.decode()
    assert report_data(report) == before


def test_the_editor_saves_lists_and_bold_and_the_notice_says_a_nested_list_was_flattened(client, sarah, report):
    client.force_login(sarah)
    html = "<h2>部分</h2><ul><li><p>一</p><ol><li><p>二</p></li></ol></li></ul><p>正<strong>文</strong></p>"
    response = client.post(reverse("reports:write", args=[YEAR]), {"title": "报告", "document": html}, follow=True)
    assert "列表只有一级" in response.content.decode()
    assert list(report.sections.get().paragraphs.values_list("text", "kind")) == [
        ("一", "bullet"),
        ("二", "number"),
        ("正**文**", "text"),
    ]


# --- the renderings -----------------------------------------------------------------------------


def _doc() -> ReportDocument:
    paragraphs = [(p["lead"], p["text"], p["kind"]) for p in DATA["sections"][0]["paragraphs"]]
    return ReportDocument(
        bureau="测试县信访局",
        year=YEAR,
        title="2024年法治政府建设工作报告",
        intro=fill(DATA["intro"], VALUES),
        sections=[build_section(1, "工作成效", paragraphs, VALUES)],
        figures=[],
        dated="2025年1月20日",
    )


def test_numbered_items_count_within_a_run_and_the_text_has_no_marks():
    doc = _doc()
    paragraphs = doc.sections[0].paragraphs
    assert [(p.kind, p.marker, p.lead_number) for p in paragraphs] == [
        ("text", "", "（一）"),
        ("text", "", ""),
        ("bullet", "·", ""),
        ("bullet", "·", ""),
        ("number", "1.", ""),
        ("number", "2.", ""),
        ("text", "", ""),
    ]
    assert doc.paragraphs_text()[2:] == [
        "导语有加粗。",
        "一、工作成效",
        "（一）加强组织领导。满意率为98.43%，全年化解积案。",
        "段首加粗不是小标题。",
        "·第一点。",
        "·第二点加粗。",
        "1.健全机制。",
        "2.压实责任。",
        "其后的正文。",
    ]
    again = build_section(1, "x", [("", "a", "number"), ("", "b", "text"), ("", "c", "number")], VALUES)
    assert [p.marker for p in again.paragraphs] == ["1.", "", "1."]


def test_the_html_prints_strong_and_the_list_markers():
    html = render_fragment(_doc())
    assert '<p class="para">导语有<strong>加粗</strong>。</p>' in html
    assert (
        '满意率为<strong><span class="fig" data-key="satisfaction_rate">98.43%</span></strong>，<strong>全年</strong>'
        in html
    )
    assert '<p class="para item number"><span class="marker">2.</span>压实责任。</p>' in html
    assert '<p class="para item bullet"><span class="marker">·</span>第二点<strong>加粗</strong>。</p>' in html


def test_the_word_file_has_bold_runs_exactly_on_the_bold_words_and_the_list_prefixes():
    document = docx.Document(io.BytesIO(render(_doc(), "docx")))
    paragraphs = {p.text: p for p in document.paragraphs if p.text.strip()}
    lead = paragraphs["（一）加强组织领导。满意率为98.43%，全年化解积案。"]
    assert [(r.text, bool(r.bold)) for r in lead.runs] == [
        ("（一）加强组织领导。", False),
        ("满意率为", False),
        ("98.43%", True),
        ("，", False),
        ("全年", True),
        ("化解积案。", False),
    ]
    xml = lead._p.xml
    assert xml.count("<w:b/>") == 2
    assert "·第一点。" in paragraphs and "1.健全机制。" in paragraphs and "2.压实责任。" in paragraphs
    item = paragraphs["2.压实责任。"]
    assert item.style.name == "Normal" and "w:numPr" not in item._p.xml  # the prefix is printed, not Word's
    assert item.paragraph_format.first_line_indent == lead.paragraph_format.first_line_indent  # 公文 indent
    assert [(r.text, bool(r.bold)) for r in paragraphs["·第二点加粗。"].runs] == [
        ("·", False),
        ("第二点", False),
        ("加粗", True),
        ("。", False),
    ]


def test_the_pdf_prints_the_numbers_and_the_bold_words_in_the_bold_face():
    pdf = render(_doc(), "pdf")
    with pdfplumber.open(io.BytesIO(pdf)) as f:
        chars = [c for page in f.pages for c in page.chars]
        text = "".join(page.extract_text() for page in f.pages)
    lines = text.splitlines()
    assert "1.健全机制。" in lines and "2.压实责任。" in lines and "·第一点。" in lines
    body = "".join(c["text"] for c in chars)
    start = body.index("全年化解积案")
    fonts = [chars[start + i]["fontname"] for i in range(6)]
    assert all("Bold" in f for f in fonts[:2]), fonts  # 全年
    assert not any("Bold" in f for f in fonts[2:]), fonts  # 化解积案
    number = body.index("98.43%")
    assert all("Bold" in chars[number + i]["fontname"] for i in range(6))


# --- published before bold and lists ------------------------------------------------------------

# A revision's document as the code before this change wrote it (rendered then to OLD_HTML; its
# PDF by WeasyPrint OLD_WEASYPRINT had OLD_SHA256).
OLD_JSON = json.loads(
    '{"bureau": "温县信访局", "year": 2024, "title": "2024年法治政府建设工作报告", "intro": [["导语", null], '
    '["2024", "year"], ["。", null]], "sections": [{"number": "一、", "title": "工作成效", "paragraphs": '
    '[{"lead_number": "（一）", "lead": [["加强组织领导。", null]], "body": [["满意率为", null], ["98.43%", '
    '"satisfaction_rate"], ["。", null]]}, {"lead_number": "", "lead": [], "body": [["2024", "year"], '
    '["年，全县*信访*工作平稳。", null]]}]}], "figures": [], "revision": 1, "published_at": '
    '"2025-01-20T08:00:00+08:00", "extra": {}, "dated": "2025年1月20日"}'
)
OLD_HTML = """<article class="report-doc" lang="zh-CN">
<header class="report-title"><p>温县信访局</p><p>2024年法治政府建设工作报告</p></header>
<p class="para">导语<span class="fig" data-key="year">2024</span>。</p>
<section>
<h2>一、工作成效</h2>
<p class="para"><span class="lead">（一）加强组织领导。</span>满意率为\
<span class="fig" data-key="satisfaction_rate">98.43%</span>。</p>
<p class="para"><span class="fig" data-key="year">2024</span>年，全县*信访*工作平稳。</p>
</section>

<footer class="signature"><div><p>温县信访局</p><p class="dated">2025年1月20日</p></div></footer></article>
"""
OLD_SHA256 = "cf134b295cdbd300743eae7ffecb4d3e38b5d7f31004588589929c33a21b9afd"
OLD_WEASYPRINT = "70.0"


def test_a_revision_published_before_loads_renders_and_verifies_as_it_did(report):
    doc = ReportDocument.from_json(OLD_JSON)
    assert doc.to_json() == OLD_JSON  # stored again, byte for byte the same JSON
    assert render_fragment(doc) == OLD_HTML
    revision = Revision.objects.create(
        report=report, number=1, document=OLD_JSON, pdf=b"%PDF-old", sha256=Revision.checksum(b"%PDF-old")
    )
    revision.refresh_from_db()
    assert Revision.checksum(bytes(revision.pdf)) == revision.sha256
    assert ReportDocument.from_json(revision.document).to_json() == OLD_JSON
    import weasyprint

    if weasyprint.__version__ != OLD_WEASYPRINT:
        pytest.skip("the PDF's bytes are compared under the WeasyPrint that made them")
    assert Revision.checksum(render(doc, "pdf")) == OLD_SHA256  # the same PDF, so the same 校验码


def test_a_new_revision_writes_the_bold_flag_and_the_kind_only_where_needed(client, report):
    section = report.sections.first()
    section.paragraphs.all().delete()
    Paragraph.objects.create(section=section, position=0, text="全年**化解**积案。")
    Paragraph.objects.create(section=section, position=1, text="健全机制。", kind=Paragraph.Kind.NUMBER)
    revision = report_publish(report=report, user=None)
    first = revision.document["sections"][0]["paragraphs"]
    assert first[0]["body"] == [["全年", None], ["化解", None, True], ["积案。", None]]
    assert "kind" not in first[0] and (first[1]["kind"], first[1]["marker"]) == ("number", "1.")
    again = ReportDocument.from_json(revision.document)
    assert again.to_json() == revision.document
    assert render_fragment(again) == render_fragment(build_document(report))
    # The public page prints the frozen revision with its bold words and its numbered item.
    page = client.get(reverse("reports:public", args=[report.bureau_id, YEAR])).content.decode()
    assert "全年<strong>化解</strong>积案。" in page and '<span class="marker">1.</span>健全机制。' in page
