"""Users, each in one organization: a bureau's administrator manages their own bureau's users.

Django's user admin, with the user's Membership (bureau and unit) on the same page. A bureau's
administrator sees and creates only users of their own bureau, places them in it or one of its
units, and gives them roles — never superuser status or single permissions. The site
administrator (a superuser in no bureau) places users in any bureau."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from cases.models import Bureau, Membership

from .bureau import is_site_admin
from .guarded import NotFoundMixin


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    min_num = 1
    max_num = 1
    verbose_name = _("所属机构")
    verbose_name_plural = _("所属机构")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bureau" and not is_site_admin(request):
            kwargs["queryset"] = Bureau.objects.filter(pk=getattr(request.bureau, "pk", None))
            kwargs["initial"] = request.bureau
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


admin.site.unregister(User)


@admin.register(User)
class OrganizationUserAdmin(NotFoundMixin, UserAdmin):
    inlines = (MembershipInline,)
    list_display = ("username", "first_name", "membership", "is_active", "last_login")
    list_filter = ("is_active", "groups")
    list_select_related = ("membership__bureau", "membership__unit")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_site_admin(request):
            return queryset
        return queryset.filter(membership__bureau=getattr(request.bureau, "pk", None))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_site_admin(request):
            return fieldsets
        # A bureau's administrator gives roles; superuser status and single permissions are the
        # site administrator's.
        kept = []
        for title, options in fieldsets:
            fields = tuple(f for f in options.get("fields", ()) if f not in ("is_superuser", "user_permissions"))
            kept.append((title, {**options, "fields": fields}))
        return kept

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not is_site_admin(request) and request.bureau is not None:
            # A new account starts in its creator's bureau; the next page places it in a unit.
            Membership.place(obj, request.bureau)
