from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cases import numbering, privacy, repeats, search, workflow
from cases.deadlines import HolidayCalendar, due_soon_cutoff
from cases.ledgers.admin import LedgerImportExportMixin
from cases.ledgers.resources import PetitionCaseResource
from cases.models import Bureau, PetitionCase
from cases.models.base import local_today
from cases.models.petitions import Stage
from cases.validators import PHONE

from .base import LedgerAdmin, LedgerForm, MonthListFilter, UnitListFilter, YearListFilter
from .people import listed_persons

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


OVERRIDES = {"is_initial": "initial_override_reason", "resolved_first_time": "resolution_override_reason"}


class PetitionCaseForm(LedgerForm):
    """A new case's number may be left blank: it is given on saving (cases.numbering), in the
    transaction that inserts the case; a number typed in is kept (a paper register's own). A case
    whose 初次/重复 and 一次性化解 are derived (a new case, or one derived by registration or
    derive_repeats): a flag set against the rule needs its reason."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("number")
        if field is not None and self.instance.pk is None:
            field.required = False
            example = numbering.preview_case_number(bureau=self.instance.bureau)
            hint = _("保存时自动编号，如 %(number)s") % {"number": example} if example else _("保存时自动编号")
            field.widget.attrs["placeholder"] = hint
            field.help_text = _("留空则保存时按登记日期的年度自动编号；也可填写纸质登记簿上的编号。")

    def _post_clean(self):
        super()._post_clean()
        case = self.instance
        if self.errors or not (case.pk is None or case.flags_derived):
            return
        derived = repeats.derive(case)
        for flag, reason_field in OVERRIDES.items():
            if flag not in self.changed_data or getattr(case, reason_field).strip():
                continue
            if getattr(case, flag) != getattr(derived, flag):
                rule = (
                    repeats.describe(derived)
                    if flag == "is_initial"
                    else _("系统认定为“%(value)s”") % {"value": _("是") if derived.resolved_first_time else _("否")}
                )
                self.add_error(
                    reason_field,
                    _("%(rule)s；改定“%(flag)s”请填写理由。")
                    % {"rule": rule, "flag": PetitionCase._meta.get_field(flag).verbose_name},
                )


@admin.register(PetitionCase)
class PetitionCaseAdmin(LedgerImportExportMixin, LedgerAdmin):
    form = PetitionCaseForm
    resource_classes = [PetitionCaseResource]
    list_display = (
        "case_number",
        "received_on",
        "channel",
        "petitioner_name",
        "head_count",
        "category",
        "responsible_unit",
        "source",
        "status",
    )
    # The number opens the case's own page (its timeline, cases.casework); the flat change form
    # stays for corrections, reached from that page's 修改.
    list_display_links = None
    list_filter = (
        YearListFilter,
        MonthListFilter,
        StatusFilter,
        "channel",
        "category",
        "is_initial",
        "handling_path",
        "satisfaction",
        "source",
        ("responsible_unit", UnitListFilter),
    )
    list_select_related = ("responsible_unit",)
    autocomplete_fields = ("responsible_unit", "petitioner")
    search_fields = search.PUBLIC_FIELDS
    ordering = ("-received_on", "-id")
    fieldsets = (
        (
            _("登记"),
            {
                "fields": (
                    ("number", "received_on", "channel"),
                    ("petitioner", "persons"),
                    ("petitioner_name", "head_count"),
                    ("petitioner_id_number", "petitioner_phone"),
                    ("is_initial", "initial_override_reason"),
                    ("category", "subject_area"),
                    "summary",
                    ("responsible_unit", "source"),
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
                    ("extension_approved_on", "extension_reason"),
                    ("closed_on", "outcome"),
                    ("resolved_first_time", "resolution_override_reason"),
                    ("review", "review_requested_on", "review_decided_on"),
                    ("recheck_requested_on", "recheck_decided_on"),
                    "satisfaction",
                )
            },
        ),
        (_("法定期限"), {"fields": ("deadlines",)}),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "source" and field is not None:
            # A form posted without it (a saved page, a script) keeps the model's 本级受理.
            field.required = False
        return field

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

    change_form_template = "cases/admin/petitioncase_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        fields = (*super().get_readonly_fields(request, obj), "deadlines", "upper_case", "lower_case", "persons")
        if obj is not None and obj.assigned_from_id:
            fields = (*fields, "source")  # an assigned case's source is the assignment's
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None or not (obj.assigned_from_id or obj.routing == PetitionCase.Routing.ASSIGN):
            return fieldsets
        # Between levels: the upper bureau's case this one came from, and the progress of the
        # lower bureau's case this one was assigned to.
        fields = ("upper_case",) if obj.assigned_from_id else ()
        fields += ("lower_case",) if obj.routing == PetitionCase.Routing.ASSIGN else ()
        return [*fieldsets[:-1], (_("上下级交办"), {"fields": fields}), fieldsets[-1]]

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

    # ------------------------------------------------------------ assignment down (交办)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        extra = [
            path(
                "<path:object_id>/assign/",
                self.admin_site.admin_view(self.assign_view),
                name="{}_{}_assign".format(*info),
            )
        ]
        return extra + super().get_urls()

    def may_assign(self, request, obj) -> bool:
        return self.has_change_permission(request, obj) and self.has_add_permission(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if (
            obj is not None
            and not obj.routing
            and not obj.closed_on
            and self.may_assign(request, obj)
            and workflow.assignment_targets(obj.bureau)
        ):
            extra_context["assign_url"] = reverse(
                "admin:cases_petitioncase_assign", args=[obj.pk], current_app=self.admin_site.name
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def assign_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(_("没有这个信访事项。"))
        if not self.may_assign(request, obj):
            raise PermissionDenied
        targets = workflow.assignment_targets(obj.bureau)
        change_url = reverse("admin:cases_petitioncase_change", args=[obj.pk], current_app=self.admin_site.name)
        if request.method == "POST":
            chosen = request.POST.get("target", "")
            target = Bureau.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
            if target is None:
                messages.error(request, _("请选择交办的下级信访局。"))
                return HttpResponseRedirect(request.path)
            try:
                lower = workflow.assign_down(obj, target=target, user=request.user, today=local_today())
            except workflow.Refused as exc:
                messages.error(request, str(exc))
                return HttpResponseRedirect(request.path)
            messages.success(
                request,
                _("已交办%(target)s（%(day)s），下级编号%(number)s。")
                % {"target": target, "day": lower.received_on, "number": lower.number},
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("交办下级：%s") % obj,
            "subtitle": None,
            "opts": self.opts,
            "original": obj,
            "targets": targets,
            "change_url": change_url,
            "source_label": PetitionCase.Source.CITY.label
            if obj.bureau.level == Bureau.Level.CITY
            else PetitionCase.Source.ABOVE.label,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "cases/admin/assign.html", context)

    @admin.display(description=_("上级交办件"))
    def upper_case(self, obj):
        upper = obj.assigned_from if obj and obj.assigned_from_id else None
        if upper is None:
            return "—"
        return _("%(bureau)s %(number)s（%(day)s登记）") % {
            "bureau": upper.bureau,
            "number": upper.number,
            "day": upper.received_on,
        }

    @admin.display(description=_("下级办理进展"))
    def lower_case(self, obj):
        lower = workflow.assignment_of(obj) if obj and obj.pk else None
        if lower is None:
            return _("下级信访局尚未登记。")
        # The lower bureau's figures of progress: its dates and outcome, nothing of its own.
        rows = [
            (_("承办信访局"), str(lower.bureau)),
            (_("信访件编号"), lower.number),
            (_("交办登记日期"), lower.received_on),
            (_("转送交办日期"), lower.routed_on),
            (_("受理告知日期"), lower.accepted_on),
            (_("责任单位受理日期"), lower.unit_accepted_on),
            (_("责任单位答复日期"), lower.unit_replied_on),
            (_("办结日期"), lower.closed_on),
            (_("处理结果"), lower.get_outcome_display() if lower.outcome else None),
        ]
        calendar = lower.bureau.calendar()
        rows += [
            (_("%(stage)s期限") % {"stage": s.label}, f"{s.due_on:%Y-%m-%d} {s.state_label}")
            for s in lower.stages(local_today(), calendar, lower.bureau.due_soon_working_days)
        ]
        return format_html(
            '<table class="deadlines lower-case"><tbody>{}</tbody></table>',
            format_html_join(
                "",
                "<tr><th>{}</th><td>{}</td></tr>",
                ((label, value if value not in (None, "") else "—") for label, value in rows),
            ),
        )

    def save_model(self, request, obj, form, change):
        calendar, _today, _cutoff, _days = deadline_context(request)
        for warning in obj.refresh_due_dates(calendar):
            messages.warning(request, warning)
        if not change and not obj.number:
            # The admin's add view runs in one transaction: the number is taken and the case
            # inserted together, and a failed save gives the number back.
            obj.number = numbering.next_case_number(bureau=obj.bureau, year=obj.received_on.year)
        # 初次/重复 and 一次性化解 by the rule (cases.repeats), for new and derived cases; a case
        # imported or kept from before keeps its recorded flags until derive_repeats.
        derived = not change or obj.flags_derived
        derived_changes = repeats.refresh(obj) if derived else {}
        # The flags the rule changed go into this save's one entry of the activity log, with the
        # fields the clerk changed (AuditedAdmin.save_related → audit_form reads changed_data).
        form.changed_data.extend(name for name in derived_changes if name not in form.changed_data)
        super().save_model(request, obj, form, change)
        if derived:
            repeats.propagate(obj, user=request.user)

    @admin.display(description=_("集体访人员"))
    def persons(self, obj):
        return listed_persons(obj)

    @admin.display(description=_("信访件编号"), ordering="number")
    def case_number(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("casework:case", args=[obj.pk]), obj.number)

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
