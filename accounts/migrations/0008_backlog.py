from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """信访积案 entries (cases 0025): their permissions for the roles."""

    dependencies = [("accounts", "0007_bureau_template"), ("cases", "0027_backlog")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
