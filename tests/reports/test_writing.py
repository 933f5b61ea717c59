"""The whole-document editor: the report's text as one HTML document and back (reports.document),
saving it (strict allow-list, placeholders checked, nothing changed on refusal), its preview and
readiness words, and who may open it."""

import pytest
from django.urls import reverse

from cases.models import AuditEntry
from reports.document import from_html, report_data, to_html
from reports.models import Report
from reports.render.context import build_document
from reports.services import report_get_or_create

from .seed import normalise, seed_paragraphs

YEAR = 2024


@pytest.fixture
def report(bureau):
    report, _ = report_get_or_create(bureau=bureau, year=YEAR)
    return report


def _texts(report):
    data = report_data(report)
    return data["title"], data["intro"], data["sections"]


def test_wenxian_2024_goes_to_html_and_back_unchanged(wenxian):
    report, _ = report_get_or_create(bureau=wenxian, year=YEAR)
    data = report_data(report)
    html = to_html(data, {"满意率": ("满意率", "98.43%")})
    assert html.count("<h2>") == 5
    leads = 12 - sum(1 for s in data["sections"] for p in s["paragraphs"] if not p["lead"])
    assert html.count('<strong data-lead="">') == leads and html.count("<strong") == leads
    parsed = from_html(html)
    assert parsed.intro == data["intro"]
    assert parsed.sections == data["sections"]
    assert not parsed.flattened


def test_saving_wenxian_2024_through_the_editor_keeps_the_seed_text(client, wenxian):
    from accounts import roles
    from tests.conftest import _user

    staff = _user("sarah", roles.STAFF, wenxian)
    report, _ = report_get_or_create(bureau=wenxian, year=YEAR)
    before = _texts(report)
    client.force_login(staff)
    response = client.post(
        reverse("reports:write", args=[YEAR]), {"title": report.title, "document": to_html(report_data(report))}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert _texts(report) == before
    assert [normalise(p) for p in build_document(report).paragraphs_text()] == seed_paragraphs()


def test_chips_leads_and_headings_map_to_sections_and_paragraphs():
    html = (
        "<p>导语{{不是占位符}}</p>"
        "<h2>工作<strong>成效</strong></h2>"
        '<p><strong data-lead="">（一）加强领导。</strong>满意率为<span data-figure="满意率" '
        'data-value="98.43%">满意率 98.43%</span>，同比<span data-figure="来访人次.同比">x</span>。</p>'
        "<p></p><p>  没有小标题的段落</p>"
    )
    parsed = from_html(html)
    assert parsed.intro == "导语{{不是占位符}}"
    assert parsed.sections == [
        {
            "title": "工作成效",
            "paragraphs": [
                {"lead": "（一）加强领导。", "text": "满意率为{满意率}，同比{来访人次.同比}。", "kind": "text"},
                {"lead": "", "text": "没有小标题的段落", "kind": "text"},
            ],
        }
    ]


def test_a_line_break_within_a_paragraph_and_literal_braces_go_both_ways():
    data = {
        "title": "t",
        "intro": "导语一\n导语二",
        "sections": [
            {
                "title": "部分",
                "paragraphs": [{"lead": "小标题。", "text": "第一行\n第二行{{字面}}{满意率|参评率}", "kind": "text"}],
            }
        ],
    }
    html = to_html(data)
    assert "第一行<br>第二行{{字面}}" in html
    parsed = from_html(html)
    assert (parsed.intro, parsed.sections) == (data["intro"], data["sections"])


def test_disallowed_tags_and_attributes_are_dropped():
    html = (
        '<h2 onclick="evil()" style="color:red">标题</h2>'
        '<p class="x"><img src="http://example.com/a.png" onerror="evil()">正文<script>alert(1)</script>'
        '<a href="javascript:evil()">链接</a><em>强调</em><strong>中间加粗</strong>结束'
        '<span data-figure="满意率" onmouseover="evil()"><b>任何</b>内容</span></p>'
        "<ul><li>列表项</li></ul><style>p{}</style>"
    )
    parsed = from_html(html)
    assert parsed.sections == [
        {
            "title": "标题",
            "paragraphs": [
                {"lead": "", "text": "正文链接强调**中间加粗**结束{满意率}", "kind": "text"},
                {"lead": "", "text": "列表项", "kind": "bullet"},
            ],
        }
    ]
    assert not parsed.flattened


def test_the_editor_saves_the_whole_text_in_one_go(client, sarah, report):
    client.force_login(sarah)
    comment_section = report.sections.get(position=0)
    html = (
        "<p>{年度}年导语。</p><h2>第一部分</h2><p><strong data-lead>段首小标题。</strong>"
        '满意率为<span data-figure="满意率">满意率 —</span>。</p><h2>第二部分</h2><p>第二段</p>'
    )
    response = client.post(reverse("reports:write", args=[YEAR]), {"title": "{年度}年报告", "document": html})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.title, report.intro) == ("{年度}年报告", "{年度}年导语。")
    sections = list(report.sections.all())
    assert [s.title for s in sections] == ["第一部分", "第二部分"]
    assert sections[0].pk == comment_section.pk  # kept in place: review comments stay with it
    assert [(p.lead, p.text) for p in sections[0].paragraphs.all()] == [("段首小标题。", "满意率为{满意率}。")]
    assert [(p.lead, p.text) for p in sections[1].paragraphs.all()] == [("", "第二段")]
    entry = report.events.first()
    assert entry.action == AuditEntry.Action.REPORT_EDITED and entry.user == sarah
    assert "全文编辑" in entry.detail
    doc = build_document(report)
    assert [s.heading for s in doc.sections] == ["一、第一部分", "二、第二部分"]
    assert doc.sections[0].paragraphs[0].lead_number == "（一）"


