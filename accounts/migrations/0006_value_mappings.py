from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Remembered import value mappings (cases 0021): their permissions for the roles."""

    dependencies = [("accounts", "0005_people"), ("cases", "0021_value_mappings")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
