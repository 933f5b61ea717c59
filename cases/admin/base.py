import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.audit import import_creation_entry, log_action
from cases.forms import LooseDateField
from cases.models import AuditEntry, Bureau, Unit

from .audited import AuditedAdmin
from .paging import CappedCountAdmin


class YearListFilter(admin.SimpleListFilter):
    """Filter a ledger by the calendar year of its date field (the queryset's `year_field`).

    The years offered run from the ledger's first to its last date: two look-ups on the
    (bureau, date) index, where `dates(..., "year")` would read every row of a million-row
    ledger on every page."""

    title = _("年度")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        span = model_admin.model.objects.filter(bureau=Bureau.current()).year_span()
        if span is None:
            return []
        return [(str(y), f"{y}年") for y in range(span[1], span[0] - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if not (value and value.isdigit() and len(value) == 4):
            return queryset
        if MonthListFilter.chosen_month(request) is not None:
            # The month filter applies the month's range within this year. Both ranges at once
            # would let the database walk the index over the whole year and test each row.
            return queryset
        return queryset.in_year(int(value))


class MonthListFilter(admin.SimpleListFilter):
    """The month within the chosen year: the date drill-down of a ledger too large for the
    admin's date hierarchy, which reads every row to list the months that have records."""

    title = _("月份")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        return [(str(m), f"{m}月") for m in range(1, 13)]

    @staticmethod
    def chosen_month(request) -> int | None:
        value = request.GET.get("month", "")
        return int(value) if value.isdigit() and 1 <= int(value) <= 12 else None

    def queryset(self, request, queryset):
        month = self.chosen_month(request)
        if month is None:
            return queryset
        year = request.GET.get(YearListFilter.parameter_name, "")
        if year.isdigit() and len(year) == 4:
            # Within a chosen year a month is a date range, which the date index answers.
            start = datetime.date(int(year), month, 1)
            end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            return queryset.in_range(start, end)
        return queryset.filter(**{f"{queryset.year_field}__month": month})


class UnitListFilter(admin.RelatedFieldListFilter):
    """The bureau's own units, in their order, from the small unit table. (The admin's
    RelatedOnlyFieldListFilter would read the whole ledger on every page to find the units
    that occur in it.)"""

    def field_choices(self, field, request, model_admin):
        return [(unit.pk, str(unit)) for unit in Unit.objects.filter(bureau=Bureau.current())]


def related_count(model, fk_name: str):
    """The number of `model` rows pointing at each listed row, as a correlated subquery: the
    database works it out for the page's fifty rows, where Count() over a join grouped the whole
    ledger before it could sort it."""
    per_row = (
        model.objects.filter(**{fk_name: OuterRef("pk")}).order_by().values(fk_name).annotate(n=Count("*")).values("n")
    )
    return Coalesce(Subquery(per_row), 0)


def own_bureau_form(form: type[forms.ModelForm], bureau) -> type[forms.ModelForm]:
    """`form` with a new record's bureau set before validation (the user's own, never typed), so
    that per-bureau rules (a name unique within the bureau) are checked by full_clean()."""

    class OwnBureauForm(form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if not self.instance.bureau_id and bureau is not None:
                self.instance.bureau = bureau

        def _get_validation_exclusions(self):
            exclusions = super()._get_validation_exclusions()
            exclusions.discard("bureau")
            return exclusions

    return OwnBureauForm


class LedgerForm(forms.ModelForm):
    """The bureau is the installation's own, never typed; it is set before validation so that
    per-bureau rules (a case number unique per bureau) are checked by full_clean()."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.bureau_id:
            self.instance.bureau = Bureau.current()

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        exclusions.discard("bureau")
        return exclusions


class _TolerantAutocomplete:
    """Django's autocomplete widgets look up the submitted value when the form is shown again
    with its errors; a value that is not a key (typed into a forged post) made that lookup raise
    and the page a 500. Such values are left out: the field's own error is already shown."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        kept = []
        for v in value:
            try:
                target.to_python(v)
            except ValidationError:
                continue
            kept.append(v)
        return super().optgroups(name, kept, attr)


class TolerantAutocompleteSelect(_TolerantAutocomplete, AutocompleteSelect):
    pass


class TolerantAutocompleteSelectMultiple(_TolerantAutocomplete, AutocompleteSelectMultiple):
    pass


def _in_a_bureau(request) -> bool:
    return getattr(request, "bureau", None) is not None


def entered_by(obj) -> int | None:
    """The user who entered `obj` (typed it into the form or imported it): the activity log's
    first entry about it."""
    content_type = ContentType.objects.get_for_model(type(obj), for_concrete_model=False)
    entry = (
        AuditEntry.objects.filter(content_type=content_type, object_id=obj.pk)
        .filter(action__in=(AuditEntry.Action.CREATE, AuditEntry.Action.IMPORT))
        .order_by("at", "id")
        .values_list("user_id", flat=True)
        .first()
    )
    if entry is None:  # created by an import: its batch names the import, whose entry names who
        created = import_creation_entry(obj)
        entry = created.user_id if created is not None else None
    return entry


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("作废原因"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请写明作废原因。")},
        help_text=_("例如：重复录入、录错了台账。作废后该条记录不再计入任何统计和列表，但保留在操作记录中。"),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("请写明作废原因。"), code="required")
        return reason


class LedgerAdmin(CappedCountAdmin, AuditedAdmin):
    form = LedgerForm
    exclude = ("bureau",)
    list_per_page = 50
    save_on_top = True
    # Every date of every ledger is read as the importer reads it (the admin's date widget kept).
    formfield_overrides = {models.DateField: {"form_class": LooseDateField}}

    # A bureau's ledgers are for the users of a bureau: the site administrator (a superuser in no
    # bureau) manages bureaus and users, never their records.
    def has_module_permission(self, request):
        return _in_a_bureau(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _in_a_bureau(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return _in_a_bureau(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return _in_a_bureau(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _in_a_bureau(request) and super().has_delete_permission(request, obj)

    # 作废: the one who entered a record may void it, with a reason (cases.models.base.Record).

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        void = path(
            "<path:object_id>/void/", self.admin_site.admin_view(self.void_view), name="{}_{}_void".format(*info)
        )
        return [void, *super().get_urls()]

    def may_void(self, request, obj) -> bool:
        return self.has_change_permission(request, obj) and entered_by(obj) == request.user.pk

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change and self.has_change_permission(request, obj):
            info = self.opts.app_label, self.opts.model_name
            context["void_url"] = reverse("admin:{}_{}_void".format(*info), args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def void_view(self, request, object_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("没有这条记录。"))
        allowed = self.may_void(request, obj)
        form = VoidForm(request.POST or None)
        if request.method == "POST":
            if not allowed:
                raise PermissionDenied
            if form.is_valid():
                reason = form.cleaned_data["reason"]
                with transaction.atomic():
                    obj.voided_at = timezone.now()
                    obj.voided_by = request.user
                    obj.void_reason = reason
                    obj.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
                    log_action(
                        obj,
                        user=request.user,
                        action=AuditEntry.Action.VOID,
                        changes={"void_reason": ["", reason]},
                        detail=reason[:300],
                    )
                self.message_user(request, _("已作废：%(obj)s（%(reason)s）") % {"obj": obj, "reason": reason})
                info = self.opts.app_label, self.opts.model_name
                return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*info)))
        context = {
            **self.admin_site.each_context(request),
            "title": _("作废%(name)s：%(obj)s") % {"name": self.opts.verbose_name, "obj": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "form": form,
            "allowed": allowed,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/cases/void.html", context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = TolerantAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = TolerantAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
