"""Natural persons' personal data (names, ID numbers, phones) for those who need it, masks for
the rest.

Whoever lacks `cases.view_personal_data` sees "张*", "410825********1234", "138****5678" in
lists, forms, inlines, exports, drill-downs, the audit trail and the report. `PERSONAL_FIELDS`
is the one statement of which fields are personal: the workbench (cases.admin.personal), the
Excel export (cases.ledgers), the drill-down lists and the audit trail all read it, and
tests/cases/test_privacy_walk.py checks every model's fields against it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP

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


def mask_address(value: str) -> str:
    value = value or ""
    return value[:3] + "*" * max(len(value) - 3, 1) if value else ""


Mask = Callable[[str], str]

# model label → personal field → its mask. Petitioners; persons dealt with for disturbing order;
# persons held accountable; volunteers: every natural person the ledgers name.
PERSONAL_FIELDS: dict[str, dict[str, Mask]] = {
    "cases.petitioncase": {
        "petitioner_name": mask_name,
        "petitioner_id_number": mask_id_number,
        "petitioner_phone": mask_phone,
    },
    "cases.petitioner": {
        "name": mask_name,
        "id_number": mask_id_number,
        "phone": mask_phone,
        "address": mask_address,
    },
    "cases.orderperson": {"name": mask_name, "id_number": mask_id_number},
    "cases.accountableperson": {"name": mask_name},
    "cases.volunteer": {"name": mask_name, "phone": mask_phone},
}

# Kept for the callers that know they deal with petition cases.
MASKS = PERSONAL_FIELDS["cases.petitioncase"]


def personal_fields(model) -> dict[str, Mask]:
    """The personal fields of `model` (a class or an instance) and their masks."""
    return PERSONAL_FIELDS.get(model._meta.label_lower, {})


def mask_for(model, path: str) -> Mask | None:
    """The mask of a field path from `model` ("petitioner_phone", "persons__name",
    "persons__name__icontains"), or None if the path ends on no personal field."""
    for part in path.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        mask = personal_fields(model).get(field.name)
        if mask is not None:
            return mask
        if not field.is_relation or field.related_model is None:
            return None
        model = field.related_model
    return None


def is_personal(model, path: str) -> bool:
    return mask_for(model, path.lstrip("^=@").replace(".", LOOKUP_SEP)) is not None


def mask_text(model, field_name: str, value) -> str:
    """`value` of `model.field_name` as a masked viewer may see it."""
    text = "" if value is None else str(value)
    mask = personal_fields(model).get(field_name)
    return mask(text) if mask and text else text


def masked_str(obj) -> str:
    """str(obj) for a record whose str() is a personal field (a person's name)."""
    text = str(obj)
    for name, mask in personal_fields(obj).items():
        value = getattr(obj, name, "")
        if value and value in text:
            text = text.replace(value, mask(value))
    return text
