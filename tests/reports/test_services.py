import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import AuditEntry, DisputeScreening
from reports.models import Report, Revision
from reports.render.context import ReportDocument, build_document
from reports.services import report_get_or_create, report_publish, section_update

from .seed import normalise


def _screening(bureau, unit, found: str, resolved: bool):
    found_on = datetime.date.fromisoformat(found)
    return DisputeScreening.objects.create(
        bureau=bureau,
        unit=unit,
        found_on=found_on,
        kind="土地纠纷",
        status=DisputeScreening.Status.RESOLVED if resolved else DisputeScreening.Status.IN_PROGRESS,
        resolved_on=found_on if resolved else None,
    )


def test_the_first_year_starts_from_the_shipped_template(bureau, sarah):
    report, created = report_get_or_create(bureau=bureau, year=2024, user=sarah)
    assert created
    assert [s.title for s in report.sections.all()] == [
        "党政主要负责人履行法治建设第一责任人情况",
        "推进依法行政建设法治政府工作情况",
        "普法依法治理及“谁执法谁普法”工作情况",
        "存在问题",
        "下一步打算",
    ]
    doc = build_document(report)
    assert doc.title_lines == ["测试县信访局", "2024年法治政府建设工作报告"]
    assert doc.intro_text.startswith("2024年来，我局")
    assert "平安测试建设" in doc.sections[-1].paragraphs[0].text
    event = report.events.get()
    assert (event.action, event.username, event.detail) == ("report_created", "sarah", "使用默认模板")


def test_a_new_year_starts_as_a_copy_of_the_previous_year(bureau, sarah):
    old, _ = report_get_or_create(bureau=bureau, year=2023, user=sarah)
    section = old.sections.get(position=3)
    section_update(section=section, user=sarah, title="存在的不足", paragraphs=[("", "{year}年宣传不够。")])
    new, created = report_get_or_create(bureau=bureau, year=2024, user=sarah)
    assert created
    assert new.sections.get(position=3).title == "存在的不足"
    doc = build_document(new)
    assert doc.sections[3].paragraphs[0].text == "2024年宣传不够。"
    assert new.events.get().detail == "复制自2023年报告"
    assert Report.objects.count() == 2


def test_saving_an_unknown_placeholder_changes_nothing(bureau, sarah):
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    section = report.sections.get(position=0)
    before = list(section.paragraphs.values_list("text", flat=True))
    with pytest.raises(ValidationError) as e:
        section_update(section=section, user=sarah, title="标题", paragraphs=[("", "化解率{resolution}")])
    assert "未知的占位符：{resolution}" in str(e.value)
    section.refresh_from_db()
    assert list(section.paragraphs.values_list("text", flat=True)) == before


def test_publishing_freezes_text_figures_and_pdf(bureau, unit, henry, sarah):
    for i in range(4):
        _screening(bureau, unit, f"2024-03-0{i + 1}", resolved=i < 3)
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    revision = report_publish(report=report, user=henry)
    assert revision.number == 1
    assert revision.sha256 == Revision.checksum(bytes(revision.pdf))
    frozen = ReportDocument.from_json(revision.document)
    assert "已排查各类矛盾纠纷4起，化解3起，化解率75%。" in normalise("".join(frozen.paragraphs_text()))

    # Records change and the draft is edited; the published revision does not move.
    _screening(bureau, unit, "2024-05-01", resolved=False)
    section_update(section=report.sections.get(position=4), user=sarah, title="下一步打算", paragraphs=[("", "新")])
    revision.refresh_from_db()
    assert ReportDocument.from_json(revision.document).paragraphs_text() == frozen.paragraphs_text()
    assert Revision.checksum(bytes(revision.pdf)) == revision.sha256
    assert "化解率60%" in "".join(build_document(report).paragraphs_text())


def test_a_correction_is_a_new_revision_with_a_reason(bureau, henry):
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    first = report_publish(report=report, user=henry)
    with pytest.raises(ValidationError, match="更正理由"):
        report_publish(report=report, user=henry, reason="  ")
    second = report_publish(report=report, user=henry, reason="补录12月矛盾纠纷排查记录")
    assert (second.number, second.reason) == (2, "补录12月矛盾纠纷排查记录")
    assert list(report.revisions.values_list("number", flat=True)) == [2, 1]
    assert Revision.objects.get(pk=first.pk).sha256 == first.sha256
    actions = list(report.events.order_by("id").values_list("action", "username"))
    assert actions == [
        (AuditEntry.Action.REPORT_CREATED, ""),
        (AuditEntry.Action.REPORT_PUBLISHED, "henry"),
        (AuditEntry.Action.REPORT_CORRECTED, "henry"),
    ]
