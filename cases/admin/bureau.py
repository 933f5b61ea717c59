"""The organization: bureaus (the site administrator's), each bureau's units and users (that
bureau's administrator's), and the holidays every bureau counts deadlines in.

A site administrator is a superuser who belongs to no bureau (cases.middleware): they create
bureaus and place them in the tree, and see every bureau's units and users, but no bureau's
records. A bureau's administrator (the 管理员 role) changes their own bureau's settings, units
and users only: the scoped managers hide every other bureau's rows from them, and the forms
below offer no other bureau to choose."""

from django.contrib import admin

from cases.models import Bureau, Holiday, Unit

from .audited import AuditedAdmin


def is_site_admin(request) -> bool:
    """As ScopeMiddleware decided for this request."""
    return getattr(request, "is_site_admin", False)


@admin.register(Bureau)
class BureauAdmin(AuditedAdmin):
    list_display = ("name", "level", "parent", "county", "roll_forward_holidays", "due_soon_working_days")
    list_filter = ("level",)
    search_fields = ("name",)
    fields = (
        "name",
        "level",
        "parent",
        "county",
        "short_county",
        "self_reference",
        "roll_forward_holidays",
        "due_soon_working_days",
        "case_number_pattern",
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if is_site_admin(request) else queryset.filter(pk=getattr(request.bureau, "pk", None))

    def get_readonly_fields(self, request, obj=None):
        # Where a bureau stands in the tree is the site administrator's to say.
        return () if is_site_admin(request) else ("name", "level", "parent")

    def has_add_permission(self, request):
        return is_site_admin(request)

    def has_delete_permission(self, request, obj=None):
        return is_site_admin(request)


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "kind", "sort_order", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    ordering = ("kind", "sort_order", "name")

    def get_list_display(self, request):
        return ("bureau", *self.list_display) if is_site_admin(request) else self.list_display

    def get_exclude(self, request, obj=None):
        return () if is_site_admin(request) else ("bureau",)

    def save_model(self, request, obj, form, change):
        if not obj.bureau_id:
            obj.bureau = request.bureau
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not is_site_admin(request) and obj is None:
            # Set before validation, so that the name is checked unique within this bureau.
            bureau = request.bureau

            class OwnBureauForm(form):
                def __init__(self, *args, **kw):
                    super().__init__(*args, **kw)
                    self.instance.bureau = bureau

                def _get_validation_exclusions(self):
                    exclusions = super()._get_validation_exclusions()
                    exclusions.discard("bureau")
                    return exclusions

            return OwnBureauForm
        return form


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    """National holidays, the same for every bureau: changed by the site administrator."""

    list_display = ("date", "name", "is_working_day")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("name",)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and _may_change_holidays(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _may_change_holidays(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _may_change_holidays(request)


def _may_change_holidays(request) -> bool:
    """The site administrator, or the administrator of a bureau at the top of its tree (the
    only bureau of a one-bureau installation): holidays are the same for every bureau below."""
    return is_site_admin(request) or (request.bureau is not None and request.bureau.parent_id is None)
