"""A template per bureau (issue 12): save a report as the bureau's template, start a year from last
year's text, the bureau's template or the shipped one, and make the template from last year's
published report with the proposed placeholders accepted or rejected one by one."""

import io

import docx
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import AuditEntry, Bureau
from cases.scoping import acting_for
from indicators.compute import compute
from indicators.registry import Period
from reports.models import BureauTemplate, Report
from reports.proposals import propose, split_report
from reports.render.context import build_document
from reports.services import report_get_or_create, template_save_from_report

from .seed import SEED, normalise, seed_paragraphs

SEED_TEXT = SEED.read_text(encoding="utf-8")


def _outline(report) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(s.title, [(p.lead, p.text) for p in s.paragraphs.all()]) for s in report.sections.all()]


def _template_entries(bureau) -> list[AuditEntry]:
    kind = ContentType.objects.get_for_model(BureauTemplate)
    return list(AuditEntry.objects.filter(bureau=bureau, content_type=kind).order_by("id"))


# The service ------------------------------------------------------------------------------------


def test_a_year_starts_from_last_years_text_the_bureaus_template_or_the_shipped_one(bureau, sarah):
    first, created = report_get_or_create(bureau=bureau, year=2023, user=sarah)
    assert created and first.sections.count() == 5  # no earlier year, no template: the shipped one
    first.sections.get(position=3).delete()  # the bureau drops 存在问题 …
    first.sections.filter(position=0).update(title="第一责任人履职情况")  # … and renames a heading
    template = template_save_from_report(report=first, user=sarah)
    assert [s["title"] for s in template.sections][:1] == ["第一责任人履职情况"] and len(template.sections) == 4
    first.sections.filter(position=1).update(title="只在2023年的标题")

    by_default = report_get_or_create(bureau=bureau, year=2024, user=sarah)[0]
    assert _outline(by_default) == _outline(first)  # last year's text, as today
    own = report_get_or_create(bureau=bureau, year=2025, user=sarah, source="bureau")[0]
    assert [s.title for s in own.sections.all()] == [s["title"] for s in template.sections]
    assert own.sections.all()[1].title != "只在2023年的标题"
    shipped = report_get_or_create(bureau=bureau, year=2026, user=sarah, source="shipped")[0]
    assert (
        shipped.sections.count() == 5 and shipped.sections.all()[0].title == "党政主要负责人履行法治建设第一责任人情况"
    )

    details = [e.detail for e in Report.objects.none().model.objects.get(pk=own.pk).events.reverse()]
    assert details == ["使用本局模板"]
    assert [r.events.first().detail for r in (by_default, shipped)] == ["复制自2023年报告", "使用默认模板"]
    entries = _template_entries(bureau)
    assert [(e.action, e.detail) for e in entries] == [("create", "保存本局报告模板：以2023年报告为模板")]
    assert first.events.first().detail == "保存为本局模板"


def test_with_no_earlier_year_the_bureaus_template_comes_before_the_shipped_one(bureau, sarah):
    report = report_get_or_create(bureau=bureau, year=2024, user=sarah)[0]
    report.sections.exclude(position=0).delete()
    template_save_from_report(report=report, user=sarah)
    earlier = report_get_or_create(bureau=bureau, year=2020, user=sarah)[0]
    assert earlier.sections.count() == 1 and earlier.events.first().detail == "使用本局模板"


def test_asking_for_a_template_the_bureau_has_not_saved_is_refused(bureau):
    with pytest.raises(ValidationError, match="本局尚未保存报告模板"):
        report_get_or_create(bureau=bureau, year=2024, source="bureau")
    with pytest.raises(ValidationError, match="请选择新报告的起始文本"):
        report_get_or_create(bureau=bureau, year=2024, source="elsewhere")
    assert not Report.objects.filter(bureau=bureau).exists()


# The pages --------------------------------------------------------------------------------------


