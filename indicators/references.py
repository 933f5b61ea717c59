"""Reference figures typed by the bureau (`models.ReferenceFigure`): entering them, and what the
dashboard and the report read of them.

The report names them by placeholders (reports.placeholders): `{全省满意率}` (key
`province_satisfaction_rate`) the province's average as typed, `{满意率.较全省}`
(`satisfaction_rate.vs_province`) the bureau's rate against it in words ("高于全省0.33个百分点"),
`{全省排名}` (`province_rank`) the rank in Chinese numerals ("第七"), `{参考.名称}`
(`reference.名称`) a figure from another system as typed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.audit import log_action
from cases.models import AuditEntry

from . import cache, numbers, registry
from .models import ReferenceFigure

PROVINCE = "province_"  # `{province_<key>}`: the province's average of a rate
VS_PROVINCE = "vs_province"  # `{<key>.vs_province}`: the bureau's rate against it
RANK = "province_rank"
REFERENCE = "reference."  # `{reference.<name>}`: a figure from another system
FORBIDDEN_IN_NAME = set("{}|.．:：")


def rate_choices() -> list[tuple[str, str]]:
    return [(i.key, str(i.label)) for i in registry.INDICATORS if i.is_rate]


class ReferenceFigureForm(forms.ModelForm):
    indicator = forms.ChoiceField(label=gettext_lazy("指标"), required=False)

    class Meta:
        model = ReferenceFigure
        fields = ["kind", "indicator", "name", "value", "source"]

    def __init__(self, *args, bureau, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.bureau, self.year = bureau, year
        self.fields["indicator"].choices = [("", "—"), *rate_choices()]
        self.fields["indicator"].help_text = ReferenceFigure._meta.get_field("indicator").help_text
        self.instance.bureau, self.instance.year = bureau, year

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value")
        indicator, name = cleaned.get("indicator") or "", (cleaned.get("name") or "").strip()
        if kind == ReferenceFigure.Kind.PROVINCE:
            if indicator not in dict(rate_choices()):
                self.add_error("indicator", _("全省平均须选择与之比较的比率。"))
            if value is not None and not Decimal(0) <= value <= Decimal(100):
                self.add_error("value", _("比率应在0至100之间（百分数，如98.10）。"))
            name = ""
        elif kind == ReferenceFigure.Kind.RANK:
            if value is not None and (value < 1 or value != value.to_integral_value()):
                self.add_error("value", _("排名应为正整数，如7。"))
            indicator, name = "", ""
        elif kind == ReferenceFigure.Kind.OTHER:
            if not name:
                self.add_error("name", _("其他系统的数字须填写名称，报告中以 {参考.名称} 引用。"))
            elif FORBIDDEN_IN_NAME & set(name):
                self.add_error("name", _("名称中不能有花括号、竖线、句点或冒号。"))
            indicator = ""
        cleaned["indicator"], cleaned["name"] = indicator, name
        self.instance.indicator, self.instance.name = indicator, name
        # The form has no bureau or year field, so Django would not check the constraint.
        same = ReferenceFigure.objects.with_scopes_disabled().filter(
            bureau=self.bureau, year=self.year, kind=kind, indicator=indicator, name=name
        )
        if kind and same.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("本年度已录入这项参考数字，请修改原有的一项。"))
        return cleaned


@transaction.atomic
def save(form: ReferenceFigureForm, *, user) -> ReferenceFigure:
    """Save the form's figure and log it (new or changed, with the fields that changed)."""
    created = form.instance.pk is None
    changes = {
        name: [str(form.initial.get(name, "")), str(form.cleaned_data.get(name, ""))]
        for name in form.changed_data
        if name in form.fields
    }
    figure = form.save()
    log_action(
        figure,
        user=user,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        changes=None if created else changes,
        detail=f"{figure}：{figure.value}（{figure.source}）",
    )
    # The dashboard shows it beside the rate: drop the year's cached pages (the stored figures
    # do not change).
    _dashboard_changed(figure.bureau_id, figure.year)
    return figure


def _dashboard_changed(bureau_id: int, year: int) -> None:
    """Drop the cached dashboard of the year now, and again once the write commits (a request
    meanwhile may have cached it without the change)."""
    cache.invalidate(bureau_id, [year], stored=False)
    transaction.on_commit(lambda: cache.invalidate(bureau_id, [year], stored=False), robust=True)


@transaction.atomic
def delete(figure: ReferenceFigure, *, user) -> None:
    log_action(figure, user=user, action=AuditEntry.Action.DELETE, detail=f"{figure}：{figure.value}")
    bureau_id, year = figure.bureau_id, figure.year
    figure.delete()
    _dashboard_changed(bureau_id, year)


def of_year(bureau_id: int, year: int) -> list[ReferenceFigure]:
    """The bureau's reference figures of `year` (its own bureau named: safe outside a scope)."""
    return list(ReferenceFigure.objects.with_scopes_disabled().filter(bureau_id=bureau_id, year=year))


def province_averages(bureau_id: int, year: int) -> dict[str, Decimal]:
    """Indicator key → the province's average of that rate, as typed."""
    return {
        f.indicator: f.value
        for f in of_year(bureau_id, year)
        if f.kind == ReferenceFigure.Kind.PROVINCE and f.indicator
    }


def versus(current, province: Decimal | None, fmt: numbers.NumberFormat) -> numbers.Change:
    """The bureau's printed rate against the province's, in percentage points."""
    if province is None or current.percent is None:
        return numbers.Change(numbers.POINTS, None)
    return numbers.Change(numbers.POINTS, current.percent - numbers.round2(province, fmt))


def versus_words(c: numbers.Change, fmt: numbers.NumberFormat, *, spaced: bool = False) -> str:
    """ "高于全省0.33个百分点", "低于全省1.20个百分点", "与全省持平", "—"; `spaced` for the
    dashboard ("高于全省 0.33 个百分点")."""
    if c.value is None:
        return numbers.DASH
    if c.value == 0:
        return _("与全省持平")
    gap = " " if spaced else ""
    word = _("高于全省") if c.value > 0 else _("低于全省")
    return f"{word}{gap}{numbers.number_text(c.value, fmt)}{gap}{_('个百分点')}"


def placeholder_values(bureau_id: int, year: int, figures: dict, fmt: numbers.NumberFormat) -> dict[str, str]:
    """The printed value of every reference placeholder the bureau has entered for `year`
    (`figures`: the year's figures, for `.vs_province`). Those not entered are absent."""
    values = {}
    for f in of_year(bureau_id, year):
        if f.kind == ReferenceFigure.Kind.PROVINCE and f.indicator:
            values[PROVINCE + f.indicator] = numbers.percent_text(numbers.round2(f.value, fmt), fmt)
            if f.indicator in figures:
                values[f"{f.indicator}.{VS_PROVINCE}"] = versus_words(versus(figures[f.indicator], f.value, fmt), fmt)
        elif f.kind == ReferenceFigure.Kind.RANK:
            values[RANK] = _("第%(n)s") % {"n": numbers.chinese_number(int(f.value))}
        elif f.kind == ReferenceFigure.Kind.OTHER:
            value = f.value
            values[REFERENCE + f.name] = str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"
    return values


def is_reference_key(key: str) -> bool:
    return key.startswith((PROVINCE, REFERENCE)) or key.endswith("." + VS_PROVINCE)
