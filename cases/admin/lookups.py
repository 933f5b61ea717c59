"""Lists answer only the filters they declare.

Django's admin applies any lookup on a model's own fields that it finds in a list's query string
(`?petitioner_id_number__startswith=4108`), and django-import-export's export applies the same
query. That made every list an oracle: a head without the personal-data permission recovered a
full ID number in 128 requests by watching "1 条结果". Here a list accepts only the parameters of
its declared filters (list_filter, date_hierarchy), its search and its paging; anything else is
refused with a message in Chinese, before any query runs, and the list is shown unfiltered.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR, IncorrectLookupParameters
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from cases import privacy

# The parameters each kind of field filter reads (django.contrib.admin.filters).
FIELD_FILTER_SUFFIXES = ("exact", "isnull", "gte", "lt", "isempty")
GLOBAL_PARAMS = {*IGNORED_PARAMS, PAGE_VAR, ERROR_FLAG}


class RefusedLookup(Exception):
    pass


class DeclaredLookupsMixin:
    """For every ModelAdmin whose list a role may read."""

    def allowed_lookups(self, request) -> set[str]:
        allowed = set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                allowed.add(item.parameter_name)
                continue
            path = item[0] if isinstance(item, tuple | list) else item
            if privacy.is_personal(self.model, path):
                continue  # never declared; refused even if someone declares it
            allowed.update(f"{path}{LOOKUP_SEP}{suffix}" for suffix in FIELD_FILTER_SUFFIXES)
            target = _target(self.model, path)
            if target:
                allowed.add(f"{path}{LOOKUP_SEP}{target}{LOOKUP_SEP}exact")
        if self.date_hierarchy:
            allowed.update(f"{self.date_hierarchy}{LOOKUP_SEP}{part}" for part in ("year", "month", "day"))
        return allowed

    def lookup_allowed(self, lookup, value, request=None):
        # The second wall: ChangeList asks this for every parameter it applies.
        return request is not None and lookup in self.allowed_lookups(request)

    def refused_lookups(self, request) -> list[str]:
        allowed = self.allowed_lookups(request)
        return sorted(k for k in request.GET if k not in GLOBAL_PARAMS and k not in allowed)

    def changelist_view(self, request, extra_context=None):
        refused = self.refused_lookups(request)
        if refused:
            return _refuse(request, refused)
        return super().changelist_view(request, extra_context)

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters:
            # The admin shows the list again without its filters; say why.
            messages.error(request, _("筛选条件的值无效，已显示全部记录。"))
            raise

    def checked_list_query(self, request):
        """For views other than the list that apply its query (the Excel export): raises
        RefusedLookup with the redirect to give."""
        refused = self.refused_lookups(request)
        if refused:
            opts = self.model._meta
            to = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=self.admin_site.name)
            raise RefusedLookup(_refuse(request, refused, to))


def _refuse(request, refused: list[str], to: str | None = None) -> HttpResponseRedirect:
    messages.error(
        request,
        _("列表只能按页面右侧的筛选项和搜索框查询，不支持条件：%(names)s。已显示全部记录。")
        % {"names": "、".join(refused[:5])},
    )
    kept = {k: v for k, v in request.GET.items() if k in (IS_POPUP_VAR, TO_FIELD_VAR)}
    return HttpResponseRedirect((to or request.path) + (f"?{urlencode(kept)}" if kept else ""))


def _target(model, path: str) -> str | None:
    """The key name a related-field filter appends (`responsible_unit__id__exact`)."""
    for part in path.split(LOOKUP_SEP):
        field = model._meta.get_field(part)
        if not field.is_relation:
            return None
        model = field.related_model
    return model._meta.pk.name
