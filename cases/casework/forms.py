"""The small form of each stage: its date (today by default) and what the stage needs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import LooseDateField
from cases.models import PetitionCase, Unit
from cases.models.base import local_today


class StageForm(forms.Form):
    # Read as the importer reads dates (2026-11-01, 2026.11.1, 2026/11/1, 2026年11月1日), shown
    # in the browser's date picker.
    on = LooseDateField(
        label=_("日期"),
        error_messages={"required": _("请填写日期。")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, case: PetitionCase, **kwargs):
        kwargs.setdefault("initial", {"on": local_today()})
        super().__init__(*args, **kwargs)
        self.case = case

    def values(self) -> dict:
        """The keyword arguments of the stage function."""
        return {"on": self.cleaned_data["on"]}


class RouteForm(StageForm):
    routing = forms.ChoiceField(
        label=_("方式"),
        choices=[(PetitionCase.Routing.TRANSFER, _("转送")), (PetitionCase.Routing.ASSIGN, _("交办"))],
        error_messages={"required": _("请选择转送或交办。"), "invalid_choice": _("请选择转送或交办。")},
    )
    unit = forms.ModelChoiceField(
        label=_("责任单位"),
        queryset=Unit.objects.none(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择责任单位。"), "invalid_choice": _("请选择本局的责任单位。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The request's scope holds the bureau's own units only: another bureau's is no choice.
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("kind", "sort_order", "name")
        # A unit named at registration is the one proposed (not after an objection against it).
        self.fields["unit"].initial = self.case.responsible_unit_id

    def values(self) -> dict:
        return {**super().values(), "unit": self.cleaned_data["unit"], "routing": self.cleaned_data["routing"]}


class ReplyForm(StageForm):
    text = forms.CharField(
        label=_("处理意见"),
        max_length=PetitionCase._meta.get_field("unit_reply").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写处理意见。"), "max_length": _("处理意见不能超过%(limit_value)d字。")},
    )

    def values(self) -> dict:
        return {**super().values(), "text": self.cleaned_data["text"]}


class CloseForm(StageForm):
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[("", _("请选择")), *((v, label) for v, label in PetitionCase.Outcome.choices if v)],
        error_messages={"required": _("请选择处理结果。"), "invalid_choice": _("请选择处理结果。")},
    )

    def values(self) -> dict:
        return {**super().values(), "outcome": self.cleaned_data["outcome"]}


class ExtendForm(StageForm):
    days = forms.IntegerField(
        label=_("延期天数"),
        min_value=1,
        max_value=30,
        error_messages={
            "required": _("请填写延期天数。"),
            "invalid": _("延期天数请填写整数。"),
            "min_value": _("延期天数应为1至30日（《信访工作条例》第三十四条）。"),
            "max_value": _("延期天数应为1至30日（《信访工作条例》第三十四条）。"),
        },
    )
    reason = forms.CharField(
        label=_("延期理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写延期理由。"), "max_length": _("延期理由不能超过%(limit_value)d字。")},
    )

    def values(self) -> dict:
        return {**super().values(), "days": self.cleaned_data["days"], "reason": self.cleaned_data["reason"]}


class ObjectionForm(StageForm):
    sustained = forms.TypedChoiceField(
        label=_("审核结果"),
        choices=[("", _("请选择")), ("1", _("异议成立（退回重新转送交办）")), ("0", _("异议不成立"))],
        coerce=lambda v: v == "1",
        error_messages={"required": _("请选择异议是否成立。"), "invalid_choice": _("请选择异议是否成立。")},
    )

    def values(self) -> dict:
        return {**super().values(), "sustained": self.cleaned_data["sustained"]}


FORMS = {
    "accept": StageForm,
    "route": RouteForm,
    "unit_accept": StageForm,
    "reply": ReplyForm,
    "close": CloseForm,
    "extend": ExtendForm,
    "objection": ObjectionForm,
    "review": StageForm,
    "review_decided": StageForm,
    "recheck": StageForm,
    "recheck_decided": StageForm,
}

# stage → (the form's title, its button)
TITLES = {
    "accept": (_("告知/受理（本机关直接受理）"), _("记录受理")),
    "route": (_("转送/交办责任单位"), _("记录转送交办")),
    "unit_accept": (_("单位受理（代录）"), _("记录单位受理")),
    "reply": (_("答复/处理意见（代录）"), _("记录答复")),
    "close": (_("办结"), _("记录办结")),
    "extend": (_("延期（经批准）"), _("记录延期")),
    "objection": (_("异议（责任单位认为不属其职责）"), _("记录异议")),
    "review": (_("申请复查"), _("记录复查申请")),
    "review_decided": (_("复查决定"), _("记录复查决定")),
    "recheck": (_("申请复核"), _("记录复核申请")),
    "recheck_decided": (_("复核决定"), _("记录复核决定")),
}
