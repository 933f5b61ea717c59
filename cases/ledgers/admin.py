"""Import and export buttons on every ledger's list, in django-import-export's look, driven by
our own service (its row-by-row import is too slow for a city's ledgers).

Import is two steps, as in django-import-export: the upload is checked as a dry run and shown
as a summary, the errors and the first rows; the file is kept in a private temporary folder
(cases.ledgers.kept), bound to the session, until the clerk confirms, and then imported all or
nothing. A file of more than settings.LEDGER_IMPORT_BACKGROUND_ROWS rows is checked, and once
confirmed imported, by the background worker (cases.jobs.imports): the clerk sees the job's
progress, then its preview (`stored_preview`, bound to the check's job instead of the session),
and may leave and come back to it from 我的后台任务.
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin

from cases import privacy
from cases.admin.guarded import GuardedAdmin
from cases.admin.lookups import RefusedLookup
from cases.audit import log_action
from cases.models import AuditEntry, Bureau, ImportLog, ImportValueMapping, Job

from . import kept, preview
from .export import XLSX_TYPE, export_workbook, template_workbook
from .kept import TOKEN
from .results import without_personal_values
from .service import import_ledger, import_stored

SESSION_KEY = "ledger_imports"
MASKED_MESSAGE = "masked_message"
SHOWN_ERRORS = preview.SHOWN_ERRORS


class LedgerImportForm(forms.Form):
    import_file = forms.FileField(
        label=gettext_lazy("Excel 台账文件"),
        help_text=gettext_lazy("仅支持 .xlsx；表头可以在前 10 行中的任意一行，其上方的标题行会被跳过。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class LedgerImportExportMixin(ImportExportMixin):
    """Mix into a ledger's ModelAdmin and name its resource in `resource_classes`."""

    import_template_name = "admin/import_export/ledger_import.html"

    def ledger_resource(self):
        return self.resource_classes[0]()

    def get_urls(self):
        info = self.get_model_info()
        extra = [
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            )
        ]
        return extra + super().get_urls()

    def import_template_view(self, request):
        if not (self.has_import_permission(request) or self.has_export_permission(request)):
            raise PermissionDenied
        resource = self.ledger_resource()
        return _xlsx_response(template_workbook(resource), _("%(title)s导入模板.xlsx") % {"title": resource.title})

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.ledger_resource()
        form = LedgerImportForm(request.POST or None, request.FILES or None)
        context = {}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            if kept.rows_over(upload, settings.LEDGER_IMPORT_BACKGROUND_ROWS):
                return self._check_in_background(request, resource, kept.keep(upload), upload.name, {})
            result = import_ledger(
                kind=resource.kind, file=upload, file_name=upload.name, user=request.user, dry_run=True
            )
            context["result"] = result
            if result.ok or result.only_values:  # kept until confirmed, with the values mapped
                upload.seek(0)
                context["token"] = _keep(request, upload, resource.kind, rows=result.rows)
        return self._render_import(request, resource, form, context)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.ledger_resource()
        token = request.POST.get("token", "")
        entry = request.session.get(SESSION_KEY, {}).get(token) if TOKEN.match(token) else None
        if entry is None and TOKEN.match(token):
            entry = _checked_in_background(request, token, request.POST.get("job", ""))
        stored = _folder() / f"{token}.xlsx"
        if not entry or entry["kind"] != resource.kind or not stored.exists():
            messages.error(request, _("导入文件已失效，请重新上传。"))
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*self.get_model_info())))
        mappings = posted_mappings(request.POST)
        check_only = "check" in request.POST  # 重新检查: the preview again, with the values mapped
        if entry.get("background") or entry.get("rows", 0) > settings.LEDGER_IMPORT_BACKGROUND_ROWS:
            _forget_in_session(request, token)
            if check_only:
                return self._check_in_background(request, resource, token, entry["name"], mappings)
            return self._import_in_background(request, resource, token, entry, kept.move(token), mappings)
        result = None
        try:
            result = import_stored(
                bureau=Bureau.current(),
                user=request.user,
                kind=resource.kind,
                path=stored,
                file_name=entry["name"],
                mappings=mappings,
                dry_run=check_only,
            )
        finally:
            keep = result is not None and (result.only_values or (check_only and result.ok))
            if not keep:  # kept while a value is unmapped, or a checked file awaits its confirmation
                kept.forget(token)
                _forget_in_session(request, token)
        if result.ok and not check_only:
            messages.success(request, _("导入完成。%(summary)s") % {"summary": result.summary()})
            for line in result.mapping_lines():
                messages.info(request, _("按映射读取：%(line)s") % {"line": line})
            for warning in result.warnings.values():
                messages.warning(request, _("提示：%(warning)s") % {"warning": warning})
            for notice in result.notices:
                messages.warning(request, notice)
            return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*self.get_model_info())))
        extra = {"result": result, "chosen": mappings}
        if keep:
            extra["token"] = token
        return self._render_import(request, resource, LedgerImportForm(), extra)

    def _import_in_background(self, request, resource, token, entry, stored, mappings):
        """A large file's confirmed import goes to the worker (cases.jobs.imports), which removes
        the kept upload when done; the clerk watches it on the job's page."""
        from cases.jobs.imports import start_import

        _forget_in_session(request, token)
        job = start_import(
            bureau_id=Bureau.current().pk,
            user_id=request.user.pk,
            kind=resource.kind,
            path=str(stored),
            file_name=entry["name"],
            mappings=mappings,
            rows=entry.get("rows", 0),
        )
        message = _("共 %(rows)d 行，正在后台导入，可离开此页，稍后在“后台任务”中查看结果。")
        messages.info(request, message % {"rows": entry["rows"]})
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))

    def _check_in_background(self, request, resource, token, name, mappings):
        """A large file's check (the preview's dry run) goes to the worker; the job's page links
        to the preview when it is done (`stored_preview`)."""
        from cases.jobs.imports import start_check

        job = start_check(
            bureau_id=Bureau.current().pk,
            user_id=request.user.pk,
            kind=resource.kind,
            token=token,
            file_name=name,
            mappings=mappings,
        )
        messages.info(request, _("文件较大，正在后台检查，可离开此页，稍后在“我的后台任务”中查看检查结果。"))
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))

    def stored_preview(self, request, job: Job):
        """The preview a background check stored (its job: `job`, found and shown to this user by
        cases.jobs.views.preview), with the confirm and re-check buttons while its upload is kept."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.ledger_resource()
        token = job.arguments.get("token", "")
        data = kept.load_preview(token) if TOKEN.match(token) else None
        if data is None:
            messages.error(request, _("此次检查的文件已确认导入或已失效（超过一天未确认会被清理），请重新上传。"))
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*self.get_model_info())))
        extra = preview.restored(data)
        if job.user_id == request.user.pk and (_folder() / f"{token}.xlsx").exists():  # the uploader confirms
            extra.update(token=token, job=job.pk)
        return self._render_import(request, resource, LedgerImportForm(), extra, stored=True)

    def export_action(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource = self.ledger_resource()
        try:
            self.checked_list_query(request)
            queryset = self.get_export_queryset(request)
        except RefusedLookup as refused:
            return refused.args[0]
        except IncorrectLookupParameters:
            messages.error(request, _("筛选条件的值无效，未导出。"))
            return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*self.get_model_info())))
        # Large lists are exported by the background worker (cases.jobs): past 20,000 rows (about 1.3 s)
        # the file takes seconds (settings.LEDGER_EXPORT_BACKGROUND_ROWS, docs/deploy.md).
        from .export import start_background_export

        rows = queryset.count()
        if rows > settings.LEDGER_EXPORT_BACKGROUND_ROWS:
            job = start_background_export(
                resource, queryset, user=request.user, querystring=request.GET.urlencode(), rows=rows
            )
            messages.info(request, _("共 %(rows)d 条，正在后台导出，完成后可在此页下载。") % {"rows": rows})
            return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))
        data = export_workbook(resource, queryset, user=request.user)
        personal = _("含个人信息") if privacy.can_see_personal_data(request.user) else _("个人信息已脱敏")
        log_action(
            self.model,
            user=request.user,
            action=AuditEntry.Action.EXPORT,
            detail=f"{resource.title}（{personal}）{request.GET.urlencode()}",
        )
        name = _("%(title)s-%(date)s.xlsx") % {"title": resource.title, "date": timezone.localdate().isoformat()}
        return _xlsx_response(data, name)

    def _render_import(self, request, resource, form, extra, *, stored: bool = False):
        result = extra.get("result")
        context = {
            **self.admin_site.each_context(request),
            "title": _("导入%(title)s") % {"title": resource.title},
            "opts": self.model._meta,
            "form": form,
            "resource": resource,
            "columns": resource.columns,
            "template_url": reverse("admin:{}_{}_import_template".format(*self.get_model_info())),
            **extra,
        }
        if result is not None and not stored:
            context.update(preview.context(result, extra.get("chosen", {})))
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)


def posted_mappings(data) -> dict[tuple[str, str], str]:
    """The preview's choices: (column, text) → option, from the lists map_column, map_raw and
    map_value (a choice left empty is no mapping)."""
    columns, raws, chosen = data.getlist("map_column"), data.getlist("map_raw"), data.getlist("map_value")
    return {
        (column[:60], raw[:200]): value[:200]
        for column, raw, value in zip(columns, raws, chosen, strict=False)
        if column and raw and value
    }


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _folder() -> Path:
    return kept.folder()


def _keep(request, upload, kind: str, *, rows: int = 0) -> str:
    """Store the checked upload until the clerk confirms, bound to the session."""
    token = kept.keep(upload)
    sessions = request.session.get(SESSION_KEY, {})
    sessions[token] = {"kind": kind, "name": upload.name, "rows": rows}
    request.session[SESSION_KEY] = dict(list(sessions.items())[-5:])
    return token


def _forget_in_session(request, token: str) -> None:
    sessions = request.session.get(SESSION_KEY, {})
    if token in sessions:
        sessions.pop(token)
        request.session[SESSION_KEY] = sessions


def _checked_in_background(request, token: str, job_id: str) -> dict | None:
    """The kept upload `token` as its background check's job knows it (kind, name, rows), when
    that job is this user's, in this bureau (the scoped manager), done, and checked that upload."""
    if not job_id.isdigit():
        return None
    job = Job.objects.filter(
        pk=int(job_id), user=request.user, kind=Job.Kind.LEDGER_CHECK, state=Job.State.DONE
    ).first()
    if job is None or job.arguments.get("token") != token:
        return None
    data = kept.load_preview(token) or {}
    rows = data.get("result", {}).get("rows", 0)
    name = job.arguments.get("file_name", "")
    return {"kind": job.arguments.get("kind"), "name": name, "rows": rows, "background": True}


