"""Review and publishing (issue 12, item 7): each transition, who may make it, the confirmation
page, the head's comments on the editing page, and the drift notice after publishing. Figures by
their Chinese names in the editor (item 1)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.audit import log_action
from cases.models import AuditEntry, DisputeScreening, Volunteer
from reports import drift, services
from reports.models import Report, ReviewComment, Revision
from reports.placeholders import CONTEXT_NAMES

YEAR = 2024
S = Report.Status


@pytest.fixture
def report(bureau, unit):
    for day in (1, 2, 3):
        DisputeScreening.objects.create(bureau=bureau, unit=unit, found_on=datetime.date(YEAR, 3, day), kind="土地")
    report, _ = services.report_get_or_create(bureau=bureau, year=YEAR)
    return report


def _status(report) -> str:
    return Report.objects.get(pk=report.pk).status


def _actions(report) -> list[str]:
    return list(report.events.order_by("id").values_list("action", flat=True))


def _shown(client) -> str:
    page = client.get(reverse("reports:publish", args=[YEAR])).content.decode()
    return re.search(r'name="shown" value="([0-9a-f]{64})"', page).group(1)


def _approve(report, sarah, henry):
    services.report_submit(report=report, user=sarah)
    services.report_approve(report=report, user=henry)


# Transitions ------------------------------------------------------------------------------------


def test_staff_submit_and_the_head_returns_with_a_comment_on_a_section(client, report, sarah, henry):
    section = report.sections.get(position=3)
    client.force_login(sarah)
    assert client.post(reverse("reports:submit", args=[YEAR])).status_code == 302
    assert _status(report) == S.SUBMITTED

    client.force_login(henry)
    data = {"action": "return", f"comment-{section.pk}": "请补充排查数字的来源。"}
    assert client.post(reverse("reports:review", args=[YEAR]), data).status_code == 302
    assert _status(report) == S.RETURNED
    comment = ReviewComment.objects.get(report=report)
    assert (comment.section, comment.text, comment.created_by) == (section, "请补充排查数字的来源。", henry)
    assert _actions(report)[-2:] == ["report_submitted", "report_returned"]
    assert "已提交”→“已退回" in report.events.first().detail
    assert "<td>已退回</td>" in client.get(reverse("reports:index")).content.decode()


def test_returning_without_any_comment_is_refused_and_changes_nothing(client, report, sarah, henry):
    services.report_submit(report=report, user=sarah)
    client.force_login(henry)
    response = client.post(reverse("reports:review", args=[YEAR]), {"action": "return"}, follow=True)
    assert "退回时请至少对一个部分填写审核意见。" in response.content.decode()
    assert _status(report) == S.SUBMITTED
    assert not ReviewComment.objects.exists()


def test_a_review_without_an_action_or_with_too_long_a_comment_changes_nothing(client, report, sarah, henry):
    section = report.sections.first()
    services.report_submit(report=report, user=sarah)
    client.force_login(henry)
    url = reverse("reports:review", args=[YEAR])
    nothing = client.post(url, {f"comment-{section.pk}": "改"}).content.decode()
    assert "请选择“批准”或“退回”。" in nothing
    long = client.post(url, {"action": "return", f"comment-{section.pk}": "长" * 2001}).content.decode()
    assert "的审核意见超过2000字。" in long
    assert _status(report) == S.SUBMITTED and not ReviewComment.objects.exists()


def test_the_head_approves_a_submitted_report_only(report, sarah, henry):
    with pytest.raises(ValidationError, match="只有已提交的报告可以批准"):
        services.report_approve(report=report, user=henry)
    assert _status(report) == S.DRAFT
    _approve(report, sarah, henry)
    assert _status(report) == S.APPROVED
    assert _actions(report)[-1] == "report_approved"


def test_only_an_approved_report_is_published(client, report, sarah, henry):
    client.force_login(henry)
    page = client.get(reverse("reports:publish", args=[YEAR])).content.decode()
    assert "报告当前为“草稿”。只有局长批准的报告才能发布" in page and "publish-button" not in page
    services.report_submit(report=report, user=sarah)
    response = client.post(reverse("reports:publish", args=[YEAR]), {"confirm": "on", "shown": "0" * 64})
    assert response.status_code == 200
    assert not report.revisions.exists()
    with pytest.raises(ValidationError, match="只有已批准的报告可以发布"):
        services.report_publish_approved(report=report, user=henry)


def test_editing_an_approved_report_sends_it_back_to_draft_and_says_so(client, report, sarah, henry):
    _approve(report, sarah, henry)
    client.force_login(sarah)
    response = client.post(
        reverse("reports:edit", args=[YEAR]), {"title": report.title, "intro": "新的导语。"}, follow=True
    )
    assert "报告原为“已批准”，修改后已回到草稿；请改完后重新提交审核。" in response.content.decode()
    assert _status(report) == S.DRAFT
    assert "报告由“已批准”回到草稿" in report.events.first().detail


def test_a_submitted_report_cannot_be_submitted_twice(client, report, sarah):
    services.report_submit(report=report, user=sarah)
    client.force_login(sarah)
    response = client.post(reverse("reports:submit", args=[YEAR]), follow=True)
    assert "只有草稿或已退回的报告可以提交审核" in response.content.decode()
    assert _actions(report).count("report_submitted") == 1


def test_publish_then_correct_as_a_new_numbered_revision(client, report, sarah, henry):
    _approve(report, sarah, henry)
    client.force_login(henry)
    response = client.post(reverse("reports:publish", args=[YEAR]), {"confirm": "on", "shown": _shown(client)})
    assert response.status_code == 302
    assert _status(report) == S.PUBLISHED
    assert report.revisions.get().number == 1

    services.report_update_heading(report=report, user=sarah, title=report.title, intro="更正后的导语。")
    assert _status(report) == S.DRAFT
    _approve(report, sarah, henry)
    shown = _shown(client)
    refused = client.post(reverse("reports:publish", args=[YEAR]), {"confirm": "on", "shown": shown})
    assert "更正发布须填写更正理由。" in refused.content.decode()
    assert report.revisions.count() == 1
    client.post(reverse("reports:publish", args=[YEAR]), {"confirm": "on", "shown": shown, "reason": "导语有误"})
    assert list(report.revisions.values_list("number", "reason")) == [(2, "导语有误"), (1, "")]
    assert _actions(report)[-1] == "report_corrected"


def test_publishing_unticked_or_after_the_figures_moved_is_refused(client, report, bureau, unit, sarah, henry):
    _approve(report, sarah, henry)
    client.force_login(henry)
    shown = _shown(client)
    unticked = client.post(reverse("reports:publish", args=[YEAR]), {"shown": shown})
    assert "请先核对并勾选“确认发布”。" in unticked.content.decode()
    DisputeScreening.objects.create(bureau=bureau, unit=unit, found_on=datetime.date(YEAR, 4, 1), kind="土地")
    moved = client.post(reverse("reports:publish", args=[YEAR]), {"confirm": "on", "shown": shown})
    assert "您核对之后，台账数据或报告标题有变化" in moved.content.decode()
    assert not Revision.objects.exists()


# Roles ----------------------------------------------------------------------------------------


def test_staff_may_not_review_and_the_head_may_not_submit_or_resolve(client, report, sarah, henry, alice):
    section = report.sections.first()
    comment = ReviewComment.objects.create(report=report, section=section, section_title=section.title, text="改")
    services.report_submit(report=report, user=sarah)
    client.force_login(sarah)
    assert client.post(reverse("reports:review", args=[YEAR]), {"action": "approve"}).status_code == 403
    assert client.get(reverse("reports:review", args=[YEAR])).status_code == 403
    client.force_login(alice)
    assert client.post(reverse("reports:submit", args=[YEAR])).status_code == 403
    client.force_login(henry)
    assert client.post(reverse("reports:submit", args=[YEAR])).status_code == 403
    assert client.post(reverse("reports:resolve_comment", args=[YEAR, comment.pk])).status_code == 403
    assert _status(report) == S.SUBMITTED
    comment.refresh_from_db()
    assert comment.resolved_at is None


def test_a_missing_year_or_comment_is_not_found(client, report, sarah, henry):
    client.force_login(henry)
    assert client.get(reverse("reports:review", args=[YEAR - 1])).status_code == 404
    client.force_login(sarah)
    assert client.post(reverse("reports:submit", args=[YEAR - 1])).status_code == 404
    assert client.post(reverse("reports:resolve_comment", args=[YEAR, 999999])).status_code == 404


# The head's comments on the editing page -------------------------------------------------------


def test_comments_show_on_the_editing_page_until_resolved(client, report, sarah, henry):
    section = report.sections.get(position=3)
    services.report_submit(report=report, user=sarah)
    services.report_return(report=report, user=henry, comments={section.pk: "请补充“存在问题”的数字。"})
    client.force_login(sarah)
    overview = client.get(reverse("reports:edit", args=[YEAR])).content.decode()
    page = client.get(reverse("reports:edit_section", args=[YEAR, section.pk])).content.decode()
    other = client.get(reverse("reports:edit_section", args=[YEAR, report.sections.get(position=0).pk]))
    assert "请补充“存在问题”的数字。" in overview and "请补充“存在问题”的数字。" in page
    assert "请补充“存在问题”的数字。" not in other.content.decode()
    assert "审核状态：已退回" in page

    comment = ReviewComment.objects.get()
    response = client.post(
        reverse("reports:resolve_comment", args=[YEAR, comment.pk]), {"next": "section"}, follow=True
    )
    assert "请补充“存在问题”的数字。" not in response.content.decode().split("</nav>")[1].split("messages")[0]
    comment.refresh_from_db()
    assert comment.resolved_by == sarah
    assert "请补充“存在问题”的数字。" not in client.get(reverse("reports:edit", args=[YEAR])).content.decode()
    assert _actions(report)[-1] == "report_resolved"
    services.report_submit(report=report, user=sarah)  # a returned report is submitted again
    assert _status(report) == S.SUBMITTED


# The confirmation page ----------------------------------------------------------------------


def test_the_confirmation_page_shows_exactly_what_will_be_frozen(client, report, sarah, henry):
    _approve(report, sarah, henry)
    client.force_login(henry)
    page = client.get(reverse("reports:publish", args=[YEAR])).content.decode()
    assert "将要固定的内容：第1版" in page
    headings = re.findall(r"<li>([一二三四五六七八九十]+、[^<]+)</li>", page)
    assert headings == [s.number + s.title for s in _doc(report).sections]
    assert len(headings) == report.sections.count()
    row = re.search(r'<tr data-key="disputes_screened"><td>排查矛盾纠纷</td><td class="num">(\d+)</td>', page)
    assert row.group(1) == "3"
    assert page.count("就像文件的指纹") == 1  # explained once
    assert "SHA-256" not in page and "SHA256" not in page


def _doc(report):
    from reports.render.context import build_document

    return build_document(report)


def test_no_user_sees_sha_256_after_publishing(client, report, sarah, henry):
    _approve(report, sarah, henry)
    client.force_login(henry)
    done = client.post(reverse("reports:publish", args=[YEAR]), {"confirm": "on", "shown": _shown(client)}, follow=True)
    history = done.content.decode()
    public = client.get(reverse("reports:public", args=[report.bureau_id, YEAR])).content.decode()
    sha = report.revisions.get().sha256
    assert f"已发布第1版，校验码：{sha}" in history
    for page in (history, public):
        assert "SHA-256" not in page and "校验码" in page and sha in page
    assert str(Revision._meta.get_field("sha256").verbose_name) == "校验码"


# Drift ------------------------------------------------------------------------------------------


@pytest.fixture
def published(report, sarah, henry):
    _approve(report, sarah, henry)
    services.report_publish_approved(report=report, user=henry)
    return report


def test_no_drift_right_after_publishing(published, henry):
    assert drift.drift_of(published, user=henry) is None


def test_a_later_record_shows_which_figure_and_which_record_changed(client, published, bureau, unit, henry, sarah):
    screening = DisputeScreening.objects.create(
        bureau=bureau, unit=unit, found_on=datetime.date(YEAR, 5, 1), kind="宅基地"
    )
    log_action(screening, user=sarah, action=AuditEntry.Action.CREATE, changes={"kind": ["", "宅基地"]})
    found = drift.drift_of(published, user=henry)
    moved = {f.key: (f.published, f.live) for f in found.figures}
    assert moved["disputes_screened"] == ("3", "4")
    assert [(r.action, r.ledger, r.url) for r in found.records] == [
        ("新增", "矛盾纠纷排查", reverse("admin:cases_disputescreening_change", args=[screening.pk]))
    ]
    assert found.records[0].username == "sarah"  # the head reads the activity log

    client.force_login(henry)
    for url in (reverse("indicators:dashboard") + f"?year={YEAR}", reverse("reports:detail", args=[YEAR])):
        html = client.get(url).content.decode()
        notice = html.split('id="drift-notice"')[1].split("</section>")[0]
        assert "已发布第1版" in notice
        assert (
            '<tr data-key="disputes_screened"><td>排查矛盾纠纷</td><td class="num">3</td><td class="num">4</td>'
            in notice
        )
        assert f'href="/admin/cases/disputescreening/{screening.pk}/change/"' in notice


def test_the_dashboard_print_view_holds_the_notice_for_paper(client, published, bureau, unit, henry, sarah):
    """On A4: the figure published → live and the record changed, as text (no link, no button)."""
    printed = reverse("indicators:dashboard_print") + f"?year={YEAR}"
    client.force_login(henry)
    assert "drift-notice" not in client.get(printed).content.decode()
    screening = DisputeScreening.objects.create(
        bureau=bureau, unit=unit, found_on=datetime.date(YEAR, 5, 1), kind="宅基地"
    )
    log_action(screening, user=sarah, action=AuditEntry.Action.CREATE, changes={"kind": ["", "宅基地"]})
    html = client.get(printed).content.decode()
    assert html.count('id="drift-notice"') == 1
    notice = html.split('id="drift-notice"')[1].split("</section>")[0]
    assert "年报告已于" in notice and "发布第1版" in notice
    row = '<tr data-key="disputes_screened"><th scope="row">排查矛盾纠纷</th>'
    row += '<td class="num">3</td><td class="num">4</td>'
    assert row in notice
    assert f"新增 矛盾纠纷排查 {screening}（sarah）" in notice
    assert "<a " not in notice and "<button" not in notice and "href=" not in notice
    # after the header, before the figures
    assert html.index('class="print-head"') < html.index('id="drift-notice"') < html.index('class="dash-section"')


def test_the_drift_masks_a_person_for_those_without_personal_data(published, bureau, sarah, alice):
    volunteer = Volunteer.objects.create(bureau=bureau, name="赵六六", joined_on=datetime.date(YEAR, 6, 1))
    log_action(volunteer, user=alice, action=AuditEntry.Action.CREATE)
    staff = drift.drift_of(published, user=sarah)
    assert any(f.key == "volunteers" for f in staff.figures)
    assert [(r.record, r.username) for r in staff.records] == [("赵**", "")]
    assert "赵六六" not in str(staff)
    clerk = drift.drift_of(published, user=alice)
    assert clerk.records[0].username == ""  # the clerk does not read the activity log


def test_the_dashboard_shows_nothing_without_drift(client, published, henry):
    client.force_login(henry)
    assert "drift-notice" not in client.get(reverse("indicators:dashboard") + f"?year={YEAR}").content.decode()


# Figures by their Chinese names in the editor (item 1) -------------------------------------------


def test_the_editor_lists_every_figure_by_name_with_its_value_and_forms(client, report, sarah):
    section = report.sections.get(position=3)
    client.force_login(sarah)
    page = client.get(reverse("reports:edit_section", args=[YEAR, section.pk])).content.decode()
    item = page.split('data-search="排查矛盾纠纷 disputes_screened"')[1].split("</li>")[0]
    assert 'data-name="排查矛盾纠纷"' in item and '<span class="figure-value">3</span>' in item
    assert 'data-name="排查矛盾纠纷.上年"' in item and 'data-name="排查矛盾纠纷.同比"' in item
    assert 'data-name="满意率.同比变化率"' in page  # a rate's relative change
    assert 'data-name="排查矛盾纠纷.同比变化率"' not in page  # not for a count
    assert 'id="figure-search"' in page and "reports/figures.js" in page
    from indicators.registry import INDICATORS

    # and the bureau's own words: 年度, 机关名称, 县名, 地名简称, 自称, 本级, 各级, 省份
    assert page.count('class="figure-item"') == len(INDICATORS) + len(CONTEXT_NAMES) == len(INDICATORS) + 8

    response = client.post(
        reverse("reports:edit_section", args=[YEAR, section.pk]),
        {"title": "存在问题", "lead": [""], "text": ["满意率为{满意率}，排查{排查矛盾纠纷}起。"]},
    )
    assert response.status_code == 302
    assert section.paragraphs.get().text == "满意率为{满意率}，排查{排查矛盾纠纷}起。"
    refused = client.post(
        reverse("reports:edit_section", args=[YEAR, section.pk]),
        {"title": "存在问题", "lead": [""], "text": ["{满意度}"]},
    )
    assert "未知的占位符：{满意度}" in refused.content.decode() and "{满意率}" in refused.content.decode()


def test_the_dashboard_notice_costs_a_few_queries(rf, published, bureau, unit, henry, assert_max_data_queries):
    """On every dashboard view of a published year: the report, the revision's figures (not its
    PDF nor its charts), the stored figures, and the activity log's count and page."""
    DisputeScreening.objects.create(bureau=bureau, unit=unit, found_on=datetime.date(YEAR, 5, 1), kind="土地")
    request = rf.get("/")
    request.user = henry
    drift.dashboard_notice(request, bureau, YEAR)  # the stored figures brought up to date once
    with assert_max_data_queries(5) as ctx:
        html = drift.dashboard_notice(request, bureau, YEAR)
    assert 'id="drift-notice"' in html
    assert not [q for q in ctx.captured_queries if '"pdf"' in q["sql"]]
