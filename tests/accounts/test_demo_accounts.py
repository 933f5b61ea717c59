from django.core.management import call_command

from accounts.demo import DEMO_ACCOUNTS


def test_one_demo_account_per_role_with_its_password_printed(capsys, bureau):
    call_command("demo_accounts")
    out = capsys.readouterr().out
    from django.contrib.auth import authenticate

    for username, password, role, _name in DEMO_ACCOUNTS:
        assert f"{username}" in out and password in out and role in out
        user = authenticate(username=username, password=password)
        assert user is not None and user.groups.get().name == role
        assert user.membership.bureau == bureau and user.membership.unit is None
    call_command("demo_accounts")  # idempotent
    from django.contrib.auth.models import User

    assert User.objects.count() == 4
