"""A report's events move into the one activity log (cases.AuditEntry), every row kept."""

from django.db import migrations

ACTIONS = {
    "created": "report_created",
    "edited": "report_edited",
    "published": "report_published",
    "corrected": "report_corrected",
}


def events_into_the_log(apps, schema_editor):
    ReportEvent = apps.get_model("reports", "ReportEvent")
    AuditEntry = apps.get_model("cases", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ReportEvent.objects.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="reports", model="report")
    entries = [
        AuditEntry(
            at=event.at,
            user_id=event.user_id,
            username=event.username,
            content_type=content_type,
            object_id=event.report_id,
            object_repr=f"{event.report.bureau.name} {event.report.year}年法治政府建设工作报告"[:200],
            action=ACTIONS[event.action],
            source="form",
            changes={},
            detail=event.detail,
        )
        for event in ReportEvent.objects.select_related("report__bureau").order_by("pk")
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)


def events_back(apps, schema_editor):
    ReportEvent = apps.get_model("reports", "ReportEvent")
    AuditEntry = apps.get_model("cases", "AuditEntry")
    back = {v: k for k, v in ACTIONS.items()}
    entries = AuditEntry.objects.filter(content_type__app_label="reports", content_type__model="report")
    ReportEvent.objects.bulk_create(
        ReportEvent(
            report_id=e.object_id, action=back[e.action], detail=e.detail, at=e.at, user_id=e.user_id, username=e.username
        )
        for e in entries.filter(action__in=list(back))
    )
    entries.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("cases", "0012_one_activity_log"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(events_into_the_log, events_back),
        migrations.DeleteModel(name="ReportEvent"),
    ]
