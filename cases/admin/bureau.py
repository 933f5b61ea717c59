from django.contrib import admin

from cases.models import Bureau, Holiday, Unit

from .audited import AuditedAdmin


@admin.register(Bureau)
class BureauAdmin(AuditedAdmin):
    list_display = ("name", "county", "roll_forward_holidays", "due_soon_working_days")


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "kind", "sort_order", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    ordering = ("kind", "sort_order", "name")


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    list_display = ("date", "name", "is_working_day")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("name",)
