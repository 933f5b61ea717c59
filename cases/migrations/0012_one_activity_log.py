"""One activity log: AuditEntry records every kind of event (imports, exports, report events,
logins) besides record changes. Who ran each import moves from ImportLog into it; nothing logged
before is lost (the reports app moves its ReportEvent rows in its own 0002)."""

from django.db import migrations, models

IMPORT_LABEL = {True: "预览", False: "导入"}
LEDGERS = {
    "cases": "信访事项",
    "screenings": "矛盾纠纷排查",
    "accountability": "责任追究（三项建议）",
    "order": "扰序案件",
    "outreach": "普法宣传活动",
    "volunteers": "普法志愿者",
}


def imports_into_the_log(apps, schema_editor):
    ImportLog = apps.get_model("cases", "ImportLog")
    AuditEntry = apps.get_model("cases", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ImportLog.objects.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="cases", model="importlog")
    entries = [
        AuditEntry(
            at=log.created_at,
            user_id=log.user_id,
            username=log.username,
            content_type=content_type,
            object_id=log.pk,
            object_repr=f"{log.created_at:%Y-%m-%d %H:%M} {log.file_name}"[:200],
            action="import",
            source="import",
            changes={},
            detail=f"{IMPORT_LABEL[log.dry_run]}{LEDGERS.get(log.ledger, log.ledger)}：{log.file_name}"[:300],
        )
        for log in ImportLog.objects.order_by("pk").iterator()
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)


def imports_back(apps, schema_editor):
    ImportLog = apps.get_model("cases", "ImportLog")
    AuditEntry = apps.get_model("cases", "AuditEntry")
    for entry in AuditEntry.objects.filter(action="import", content_type__model="importlog").order_by("at"):
        ImportLog.objects.filter(pk=entry.object_id).update(user_id=entry.user_id, username=entry.username)
    AuditEntry.objects.filter(action="import", content_type__model="importlog").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_import_log_running_and_backups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry",
            options={"ordering": ["-at", "-id"], "verbose_name": "操作记录", "verbose_name_plural": "操作记录"},
        ),
        migrations.AddField(
            model_name="auditentry",
            name="detail",
            field=models.CharField(blank=True, max_length=300, verbose_name="说明"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "新增"),
                    ("update", "修改"),
                    ("delete", "删除"),
                    ("import", "导入台账"),
                    ("undo_import", "撤销导入"),
                    ("export", "导出台账"),
                    ("report_created", "创建报告"),
                    ("report_edited", "修改报告文本"),
                    ("report_published", "审核发布报告"),
                    ("report_corrected", "更正发布报告"),
                    ("login", "登录"),
                    ("locked_out", "登录被锁定"),
                ],
                max_length=20,
                verbose_name="操作",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="object_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="记录编号"),
        ),
        migrations.RunPython(imports_into_the_log, imports_back),
        migrations.RemoveField(model_name="importlog", name="user"),
        migrations.RemoveField(model_name="importlog", name="username"),
    ]
