from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change to one record: who, when, how (form, import), and each field's old and new value.

    Append-only. Written by the workbench when a form is saved (cases.audit.audit_form) and by the
    Excel importer in bulk, inside the import's own transaction (cases.audit.audit_rows)."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")

    class Source(models.TextChoices):
        FORM = "form", _("表单录入")
        IMPORT = "import", _("Excel导入")
        SYSTEM = "system", _("系统")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("操作人")
    )
    username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("台账"))
    object_id = models.BigIntegerField(_("记录编号"))
    object_repr = models.CharField(_("记录"), max_length=200)
    action = models.CharField(_("操作"), max_length=8, choices=Action.choices)
    source = models.CharField(_("方式"), max_length=8, choices=Source.choices, default=Source.FORM)
    changes = models.JSONField(_("变更内容"), default=dict, help_text=_("字段 → [原值, 新值]"))
    import_log = models.ForeignKey(
        "cases.ImportLog", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("导入记录")
    )

    class Meta:
        verbose_name = _("修改记录")
        verbose_name_plural = _("修改记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="audit_object_time")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"
