"""Writes to reports: creating a year, editing its text, publishing. Every change is logged."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.audit import log_action
from cases.models import AuditEntry

from .defaults import default_template
from .models import Paragraph, Report, ReviewComment, Revision, Section
from .models.review import COMMENT_MAX
from .render.context import build_charts, build_document
from .render.pdf import render_pdf


def report_log(*, report: Report, user, action: str, detail: str = "") -> AuditEntry:
    return log_action(report, user=user, action=action, detail=detail)


def _template_of(previous: Report | None) -> dict:
    if previous is None:
        return default_template()
    return {
        "title": previous.title,
        "intro": previous.intro,
        "sections": [
            {"title": s.title, "paragraphs": [{"lead": p.lead, "text": p.text} for p in s.paragraphs.all()]}
            for s in previous.sections.prefetch_related("paragraphs")
        ],
    }


@transaction.atomic
def report_get_or_create(*, bureau, year: int, user=None) -> tuple[Report, bool]:
    """The bureau's report for `year`; a new one starts as a copy of the latest earlier year's
    text, or of the shipped template when there is none."""
    report = Report.objects.filter(bureau=bureau, year=year).first()
    if report is not None:
        return report, False
    previous = Report.objects.filter(bureau=bureau, year__lt=year).order_by("-year").first()
    data = _template_of(previous)
    report = Report(bureau=bureau, year=year, title=data["title"], intro=data["intro"], updated_by=user)
    report.full_clean()
    report.save()
    for i, s in enumerate(data["sections"]):
        section = Section.objects.create(report=report, position=i, title=s["title"])
        Paragraph.objects.bulk_create(
            Paragraph(section=section, position=j, lead=p["lead"], text=p["text"])
            for j, p in enumerate(s["paragraphs"])
        )
    source = _("复制自%(year)s年报告") % {"year": previous.year} if previous else _("使用默认模板")
    report_log(report=report, user=user, action=AuditEntry.Action.REPORT_CREATED, detail=source)
    return report, True


# Editing the text of a report in these states sends it back to 草稿: what was submitted,
# approved or published is no longer what the text says, and must be submitted again.
REOPENED_BY_EDITING = (Report.Status.SUBMITTED, Report.Status.APPROVED, Report.Status.PUBLISHED)


def _touch(report: Report, user, detail: str) -> None:
    report.updated_by = user if user is not None and user.is_authenticated else None
    fields = ["updated_by", "updated_at"]
    status = Report.objects.filter(pk=report.pk).values_list("status", flat=True).first() or report.status
    if status in REOPENED_BY_EDITING:
        detail += _("；报告由“%(old)s”回到草稿，须重新提交审核") % {"old": Report.Status(status).label}
        report.status = Report.Status.DRAFT
        fields.append("status")
    report.save(update_fields=fields)
    report_log(report=report, user=user, action=AuditEntry.Action.REPORT_EDITED, detail=detail)


@transaction.atomic
def report_update_heading(*, report: Report, user, title: str, intro: str) -> None:
    report.title, report.intro = title, intro
    report.full_clean(exclude=["bureau", "year"], validate_unique=False, validate_constraints=False)
    report.save(update_fields=["title", "intro"])
    _touch(report, user, _("修改标题和导语"))


@transaction.atomic
def section_update(*, section: Section, user, title: str, paragraphs: Iterable[tuple[str, str]]) -> None:
    """Replace the section's title and paragraphs; blank paragraphs are dropped."""
    section.title = title
    section.full_clean(exclude=["report"])
    new = [
        Paragraph(section=section, position=i, lead=lead.strip(), text=text.strip())
        for i, (lead, text) in enumerate((lead, text) for lead, text in paragraphs if lead.strip() or text.strip())
    ]
    errors = []
    for i, p in enumerate(new, start=1):
        try:
            p.full_clean(exclude=["section"])
        except ValidationError as e:
            errors.extend(_("第%(n)s段：%(msg)s") % {"n": i, "msg": m} for m in e.messages)
    if errors:
        raise ValidationError(errors)
    section.save(update_fields=["title"])
    section.paragraphs.all().delete()
    Paragraph.objects.bulk_create(new)
    _touch(section.report, user, _("修改“%(title)s”") % {"title": title[:40]})


@transaction.atomic
def section_add(*, report: Report, user, title: str) -> Section:
    position = (report.sections.aggregate(m=Max("position"))["m"] or 0) + 1
    section = Section(report=report, position=position, title=title)
    section.full_clean(exclude=["report"])
    section.save()
    _touch(report, user, _("新增部分“%(title)s”") % {"title": title[:40]})
    return section


@transaction.atomic
def section_delete(*, section: Section, user) -> None:
    report = section.report
    section.delete()
    _touch(report, user, _("删除部分“%(title)s”") % {"title": section.title[:40]})


@transaction.atomic
def section_move(*, section: Section, user, offset: int) -> None:
    """Move a section up (-1) or down (+1); positions are renumbered 0..n-1."""
    sections = list(section.report.sections.all())
    i = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    j = i + offset
    if not 0 <= j < len(sections):
        return
    sections[i], sections[j] = sections[j], sections[i]
    for pos, s in enumerate(sections):
        s.position = pos
    Section.objects.bulk_update(sections, ["position"])
    _touch(section.report, user, _("调整“%(title)s”的顺序") % {"title": section.title[:40]})


