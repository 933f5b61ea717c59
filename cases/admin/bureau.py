"""The organization: bureaus (the site administrator's), each bureau's units and users (that
bureau's administrator's), and the holidays every bureau counts deadlines in.

A site administrator is a superuser who belongs to no bureau (cases.middleware): they create
bureaus and place them in the tree, and see every bureau's units and users, but no bureau's
records. A bureau's administrator (the 管理员 role) changes their own bureau's settings, units
and users only: the scoped managers hide every other bureau's rows from them, and the forms
below offer no other bureau to choose."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases import holidays
from cases.models import Bureau, Holiday, HolidayYear, Unit
from cases.models.base import local_today

from .audited import AuditedAdmin
from .base import own_bureau_form


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
        "level_word",
        "province",
        "roll_forward_holidays",
        "due_soon_working_days",
        "case_number_pattern",
        "percent_whole",
        "percent_rounding",
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
            return own_bureau_form(form, request.bureau)
        return form


class HolidayYearForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("年度请填写四位数字，如 2027。")},
    )
    notice = forms.CharField(
        label=_("通知原文或日期清单"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        help_text=_(
            "粘贴国务院办公厅《关于某年部分节假日安排的通知》的正文，如“春节：2月15日至23日放假调休，共9天。"
            "2月14日（周六）、2月28日（周六）上班。”；或每行写一个日期或日期段，如“2027-01-01 元旦”"
            "“2027-02-14 上班”。确认后将替换该年度已录入的全部节假日。"
        ),
    )
    complete = forms.BooleanField(
        label=_("该年度的放假和调休上班安排已全部录入"),
        required=False,
        initial=True,
        help_text=_("只有标记为录入完整的年度才用于计算期限；未完整的年度按“尚未掌握节假日”处理，并提醒管理员。"),
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year in holidays.PACKAGE_YEARS:
            raise forms.ValidationError(_("%(year)s年的节假日系统已内置，无需录入。") % {"year": year})
        return year


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    """National holidays, the same for every bureau: changed by the site administrator. A
    year's are entered at once from the State Council's notice (`year/`, cases.holidays)."""

    list_display = ("date", "name", "is_working_day")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("name",)

    def get_urls(self):
        extra = [
            path("year/", self.admin_site.admin_view(self.year_view), name="cases_holiday_year"),
        ]
        return extra + super().get_urls()

    def may_enter_years(self, request) -> bool:
        return self.has_add_permission(request) and self.has_delete_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        if self.may_enter_years(request):
            extra_context["year_url"] = reverse("admin:cases_holiday_year", current_app=self.admin_site.name)
        return super().changelist_view(request, extra_context)

    def year_view(self, request):
        """Paste → preview → confirm; and a year entered row by row marked (in)complete."""
        if not self.may_enter_years(request):
            raise PermissionDenied
        this_year = local_today().year
        form = HolidayYearForm(request.POST or None, initial={"year": this_year + 1, "complete": True})
        plan = None
        if request.method == "POST" and "mark" in request.POST:
            return self._mark(request)
        if request.method == "POST" and form.is_valid():
            year, notice = form.cleaned_data["year"], form.cleaned_data["notice"]
            try:
                plan = holidays.parse_notice(notice, year)
            except holidays.NoticeError as exc:
                for problem in exc.problems:
                    form.add_error("notice", problem)
            digest = holidays.digest(year, notice)
            if plan is not None and "confirm" in request.POST and request.POST.get("digest") != digest:
                messages.warning(request, _("通知内容在预览后有改动，请核对新的识别结果后再确认。"))
            elif plan is not None and "confirm" in request.POST:
                complete = form.cleaned_data["complete"]
                entry = holidays.holidays_replace(plan=plan, complete=complete, notice=notice, user=request.user)
                messages.success(
                    request,
                    _("已录入%(year)s年节假日：放假%(h)s天，调休上班%(w)s天；%(state)s")
                    % {
                        "year": year,
                        "h": len(plan.holidays),
                        "w": len(plan.workdays),
                        "state": _("该年度已标记为录入完整，已按此重算%(n)s件信访事项的期限。") % {"n": entry.refreshed}
                        if complete
                        else _("该年度尚未标记为录入完整，暂不用于计算期限。"),
                    },
                )
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": _("按年度录入节假日"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "plan": plan,
            "digest": holidays.digest(plan.year, form.cleaned_data["notice"]) if plan else "",
            "years": self._years(this_year),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "cases/admin/holiday_year.html", context)

    def _mark(self, request):
        value = request.POST.get("year", "")
        year = int(value) if value.isdigit() and len(value) == 4 else None
        if year is None or year in holidays.PACKAGE_YEARS or not Holiday.objects.filter(date__year=year).exists():
            messages.error(request, _("只能标记已录入节假日、且系统未内置的年度。"))
        else:
            complete = request.POST.get("mark") == "complete"
            entry = holidays.set_complete(year=year, complete=complete, user=request.user)
            messages.success(
                request,
                (
                    _("%(year)s年节假日已标记为录入完整，已按此重算%(n)s件信访事项的期限。")
                    if complete
                    else _("%(year)s年节假日已标记为未录入完整。")
                )
                % {"year": year, "n": entry.refreshed},
            )
        return HttpResponseRedirect(request.path)

    @staticmethod
    def _years(this_year: int) -> list[dict]:
        entered = {y.year: y for y in HolidayYear.objects.select_related("completed_by")}
        counts: dict[int, list[int]] = {}
        for day, working in Holiday.objects.values_list("date", "is_working_day"):
            counts.setdefault(day.year, [0, 0])[working] += 1
        years = sorted({this_year, this_year + 1, *entered, *counts} - holidays.PACKAGE_YEARS, reverse=True)
        return [
            {
                "year": year,
                "holidays": counts.get(year, [0, 0])[0],
                "workdays": counts.get(year, [0, 0])[1],
                "complete": bool(entered.get(year) and entered[year].complete),
                "entry": entered.get(year),
            }
            for year in years
        ]

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


# The administrators' warning on the workbench's first page ----------------------------------------

_admin_index = admin.site.index


def index_with_holiday_warning(request, extra_context=None):
    """Administrators (who may enter holidays, or see them) are told of a year whose holidays
    are not complete; clerks and the others see nothing of it."""
    if request.user.is_active and request.user.has_perm("cases.add_holiday"):
        may_enter = admin.site._registry[Holiday].may_enter_years(request)
        for year in holidays.years_to_warn(local_today()):
            if may_enter:
                messages.warning(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("%(year)s年节假日尚未录入完整，跨入该年度的期限无法按节假日顺延。") % {"year": year},
                        reverse("admin:cases_holiday_year"),
                        _("按年度录入节假日"),
                    ),
                )
            else:
                messages.warning(
                    request,
                    _("%(year)s年节假日尚未录入完整，请联系上级信访局管理员录入。") % {"year": year},
                )
    return _admin_index(request, extra_context)


admin.site.index = index_with_holiday_warning
