from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cases import privacy, search
from cases.deadlines import HolidayCalendar, due_soon_cutoff
from cases.ledgers.admin import LedgerImportExportMixin
from cases.ledgers.resources import PetitionCaseResource
from cases.models import Bureau, PetitionCase
from cases.models.base import local_today
from cases.models.petitions import Stage
from cases.validators import PHONE

from .base import LedgerAdmin, MonthListFilter, UnitListFilter, YearListFilter

STATE_CSS = {
    Stage.OVERDUE: "deadline-overdue",
    Stage.DUE_SOON: "deadline-soon",
    Stage.DONE_LATE: "deadline-late",
    Stage.DONE_ON_TIME: "deadline-done",
    Stage.PENDING: "deadline-pending",
    Stage.NOT_RECORDED: "deadline-unrecorded",
}


def deadline_context(request) -> tuple[HolidayCalendar, "object", "object", int]:
    """(calendar, today, due-soon cutoff, due-soon working days) for this request, read once
    however many rows render; the same rule as the dashboard's (cases.deadlines)."""
    cached = getattr(request, "_deadline_context", None)
    if cached is None:
        bureau = Bureau.current()
        calendar = bureau.calendar()
        today = local_today()
        days = bureau.due_soon_working_days
        cutoff, _warning = due_soon_cutoff(calendar, today, days)
        cached = request._deadline_context = (calendar, today, cutoff, days)
    return cached


class StatusFilter(admin.SimpleListFilter):
    title = _("办理状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("open", _("在办")),
            ("closed", _("已办结")),
            ("overdue", _("已超期")),
            ("due_soon", _("即将到期")),
        ]

    def queryset(self, request, queryset):
        _calendar, today, cutoff, _days = deadline_context(request)
        match self.value():
            case "open":
                return queryset.open()
            case "closed":
                return queryset.closed()
            case "overdue":
                return queryset.overdue(today)
            case "due_soon":
                return queryset.due_soon(today, cutoff)
        return queryset


@admin.register(PetitionCase)
class PetitionCaseAdmin(LedgerImportExportMixin, LedgerAdmin):
    resource_classes = [PetitionCaseResource]
    list_display = (
        "number",
        "received_on",
        "channel",
        "petitioner_name",
        "head_count",
        "category",
        "responsible_unit",
        "status",
    )
    list_display_links = ("number",)
    list_filter = (
        YearListFilter,
        MonthListFilter,
        StatusFilter,
        "channel",
        "category",
        "is_initial",
        "handling_path",
        "satisfaction",
        ("responsible_unit", UnitListFilter),
    )
    list_select_related = ("responsible_unit",)
    autocomplete_fields = ("responsible_unit",)
    search_fields = search.PUBLIC_FIELDS
    ordering = ("-received_on", "-id")
    fieldsets = (
        (
            _("登记"),
            {
                "fields": (
                    ("number", "received_on", "channel"),
                    ("petitioner_name", "head_count", "is_initial"),
                    ("petitioner_id_number", "petitioner_phone"),
                    ("category", "subject_area"),
                    "summary",
                    "responsible_unit",
                )
            },
        ),
        (
            _("转送交办与受理"),
            {
                "fields": (
                    ("routing", "routed_on"),
                    ("accepted_on", "unit_accepted_on"),
                    ("objection_on", "objection_sustained"),
                    "unit_replied_on",
                    "unit_reply",
                )
            },
        ),
        (
            _("办理与办结"),
            {
                "fields": (
                    "handling_path",
                    ("extension_days", "extension_approved"),
                    ("closed_on", "outcome"),
                    "resolved_first_time",
                    ("review", "review_requested_on", "review_decided_on"),
                    "satisfaction",
                )
            },
        ),
        (_("法定期限"), {"fields": ("deadlines",)}),
    )

    def get_search_results(self, request, queryset, search_term):
        # A clerk pasting a case number gets it from the unique index at once, and one who may
        # see personal data an ID number or a phone number from its index; anything else is a free-text search
        # through the search index (cases.search) over the fields get_search_fields allows.
        term = search_term.strip()
        if not term:
            return queryset, False
        fields = self.get_search_fields(request)
        if " " not in term:
            exact = queryset.filter(bureau=Bureau.current(), number=term)  # (bureau, number) is unique
            if exact.exists():
                return exact, False
            if "petitioner_name" in fields and len(term) == 18:
                exact = queryset.filter(petitioner_id_number=term.upper())
                if exact.exists():
                    return exact, False
            if "petitioner_phone" in fields and PHONE.match(term):
                # Every digit pair of a phone number is in most cases' text: the pairs index
                # cannot narrow it (200 ms at 1M on PostgreSQL), its own index can.
                exact = queryset.filter(petitioner_phone=term)
                if exact.exists():
                    return exact, False
        return search.search_cases(queryset, term, personal="petitioner_name" in fields), False

    def get_search_fields(self, request):
        # cases.search reads the same rule: personal fields only for those who may see them.
        fields = super().get_search_fields(request)
        if privacy.can_see_personal_data(request.user):
            fields = (*fields, *search.PERSONAL_FIELDS)
        return fields

    def get_list_display(self, request):
        # The deadline column depends on today's date and is built per request (the ModelAdmin
        # instance is shared between threads, the request is not).
        return (*super().get_list_display(request), _next_deadline_column(request))

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "deadlines")

    # A responsible unit's officer works at their desk (cases.desk), where each step is dated by
    # the system; the bureau's workbench, where any date can be typed, is not theirs.
    def has_module_permission(self, request):
        return not _unit_member(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return not _unit_member(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _unit_member(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return not _unit_member(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return not _unit_member(request) and super().has_delete_permission(request, obj)

    def has_import_permission(self, request):
        return not _unit_member(request) and super().has_import_permission(request)

    def has_export_permission(self, request):
        return not _unit_member(request) and super().has_export_permission(request)

    def save_model(self, request, obj, form, change):
        calendar, _today, _cutoff, _days = deadline_context(request)
        for warning in obj.refresh_due_dates(calendar):
            messages.warning(request, warning)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("状态"))
    def status(self, obj):
        return _("已办结") if obj.closed_on else _("在办")

    @admin.display(description=_("各阶段期限"))
    def deadlines(self, obj):
        if obj is None or obj.pk is None:
            return _("保存后按登记、转送和受理日期计算各阶段法定期限。")
        calendar, today = obj.bureau.calendar(), local_today()
        rows = format_html_join(
            "",
            '<tr class="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    STATE_CSS[s.state],
                    s.label,
                    f"{s.due_on:%Y-%m-%d}",
                    f"{s.done_on:%Y-%m-%d}" if s.done_on else "—",
                    s.state_label,
                )
                for s in obj.stages(today, calendar, obj.bureau.due_soon_working_days)
            ),
        )
        return format_html(
            '<table class="deadlines"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            _("阶段"),
            _("期限"),
            _("完成日期"),
            _("状态"),
            rows,
        )


def _unit_member(request) -> bool:
    return getattr(request, "unit", None) is not None


def _next_deadline_column(request):
    calendar, today, _cutoff, days = deadline_context(request)

    @admin.display(description=_("期限"))
    def next_deadline(obj):
        pending = [
            s for s in obj.stages(today, calendar, days) if s.state in (Stage.OVERDUE, Stage.DUE_SOON, Stage.PENDING)
        ]
        if not pending:
            return "—"
        stage = pending[0]
        return format_html(
            '<span class="{}">{} {} {}</span>',
            STATE_CSS[stage.state],
            stage.label,
            f"{stage.due_on:%Y-%m-%d}",
            stage.state_label,
        )

    return next_deadline
