"""Five wrong passwords lock one user name from one address; one address is refused after many
failures over all user names; behind a proxy the address is the client's, not the proxy's."""

import importlib.util

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

import wenxian_report.settings

LOGIN = reverse("login")
NGINX = "10.9.9.9"


def attempt(client, username, password, ip, **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def via_proxy(client, username, password, forwarded):
    """A login through nginx: the connection is nginx's, X-Forwarded-For ends with the client."""
    return attempt(client, username, password, NGINX, HTTP_X_FORWARDED_FOR=forwarded)


def behind_proxies(settings, monkeypatch, count: int) -> None:
    """What wenxian_report/settings.py makes of TRUSTED_PROXY_COUNT=count, for this test."""
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", str(count))
    spec = importlib.util.spec_from_file_location("settings_probe", wenxian_report.settings.__file__)
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    for name in dir(probe):
        if name.startswith(("AXES_IPWARE_", "IPWARE_")):
            setattr(settings, name, getattr(probe, name))


@pytest.fixture(autouse=True)
def clean_attempts(db):
    AccessAttempt.objects.all().delete()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The users are made after this fixture, so their hashes take microseconds, not 0.3 s a try.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_wrong_password_gets_a_chinese_message(client, alice):
    response = attempt(client, "alice", "wrong", "10.0.0.5")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_five_failures_lock_that_user_from_that_address(client, alice):
    for _ in range(5):
        attempt(client, "alice", "wrong", "10.0.0.5")
    locked = attempt(client, "alice", "pw-alice", "10.0.0.5")
    assert locked.status_code == 429
    assert "该用户名在本机连续多次输入错误密码，为保护信访人信息，登录已暂停 15 分钟。" in locked.content.decode()
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


# Behind a proxy --------------------------------------------------------------------------------


def test_behind_one_proxy_one_clients_failures_do_not_lock_another(alice, settings, monkeypatch):
    behind_proxies(settings, monkeypatch, 1)
    for _ in range(5):
        via_proxy(Client(), "alice", "wrong", "10.1.0.1")

    assert via_proxy(Client(), "alice", "pw-alice", "10.1.0.2").status_code == 302
    assert via_proxy(Client(), "alice", "pw-alice", "10.1.0.1").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.1.0.1"}


def test_behind_one_proxy_addresses_the_client_put_in_front_do_not_dodge_the_lock(alice, settings, monkeypatch):
    behind_proxies(settings, monkeypatch, 1)
    for i in range(5):
        # The client sent "X-Forwarded-For: 10.7.7.i"; nginx appended the address it came from.
        via_proxy(Client(), "alice", "wrong", f"10.7.7.{i}, 10.1.0.1")

    assert via_proxy(Client(), "alice", "pw-alice", "10.7.7.99, 10.1.0.1").status_code == 429


def test_behind_two_proxies_the_client_is_the_second_address_from_the_right(alice, settings, monkeypatch):
    behind_proxies(settings, monkeypatch, 2)
    for _ in range(5):
        via_proxy(Client(), "alice", "wrong", "10.1.0.1, 10.8.8.8")  # client, first proxy; nginx connects

    assert via_proxy(Client(), "alice", "pw-alice", "10.1.0.2, 10.8.8.8").status_code == 302
    assert via_proxy(Client(), "alice", "pw-alice", "6.6.6.6, 10.1.0.1, 10.8.8.8").status_code == 429


def test_without_a_proxy_a_forwarded_header_is_ignored(alice, settings, monkeypatch):
    behind_proxies(settings, monkeypatch, 0)
    for i in range(5):
        attempt(Client(), "alice", "wrong", "10.0.0.5", HTTP_X_FORWARDED_FOR=f"10.7.7.{i}")

    assert attempt(Client(), "alice", "pw-alice", "10.0.0.5", HTTP_X_FORWARDED_FOR="10.7.7.99").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.5"}


# One address, many user names ----------------------------------------------------------------


def test_one_address_trying_many_names_is_refused_for_the_cool_off(henry, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 12
    for i in range(12):
        attempt(Client(), f"user{i % 4}", "guess", "10.0.0.5")  # three tries a name: no name is locked

    client = Client()
    refused = attempt(client, "henry", "pw-henry", "10.0.0.5")
    assert refused.status_code == 429
    assert "从该地址登录已暂停" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert attempt(Client(), "henry", "pw-henry", "10.0.0.6").status_code == 302

    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - settings.AXES_COOLOFF_TIME)
    assert attempt(Client(), "henry", "pw-henry", "10.0.0.5").status_code == 302


def test_an_office_below_the_address_cap_is_not_refused(alice, henry, sarah):
    # The default cap (30): four colleagues at one NAT address mistype four times each.
    for name in ("alice", "sarah", "adam", "bob"):
        for _ in range(4):
            attempt(Client(), name, "typo", "10.0.0.5")

    assert attempt(Client(), "henry", "pw-henry", "10.0.0.5").status_code == 302
    assert attempt(Client(), "alice", "pw-alice", "10.0.0.5").status_code == 302


def test_logging_in_with_one_account_does_not_reset_the_address_count(henry, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 12
    for i in range(11):
        attempt(Client(), f"user{i % 4}", "guess", "10.0.0.5")
    assert attempt(Client(), "henry", "pw-henry", "10.0.0.5").status_code == 302

    attempt(Client(), "user9", "guess", "10.0.0.5")

    assert attempt(Client(), "henry", "pw-henry", "10.0.0.5").status_code == 429
