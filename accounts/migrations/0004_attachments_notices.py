from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Permissions of the case's attachments (cases.Attachment) and of the notices' wording
    (notices.NoticeTemplate, the administrator's alone) given to the roles."""

    dependencies = [
        ("accounts", "0003_unit_role"),
        ("cases", "0017_attachments"),
        ("notices", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
