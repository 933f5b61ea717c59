from django.contrib import admin

from cases.ledgers.admin import LedgerImportExportMixin
from cases.ledgers.resources import DisputeScreeningResource
from cases.models import DisputeScreening

from .base import LedgerAdmin, MonthListFilter, UnitListFilter, YearListFilter


@admin.register(DisputeScreening)
class DisputeScreeningAdmin(LedgerImportExportMixin, LedgerAdmin):
    resource_classes = [DisputeScreeningResource]
    list_display = ("found_on", "unit", "kind", "status", "resolved_on")
    list_filter = (YearListFilter, MonthListFilter, "status", ("unit", UnitListFilter), "kind")
    list_select_related = ("unit",)
    search_fields = ("kind", "description", "unit__name")
    autocomplete_fields = ("unit",)
    ordering = ("-found_on", "-id")
