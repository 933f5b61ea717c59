"""The roles of the bureau and of its responsible units, as Django groups, and the permissions
each one holds.

The rules below are the single statement of who may do what; `sync_roles` applies them (from a
data migration whenever an app adds permissions), and tests walk every URL against them.
"""

from __future__ import annotations

CLERK = "登记员"
HEAD = "局长"
STAFF = "工作人员"
ADMIN = "管理员"
# A responsible unit's officer (乡镇（街道）, 县直部门): works on their own unit's cases only (the
# scope of their Membership's unit), from their desk (/unit/), never in the bureau's workbench.
UNIT = "责任单位经办人"
ROLES = (CLERK, HEAD, STAFF, ADMIN, UNIT)

# Bureau settings that only the administrator changes; everyone may read them.
SETTINGS_MODELS = {"bureau", "unit", "holiday"}

DASHBOARD = "indicators.view_dashboard"
PERSONAL_DATA = "cases.view_personal_data"
EDIT_REPORT = "reports.change_report"
EXPORT_REPORT = "reports.export_report"
PUBLISH_REPORT = "reports.publish_report"
VIEW_HISTORY = "cases.view_auditentry"  # the audit trail: head and administrator only


def role_grants(role: str, app_label: str, codename: str, model: str | None) -> bool:
    """Whether `role` holds the permission `app_label.codename` (of `model`, if it has one)."""
    perm = f"{app_label}.{codename}"
    action = codename.split("_", 1)[0]
    if role == ADMIN:
        return True
    if model == "auditentry":  # the trail is written by the system and read by the head
        return role == HEAD and perm == VIEW_HISTORY
    if model == "referencefigure":  # typed from the province's bulletins by staff or the head
        return role in (HEAD, STAFF)
    if role == CLERK:
        if app_label == "cases":
            if model in SETTINGS_MODELS:
                return action == "view"
            return action in ("add", "change", "view") or perm == PERSONAL_DATA
        return perm in (DASHBOARD, "reports.view_report")
    if role == HEAD:
        if perm == PERSONAL_DATA:
            return False
        if app_label in ("cases", "reports"):
            return action == "view" or perm in (PUBLISH_REPORT, VIEW_HISTORY, EXPORT_REPORT)
        return perm == DASHBOARD or (app_label == "audit" and action == "view")
    if role == UNIT:
        # Their cases, to accept, answer and close; the petitioner's name, ID number and phone
        # too: the unit tells the petitioner it accepts the item and delivers its reply
        # (信访工作条例 Art. 23, 32), and its scope holds its own unit's cases only.
        return perm in ("cases.view_petitioncase", "cases.change_petitioncase", PERSONAL_DATA)
    if role == STAFF:
        if app_label == "cases":
            return action == "view" and perm != PERSONAL_DATA
        if app_label == "reports":
            return action in ("view", "add", "change") or perm == EXPORT_REPORT
        return perm == DASHBOARD
    raise ValueError(role)


def sync_roles(apps, schema_editor=None) -> None:
    """Create the groups and give each exactly the permissions of its rules (idempotent)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # In a migration the app configs are stand-ins without a models module, which
        # create_permissions() would skip; give them a truthy one for the call.
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = previous or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = list(Permission.objects.select_related("content_type"))
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        granted = [
            p
            for p in perms
            if role_grants(role, p.content_type.app_label, p.codename, p.content_type.model)
            and p.content_type.app_label not in ("sessions", "contenttypes")
        ]
        group.permissions.set(granted)
