import datetime

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases import privacy
from cases.audit import audit_delete, audit_form, import_creation_entry, masked_changes, masked_repr
from cases.models import AuditEntry

from .guarded import GuardedAdmin
from .paging import CappedCountAdmin

VIEW_HISTORY = "cases.view_auditentry"


def field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # inline summaries such as "责任人·新增" are labels already
        return name


class AuditedAdmin(GuardedAdmin):
    """Every save and delete through the workbench leaves an AuditEntry; a record's 历史 page
    shows its entries (old → new values) to those who may read the trail (局长, 管理员)."""

    object_history_template = "admin/cases/audit_history.html"

    def save_related(self, request, form, formsets, change):
        # Called after the object and its inlines are saved: the one place with both at hand.
        super().save_related(request, form, formsets, change)
        audit_form(user=request.user, form=form, formsets=formsets, change=change)

    def delete_model(self, request, obj):
        audit_delete(user=request.user, objs=[obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        audit_delete(user=request.user, objs=list(queryset))
        super().delete_queryset(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        if not request.user.has_perm(VIEW_HISTORY):
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        content_type = ContentType.objects.get_for_model(self.model, for_concrete_model=False)
        entries = list(
            AuditEntry.objects.filter(content_type=content_type, object_id=obj.pk)
            .select_related("content_type", "import_log")
            .order_by("at", "id")
        )
        if not any(e.action == AuditEntry.Action.CREATE for e in entries):
            # Created by an import: no entry of its own, the import's batch names it and its row.
            created = import_creation_entry(obj)
            if created is not None:
                entries.insert(0, created)
        rows = [
            (
                entry,
                [
                    (field_label(self.model, k), old, new)
                    for k, (old, new) in masked_changes(entry, request.user).items()
                ],
            )
            for entry in entries
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("修改记录：%s") % obj,
            "subtitle": None,
            "object": obj,
            "opts": self.model._meta,
            "rows": rows,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


class AuditYearFilter(admin.SimpleListFilter):
    """The year of a change, in the bureau's time zone. The years offered come from the first
    and the last entry (two seeks on the time index); the admin's date hierarchy read every
    entry instead: 8 s at a million entries, which a few years of Excel imports reach."""

    title = _("年度")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        entries = AuditEntry.objects.order_by("at").values_list("at", flat=True)
        first, last = entries.first(), entries.reverse().first()
        if first is None:
            return []
        first, last = timezone.localtime(first).year, timezone.localtime(last).year
        return [(str(y), f"{y}年") for y in range(last, first - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if not (value and value.isdigit() and len(value) == 4):
            return queryset
        zone = timezone.get_current_timezone()
        start = datetime.datetime(int(value), 1, 1, tzinfo=zone)
        return queryset.filter(at__gte=start, at__lt=start.replace(year=start.year + 1))


@admin.register(AuditEntry)
class AuditEntryAdmin(CappedCountAdmin, GuardedAdmin):
    """The whole trail, newest first: read-only for everyone."""

    list_display = ("at", "username", "action", "source", "content_type", "record")
    list_filter = (AuditYearFilter, "action", "source", "content_type")
    search_fields = ("username", "object_repr")
    list_select_related = ("content_type",)
    # The changes themselves are shown on each record's history page, masked for the viewer;
    # the raw JSON (which may name petitioners) is never shown here.
    fields = ("at", "username", "action", "source", "content_type", "object_id", "record", "import_log")
    readonly_fields = fields
    list_display_links = None

    def get_list_display(self, request):
        return (*self.list_display, "history_link")

    @admin.display(description=_("记录"))
    def record(self, obj):
        # Masked for every viewer: entries written before a person's str() was masked name the
        # person, and this list is not where anyone needs the name (the history page is).
        return masked_repr(obj)

    def get_search_results(self, request, queryset, search_term):
        if privacy.can_see_personal_data(request.user) or not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        # A person's record is named by the person: without the permission, its name is no key.
        persons = ContentType.objects.get_for_models(
            *(m for m in apps.get_models() if "name" in privacy.personal_fields(m))
        ).values()
        term = search_term.strip()
        named = Q(object_repr__icontains=term) & ~Q(content_type__in=list(persons))
        return queryset.filter(Q(username__icontains=term) | named), False

    @admin.display(description=_("变更内容"))
    def history_link(self, obj):
        # A record's change opens its history; an import its log; any other event says itself.
        meta = obj.content_type
        if obj.object_id is not None:
            view = "history" if obj.action in AuditEntry.RECORD_ACTIONS else "change"
            try:
                url = reverse(f"admin:{meta.app_label}_{meta.model}_{view}", args=[obj.object_id])
            except NoReverseMatch:
                url = None
            if url and (view == "history" or meta.model == "importlog"):
                label = _("查看记录的修改历史") if view == "history" else _("查看导入记录")
                return format_html('<a href="{}">{}</a>', url, label)
        return obj.detail or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