@admin.register(ImportLog)
class ImportLogAdmin(GuardedAdmin):
    list_display = ("created_at", "operator", "ledger", "file_name", "dry_run", "outcome", "rows", "created", "updated")
    list_filter = ("ledger", "outcome", "dry_run")
    search_fields = ("file_name", "operator_name")
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # Who ran an import is in the activity log: one correlated look-up per listed row.
        started = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ImportLog),
            object_id=OuterRef("pk"),
            action=AuditEntry.Action.IMPORT,
        ).order_by("at")
        return super().get_queryset(request).annotate(operator_name=Subquery(started.values("username")[:1]))

    @admin.display(description=gettext_lazy("操作人账号"), ordering="operator_name")
    def operator(self, obj):
        return obj.operator_name or "—"

    def get_fields(self, request, obj=None):
        # The row errors quote cells as typed: without the personal-data permission, those of a
        # personal column are left out (the log kept for the clerk and the administrator).
        fields = super().get_fields(request, obj)
        if privacy.can_see_personal_data(request.user):
            return fields
        return [MASKED_MESSAGE if f == "message" else f for f in fields]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), MASKED_MESSAGE)

    @admin.display(description=gettext_lazy("说明"))
    def masked_message(self, obj):
        return without_personal_values(obj.message)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportValueMapping)
class ImportValueMappingAdmin(GuardedAdmin):
    """The values the bureau's ledgers write their own way, as chosen in imports: read-only here
    (they are set by confirming an import or `import_ledger --map`); one that is wrong is
    deleted by the administrator, and the next import asks again."""

    list_display = ("ledger", "column", "raw", "value", "created_by_name", "created_at")
    list_filter = ("ledger", "column")
    search_fields = ("raw", "value")
    fields = ("ledger", "column", "raw", "value", "created_by_name", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        log_action(obj, user=request.user, action=AuditEntry.Action.DELETE, detail=str(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            log_action(obj, user=request.user, action=AuditEntry.Action.DELETE, detail=str(obj))
        super().delete_queryset(request, queryset)
