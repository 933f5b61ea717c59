from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("台账")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from . import audit

        # Logins that matter go into the one activity log: every sign-in, and every lockout.
        user_logged_in.connect(audit.log_login, dispatch_uid="cases.audit:login")
        user_locked_out.connect(audit.log_lockout, dispatch_uid="cases.audit:lockout")
