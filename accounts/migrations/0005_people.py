from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Petitioners and a case's persons (cases 0015): their permissions for the roles."""

    dependencies = [("accounts", "0004_attachments_notices"), ("cases", "0018_people")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
