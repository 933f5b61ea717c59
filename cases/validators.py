"""Validators for petitioners' identifiers, with the messages a clerk can act on."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def id_check_char(first17: str) -> str:
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    """An 18-digit citizen ID number (GB 11643-1999): digits, a real birth date, the check digit."""
    value = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(_("身份证号应为18位（前17位为数字，最后一位为数字或X）。"), code="id_format")
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期不存在。"), code="id_birth") from None
    if born.year < 1900 or born > datetime.date.today():
        raise ValidationError(_("身份证号中的出生日期不合理。"), code="id_birth")
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对后重新输入。"), code="id_check")


def validate_phone(value: str) -> None:
    if value and not PHONE.match(value.strip()):
        raise ValidationError(_("联系电话应为11位手机号或带区号的固定电话（如 0391-1234567）。"), code="phone")
