"""Five wrong passwords lock one user name from one address, and nothing else."""

import pytest
from django.urls import reverse

LOGIN = reverse("login")


def attempt(client, username, password, ip):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture(autouse=True)
def clean_attempts(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def test_a_wrong_password_gets_a_chinese_message(client, alice):
    response = attempt(client, "alice", "wrong", "10.0.0.5")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_five_failures_lock_that_user_from_that_address(client, alice):
    for _ in range(5):
        attempt(client, "alice", "wrong", "10.0.0.5")
    locked = attempt(client, "alice", "pw-alice", "10.0.0.5")
    assert locked.status_code == 429
    assert "登录已暂停" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_colleague_behind_the_same_address_can_still_log_in(client, alice, henry):
    for _ in range(5):
        attempt(client, "alice", "wrong", "10.0.0.5")
    ok = attempt(client, "henry", "pw-henry", "10.0.0.5")
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(henry.pk)


def test_the_same_user_from_another_address_is_not_locked(client, alice):
    for _ in range(5):
        attempt(client, "alice", "wrong", "10.0.0.5")
    assert attempt(client, "alice", "pw-alice", "10.0.0.6").status_code == 302


def test_a_success_resets_the_count(client, alice):
    for _ in range(4):
        attempt(client, "alice", "wrong", "10.0.0.5")
    assert attempt(client, "alice", "pw-alice", "10.0.0.5").status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "alice", "wrong", "10.0.0.5")
    assert attempt(client, "alice", "pw-alice", "10.0.0.5").status_code == 302
