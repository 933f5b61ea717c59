"""Registration from the person: the look-up as the clerk types (`people/lookup/`, an HTML
fragment or JSON) and the registration page (`cases/new/`).

Both are the bureau's pages: a responsible unit's officer (whose scope is their unit's cases) and
the site administrator (in no bureau) are refused. The look-up needs the case list's view
permission and masks persons for roles without `cases.view_personal_data`; registering needs
`cases.add_petitioncase` (登记员, 管理员).
"""

from __future__ import annotations

import datetime
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import numbering, repeats
from cases.forms import LooseDateField
from cases.models import PetitionCase, Unit
from cases.models.base import local_today

from . import lookup as people_lookup
from .services import PersonData, case_register

VIEW = "cases.view_petitioncase"
ADD = "cases.add_petitioncase"


def bureau_page(permission: str):
    """A page of the bureau's own users holding `permission`; else 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            in_bureau = getattr(request, "bureau", None) is not None and getattr(request, "unit", None) is None
            if not in_bureau or not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def _repeat_notes(result, request) -> dict:
    """{person index: the case a new one on the chosen 问题领域 and 责任单位 would repeat}."""
    area = request.GET.get("area", "").strip()
    unit = request.GET.get("unit", "").strip()
    if "area" not in request.GET and "unit" not in request.GET:
        return {}
    unit_id = int(unit) if unit.isdigit() else None
    since = local_today() - datetime.timedelta(days=request.bureau.repeat_window_days)
    notes = {}
    for i, person in enumerate(result.persons):
        row = person.repeat_of(subject_area=area, unit_id=unit_id, since=since)
        if row is not None:
            notes[i] = _("重复信访：与 %(number)s 同一事项") % {"number": row.number}
    return notes


@bureau_page(VIEW)
def lookup(request):
    result = people_lookup.lookup(request.GET.get("q", ""), bureau=request.bureau, user=request.user)
    notes = _repeat_notes(result, request)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "term": result.term,
                "kind": result.kind,
                "masked": result.masked,
                "persons": [{**p.as_json(), "repeat": notes.get(i, "")} for i, p in enumerate(result.persons)],
            }
        )
    rows = [(p, notes.get(i, "")) for i, p in enumerate(result.persons)]
    may_pick = request.user.has_perm(ADD) and not result.masked
    return render(request, "cases/people/_lookup.html", {"result": result, "rows": rows, "may_pick": may_pick})


class PersonForm(forms.Form):
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=gettext_lazy("信访人姓名"), max_length=50, required=False)
    id_number = forms.CharField(label=gettext_lazy("身份证号"), max_length=18, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=gettext_lazy("住址"), max_length=200, required=False)
    others = forms.CharField(
        label=gettext_lazy("集体访的其他信访人或代表"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一人：姓名、身份证号（可空）、联系电话（可空），以空格分隔。"),
    )

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("name") or "").strip():
            self.add_error("name", _("请选用已登记的信访人，或填写新信访人的姓名。"))
        return data

    def others_data(self) -> list[PersonData]:
        people = []
        for line in (self.cleaned_data.get("others") or "").splitlines():
            parts = line.replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            id_number = next((p for p in parts[1:] if len(p) == 18), "")
            phone = next((p for p in parts[1:] if p != id_number), "")
            people.append(PersonData(name=parts[0], id_number=id_number, phone=phone, representative=True))
        return people

    def person_data(self) -> PersonData:
        d = self.cleaned_data
        return PersonData(
            pk=d.get("person") or None,
            name=d.get("name", ""),
            id_number=d.get("id_number", ""),
            phone=d.get("phone", ""),
            address=d.get("address", ""),
        )


class CaseForm(forms.ModelForm):
    # Its choices are the bureau's units, set per request (the manager needs the request's scope).
    responsible_unit = forms.ModelChoiceField(
        queryset=None, required=False, label=gettext_lazy("责任单位"), empty_label=gettext_lazy("（未定）")
    )

    class Meta:
        model = PetitionCase
        fields = [
            "number",
            "received_on",
            "channel",
            "head_count",
            "category",
            "subject_area",
            "responsible_unit",
            "summary",
        ]
        field_classes = {"received_on": LooseDateField}  # the forms the importer reads too
        widgets = {
            "received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, bureau, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.bureau = bureau
        self.fields["responsible_unit"].queryset = Unit.objects.filter(bureau=bureau, active=True)
        # Blank: the next number of the registration date's year, given on saving (cases.numbering).
        number = self.fields["number"]
        number.required = False
        example = numbering.preview_case_number(bureau=bureau)
        number.widget.attrs["placeholder"] = (
            _("保存时自动编号，如 %(number)s") % {"number": example} if example else _("保存时自动编号")
        )
        number.help_text = _("留空则自动编号；也可填写纸质登记簿上的编号。")

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        exclusions.discard("bureau")
        if not self.cleaned_data.get("number"):
            exclusions.add("number")  # given on saving
        return exclusions


PERSON_FIELDS = {"petitioner": "name", "petitioner_name": "name", "petitioner_id_number": "id_number"}
PERSON_FIELDS["petitioner_phone"] = "phone"


@bureau_page(ADD)
def register(request):
    bureau = request.bureau
    if request.method == "POST":
        person_form = PersonForm(request.POST, prefix="person")
        case_form = CaseForm(request.POST, prefix="case", bureau=bureau)
        if person_form.is_valid() and case_form.is_valid():
            fields = {name: case_form.cleaned_data[name] for name in CaseForm.Meta.fields}
            try:
                case = case_register(
                    bureau=bureau,
                    user=request.user,
                    person=person_form.person_data(),
                    others=person_form.others_data(),
                    **fields,
                )
            except ValidationError as exc:
                _errors_to_forms(exc, person_form, case_form)
            else:
                messages.success(
                    request,
                    _("已登记信访事项 %(number)s（%(kind)s）。")
                    % {
                        "number": case.number,
                        "kind": _("初次信访") if case.is_initial else repeats.describe(repeats.derive(case)),
                    },
                )
                return redirect(reverse("casework:case", args=[case.pk]))
    else:
        person_form = PersonForm(prefix="person")
        case_form = CaseForm(prefix="case", bureau=bureau, initial={"received_on": local_today(), "head_count": 1})
    errors = [e for f in (person_form, case_form) for e in f.non_field_errors()]
    errors += [
        f"{f[name].label}：{e}"
        for f in (person_form, case_form)
        for name in f.errors
        if name != "__all__"
        for e in f.errors[name]
    ]
    context = {"person_form": person_form, "case_form": case_form, "errors": errors}
    return render(request, "cases/people/register.html", context)


def _errors_to_forms(exc: ValidationError, person_form, case_form) -> None:
    if not hasattr(exc, "error_dict"):
        case_form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        if field in PERSON_FIELDS:
            person_form.add_error(PERSON_FIELDS[field], errors)
        elif field in case_form.fields:
            case_form.add_error(field, errors)
        else:
            case_form.add_error(None, errors)
