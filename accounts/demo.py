"""Demo accounts for trying the product (never created in production by itself): one per role of
the demo's own bureau, and a few in the bureaus around it (cases' demo_accounts command)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from . import roles

DEMO_ACCOUNTS = (
    # username, password, role, display name
    ("clerk", "clerk-demo-2024", roles.CLERK, "登记员（演示）"),
    ("head", "head-demo-2024", roles.HEAD, "局长（演示）"),
    ("staff", "staff-demo-2024", roles.STAFF, "工作人员（演示）"),
    ("admin", "admin-demo-2024", roles.ADMIN, "管理员（演示）"),
    ("unit", "unit-demo-2024", roles.UNIT, "责任单位经办人（演示）"),
)


def ensure_demo_accounts(accounts=DEMO_ACCOUNTS, *, without: tuple[str, ...] = ()) -> list[tuple]:
    """(user, password, role) of each demo account of `accounts` (username, password, role,
    display name), created or reset; which bureau (and unit) they work in is the caller's to say
    (cases' demo_accounts command). Roles in `without` get no account."""
    User = get_user_model()
    created = []
    for username, password, role, display in accounts:
        if role in without:
            continue
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = display
        # The bureau's roles work in the admin-based workbench; a unit's officer at their desk.
        user.is_staff = role != roles.UNIT
        user.is_superuser = False
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        created.append((user, password, role))
    return created
