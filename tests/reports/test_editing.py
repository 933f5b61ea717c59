"""The bureau's own order and titles: sections added, moved and removed; title and intro edited."""

import pytest
from django.urls import reverse

from reports.render.context import build_document
from reports.services import report_get_or_create

YEAR = 2024


@pytest.fixture
def report(bureau):
    report, _ = report_get_or_create(bureau=bureau, year=YEAR)
    return report


def _headings(report):
    return [s.heading for s in build_document(report).sections]


def test_sections_are_renumbered_when_moved(client, sarah, report):
    client.force_login(sarah)
    last = report.sections.get(position=4)
    client.post(reverse("reports:move_section", args=[YEAR, last.pk]), {"direction": "up"})
    assert _headings(report)[3:] == ["四、下一步打算", "五、存在问题"]
    first = report.sections.get(title__startswith="党政")
    client.post(reverse("reports:move_section", args=[YEAR, first.pk]), {"direction": "up"})  # already first
    assert _headings(report)[0] == "一、党政主要负责人履行法治建设第一责任人情况"


def test_a_section_is_added_and_deleted(client, sarah, report):
    client.force_login(sarah)
    response = client.post(reverse("reports:add_section", args=[YEAR]), {"title": "其他需要报告的事项"})
    added = report.sections.get(title="其他需要报告的事项")
    assert response["Location"] == reverse("reports:edit_section", args=[YEAR, added.pk])
    assert _headings(report)[-1] == "六、其他需要报告的事项"
    client.post(reverse("reports:delete_section", args=[YEAR, report.sections.get(position=0).pk]))
    assert _headings(report)[0] == "一、推进依法行政建设法治政府工作情况"
    assert len(_headings(report)) == 5
    assert list(report.events.values_list("username", flat=True)[:2]) == ["sarah", "sarah"]


def test_title_and_intro_are_edited_with_placeholders(client, sarah, report):
    client.force_login(sarah)
    url = reverse("reports:edit", args=[YEAR])
    response = client.post(url, {"title": "{year}年度法治政府建设情况报告", "intro": "{county}{year}年概述。"})
    assert response.status_code == 302
    report.refresh_from_db()
    doc = build_document(report)
    assert doc.title_lines == ["测试县信访局", "2024年度法治政府建设情况报告"]
    assert doc.intro_text == "测试县2024年概述。"
    response = client.post(url, {"title": "{yaer}年报告", "intro": ""})
    assert "未知的占位符：{yaer}" in response.content.decode()


def test_a_new_year_is_created_from_the_list(client, sarah, report):
    client.force_login(sarah)
    response = client.post(reverse("reports:create"), {"year": "2025"})
    assert response["Location"] == reverse("reports:detail", args=[2025])
    new = report.bureau.reports.get(year=2025)
    assert [s.title for s in new.sections.all()] == [s.title for s in report.sections.all()]
    assert client.post(reverse("reports:create"), {"year": "abc"})["Location"] == reverse("reports:index")
