import pytest
from django.core.management import call_command

from accounts.demo import DEMO_ACCOUNTS


@pytest.mark.django_db
def test_one_demo_account_per_role_with_its_password_printed(capsys):
    call_command("demo_accounts")
    out = capsys.readouterr().out
    from django.contrib.auth import authenticate

    for username, password, role, _name in DEMO_ACCOUNTS:
        assert f"{username}" in out and password in out and role in out
        user = authenticate(username=username, password=password)
        assert user is not None and user.groups.get().name == role
    call_command("demo_accounts")  # idempotent
    from django.contrib.auth.models import User

    assert User.objects.count() == 4
