from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("工作指标")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import cache

        cache.connect()
        # A deployment migrates: cached figures and pages made by the previous code (its
        # templates, its data shapes) are dropped rather than served for up to an hour.
        post_migrate.connect(cache.bump_after_migrate, sender=self, dispatch_uid="indicators.cache:migrate")
