"""The clerk's workbench: one module per ledger."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import accountability, audited, bureau, order, outreach, people, petitions, screenings, users  # noqa: F401

admin.site.site_header = _("信访工作法治化台账与年度报告系统")
admin.site.site_title = _("信访台账")
admin.site.index_title = _("台账工作台")
