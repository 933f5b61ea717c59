from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.scoping import scoped_manager


class AuditEntry(models.Model):
    """The one activity log: who did what to what, when, how, and for a record's change each
    field's old and new value.

    Append-only. Written through cases.audit: `log_action()` for one event (a report published,
    an import started, an export, a login), `audit_form()` when the workbench saves a form, and
    `audit_rows()` in bulk for the rows an import updates, inside that batch's transaction (the rows
    it creates are named by cases.ImportedRows, shown on their history as created by the import). A
    record's 历史 page and a report's history page read it."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        VOID = "void", _("作废")
        IMPORT = "import", _("导入台账")
        UNDO_IMPORT = "undo_import", _("撤销导入")
        EXPORT = "export", _("导出台账")
        REPORT_CREATED = "report_created", _("创建报告")
        REPORT_EDITED = "report_edited", _("修改报告文本")
        REPORT_PUBLISHED = "report_published", _("审核发布报告")
        REPORT_CORRECTED = "report_corrected", _("更正发布报告")
        REPORT_SUBMITTED = "report_submitted", _("提交报告审核")
        REPORT_RETURNED = "report_returned", _("退回报告")
        REPORT_APPROVED = "report_approved", _("批准报告")
        REPORT_COMMENT_RESOLVED = "report_resolved", _("处理审核意见")
        LOGIN = "login", _("登录")
        LOCKED_OUT = "locked_out", _("登录被锁定")
        # A case's stages under the 条例 (cases.stages, cases.workflow), one code per stage.
        CASE_ACCEPT = "case_accept", _("受理告知")
        CASE_ROUTE = "case_route", _("转送交办")
        CASE_UNIT_ACCEPT = "case_unit_accept", _("责任单位受理")
        CASE_REPLY = "case_reply", _("答复")
        CASE_CLOSE = "case_close", _("办结")
        CASE_EXTEND = "case_extend", _("延期")
        CASE_OBJECTION = "case_objection", _("异议")
        CASE_REVIEW = "case_review", _("申请复查")
        CASE_REVIEW_DECIDED = "case_review_decided", _("复查决定")
        CASE_RECHECK = "case_recheck", _("申请复核")
        CASE_RECHECK_DECIDED = "case_recheck_decided", _("复核决定")
        ATTACHMENT_UPLOADED = "attachment_upload", _("上传附件")
        ATTACHMENT_DOWNLOADED = "attachment_download", _("下载附件")
        NOTICE_PRINTED = "notice_printed", _("打印告知书")

    STAGE_ACTIONS = (
        Action.CASE_ACCEPT,
        Action.CASE_ROUTE,
        Action.CASE_UNIT_ACCEPT,
        Action.CASE_REPLY,
        Action.CASE_CLOSE,
        Action.CASE_EXTEND,
        Action.CASE_OBJECTION,
        Action.CASE_REVIEW,
        Action.CASE_REVIEW_DECIDED,
        Action.CASE_RECHECK,
        Action.CASE_RECHECK_DECIDED,
    )
    RECORD_ACTIONS = (Action.CREATE, Action.UPDATE, Action.DELETE, *STAGE_ACTIONS)

    class Source(models.TextChoices):
        FORM = "form", _("表单录入")
        IMPORT = "import", _("Excel导入")
        SYSTEM = "system", _("系统")

    bureau = models.ForeignKey(
        "cases.Bureau",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("信访局"),
        help_text=_("操作所在的信访局；站点管理员的操作为空"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("操作人")
    )
    username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("台账"))
    object_id = models.BigIntegerField(_("记录编号"), null=True, blank=True)
    object_repr = models.CharField(_("记录"), max_length=200)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    source = models.CharField(_("方式"), max_length=8, choices=Source.choices, default=Source.FORM)
    changes = models.JSONField(_("变更内容"), default=dict, help_text=_("字段 → [原值, 新值]"))
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    import_log = models.ForeignKey(
        "cases.ImportLog", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("导入记录")
    )

    objects = scoped_manager()

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="audit_object_time")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"