@transaction.atomic
def report_publish(*, report: Report, user, reason: str = "") -> Revision:
    """Freeze the text as filled now, every figure and the PDF bytes into a new revision.

    The first publication needs no reason; each later one is a correction and must say why."""
    report = Report.objects.select_for_update().select_related("bureau").get(pk=report.pk)
    number = (report.revisions.aggregate(m=Max("number"))["m"] or 0) + 1
    reason = reason.strip()
    if number > 1 and not reason:
        raise ValidationError({"reason": _("更正发布须填写更正理由。")})
    doc = build_document(report)
    pdf = render_pdf(doc)
    doc.revision = number
    doc.extra["charts"] = build_charts(report)  # the appendix is frozen with the text
    revision = Revision.objects.create(
        report=report,
        number=number,
        reason=reason,
        document=doc.to_json(),
        pdf=pdf,
        sha256=Revision.checksum(pdf),
        published_by=user,
    )
    report.status = Report.Status.PUBLISHED
    report.save(update_fields=["status"])
    action = AuditEntry.Action.REPORT_PUBLISHED if number == 1 else AuditEntry.Action.REPORT_CORRECTED
    detail = _("第%(n)s版 校验码 %(sha)s") % {"n": number, "sha": revision.sha256}
    report_log(report=report, user=user, action=action, detail=(detail + " " + reason).strip())
    return revision


# Review: 草稿 → 已提交 (staff) → 已退回 / 已批准 (the head) → 已发布 (the head). ----------------


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("bureau").get(pk=report.pk)


def _refuse(report: Report, allowed, message: str) -> None:
    if report.status not in allowed:
        raise ValidationError(message % {"status": report.get_status_display()})


def _set_status(report: Report, status: str, user, action: str, detail: str = "") -> None:
    old = report.get_status_display()
    report.status = status
    report.save(update_fields=["status"])
    words = _("“%(old)s”→“%(new)s”") % {"old": old, "new": report.get_status_display()}
    report_log(report=report, user=user, action=action, detail=(words + " " + detail).strip())


@transaction.atomic
def report_submit(*, report: Report, user) -> Report:
    """Staff hand the text to the head for review."""
    report = _locked(report)
    S = Report.Status
    _refuse(report, (S.DRAFT, S.RETURNED), _("报告当前为“%(status)s”，只有草稿或已退回的报告可以提交审核。"))
    _set_status(report, S.SUBMITTED, user, AuditEntry.Action.REPORT_SUBMITTED)
    return report


@transaction.atomic
def report_return(*, report: Report, user, comments: dict[int, str]) -> list[ReviewComment]:
    """The head sends the report back with comments, each on one of its sections
    (section id → text); blank comments are dropped and at least one is needed."""
    report = _locked(report)
    S = Report.Status
    _refuse(report, (S.SUBMITTED, S.APPROVED), _("报告当前为“%(status)s”，只有已提交或已批准的报告可以退回。"))
    sections = {s.pk: s for s in report.sections.all()}
    given = {pk: text.strip() for pk, text in comments.items() if text and text.strip()}
    if not given:
        raise ValidationError(_("退回时请至少对一个部分填写审核意见。"))
    if set(given) - set(sections):
        raise ValidationError(_("审核意见所对应的部分不存在，请刷新页面后重试。"))
    too_long = [sections[pk].title for pk, text in given.items() if len(text) > COMMENT_MAX]
    if too_long:
        raise ValidationError(
            _("“%(titles)s”的审核意见超过%(n)s字。") % {"titles": "、".join(too_long), "n": COMMENT_MAX}
        )
    made = ReviewComment.objects.bulk_create(
        ReviewComment(
            report=report, section=sections[pk], section_title=sections[pk].title[:200], text=text, created_by=user
        )
        for pk, text in sorted(given.items(), key=lambda item: sections[item[0]].position)
    )
    titles = "、".join(c.section_title[:20] for c in made)
    _set_status(
        report,
        S.RETURNED,
        user,
        AuditEntry.Action.REPORT_RETURNED,
        _("审核意见%(n)s条：%(titles)s") % {"n": len(made), "titles": titles},
    )
    return made


@transaction.atomic
def report_approve(*, report: Report, user) -> Report:
    report = _locked(report)
    S = Report.Status
    _refuse(report, (S.SUBMITTED,), _("报告当前为“%(status)s”，只有已提交的报告可以批准。"))
    _set_status(report, S.APPROVED, user, AuditEntry.Action.REPORT_APPROVED)
    return report


@transaction.atomic
def report_publish_approved(*, report: Report, user, reason: str = "") -> Revision:
    """Publish, as the head does from the confirmation page: only an approved report."""
    report = _locked(report)
    _refuse(report, (Report.Status.APPROVED,), _("报告当前为“%(status)s”，只有已批准的报告可以发布。"))
    return report_publish(report=report, user=user, reason=reason)


@transaction.atomic
def comment_resolve(*, comment: ReviewComment, user) -> None:
    """Staff mark one of the head's comments as dealt with; it leaves the editing page."""
    if comment.resolved_at is not None:
        return
    comment.resolved_at = timezone.now()
    comment.resolved_by = user
    comment.save(update_fields=["resolved_at", "resolved_by"])
    detail = _("“%(title)s”：%(text)s") % {"title": comment.section_title[:40], "text": comment.text[:100]}
    report_log(report=comment.report, user=user, action=AuditEntry.Action.REPORT_COMMENT_RESOLVED, detail=detail)
