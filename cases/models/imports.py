from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.scoping import scoped_manager


class ImportLog(models.Model):
    """One attempt to import an Excel ledger, dry run or real, successful or refused: the file and
    its counts and its SHA-256. Who did it is in the activity log (an AuditEntry with action IMPORT
    pointing here), and so is each row it updated (AuditEntry.import_log); the rows it created are
    named by its ImportedRows.

    A real import writes its log first, as RUNNING, links each batch's records to it as
    the batch is written, and completes it at the end: a log still RUNNING after its import
    stopped tells of an interrupted import, whose rows `manage.py import_ledger --undo ID` takes
    back (cases.ledgers.service.import_undo)."""

    class Ledger(models.TextChoices):
        CASES = "cases", _("信访事项")
        SCREENINGS = "screenings", _("矛盾纠纷排查")
        ACCOUNTABILITY = "accountability", _("责任追究（三项建议）")
        ORDER = "order", _("扰序案件")
        OUTREACH = "outreach", _("普法宣传活动")
        VOLUNTEERS = "volunteers", _("普法志愿者")
        BACKLOG = "backlog", _("信访积案")

    class Outcome(models.TextChoices):
        PREVIEWED = "previewed", _("预览通过")
        IMPORTED = "imported", _("已导入")
        REJECTED = "rejected", _("有错误，未导入")
        REFUSED = "refused", _("文件被拒绝")
        RUNNING = "running", _("进行中（未完成）")
        UNDONE = "undone", _("已撤销")

    bureau = models.ForeignKey("cases.Bureau", on_delete=models.PROTECT, verbose_name=_("信访局"))
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    ledger = models.CharField(_("台账"), max_length=20, choices=Ledger.choices)
    file_name = models.CharField(_("文件名"), max_length=255)
    checksum = models.CharField(_("文件校验值（SHA-256）"), max_length=64, blank=True)
    dry_run = models.BooleanField(_("仅预览"), default=False)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变化"), default=0)
    errors = models.PositiveIntegerField(_("错误数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    value_mappings = models.TextField(
        _("使用的值映射"), blank=True, help_text=_("本次导入按映射或简称读取的值，每行一条：列名：原值 → 选项")
    )

    objects = scoped_manager()

    class Meta:
        verbose_name = _("台账导入记录")
        verbose_name_plural = _("台账导入记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.file_name}"


class ImportBackup(models.Model):
    """The values a real import replaced in one record it updated, written in the same
    transaction as the update, so that the import can be undone if it fails or is interrupted
    (cases.ledgers.service.import_undo). Records the import created need none: its ImportedRows
    name them. Deleted once the import is complete or undone."""

    import_log = models.ForeignKey(
        ImportLog, on_delete=models.CASCADE, db_index=False, related_name="backups", verbose_name=_("导入记录")
    )
    object_id = models.BigIntegerField(_("记录编号"))
    values = models.JSONField(
        _("原值"), help_text=_("字段 → 导入前的原始值（日期为 ISO 格式）；关联人员等在 related 下")
    )

    objects = scoped_manager(bureau="import_log__bureau")

    class Meta:
        verbose_name = _("导入前原值")
        verbose_name_plural = _("导入前原值")
        default_permissions = ()  # written and read by the importer only, never by hand
        indexes = [models.Index(fields=["import_log", "object_id"], name="import_backup_object")]

    def __str__(self) -> str:
        return f"{self.import_log_id}:{self.object_id}"


class ImportedRows(models.Model):
    """The records one batch of a real import created, compactly: runs of (first id, its Excel
    row, count), ids and rows both consecutive within a run. A created record has no audit entry
    of its own (its values are the file's, its row the file's row): its 历史 page reads “created by
    import X, row N” from here (cases.audit.import_origin), and an undo deletes the records named
    here (cases.ledgers.service.import_undo). Updates keep their own entries, old → new."""

    import_log = models.ForeignKey(
        ImportLog, on_delete=models.CASCADE, related_name="created_rows", verbose_name=_("导入记录")
    )
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, verbose_name=_("台账"))
    at = models.DateTimeField(_("写入时间"))
    first_id = models.BigIntegerField(_("首条记录编号"))
    last_id = models.BigIntegerField(_("末条记录编号"))
    runs = models.JSONField(_("记录与行号"), help_text=_("[[首条记录编号, 其Excel行号, 条数], …]"))

    objects = scoped_manager(bureau="import_log__bureau")

    class Meta:
        verbose_name = _("导入新增的记录")
        verbose_name_plural = _("导入新增的记录")
        default_permissions = ()  # written by the importer, read by the history page and the undo
        indexes = [models.Index(fields=["content_type", "first_id"], name="imported_rows_first_id")]

    def __str__(self) -> str:
        return f"{self.import_log_id}:{self.first_id}-{self.last_id}"

    @staticmethod
    def runs_of(pairs: list[tuple[int, int]]) -> list[list[int]]:
        """(id, row) pairs, in id order → [[first id, first row, count], …]."""
        runs: list[list[int]] = []
        for pk, row in pairs:
            last = runs[-1] if runs else None
            if last is not None and pk == last[0] + last[2] and row == last[1] + last[2]:
                last[2] += 1
            else:
                runs.append([pk, row, 1])
        return runs

    def ids(self) -> list[int]:
        return [first + i for first, _row, count in self.runs for i in range(count)]

    def row_of(self, pk: int) -> int | None:
        for first, row, count in self.runs:
            if first <= pk < first + count:
                return row + pk - first
        return None


class ImportValueMapping(models.Model):
    """A value a bureau's ledgers write their own way, and the option it stands for: “网上” under
    信访形式 means 网上信访, “人社局” under 责任单位 means 县人社局. Chosen by a clerk in an import's
    preview (or given with `import_ledger --map`) and applied to every later import of that ledger
    by the bureau (cases.ledgers.values)."""

    bureau = models.ForeignKey("cases.Bureau", on_delete=models.CASCADE, verbose_name=_("信访局"))
    ledger = models.CharField(_("台账"), max_length=20, choices=ImportLog.Ledger.choices)
    column = models.CharField(_("列名"), max_length=60)
    raw = models.CharField(_("台账中的写法"), max_length=200)
    value = models.CharField(_("对应选项"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设定人"),
    )
    created_by_name = models.CharField(_("设定人账号"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("设定时间"), auto_now=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("导入值映射")
        verbose_name_plural = _("导入值映射")
        ordering = ["ledger", "column", "raw"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "ledger", "column", "raw"], name="import_value_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.column}：{self.raw} → {self.value}"
