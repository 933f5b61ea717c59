from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Petitioners and a case's persons (cases 0015): their permissions for the roles."""

    dependencies = [("accounts", "0003_unit_role"), ("cases", "0015_people")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
