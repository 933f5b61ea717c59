from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """No table: carries the permission to see the dashboard and the drill-down lists."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", _("可查看工作指标看板"))]
        verbose_name = _("工作指标看板")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
