from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.ledgers.admin import LedgerImportExportMixin
from cases.ledgers.resources import OrderCaseResource
from cases.models import OrderCase, OrderPerson

from .base import LedgerAdmin, MonthListFilter, YearListFilter, related_count
from .personal import PersonInline


class OrderPersonInline(PersonInline):
    model = OrderPerson


@admin.register(OrderCase)
class OrderCaseAdmin(LedgerImportExportMixin, LedgerAdmin):
    resource_classes = [OrderCaseResource]
    list_display = ("occurred_on", "place", "conduct", "person_count")
    list_filter = (YearListFilter, MonthListFilter, "persons__measure")
    search_fields = ("place", "conduct", "persons__name")
    inlines = [OrderPersonInline]
    ordering = ("-occurred_on", "-id")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_persons=related_count(OrderPerson, "case"))

    @admin.display(description=_("处理人数"), ordering="_persons")
    def person_count(self, obj):
        return obj._persons
