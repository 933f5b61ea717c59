import datetime
import io

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from docx.oxml.ns import qn
from docx.shared import RGBColor

from cases.deadlines import HolidayCalendar
from cases.models import DisputeScreening, PetitionCase
from cases.models.base import local_today
from reports.models import Revision
from reports.services import report_get_or_create, report_publish

from .seed import html_paragraphs, pdf_paragraphs, pdftotext

YEAR = 2024


@pytest.fixture
def report(bureau):
    report, _ = report_get_or_create(bureau=bureau, year=YEAR)
    return report


@pytest.fixture
def section(report):
    return report.sections.get(position=3)  # 四、存在问题


def _post_section(client, section, title, paragraphs, view="reports:edit_section"):
    data = {"title": title, "lead": [p[0] for p in paragraphs], "text": [p[1] for p in paragraphs]}
    return client.post(reverse(view, args=[YEAR, section.pk]), data)


def test_staff_saves_a_section(client, sarah, section):
    client.force_login(sarah)
    response = _post_section(client, section, "存在问题", [("", "共排查{disputes_screened}起。"), ("", "")])
    assert response.status_code == 302
    assert list(section.paragraphs.values_list("text", flat=True)) == ["共排查{disputes_screened}起。"]
    event = section.report.events.latest("id")
    assert (event.username, event.action) == ("sarah", "report_edited")


def test_an_unknown_placeholder_is_refused_on_save(client, sarah, section):
    client.force_login(sarah)
    before = list(section.paragraphs.values_list("text", flat=True))
    response = _post_section(client, section, "存在问题", [("", "化解率{resolution_rate}")])
    assert response.status_code == 200
    assert "第1段：未知的占位符：{resolution_rate}" in response.content.decode()
    assert list(section.paragraphs.values_list("text", flat=True)) == before


