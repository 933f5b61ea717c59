"""Placeholders in a notice's wording: `{信访人}`, `{编号}` …, parsed as the report's are
(reports.placeholders: `{{` and `}}` are literal braces, a stray brace is refused), filled from
the case and the bureau."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reports.placeholders import fill_text, placeholders

# name → what it prints
KEYS = {
    "本机关": "机关名称，如 温县信访局",
    "编号": "信访件编号",
    "信访人": "信访人姓名（多人以“、”分隔）",
    "登记日期": "登记日期，如 2026年11月2日",
    "信访形式": "来信、来访、网上信访、电话",
    "主要诉求": "主要诉求",
    "问题领域": "问题领域",
    "责任单位": "责任单位名称",
    "转送方式": "转送或交办",
    "转送日期": "转送交办日期",
    "受理日期": "受理日期（本机关受理告知或责任单位受理）",
    "答复日期": "责任单位答复日期",
    "处理意见": "责任单位的处理意见",
    "处理结果": "处理结果，如 支持、解释说明",
    "今天": "打印当天的日期",
}


def validate(text: str) -> None:
    """Refuse a stray brace or a placeholder that names nothing above, naming them all."""
    unknown = [p.source for p in placeholders(text) if len(p.keys) != 1 or p.keys[0] not in KEYS]
    if unknown:
        raise ValidationError(
            _("未知的占位符：%(names)s。可用的占位符有：%(known)s。"),
            code="unknown_placeholder",
            params={"names": "、".join(dict.fromkeys(unknown)), "known": "、".join(f"{{{k}}}" for k in KEYS)},
        )


def chinese_date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def values_of(case, *, today: datetime.date) -> dict[str, str]:
    unit = case.responsible_unit
    return {
        "本机关": case.bureau.name,
        "编号": case.number,
        "信访人": case.petitioner_name,
        "登记日期": chinese_date(case.received_on),
        "信访形式": case.get_channel_display(),
        "主要诉求": case.summary or "—",
        "问题领域": case.subject_area or "—",
        "责任单位": unit.name if unit else "—",
        "转送方式": case.get_routing_display() if case.routing else "—",
        "转送日期": chinese_date(case.routed_on),
        "受理日期": chinese_date(case.unit_accepted_on or case.accepted_on),
        "答复日期": chinese_date(case.unit_replied_on),
        "处理意见": case.unit_reply or "—",
        "处理结果": case.get_outcome_display() if case.outcome else "—",
        "今天": chinese_date(today),
    }


def fill(text: str, values: dict[str, str]) -> str:
    return fill_text(text, values)
