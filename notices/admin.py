"""The bureau's administrator edits each notice's wording once: a new one starts from the shipped
wording of its kind (?kind=…), placeholders are checked on save (NoticeTemplate.clean)."""

from django.contrib import admin

from cases.admin.audited import AuditedAdmin

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
        form = super().get_form(request, obj, change=change, **kwargs)
        bureau = request.bureau

        class OwnBureauForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                if not self.instance.bureau_id and bureau is not None:
                    self.instance.bureau = bureau

            def _get_validation_exclusions(self):
                exclusions = super()._get_validation_exclusions()
                exclusions.discard("bureau")
                return exclusions

        return OwnBureauForm

    def has_add_permission(self, request):
        return request.bureau is not None and super().has_add_permission(request)