def test_the_preview_fills_figures_and_escapes_markup(client, sarah, section, bureau, unit):
    DisputeScreening.objects.create(bureau=bureau, unit=unit, found_on=datetime.date(2024, 3, 1), kind="土地")
    client.force_login(sarah)
    response = _post_section(
        client,
        section,
        "问题<b>",
        [("一是<i>。", "排查{disputes_screened}起<script>x</script>")],
        view="reports:preview_section",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert html_paragraphs(html) == ["四、问题<b>", "（一）一是<i>。排查1起<script>x</script>"]
    assert '<span class="fig" data-key="disputes_screened">1</span>' in html


def test_the_preview_reports_an_unknown_placeholder(client, sarah, section):
    client.force_login(sarah)
    response = _post_section(client, section, "存在问题", [("", "{nope}")], view="reports:preview_section")
    assert response.status_code == 422
    assert "未知的占位符：{nope}" in response.content.decode()


def test_the_readiness_check_lists_what_would_make_figures_wrong(client, sarah, report, bureau, unit):
    calendar = HolidayCalendar()
    open_case = PetitionCase(
        bureau=bureau,
        number="2024-0001",
        received_on=datetime.date(2024, 1, 5),
        channel="visit",
        petitioner_name="甲",
        category="claim",
        responsible_unit=unit,
        accepted_on=datetime.date(2024, 1, 6),
    )
    open_case.refresh_due_dates(calendar)
    open_case.save()
    closed = PetitionCase(
        bureau=bureau,
        number="2024-0002",
        received_on=datetime.date(2024, 2, 5),
        channel="visit",
        petitioner_name="乙",
        category="claim",
        responsible_unit=unit,
        accepted_on=datetime.date(2024, 2, 6),
        closed_on=datetime.date(2024, 3, 1),
    )
    closed.refresh_due_dates(calendar)
    closed.save()
    DisputeScreening.objects.create(
        bureau=bureau, unit=unit, found_on=datetime.date(2024, 3, 1), kind="土地", status="resolved"
    )
    client.force_login(sarah)
    html = client.get(reverse("reports:check", args=[YEAR])).content.decode()
    assert "超期未办结的信访事项（1）" in html and "2024-0001" in html
    assert "已办结但未填写处理结果的信访事项（1）" in html and "2024-0002" in html
    assert "已化解但未填写化解日期的矛盾纠纷（1）" in html
    assert "本年度没有任何记录的单位（14）" in html and "太行街道" in html
    assert "显示为“—”的数字" in html and "{timely_acceptance_rate|accurate_transfer_rate" in html
    assert "及时受理率 100%、准确转交率 —、有权处理机关（单位）及时受理率 —（{timely_acceptance_rate|" in html
    assert "{dispute_resolution_rate}" not in html  # 1 of 1 resolved: 100%
    assert "节假日安排未知" not in html


def test_a_year_with_unknown_holidays_is_reported(client, sarah, bureau):
    report_get_or_create(bureau=bureau, year=2027)
    client.force_login(sarah)
    html = client.get(reverse("reports:check", args=[2027])).content.decode()
    assert "节假日安排未知的年度（" in html and "2027年" in html


def test_exports(client, sarah, report):
    client.force_login(sarah)
    xlsx = client.get(reverse("reports:export", args=[YEAR, "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    # Chinese only, with last year and 同比 (the fixture's year has no records, nor the year before).
    assert [c.value for c in sheet[2]] == ["指标名称", "分子", "分母", "数值", "上年", "同比", "单位", "定义"]
    assert rows["矛盾纠纷化解率"][:7] == ("矛盾纠纷化解率", 0, 0, "—", "—", "—", "%")
    assert rows["排查矛盾纠纷"][:6] == ("排查矛盾纠纷", 0, None, 0, 0, "—")
    assert rows["排查矛盾纠纷"][7] == "期内排查发现的矛盾纠纷"
    assert not any("_" in str(c) for row in rows.values() for c in row[:7])  # no 指标代码 left

    word = client.get(reverse("reports:export", args=[YEAR, "docx"]))
    document = docx.Document(io.BytesIO(word.content))
    title = document.paragraphs[0].runs[0]
    assert (title.text, title.font.name, title.font.size.pt) == ("测试县信访局", "方正小标宋简体", 22)
    heading = next(p for p in document.paragraphs if p.text.startswith("一、"))
    assert heading.runs[0].font.name == "黑体"
    # Word's own heading style (its navigation pane lists the sections), dressed as a 公文 heading.
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings and all(h[1] == "、" for h in headings) and headings[0] == heading.text
    assert heading.style.font.color.rgb == RGBColor(0, 0, 0) and heading.style.font.bold is False
    # The signature block ends it: the bureau, then today's date, right-aligned.
    today = local_today()
    assert [p.text for p in document.paragraphs[-2:]] == ["测试县信访局", f"{today.year}年{today.month}月{today.day}日"]
    assert [p.alignment for p in document.paragraphs[-2:]] == [2, 2]
    # 测试县信访局 is 6 characters, the date 9.5 at most: the date ends two characters from the
    # right, the name starts two characters left of it.
    name, date = document.paragraphs[-2:]
    assert date.paragraph_format.right_indent.pt == 32
    width = sum(0.5 if ch.isascii() else 1 for ch in date.text)
    assert name.paragraph_format.right_indent.pt == pytest.approx(16 * (4 + width - 6))
    lead = next(p for p in document.paragraphs if p.text.startswith("（一）"))
    assert [r.font.name for r in lead.runs] == ["楷体_GB2312", "仿宋_GB2312"]
    assert document.sections[0].left_margin.mm == pytest.approx(28, abs=0.05)

    footers = [document.sections[0].footer, document.sections[0].even_page_footer]
    assert [f.paragraphs[0].alignment for f in footers] == [2, 0]  # odd pages right, even left
    for footer in footers:
        xml = footer.paragraphs[0]._p.xml
        assert 'w:instr="PAGE"' in xml
        assert "".join(t.text for t in footer.paragraphs[0]._p.iter(qn("w:t"))) == "— 1 —"
    assert document.settings.odd_and_even_pages_header_footer

    page = client.get(reverse("reports:export", args=[YEAR, "html"]))
    assert "attachment" in page["Content-Disposition"]
    markup = page.content.decode()
    assert "<link" not in markup and "src=" not in markup and "url(" not in markup  # self-contained
    assert "@page" in markup
    assert html_paragraphs(page.content.decode())[:2] == ["测试县信访局", "2024年法治政府建设工作报告"]
    assert client.get(reverse("reports:export", args=[YEAR, "exe"])).status_code == 404


def test_the_public_page_serves_the_frozen_revision(client, report, henry, bureau, unit):
    revision = report_publish(report=report, user=henry)
    DisputeScreening.objects.create(bureau=bureau, unit=unit, found_on=datetime.date(2024, 3, 1), kind="土地")
    page = client.get(reverse("reports:public", args=[report.bureau_id, YEAR])).content.decode()
    assert revision.sha256 in page
    assert "已排查各类矛盾纠纷0起" in "".join(html_paragraphs(page))
    pdf = client.get(reverse("reports:public_pdf", args=[report.bureau_id, YEAR]))
    assert Revision.checksum(pdf.content) == revision.sha256
    assert pdf["ETag"] == f'"{revision.sha256}"'
    assert "已排查各类矛盾纠纷0起" in "".join(pdf_paragraphs(pdf.content))


def test_the_public_page_keeps_every_revision(client, report, henry):
    first = report_publish(report=report, user=henry)
    second = report_publish(report=report, user=henry, reason="更正化解率")
    page = client.get(reverse("reports:public", args=[report.bureau_id, YEAR])).content.decode()
    assert "第2版" in page and "更正化解率" in page and first.sha256 in page
    old = client.get(reverse("reports:public_revision_pdf", args=[report.bureau_id, YEAR, 1]))
    assert Revision.checksum(old.content) == first.sha256
    assert client.get(reverse("reports:public_revision", args=[report.bureau_id, YEAR, 3])).status_code == 404
    assert second.number == 2


def test_the_public_pdf_costs_one_query(client, report, henry, django_assert_num_queries):
    report_publish(report=report, user=henry)
    with django_assert_num_queries(1):  # the revision (the bureau is in the address)
        client.get(reverse("reports:public_pdf", args=[report.bureau_id, YEAR]))


def test_the_draft_page_costs_a_fixed_number_of_queries(client, sarah, report, django_assert_num_queries):
    client.force_login(sarah)
    client.get(reverse("reports:detail", args=[YEAR]))  # last year's figures counted and stored
    # session, user, membership and permissions (5), report, the indicators (one per source, 10),
    # last year's stored figures (1), sections, paragraphs and the latest revision (3).
    with django_assert_num_queries(20):
        response = client.get(reverse("reports:detail", args=[YEAR]))
    assert any(p.startswith("2024年来，我局") for p in html_paragraphs(response.content.decode()))


def test_the_export_command(report, henry, tmp_path):
    draft = tmp_path / "draft.pdf"
    call_command("export_report", year=YEAR, format="pdf", output=str(draft))
    revision = report_publish(report=report, user=henry)
    assert Revision.checksum(draft.read_bytes()) == revision.sha256  # unchanged text: the same bytes
    for fmt in ("pdf", "html", "docx", "xlsx"):
        out = tmp_path / f"report.{fmt}"
        call_command("export_report", year=YEAR, format=fmt, output=str(out))
        assert out.stat().st_size > 1000
    assert Revision.checksum((tmp_path / "report.pdf").read_bytes()) == revision.sha256


def test_the_charts_appendix_draws_the_dashboards_monthly_charts(client, sarah, report, bureau, unit):
    for month in (3, 3, 5):
        DisputeScreening.objects.create(bureau=bureau, unit=unit, found_on=datetime.date(2024, month, 1), kind="土地")
    client.force_login(sarah)
    response = client.get(reverse("reports:export", args=[YEAR, "charts"]))
    assert response["Content-Type"] == "application/pdf"
    text = pdftotext(response.content)
    assert "附件" in text and "2024年各月矛盾纠纷排查与化解" in text and "2024年各月受理信访事项" in text


def test_lines_of_a_text_box_become_paragraphs(client, sarah, section):
    client.force_login(sarah)
    _post_section(client, section, "存在问题", [("甲。", "第一行\r\n\r\n第二行\n第三行 ")])
    rows = list(section.paragraphs.values_list("lead", "text"))
    assert rows == [("甲。", "第一行"), ("", "第二行"), ("", "第三行")]


def test_the_publish_page_warns_of_readiness_issues(client, henry, report):
    client.force_login(henry)
    html = client.get(reverse("reports:publish", args=[YEAR])).content.decode()
    assert "本年度没有任何记录的单位（15）" in html
