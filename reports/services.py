"""Writes to reports: creating a year, editing its text, publishing. Every change is logged."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cases.audit import log_action
from cases.models import AuditEntry

from .defaults import default_template
from .document import report_data
from .models import BureauTemplate, Paragraph, Report, ReviewComment, Revision, Section
from .models.report import TEXT_MAX
from .models.review import COMMENT_MAX
from .placeholders import validate_template
from .render.context import build_charts, build_document
from .render.pdf import render_pdf


def report_log(*, report: Report, user, action: str, detail: str = "") -> AuditEntry:
    return log_action(report, user=user, action=action, detail=detail)


def _template_of(previous: Report | None) -> dict:
    return default_template() if previous is None else report_data(previous)


# Where a new year's text starts from: last year's text (by default), the bureau's own template,
# or the template shipped with the product.
PREVIOUS, BUREAU, SHIPPED = "previous", "bureau", "shipped"
SOURCES = {
    PREVIOUS: _lazy("上一年度的报告文本"),
    BUREAU: _lazy("本局模板"),
    SHIPPED: _lazy("系统默认模板"),
}


def bureau_template(bureau) -> BureauTemplate | None:
    return BureauTemplate.objects.filter(bureau=bureau).first()


def starting_text(*, bureau, year: int, source: str = PREVIOUS) -> tuple[dict, str]:
    """The text a new report of `year` starts from, and where it came from in words. Last year's
    text falls back to the bureau's template, then to the shipped one, when there is no earlier
    year; the bureau's template must exist when asked for."""
    if source not in SOURCES:
        raise ValidationError({"source": _("请选择新报告的起始文本。")})
    if source == PREVIOUS:
        previous = Report.objects.filter(bureau=bureau, year__lt=year).order_by("-year").first()
        if previous is not None:
            return _template_of(previous), _("复制自%(year)s年报告") % {"year": previous.year}
        source = BUREAU if bureau_template(bureau) else SHIPPED
    if source == BUREAU:
        own = bureau_template(bureau)
        if own is None:
            raise ValidationError({"source": _("本局尚未保存报告模板，请先在某年度报告中“保存为本局模板”。")})
        return own.as_template(), _("使用本局模板")
    return default_template(), _("使用默认模板")


def _kind(p: dict) -> str:
    """A paragraph's kind in a template's shape; templates saved before lists existed have none."""
    return p.get("kind") or Paragraph.Kind.TEXT


def validate_text(data: dict) -> None:
    """Every text of a template's shape checked as the report's fields check it, naming where."""
    errors = []
    texts = [(_("标题"), data["title"]), (_("导语"), data["intro"])]
    for i, s in enumerate(data["sections"], start=1):
        texts.append((_("第%(n)s部分标题") % {"n": i}, s["title"]))
        for j, p in enumerate(s["paragraphs"], start=1):
            where = _("第%(n)s部分第%(m)s段") % {"n": i, "m": j}
            texts += [(where, p["lead"]), (where, p["text"])]
    for where, text in texts:
        try:
            validate_template(text)
        except ValidationError as e:
            errors.extend(f"{where}：{m}" for m in e.messages)
    if not data["title"].strip():
        errors.append(_("标题不能为空。"))
    if len(data["title"]) > 200 or any(len(s["title"]) > 200 for s in data["sections"]):
        errors.append(_("标题不能超过200字。"))
    paragraphs = [p for s in data["sections"] for p in s["paragraphs"]]
    if len(data["intro"]) > TEXT_MAX or any(len(p["text"]) > TEXT_MAX for p in paragraphs):
        errors.append(_("导语和每段正文不能超过%(n)s字。") % {"n": TEXT_MAX})
    if any(len(p["lead"]) > 200 for p in paragraphs):
        errors.append(_("小标题不能超过200字。"))
    if errors:
        raise ValidationError(errors)


def _create(*, bureau, year: int, data: dict, user, detail: str) -> Report:
    report = Report(bureau=bureau, year=year, title=data["title"], intro=data["intro"], updated_by=user)
    report.full_clean()
    report.save()
    for i, s in enumerate(data["sections"]):
        section = Section.objects.create(report=report, position=i, title=s["title"])
        Paragraph.objects.bulk_create(
            Paragraph(section=section, position=j, lead=p["lead"], text=p["text"], kind=_kind(p))
            for j, p in enumerate(s["paragraphs"])
        )
    report_log(report=report, user=user, action=AuditEntry.Action.REPORT_CREATED, detail=detail)
    return report


