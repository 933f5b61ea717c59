from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs):
    # Permissions of models added later are created by post_migrate, after the role migration
    # ran: re-apply the role rules so the groups always hold exactly what accounts.roles says.
    # post_migrate is sent once per app with models (this app has none): act on the last one.
    from django.apps import apps

    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if app_config is with_models[-1]:
        from .roles import sync_roles

        sync_roles(apps)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与角色")

    def ready(self):
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="accounts-sync-roles")
