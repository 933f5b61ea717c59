"""A notice filled from its case, as PDF in the report's GB/T 9704 layout (reports.render.pdf:
the same print stylesheet, fonts and static-only fetcher)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from cases.models import PetitionCase
from reports.render.pdf import html_to_pdf

from . import defaults
from .models import NoticeTemplate
from .placeholders import chinese_date, fill, values_of


class NotApplicable(Exception):
    """The notice does not fit the case's state; str() says why, in Chinese."""


ROUTED = (PetitionCase.Routing.TRANSFER, PetitionCase.Routing.ASSIGN)


def check_state(case: PetitionCase, kind: str) -> None:
    accepted = case.accepted_on or case.unit_accepted_on
    if kind == defaults.ACCEPTANCE and not accepted:
        raise NotApplicable(_("该事项尚未受理（没有受理告知日期或责任单位受理日期），不能出具受理告知书。"))
    if kind == defaults.REFUSAL and accepted:
        raise NotApplicable(_("该事项已于%(day)s受理，不能出具不予受理告知书。") % {"day": accepted})
    if kind == defaults.ROUTING and (case.routing not in ROUTED or not case.routed_on or not case.responsible_unit_id):
        raise NotApplicable(_("该事项尚未转送或交办给责任单位，不能出具转送交办单。"))
    if kind == defaults.OPINION and not (case.unit_replied_on and case.unit_reply):
        raise NotApplicable(_("责任单位尚未答复（没有处理意见），不能出具信访处理意见书。"))


@dataclass
class Notice:
    title: str
    addressee: str
    paragraphs: list[str]
    signer: str
    dated: str


def signed_on(case: PetitionCase, kind: str, today: datetime.date) -> datetime.date:
    return {
        defaults.ACCEPTANCE: case.accepted_on or case.unit_accepted_on,
        defaults.ROUTING: case.routed_on,
        defaults.OPINION: case.unit_replied_on,
    }.get(kind) or today


def build(case: PetitionCase, kind: str, *, today: datetime.date) -> Notice:
    check_state(case, kind)
    title, body = NoticeTemplate.wording(case.bureau, kind)
    values = values_of(case, today=today)
    lines = [line.strip() for line in fill(body, values).splitlines() if line.strip()]
    # The unit that handled the case issues its 处理意见书; the bureau signs every other notice.
    signer = case.responsible_unit.name if kind == defaults.OPINION and case.responsible_unit_id else case.bureau.name
    addressee = lines[0] if lines and lines[0].endswith(("：", ":")) else ""
    paragraphs = lines[1:] if addressee else lines
    return Notice(fill(title, values), addressee, paragraphs, signer, chinese_date(signed_on(case, kind, today)))


def render_pdf(notice: Notice, case: PetitionCase) -> bytes:
    return html_to_pdf(render_to_string("notices/print.html", {"notice": notice, "case": case}))
