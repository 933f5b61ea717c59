"""The data migration gave the roles the report permissions that accounts.roles promises."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles


def _perms(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.parametrize(
    ("role", "granted", "refused"),
    [
        (roles.CLERK, {"reports.view_report"}, {roles.EDIT_REPORT, roles.EXPORT_REPORT, roles.PUBLISH_REPORT}),
        (roles.STAFF, {roles.EDIT_REPORT, roles.EXPORT_REPORT, "reports.add_report"}, {roles.PUBLISH_REPORT}),
        (roles.HEAD, {roles.PUBLISH_REPORT, roles.EXPORT_REPORT, "reports.view_report"}, {roles.EDIT_REPORT}),
        (roles.ADMIN, {roles.EDIT_REPORT, roles.EXPORT_REPORT, roles.PUBLISH_REPORT}, set()),
    ],
)
def test_roles_hold_the_report_permissions(db, role, granted, refused):
    perms = _perms(role)
    assert granted <= perms
    assert not refused & perms