def test_staff_save_a_report_as_the_template_and_start_a_year_from_it(client, bureau, sarah):
    report = report_get_or_create(bureau=bureau, year=2023, user=sarah)[0]
    report.sections.filter(position__gt=1).delete()
    client.force_login(sarah)
    response = client.post(reverse("reports:save_template", args=[2023]))
    assert response.status_code == 302
    assert [s["title"] for s in BureauTemplate.objects.get(bureau=bureau).sections] == [
        "党政主要负责人履行法治建设第一责任人情况",
        "推进依法行政建设法治政府工作情况",
    ]
    page = client.get(reverse("reports:template")).content.decode()
    assert "以2023年报告为模板" in page and "推进依法行政建设法治政府工作情况" in page
    index = client.get(reverse("reports:index")).content.decode()
    assert '<option value="bureau">本局模板</option>' in index
    client.post(reverse("reports:create"), {"year": "2024", "source": "shipped"})
    assert Report.objects.get(bureau=bureau, year=2024).sections.count() == 5
    client.post(reverse("reports:create"), {"year": "2022", "source": "bureau"})
    assert Report.objects.get(bureau=bureau, year=2022).sections.count() == 2


def test_the_head_may_not_save_the_template(client, bureau, henry):
    report_get_or_create(bureau=bureau, year=2023)
    client.force_login(henry)
    assert client.post(reverse("reports:save_template", args=[2023])).status_code == 403
    assert client.get(reverse("reports:propose")).status_code == 403
    assert client.get(reverse("reports:template")).status_code == 403
    assert not BureauTemplate.objects.exists()


def test_another_bureaus_year_is_not_found_and_its_template_not_shown(client, bureau, sarah):
    other = Bureau.objects.create(name="乙县信访局", county="乙县")
    with acting_for(other):
        report = report_get_or_create(bureau=other, year=2023)[0]
        report.sections.filter(position=0).update(title="乙县专有的标题")
        template_save_from_report(report=report, user=None)
    client.force_login(sarah)
    assert client.post(reverse("reports:save_template", args=[2023])).status_code == 404
    page = client.get(reverse("reports:template")).content.decode()
    assert "乙县专有的标题" not in page and "本局尚未保存模板" in page
    assert BureauTemplate.objects.filter(bureau=bureau).count() == 0


# Last year's published report → placeholders → the bureau's template ---------------------------


def test_the_seed_splits_into_the_shipped_templates_sections_and_paragraphs():
    data = split_report(SEED_TEXT, bureau_name="温县信访局")
    assert data["title"] == "2024年法治政府建设工作报告"
    assert [len(s["paragraphs"]) for s in data["sections"]] == [4, 3, 3, 1, 1]
    assert data["sections"][1]["paragraphs"][2]["lead"] == "实行政务公开，自觉主动接受群众监督。"
    assert data["sections"][4]["paragraphs"][0]["text"].endswith("缓冲器的作用。")  # joined over the page break
    assert "县级和11个乡镇" in data["sections"][2]["paragraphs"][1]["text"]  # Word's spacing dropped


def _analyse(client, **data):
    return client.post(reverse("reports:propose"), {"step": "analyse", "year": "2024", **data})


def test_the_page_proposes_every_figure_and_the_template_fills_back_to_the_seed(wenxian, client, sarah):
    client.force_login(sarah)
    with acting_for(wenxian):
        expected = propose(SEED_TEXT, compute(wenxian.pk, Period.year(2024)), year=2024)
    page = _analyse(client, text=SEED_TEXT)
    assert page.status_code == 200
    rows = page.context["rows"]
    assert len(rows) == len(expected) and len(rows) == 24  # as the command proposes, every one
    assert {"written": "93.96%", "placeholder": "{初次信访事项一次性化解率}"}.items() <= next(
        r for r in rows if r["written"] == "93.96%"
    ).items()

    accept = [str(r["index"]) for r in rows]
    response = client.post(
        reverse("reports:propose"),
        {"step": "apply", "year": "2024", "text": SEED_TEXT, "accept": accept, "target": "template"},
    )
    assert response.status_code == 302
    template = BureauTemplate.objects.get(bureau=wenxian)
    assert "{初次信访事项一次性化解率}" in template.sections[0]["paragraphs"][2]["text"]
    assert "93.96" not in str(template.sections) and template.title == "{年度}年法治政府建设工作报告"
    (entry,) = _template_entries(wenxian)
    assert entry.detail == f"保存本局报告模板：由2024年已发布报告生成：建议{len(rows)}处，采纳{len(rows)}处"

    with acting_for(wenxian):
        report = report_get_or_create(bureau=wenxian, year=2024, source="bureau")[0]
        printed = build_document(report).paragraphs_text()
    assert [normalise(p) for p in printed] == seed_paragraphs()  # every figure filled back as published


