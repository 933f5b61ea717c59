from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """The bureau's own report template (reports 0003): its permissions for the roles."""

    dependencies = [("accounts", "0006_value_mappings"), ("reports", "0003_bureau_template")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
