from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.ledgers.admin import LedgerImportExportMixin
from cases.ledgers.resources import AccountabilityResource
from cases.models import AccountabilityAction, AccountablePerson

from .base import LedgerAdmin, MonthListFilter, UnitListFilter, YearListFilter, related_count
from .personal import PersonInline


class AccountablePersonInline(PersonInline):
    model = AccountablePerson


@admin.register(AccountabilityAction)
class AccountabilityActionAdmin(LedgerImportExportMixin, LedgerAdmin):
    resource_classes = [AccountabilityResource]
    list_display = ("decided_on", "kind", "unit", "person_count", "measure", "adopted")
    list_filter = (YearListFilter, MonthListFilter, "kind", "adopted", ("unit", UnitListFilter))
    list_select_related = ("unit",)
    search_fields = ("unit__name", "measure", "persons__name")
    autocomplete_fields = ("unit", "cases")
    inlines = [AccountablePersonInline]
    ordering = ("-decided_on", "-id")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_persons=related_count(AccountablePerson, "action"))

    @admin.display(description=_("责任人数"), ordering="_persons")
    def person_count(self, obj):
        return obj._persons
