import pytest
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


@pytest.fixture
def around(bureau):
    """The demo's shape: a city above the bureau and a neighbouring county under the same city."""
    from cases.models import Bureau

    city = Bureau.objects.create(name="焦作市信访局", county="焦作市", level=Bureau.Level.CITY, self_reference="我市")
    bureau.parent = city
    bureau.save()
    neighbour = Bureau.objects.create(name="武陟县信访局", county="武陟县", parent=city)
    return city, neighbour


def test_the_citys_head_and_the_neighbours_clerk(capsys, bureau, around):
    from django.contrib.auth import authenticate
    from django.contrib.auth.models import User

    city, neighbour = around
    call_command("demo_accounts", "--bureau", bureau.name)
    out = capsys.readouterr().out

    head = authenticate(username="city-head", password="city-head-demo-2024")
    assert head.groups.get().name == roles.HEAD and head.is_staff
    assert (head.membership.bureau, head.membership.unit) == (city, None)
    clerk = authenticate(username="wuzhi-clerk", password="wuzhi-clerk-demo-2024")
    assert clerk.groups.get().name == roles.CLERK and clerk.is_staff
    assert (clerk.membership.bureau, clerk.membership.unit) == (neighbour, None)
    assert "city-head city-head-demo-2024 局长（焦作市信访局）" in out
    assert "wuzhi-clerk wuzhi-clerk-demo-2024 登记员（武陟县信访局）" in out
    assert "unit     unit-demo-2024     责任单位经办人（温泉街道）" in out
    call_command("demo_accounts", "--bureau", bureau.name)  # idempotent
    assert User.objects.count() == 5 + 2


def test_with_several_bureaus_the_command_asks_which(bureau, around):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--bureau"):
        call_command("demo_accounts")
