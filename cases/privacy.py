"""Petitioners' personal data (names, ID numbers, phones) for those who need it, masks for the rest.

Whoever lacks `cases.view_personal_data` sees "张*", "410825********1234", "138****5678" in
lists, forms, exports and the report.
"""

from __future__ import annotations

PERMISSION = "cases.view_personal_data"


def can_see_personal_data(user) -> bool:
    return bool(user and user.has_perm(PERMISSION))


def mask_name(value: str) -> str:
    names = [n.strip() for n in (value or "").replace(",", "、").replace("，", "、").split("、") if n.strip()]
    return "、".join(n[0] + "*" * max(len(n) - 1, 1) for n in names)


def mask_id_number(value: str) -> str:
    value = value or ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    value = value or ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


MASKS = {
    "petitioner_name": mask_name,
    "petitioner_id_number": mask_id_number,
    "petitioner_phone": mask_phone,
}