def test_an_unknown_placeholder_is_refused_with_suggestions_and_nothing_changes(client, sarah, report):
    client.force_login(sarah)
    before = (report.title, report.intro, [(s.pk, s.title) for s in report.sections.all()])
    paragraphs = list(report.sections.first().paragraphs.values_list("lead", "text"))
    events = report.events.count()
    html = '<h2>新部分</h2><p>满意度为<span data-figure="满意度">满意度</span>。</p>'
    response = client.post(reverse("reports:write", args=[YEAR]), {"title": "新标题", "document": html})
    assert response.status_code == 422
    page = response.content.decode()
    assert "未知的占位符：{满意度}" in page and "{满意率}" in page
    assert "data-figure=&quot;满意度&quot;" in page  # the text typed is shown again (escaped), not lost
    report.refresh_from_db()
    assert (report.title, report.intro, [(s.pk, s.title) for s in report.sections.all()]) == before
    assert list(report.sections.first().paragraphs.values_list("lead", "text")) == paragraphs
    assert report.events.count() == events


def test_a_document_without_a_heading_is_refused(client, sarah, report):
    client.force_login(sarah)
    response = client.post(reverse("reports:write", args=[YEAR]), {"title": "标题", "document": "<p>只有导语</p>"})
    assert response.status_code == 422
    assert "至少要有一个部分" in response.content.decode()
    assert report.sections.count() == 5


def test_editing_an_approved_report_sends_it_back_to_draft(client, sarah, report):
    Report.objects.filter(pk=report.pk).update(status=Report.Status.APPROVED)
    client.force_login(sarah)
    html = to_html(report_data(report)).replace("</h2>", "改</h2>", 1)
    response = client.post(
        reverse("reports:write", args=[YEAR]), {"title": report.title, "document": html}, follow=True
    )
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT
    assert "修改后已回到草稿" in response.content.decode()


def test_the_page_shows_the_document_chips_and_readiness(client, sarah, report):
    section = report.sections.first()
    paragraph = section.paragraphs.first()
    paragraph.text = "满意率为{满意率}。"
    paragraph.save()
    client.force_login(sarah)
    page = client.get(reverse("reports:write", args=[YEAR])).content.decode()
    assert "data-figure=&quot;满意率&quot;" in page
    # A chip says the figure's Chinese name even where the text has the key form: {year} → 年度 2024.
    assert "data-figure=&quot;year&quot; data-label=&quot;年度&quot; data-value=&quot;2024&quot;" in page
    assert "报告暂不宜提交审核" in page or "报告已可提交审核" in page
    assert "显示为“—”的数字" in page  # no records: 满意率 prints "—", the check says so
    assert "django_prose_editor/editor.js" in page and "<script>" not in page


def test_the_readiness_says_plainly_when_the_report_is_ready(client, sarah, report, monkeypatch):
    from reports import readiness

    monkeypatch.setattr(readiness, "check", lambda report, values, today=None: [])
    client.force_login(sarah)
    page = client.get(reverse("reports:write", args=[YEAR])).content.decode()
    assert "报告已可提交审核" in page


def test_the_preview_fills_the_unsaved_text(client, sarah, report):
    client.force_login(sarah)
    url = reverse("reports:write_preview", args=[YEAR])
    html = '<h2>成效</h2><p><strong data-lead="">总体。</strong>年度<span data-figure="年度">年度</span>。</p>'
    response = client.post(url, {"title": "{年度}年报告", "document": html})
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        "一、成效" in text
        and "（一）总体。" in text
        and "年度2024。" in text.replace('<span class="fig" data-key="year">2024</span>', "2024")
    )
    assert "2024年报告" in text
    response = client.post(url, {"title": "报告", "document": '<h2>x</h2><p><span data-figure="满意度">x</span></p>'})
    assert response.status_code == 422 and "{满意率}" in response.content.decode()
    report.refresh_from_db()
    assert report.sections.count() == 5  # a preview saves nothing


@pytest.mark.parametrize("who", ["henry", "alice"])
def test_the_head_and_the_clerk_may_not_write(client, request, report, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("reports:write", args=[YEAR])).status_code == 403
    response = client.post(reverse("reports:write", args=[YEAR]), {"title": "x", "document": "<h2>x</h2>"})
    assert response.status_code == 403
    assert client.post(reverse("reports:write_preview", args=[YEAR]), {"document": ""}).status_code == 403
    assert report.sections.count() == 5


def test_bold_inside_the_text_is_saved_as_bold_and_the_page_has_no_notice(client, sarah, report):
    client.force_login(sarah)
    html = (
        "<h2>部分</h2><p><strong data-lead>小标题。</strong>正文<strong>中间</strong>结束</p>"
        "<p><b>段首加粗</b>不是小标题</p>"
    )
    response = client.post(reverse("reports:write", args=[YEAR]), {"title": "报告", "document": html}, follow=True)
    page = response.content.decode()
    assert "已保存全文" in page and "不会印出" not in page
    assert list(report.sections.get().paragraphs.values_list("lead", "text")) == [
        ("小标题。", "正文**中间**结束"),
        ("", "**段首加粗**不是小标题"),
    ]
    # The page opens it again as it was: the lead as a lead, the bold words as bold.
    page = client.get(reverse("reports:write", args=[YEAR])).content.decode()
    lead = "&lt;strong data-lead=&quot;&quot;&gt;小标题。&lt;/strong&gt;"
    assert lead + "正文&lt;strong&gt;中间&lt;/strong&gt;结束" in page
