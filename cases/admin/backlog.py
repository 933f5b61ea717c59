from django.contrib import admin

from cases.ledgers.admin import LedgerImportExportMixin
from cases.ledgers.resources import BacklogEntryResource
from cases.models import BacklogEntry

from .base import LedgerAdmin


@admin.register(BacklogEntry)
class BacklogEntryAdmin(LedgerImportExportMixin, LedgerAdmin):
    """The bureau's list of 信访积案. No personal data of its own: a row names its case by number;
    the petitioner is on the case's page, for those allowed to see it. (No year filter by the
    ledgers' YearQuerySet: an entry belongs to every year from its listing to its 化解, and the
    figures' cache drops all of the bureau's years when one changes.) Imported and exported from
    Excel like the other ledgers (cases.ledgers.resources.BacklogEntryResource)."""

    resource_classes = [BacklogEntryResource]

    list_display = ("case", "listed_on", "resolved_on", "note")
    list_select_related = ("case",)
    list_filter = ("listed_on", ("resolved_on", admin.EmptyFieldListFilter))
    search_fields = ("case__number", "note")
    autocomplete_fields = ("case",)
    ordering = ("-listed_on", "-id")
