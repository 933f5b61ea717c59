from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """The fifth role, 责任单位经办人: its group and its permissions (view and change of cases,
    and personal data), all there since cases' first migration."""

    dependencies = [("accounts", "0002_report_permissions")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
