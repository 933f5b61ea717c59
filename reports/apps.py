from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("年度报告")

    def ready(self):
        from indicators import hooks

        from . import drift

        # The dashboard says when live figures differ from the published report's.
        hooks.register_dashboard_notice(drift.dashboard_notice)
