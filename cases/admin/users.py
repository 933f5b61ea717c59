"""Users, each in one organization: a bureau's administrator manages their own bureau's users.

Django's user admin, with the user's Membership (bureau and unit) on the same page. A bureau's
administrator sees and creates only users of their own bureau, places them in it or one of its
units, and gives them roles — never superuser status or single permissions. The site
administrator (a superuser in no bureau) places users in any bureau."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import roles
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

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            return form  # a new account has no roles yet; the next page gives them
        return type(form.__name__, (_RolesFitTheOrganization, form), {})

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not is_site_admin(request) and request.bureau is not None:
            # A new account starts in its creator's bureau; the next page places it in a unit.
            Membership.place(obj, request.bureau)


class _RolesFitTheOrganization:
    """A unit's officer holds the unit's role only, and the unit's role needs a unit: a bureau's
    role on a unit's account (or the reverse) would give it pages its scope cannot serve. The
    unit is the inline's field, read from the same POST."""

    def clean(self):
        cleaned = super().clean()
        groups = {g.name for g in cleaned.get("groups") or ()}
        prefix = Membership._meta.get_field("user").related_query_name()
        has_unit = bool(self.data.get(f"{prefix}-0-unit"))
        bureau_roles = sorted(groups - {roles.UNIT})
        if has_unit and bureau_roles:
            raise ValidationError(
                _("责任单位的用户只能有“%(unit)s”角色，不能兼任%(roles)s。")
                % {"unit": roles.UNIT, "roles": "、".join(bureau_roles)}
            )
        if roles.UNIT in groups and not has_unit:
            raise ValidationError(_("“%(unit)s”角色须在“所属机构”中选择其责任单位。") % {"unit": roles.UNIT})
        return cleaned
