"""Writes to reports: creating a year, editing its text, publishing. Every change is logged."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cases.audit import log_action
from cases.models import AuditEntry

from .defaults import default_template
from .models import Paragraph, Report, Revision, Section
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


def _touch(report: Report, user, detail: str) -> None:
    report.updated_by = user if user is not None and user.is_authenticated else None
    report.save(update_fields=["updated_by", "updated_at"])
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
    action = AuditEntry.Action.REPORT_PUBLISHED if number == 1 else AuditEntry.Action.REPORT_CORRECTED
    detail = _("第%(n)s版 SHA-256 %(sha)s") % {"n": number, "sha": revision.sha256}
    report_log(report=report, user=user, action=action, detail=(detail + " " + reason).strip())
    return revision
