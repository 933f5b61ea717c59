"""Long work done by the background worker (cases.jobs): one row per piece of work a user asked for.

The task framework (django-tasks with its database backend) only runs the function; the Job row is
what the clerk sees: whose it is, how far it got, what came out (a file in the private `jobs`
storage, or a link to the record it made) and, when it failed, why — in Chinese."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.scoping import scoped_manager


def job_storage():
    """The result files' storage (a callable, so migrations name it rather than freeze it)."""
    from cases.jobs.storage import storage

    return storage


class Job(models.Model):
    class Kind(models.TextChoices):
        REPORT_EXPORT = "report_export", _("导出年度报告")
        LEDGER_EXPORT = "ledger_export", _("导出台账")
        LEDGER_IMPORT = "ledger_import", _("导入台账")
        LEDGER_CHECK = "ledger_check", _("检查导入文件")
        NOTICE_PDF = "notice_pdf", _("生成告知书")
        OTHER = "other", _("其他")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    bureau = models.ForeignKey("cases.Bureau", on_delete=models.PROTECT, verbose_name=_("信访局"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200)
    work = models.CharField(_("执行函数"), max_length=200, editable=False)
    arguments = models.JSONField(_("参数"), default=dict, blank=True, editable=False)
    # Besides its owner, who may open the job: holders of this permission in the same bureau.
    permission = models.CharField(_("查看所需权限"), max_length=100, blank=True)
    personal = models.BooleanField(_("结果含个人信息"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    result_file = models.FileField(_("结果文件"), storage=job_storage, upload_to="%Y/%m", max_length=300, blank=True)
    result_name = models.CharField(_("结果文件名"), max_length=200, blank=True)
    result_type = models.CharField(_("结果文件类型"), max_length=120, blank=True)
    result_url = models.CharField(_("结果链接"), max_length=300, blank=True)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["bureau", "user", "-created_at"], name="cases_job_user_recent")]

    def __str__(self):
        return f"{self.title}（{self.get_state_display()}）"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    def visible_to(self, user) -> bool:
        return self.user_id == user.pk or bool(self.permission and user.has_perm(self.permission))
