"""Form fields shared by the clerk's screens (the workbench, the case page, registration)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.ledgers import cells


class LooseDateField(forms.DateField):
    """A date typed as clerks write it, read by the importer's own parser (cases.ledgers.cells):
    2026-11-01, 2026/11/1, 2026.11.1, 2026年11月1日 (full-width digits too). A date the parser
    cannot read, or one that does not exist, is refused with the forms it may take."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return cells.date(str(value))
        except cells.CellError:
            raise ValidationError(
                _(
                    "请输入一个有效的日期，如 2026-11-01、2026/11/1、2026.11.1 或 2026年11月1日"
                    "（“%(value)s”不是有效的日期）"
                ),
                code="invalid",
                params={"value": str(value).strip()},
            ) from None
