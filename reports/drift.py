"""Drift: where the live figures no longer match a published revision's, and why.

A revision freezes every figure as it stood when the head published (`Revision.document`). Records
entered, changed or voided later move the live figures (the dashboard's) but never the revision.
`drift_of()` compares the two figure by figure — by their counts, so a change of number format is
no drift — and lists the ledger records the activity log says changed since the publishing time,
with links to them. The dashboard shows it through `indicators.hooks` (registered in
reports.apps), so indicators never imports reports.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from cases import privacy
from cases.audit import masked_repr
from cases.models import AuditEntry
from cases.scoping import within
from indicators import store
from indicators.registry import Period

from .models import Report, Revision

# What changes records: the ledger's own actions, voiding, and imports (and their undoing).
RECORD_EVENTS = (
    *AuditEntry.RECORD_ACTIONS,
    AuditEntry.Action.VOID,
    AuditEntry.Action.IMPORT,
    AuditEntry.Action.UNDO_IMPORT,
)
RECORDS_SHOWN = 20


@dataclass(frozen=True)
class FigureDrift:
    key: str
    label: str
    published: str  # as frozen in the revision ("80.38%")
    live: str  # as the dashboard shows it now ("79.87%")


@dataclass(frozen=True)
class RecordChange:
    at: datetime.datetime
    action: str  # "新增"
    ledger: str  # "信访事项"
    record: str  # the record's name, masked where a person names it
    url: str | None
    username: str  # "" unless the viewer may read the activity log


@dataclass(frozen=True)
class Published:
    """What drift needs of a revision: its number, time and frozen figures (not its PDF, nor the
    charts kept in its document)."""

    number: int
    published_at: datetime.datetime
    figures: list[dict]


@dataclass(frozen=True)
class Drift:
    report: Report
    revision: Published
    figures: list[FigureDrift]
    records: list[RecordChange]
    more_records: int  # changes beyond those listed


def latest_revision(report: Report) -> Published | None:
    """The latest revision's number, time and figures: one query, reading the figures alone out
    of the stored document."""
    row = (
        Revision.objects.filter(report=report)
        .order_by("-number")
        .values_list("number", "published_at", "document__figures")
        .first()
    )
    return Published(row[0], row[1], row[2] or []) if row else None


def figure_drift(revision: Published, live: dict) -> list[FigureDrift]:
    """The figures whose counts differ between the revision and `live` (key → Figure), in the
    revision's order."""
    found = []
    for row in revision.figures:
        figure = live.get(row["key"])
        if figure is None:
            continue
        if (row["numerator"], row["denominator"]) != (figure.numerator, figure.denominator):
            found.append(FigureDrift(row["key"], row["label"], row["display"], figure.display))
    return found


def _record_url(entry: AuditEntry) -> str | None:
    meta = entry.content_type
    if entry.object_id is None or entry.action == AuditEntry.Action.DELETE:
        return None
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model}_change", args=[entry.object_id])
    except NoReverseMatch:
        return None


def record_changes(report: Report, since: datetime.datetime, user) -> tuple[list[RecordChange], int]:
    """The bureau's ledger records changed after `since`, newest first, from the activity log;
    a record named by a person is masked for viewers without the personal-data permission
    (cases.privacy), and who changed it is named only to those who may read the log."""
    entries = AuditEntry.objects.filter(
        bureau_id=report.bureau_id, at__gt=since, action__in=RECORD_EVENTS, content_type__app_label="cases"
    ).select_related("content_type")
    total = entries.count()
    personal = privacy.can_see_personal_data(user)
    history = bool(user and user.has_perm("cases.view_auditentry"))
    changes = []
    for entry in entries.order_by("-at", "-id")[:RECORDS_SHOWN]:
        model = entry.content_type.model_class()
        changes.append(
            RecordChange(
                at=entry.at,
                action=entry.get_action_display(),
                ledger=str(model._meta.verbose_name) if model else entry.content_type.model,
                record=entry.object_repr if personal else masked_repr(entry),
                url=_record_url(entry),
                username=entry.username if history else "",
            )
        )
    return changes, total - len(changes)


def drift_of(report: Report, *, user=None) -> Drift | None:
    """The report's latest revision against the live figures of its year; None when nothing
    was published or no figure moved."""
    revision = latest_revision(report)
    if revision is None:
        return None
    with within([report.bureau_id]):
        live = store.figures_by_bureau([report.bureau_id], Period.year(report.year))[report.bureau_id]
    figures = figure_drift(revision, live)
    if not figures:
        return None
    records, more = record_changes(report, revision.published_at, user)
    return Drift(report, revision, figures, records, more)


def notice_html(drift: Drift | None, *, paper: bool = False) -> str:
    """The notice for a page (links to the changed records), or with `paper` for the A4 print
    view: the same figures and records as plain text, nothing to click."""
    if drift is None:
        return ""
    template = "reports/_drift_print.html" if paper else "reports/_drift.html"
    return render_to_string(template, {"drift": drift})


def dashboard_notice(request, bureau, year: int, *, paper: bool = False) -> str:
    """For the dashboard and its print view (indicators.hooks): the notice of the bureau's report
    of `year`, if published and drifted, else ""."""
    report = Report.objects.filter(bureau=bureau, year=year).first()
    if report is None:
        return ""
    return notice_html(drift_of(report, user=request.user), paper=paper)
