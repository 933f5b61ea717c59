"""The workbench's admin site: its menu follows the clerk's work.

The admin's stock index lists apps alphabetically, each under its technical name (台账, 认证和授权,
Axes). Here the menu is grouped as the clerk works: 信访事项 first, then the other ledgers, then
the records the system keeps, then the settings (units, holidays, users…) last. A model no group
names (a ledger added later) goes to the end of the ledgers if it is the cases app's, else to the
settings. Nothing here imports a model: the class is loaded with the apps (settings.INSTALLED_APPS).
"""

from __future__ import annotations

import re

from django.apps import apps as django_apps
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

# (group name, model labels in order); "*cases" takes the cases app's models no group names.
MENU = (
    (
        "ledgers",
        _("信访事项与台账"),
        (
            "cases.petitioncase",
            "cases.petitioner",
            "cases.backlogentry",
            "cases.disputescreening",
            "cases.accountabilityaction",
            "cases.ordercase",
            "cases.outreachevent",
            "cases.volunteer",
            "cases.roadmapposting",
            "cases.supervisionitem",
            "cases.normativedocument",
            "*cases",
        ),
    ),
    (
        "records",
        _("导入与操作记录"),
        (
            "cases.importlog",
            "cases.importvaluemapping",
            "cases.auditentry",
            "axes.accessattempt",
            "axes.accessfailurelog",
            "axes.accesslog",
        ),
    ),
    (
        "settings",
        _("设置"),
        (
            "cases.bureau",
            "cases.unit",
            "cases.holiday",
            "auth.user",
            "auth.group",
            "*",
        ),
    ),
)


class WorkbenchSite(AdminSite):
    site_header = _("信访工作法治化台账与年度报告")
    site_title = _("信访台账")
    index_title = _("台账工作台")

    def get_app_list(self, request, app_label=None):
        app_dict = self._build_app_dict(request, app_label)
        if app_label is not None:
            # One app's own page (/admin/cases/): its models in the menu's order.
            apps = list(app_dict.values())
            for app in apps:
                app["models"].sort(key=lambda m: _menu_position(f"{app['app_label']}.{m['object_name'].lower()}"))
            return apps
        models = [
            (f"{app['app_label']}.{m['object_name'].lower()}", app, m)
            for app in app_dict.values()
            for m in app["models"]
        ]
        groups = []
        for index, (key, name, _labels) in enumerate(MENU):
            chosen = sorted(
                ((label, app, m) for label, app, m in models if _menu_group(label) == index),
                key=lambda item: (_menu_position(item[0]), item[2]["name"]),
            )
            if not chosen:
                continue
            groups.append(
                {
                    "name": name,
                    "app_label": key,
                    "app_url": chosen[0][2].get("admin_url") or "",
                    "has_module_perms": True,
                    "models": [m for _label, _app, m in chosen],
                }
            )
        return groups


def _menu_group(label: str) -> int:
    app = label.split(".", 1)[0]
    fallback = None
    for index, (_key, _name, labels) in enumerate(MENU):
        if label in labels:
            return index
        if f"*{app}" in labels and fallback is None:
            fallback = index
    if fallback is not None:
        return fallback
    return len(MENU) - 1


def _menu_position(label: str) -> int:
    for _key, _name, labels in MENU:
        if label in labels:
            return labels.index(label)
    return 1000


class WorkbenchAdminConfig(AdminConfig):
    default_site = "cases.adminsite.WorkbenchSite"

    def ready(self):
        super().ready()
        _speak_chinese()
        # django-tasks-db's table of queued tasks holds every bureau's jobs' arguments, unscoped:
        # not in the workbench. Users follow their jobs on /jobs/ (cases.jobs).
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)


ACTIONS = {"add": _("增加"), "change": _("修改"), "delete": _("删除"), "view": _("查看")}


def _speak_chinese() -> None:
    """A few English words that no translation catalogue reaches, because the code writes them
    itself: the admin's yes/no icons' text ("True"), django-axes' record names ("Access Log for
    clerk @ …") and the names of Django's own permissions, stored in English when created
    ("Can add log entry"). Everything else is in locale/zh_Hans."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.admin.templatetags import admin_list
    from django.contrib.auth.models import Permission
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.utils.html import format_html

    def boolean_icon(value):
        icon = {True: "yes", False: "no", None: "unknown"}[value]
        text = {True: _("是"), False: _("否"), None: _("未知")}[value]
        return format_html('<img src="{}" alt="{}">', staticfiles_storage.url(f"admin/img/icon-{icon}.svg"), text)

    admin_list._boolean_icon = boolean_icon

    def attempt_str(self):
        return f"{self.username or ''} {self.attempt_time:%Y-%m-%d %H:%M} 登录失败" + (
            "（已锁定）" if getattr(self, "locked_out", False) else ""
        )

    AccessAttempt.__str__ = attempt_str
    AccessFailureLog.__str__ = attempt_str
    AccessLog.__str__ = lambda self: f"{self.username or ''} {self.attempt_time:%Y-%m-%d %H:%M} 登录"

    def permission_str(self):
        model = self.content_type.model_class()
        action = self.codename.split("_", 1)[0]
        if model is not None and action in ACTIONS and self.codename == f"{action}_{model._meta.model_name}":
            return f"{self.content_type} | {ACTIONS[action]}{model._meta.verbose_name}"
        stock = re.fullmatch(r"Can (add|change|delete|view) (.+)", self.name)
        if stock:
            return f"{self.content_type} | {ACTIONS[stock[1]]}{stock[2]}"
        return f"{self.content_type} | {self.name}"

    Permission.__str__ = permission_str

    # The hidden tables of many-to-many fields, listed on a delete confirmation as
    # "Accountabilityaction-petitioncase关系: AccountabilityAction_cases object (1)": named after
    # their two ends, each row after the record it links to.
    for through in django_apps.get_models(include_auto_created=True):
        if not through._meta.auto_created:
            continue
        ends = [f for f in through._meta.fields if f.is_relation]
        if len(ends) != 2:
            continue
        owner, linked = ends
        name = _("%(a)s与%(b)s的关联") % {
            "a": owner.related_model._meta.verbose_name,
            "b": linked.related_model._meta.verbose_name,
        }
        through._meta.verbose_name = through._meta.verbose_name_plural = name
        through.__str__ = lambda self, field=linked.name: str(getattr(self, field))
    # django-axes names its app "Axes", untranslated (content types and permissions show it).
    django_apps.get_app_config("axes").verbose_name = _("登录记录")
