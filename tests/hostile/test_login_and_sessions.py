"""Hostile input at the login and against sessions: each kind is refused with its Chinese page,
never a 500, and leaves the ledgers and the report exactly as they were (tests/hostile/
test_catalogue.py's state(); recorded login failures are the point, not a change)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.accounts.test_login_throttle import NGINX, attempt, behind_proxies, via_proxy
from tests.hostile.test_catalogue import state

LOGIN = reverse("login")
WRONG = "用户名或密码不正确"
LOCKED = "登录已暂停"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def unchanged(bureau):
    before = state()
    yield
    assert state() == before


# Forged or broken client addresses -------------------------------------------------------------


def test_a_forged_forwarded_header_without_a_proxy_does_not_dodge_the_lock(alice, settings, monkeypatch, unchanged):
    behind_proxies(settings, monkeypatch, 0)
    for i in range(5):
        attempt(Client(), "alice", "wrong", "10.0.0.5", HTTP_X_FORWARDED_FOR=f"10.{i}.0.1")

    locked = attempt(Client(), "alice", "pw-alice", "10.0.0.5", HTTP_X_FORWARDED_FOR="10.99.0.1")

    assert locked.status_code == 429 and LOCKED in locked.content.decode()


def test_forged_addresses_in_front_of_the_proxys_do_not_dodge_the_lock(alice, settings, monkeypatch, unchanged):
    behind_proxies(settings, monkeypatch, 1)
    for i in range(5):
        via_proxy(Client(), "alice", "wrong", f"10.{i}.0.1, 10.{i}.0.2, 10.1.0.1")

    locked = via_proxy(Client(), "alice", "pw-alice", "10.99.0.1, 10.1.0.1")

    assert locked.status_code == 429 and LOCKED in locked.content.decode()


@pytest.mark.parametrize(
    "forged",
    [
        "unknown",
        "<script>alert(1)</script>",
        "999.1.1.1",
        "1.2.3.4:99999",
        "for=_hidden;proto=https",
        "::ffff:10.1.0.1%" + "x" * 300,
        "10.0.0.1, " * 2000,
        "'; DROP TABLE axes_accessattempt; --",
    ],
    ids=["word", "script", "bad_octet", "bad_port", "obfuscated", "long_zone", "thousands_of_hops", "sql"],
)
def test_garbage_in_the_forwarded_header_counts_as_the_real_client(alice, settings, monkeypatch, unchanged, forged):
    behind_proxies(settings, monkeypatch, 1)

    page = via_proxy(Client(), "alice", "wrong", f"{forged}, 10.1.0.1")

    assert page.status_code == 200 and WRONG in page.content.decode()
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.1.0.1"]


def test_a_request_that_bypasses_the_proxy_is_refused_like_any_wrong_password(alice, settings, monkeypatch, unchanged):
    behind_proxies(settings, monkeypatch, 1)

    page = attempt(Client(), "alice", "wrong", NGINX)  # no X-Forwarded-For: not through nginx

    assert page.status_code == 200 and WRONG in page.content.decode()
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [None]


def test_rotating_the_user_agent_does_not_dodge_the_lock(alice, unchanged):
    for i in range(5):
        attempt(Client(), "alice", "wrong", "10.0.0.5", HTTP_USER_AGENT=f"Bot/{i}")

    locked = attempt(Client(), "alice", "pw-alice", "10.0.0.5", HTTP_USER_AGENT="Mozilla/5.0")

    assert locked.status_code == 429 and LOCKED in locked.content.decode()


def test_password_spraying_from_one_address_is_refused(henry, settings, unchanged):
    settings.LOGIN_FAILURES_PER_ADDRESS = 10
    for i in range(10):
        attempt(Client(), f"guess{i}", "123456", "10.0.0.5")

    refused = attempt(Client(), "henry", "pw-henry", "10.0.0.5")

    assert refused.status_code == 429 and "从该地址登录已暂停" in refused.content.decode()


# Broken user names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username",
    ["a" * 151, "名" * 100_000, "alice\x00", " ", "alice' OR '1'='1"],
    ids=["overlong", "huge", "null_byte", "blank", "sql"],
)
def test_a_broken_user_name_is_a_wrong_login_not_a_500(alice, unchanged, username):
    client = Client()

    page = attempt(client, username, "pw-alice", "10.0.0.5")

    assert page.status_code == 200 and WRONG in page.content.decode()
    assert "_auth_user_id" not in client.session
    # What axes records fits its column (PostgreSQL refused a longer name with a 500).
    assert all(len(name) <= 255 for name in AccessAttempt.objects.values_list("username", flat=True))


# Sessions --------------------------------------------------------------------------------------

ADMIN = reverse("admin:index")


def logged_in_clerk(alice) -> Client:
    client = Client()
    assert attempt(client, "alice", "pw-alice", "10.0.0.5").status_code == 302
    assert client.get(ADMIN).status_code == 200
    return client


def test_a_session_cookie_replayed_after_logout_is_refused(alice, unchanged):
    client = logged_in_clerk(alice)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    page = replay.get(ADMIN)

    assert page.status_code == 302 and page["Location"].startswith(reverse("admin:login"))


def test_a_session_cookie_replayed_after_two_idle_hours_is_refused(alice, unchanged):
    from tests.accounts.test_sessions import idle

    client = logged_in_clerk(alice)
    idle(client, settings.SESSION_COOKIE_AGE + 1)

    page = client.get(ADMIN)

    assert page.status_code == 302 and page["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "cookie",
    ["0" * 32, "a" * 4000, "../../etc/passwd", "'; DELETE FROM django_session; --", "%E5%90%8D%E5%AD%97"],
    ids=["guessed_key", "overlong", "path", "sql", "percent_encoded"],
)
def test_a_forged_session_cookie_is_refused_and_stores_nothing(alice, unchanged, cookie):
    from django.contrib.sessions.models import Session

    logged_in_clerk(alice)
    sessions = set(Session.objects.values_list("session_key", flat=True))
    forger = Client()
    forger.cookies[settings.SESSION_COOKIE_NAME] = cookie

    page = forger.get(ADMIN)

    assert page.status_code == 302 and page["Location"].startswith(reverse("admin:login"))
    assert set(Session.objects.values_list("session_key", flat=True)) == sessions
