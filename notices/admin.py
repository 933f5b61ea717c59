"""The bureau's administrator edits each notice's wording once: a new one starts from the shipped
wording of its kind (?kind=…), placeholders are checked on save (NoticeTemplate.clean)."""

from django.contrib import admin

from cases.admin.audited import AuditedAdmin
from cases.admin.base import own_bureau_form

from .defaults import DEFAULTS
from .models import NoticeTemplate


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(AuditedAdmin):
    list_display = ("kind", "title", "updated_at")
    fields = ("kind", "title", "body")

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        taken = set(NoticeTemplate.objects.filter(bureau=request.bureau).values_list("kind", flat=True))
        kind = initial.get("kind")
        if kind not in DEFAULTS:
            kind = next((k for k in DEFAULTS if k not in taken), next(iter(DEFAULTS)))
        title, body = DEFAULTS[kind]
        return {"kind": kind, "title": title, "body": body, **initial}

    def get_form(self, request, obj=None, change=False, **kwargs):
        return own_bureau_form(super().get_form(request, obj, change=change, **kwargs), request.bureau)

    def has_add_permission(self, request):
        return request.bureau is not None and super().has_add_permission(request)
