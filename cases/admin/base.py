from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.models import Bureau

from .audited import AuditedAdmin


class YearListFilter(admin.SimpleListFilter):
    """Filter a ledger by the calendar year of its date field (the queryset's `year_field`)."""

    title = _("年度")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        field = model_admin.model.objects.all().year_field
        years = model_admin.model.objects.dates(field, "year", order="DESC")
        return [(str(d.year), f"{d.year}年") for d in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.in_year(int(value))
        return queryset


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


class LedgerAdmin(AuditedAdmin):
    form = LedgerForm
    exclude = ("bureau",)
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over a million-row ledger on every page
    save_on_top = True