@transaction.atomic
def report_get_or_create(*, bureau, year: int, user=None, source: str = PREVIOUS) -> tuple[Report, bool]:
    """The bureau's report for `year`; a new one starts as a copy of the latest earlier year's
    text (by default), of the bureau's own template or of the shipped one (`source`)."""
    report = Report.objects.filter(bureau=bureau, year=year).first()
    if report is not None:
        return report, False
    data, detail = starting_text(bureau=bureau, year=year, source=source)
    return _create(bureau=bureau, year=year, data=data, user=user, detail=detail), True


@transaction.atomic
def report_create_from_text(*, bureau, year: int, data: dict, user, detail: str) -> Report:
    """A new year's report whose text is `data` (a template's shape), e.g. last year's published
    report with its numbers turned into placeholders. Refused when the year has a report."""
    if Report.objects.filter(bureau=bureau, year=year).exists():
        raise ValidationError(_("%(year)s年的报告已存在，未作改动。") % {"year": year})
    validate_text(data)
    return _create(bureau=bureau, year=year, data=data, user=user, detail=detail)


@transaction.atomic
def template_save(*, bureau, user, data: dict, detail: str) -> BureauTemplate:
    """Make `data` (a template's shape) the bureau's own template, replacing the one it had."""
    validate_text(data)
    template = bureau_template(bureau)
    created = template is None
    template = template or BureauTemplate(bureau=bureau)
    template.title, template.intro, template.sections = data["title"], data["intro"], data["sections"]
    template.source = detail[:200]
    template.updated_by = user if user is not None and user.is_authenticated else None
    template.save()
    action = AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE
    log_action(template, user=user, action=action, detail=_("保存本局报告模板：%(d)s") % {"d": detail})
    return template


def template_save_from_report(*, report: Report, user) -> BureauTemplate:
    """ "Save this report as our template": its section order, headings and paragraphs."""
    detail = _("以%(year)s年报告为模板") % {"year": report.year}
    template = template_save(bureau=report.bureau, user=user, data=_template_of(report), detail=detail)
    report_log(report=report, user=user, action=AuditEntry.Action.REPORT_EDITED, detail=_("保存为本局模板"))
    return template


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
def section_update(*, section: Section, user, title: str, paragraphs: Iterable[tuple]) -> None:
    """Replace the section's title and paragraphs ((lead, text) or (lead, text, kind)); blank
    paragraphs are dropped."""
    section.title = title
    section.full_clean(exclude=["report"])
    rows = [(lead, text, *rest) for lead, text, *rest in paragraphs if lead.strip() or text.strip()]
    new = [
        Paragraph(
            section=section,
            position=i,
            lead=lead.strip(),
            text=text.strip(),
            kind=rest[0] if rest and rest[0] else Paragraph.Kind.TEXT,
        )
        for i, (lead, text, *rest) in enumerate(rows)
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


@transaction.atomic
def document_update(*, report: Report, user, title: str, intro: str, sections: list[dict]) -> None:
    """Replace the whole text at once, as the whole-document editor saves it (reports.document):
    checked first in full (unknown placeholders refused with their nearest names, nothing
    saved), then the sections kept in place by position — a section's review comments stay with
    it — their paragraphs replaced, sections beyond the new count deleted; one log entry."""
    data = {"title": title.strip(), "intro": intro.strip(), "sections": sections}
    validate_text(data)
    if not sections:
        raise ValidationError(_("全文至少要有一个部分：用“标题”样式写出部分的标题。"))
    report.title, report.intro = data["title"], data["intro"]
    report.full_clean(exclude=["bureau", "year"], validate_unique=False, validate_constraints=False)
    report.save(update_fields=["title", "intro"])
    existing = list(report.sections.all())
    kept = []
    for i, s in enumerate(sections):
        section = existing[i] if i < len(existing) else Section(report=report)
        section.position, section.title = i, s["title"].strip()
        section.full_clean(exclude=["report"])
        section.save()
        kept.append(section)
    for surplus in existing[len(sections) :]:
        surplus.delete()
    Paragraph.objects.filter(section__in=kept).delete()
    Paragraph.objects.bulk_create(
        Paragraph(section=section, position=j, lead=p["lead"].strip(), text=p["text"].strip(), kind=_kind(p))
        for section, s in zip(kept, sections, strict=True)
        for j, p in enumerate(s["paragraphs"])
    )
    _touch(report, user, _("在全文编辑中修改全文（%(n)s个部分）") % {"n": len(sections)})