def test_a_rejected_proposal_keeps_its_number_and_only_it(wenxian, client, sarah):
    client.force_login(sarah)
    text = "2024年排查矛盾纠纷157起，化解126起，化解率80.25%。"
    rows = _analyse(client, text=text).context["rows"]
    assert [(r["written"], r["placeholder"]) for r in rows] == [
        ("2024", "{年度}"),
        ("157", "{排查矛盾纠纷}"),
        ("126", "{化解矛盾纠纷}"),
        ("80.25%", "{矛盾纠纷化解率}"),
    ]
    client.post(
        reverse("reports:propose"),
        {
            "step": "apply",
            "year": "2024",
            "text": text,
            "accept": ["0", "1", "3"],
            "target": "report",
            "target_year": "2025",
        },
    )
    report = Report.objects.get(bureau=wenxian, year=2025)
    assert report.intro == "{年度}年排查矛盾纠纷{排查矛盾纠纷}起，化解126起，化解率{矛盾纠纷化解率}。"
    assert report.events.first().detail == "由2024年已发布报告生成：建议4处，采纳3处"
    again = client.post(
        reverse("reports:propose"),
        {"step": "apply", "year": "2024", "text": text, "accept": ["0"], "target": "report", "target_year": "2025"},
    )
    assert again.status_code == 400 and "2025年的报告已存在，未作改动。" in again.content.decode()
    assert Report.objects.get(bureau=wenxian, year=2025).intro == report.intro


def test_uploads_are_read_checked_and_refused_in_chinese(wenxian, client, sarah, settings):
    client.force_login(sarah)
    word = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("排查矛盾纠纷157起，化解率80.25%。")
    document.save(word)
    uploaded = SimpleUploadedFile("2024.docx", word.getvalue())
    rows = _analyse(client, file=uploaded).context["rows"]
    assert [r["placeholder"] for r in rows] == ["{排查矛盾纠纷}", "{矛盾纠纷化解率}"]
    txt = SimpleUploadedFile("2024.txt", "化解率80.25%。".encode())
    assert [r["written"] for r in _analyse(client, file=txt).context["rows"]] == ["80.25%"]

    for upload, message in [
        (SimpleUploadedFile("2024.pdf", b"%PDF-1.4"), "只能读取 .txt 或 .docx 文件。"),
        (SimpleUploadedFile("2024.docx", b"not a zip"), "无法读取 Word 文件 2024.docx"),
        (SimpleUploadedFile("2024.txt", "化解率".encode("gbk")), "不是 UTF-8 编码的文本"),
        (SimpleUploadedFile("big.txt", b"1" * (2 * 1024 * 1024 + 1)), "文件超过 2 MB"),
    ]:
        page = _analyse(client, file=upload)
        assert page.status_code == 200 and page.context["form"] is not None
        assert message in page.content.decode(), message
    assert "请粘贴报告全文或上传报告文件。" in _analyse(client, text="  ").content.decode()
    assert not BureauTemplate.objects.exists() and not Report.objects.exists()


def test_braces_in_the_published_text_stay_braces(wenxian, client, sarah):
    client.force_login(sarah)
    text = "化解率80.25%，见附表{一}。"
    response = client.post(
        reverse("reports:propose"),
        {"step": "apply", "year": "2024", "text": text, "accept": ["0"], "target": "report", "target_year": "2025"},
    )
    assert response.status_code == 302
    report = Report.objects.get(bureau=wenxian, year=2025)
    assert report.intro == "化解率{矛盾纠纷化解率}，见附表{{一}}。"
    with acting_for(wenxian):
        assert build_document(report).intro_text == "化解率—，见附表{一}。"  # 2025 has no records


def test_the_template_page_shows_bold_words_without_their_marks(client, bureau, sarah):
    report = report_get_or_create(bureau=bureau, year=2023, user=sarah)[0]
    paragraph = report.sections.first().paragraphs.first()
    paragraph.text = "全年**化解积案12件**，群众满意。"
    paragraph.save()
    template_save_from_report(report=report, user=sarah)
    client.force_login(sarah)
    page = client.get(reverse("reports:template")).content.decode()
    assert "全年化解积案12件，群众满意。" in page and "**" not in page
