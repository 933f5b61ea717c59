from django.contrib import admin

from cases.ledgers.admin import LedgerImportExportMixin
from cases.ledgers.resources import OutreachEventResource, VolunteerResource
from cases.models import (
    NormativeDocument,
    OutreachEvent,
    RoadmapPosting,
    SupervisionItem,
    Volunteer,
)

from .base import LedgerAdmin, MonthListFilter, YearListFilter


@admin.register(OutreachEvent)
class OutreachEventAdmin(LedgerImportExportMixin, LedgerAdmin):
    resource_classes = [OutreachEventResource]
    list_display = ("held_on", "kind", "title", "place", "participants", "materials")
    list_filter = (YearListFilter, MonthListFilter, "kind")
    search_fields = ("title", "place")
    ordering = ("-held_on", "-id")


@admin.register(Volunteer)
class VolunteerAdmin(LedgerImportExportMixin, LedgerAdmin):
    resource_classes = [VolunteerResource]
    list_display = ("name", "joined_on", "left_on")
    search_fields = ("name",)
    list_filter = ("joined_on", "left_on")
    ordering = ("joined_on", "id")


@admin.register(RoadmapPosting)
class RoadmapPostingAdmin(LedgerAdmin):
    list_display = ("unit", "roadmap_posted", "guide_posted", "posted_on")
    list_filter = ("roadmap_posted", "guide_posted", "unit__kind")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    search_fields = ("unit__name",)


@admin.register(SupervisionItem)
class SupervisionItemAdmin(LedgerAdmin):
    list_display = ("received_on", "kind", "number", "title", "replied_on")
    list_filter = ("kind",)
    search_fields = ("title", "number")
    date_hierarchy = "received_on"


@admin.register(NormativeDocument)
class NormativeDocumentAdmin(LedgerAdmin):
    list_display = (
        "issued_on",
        "doc_number",
        "title",
        "status",
        "reviewed_on",
        "filed_with_justice",
    )
    list_filter = ("status", "filed_with_justice")
    search_fields = ("title", "doc_number")
    date_hierarchy = "issued_on"
