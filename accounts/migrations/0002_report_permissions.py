from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Give the roles the permissions of the reports app (change, export, publish)."""

    dependencies = [
        ("accounts", "0001_roles"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
