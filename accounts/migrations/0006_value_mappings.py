from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Remembered import value mappings (cases 0023): their permissions for the roles."""

    dependencies = [("accounts", "0005_people"), ("cases", "0023_value_mappings")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
