from django.core.management import call_command

from accounts import roles
from accounts.demo import DEMO_ACCOUNTS


def test_one_demo_account_per_role_with_its_password_printed(capsys, bureau):
    call_command("demo_accounts")
    out = capsys.readouterr().out
    from django.contrib.auth import authenticate

    for username, password, role, _name in DEMO_ACCOUNTS:
        assert f"{username}" in out and password in out and role in out
        user = authenticate(username=username, password=password)
        assert user is not None and user.groups.get().name == role
        unit = "温泉街道" if role == roles.UNIT else None
        assert user.membership.bureau == bureau and str(user.membership.unit or "") == (unit or "")
        assert user.is_staff == (role != roles.UNIT)  # the workbench is the bureau's
    assert "unit     unit-demo-2024     责任单位经办人（温泉街道）" in out
    call_command("demo_accounts")  # idempotent
    from django.contrib.auth.models import User

    assert User.objects.count() == 5


def test_a_bureau_without_units_has_no_units_demo_officer(capsys, db):
    from django.contrib.auth.models import User

    from cases.models import Bureau

    Bureau.objects.create(name="空县信访局", county="空县")
    call_command("demo_accounts")
    assert "unit" not in User.objects.values_list("username", flat=True)
    assert User.objects.count() == 4
