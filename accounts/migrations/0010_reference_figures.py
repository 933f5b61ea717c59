from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Reference figures (indicators 0004): their permissions for the roles."""

    dependencies = [("accounts", "0009_review_roles"), ("indicators", "0004_reference_figures")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
