from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """The head's comments on a returned report (reports 0003): their permissions for the roles."""

    dependencies = [("accounts", "0008_backlog"), ("reports", "0004_review")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
