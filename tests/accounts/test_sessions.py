"""Pages do not write the session; one idle for two hours ends, one in use goes on."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import REFRESHED

PAGE = reverse("admin:index")
LOGIN = reverse("login")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clerk(alice, bureau):
    client = Client()
    assert client.post(LOGIN, {"username": "alice", "password": "pw-alice"}).status_code == 302
    return client


def stored(client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def idle(client, seconds: int) -> None:
    """As if `seconds` had passed since the last request: the stored expiry and the time of the
    last refresh move back by that much."""
    row = stored(client)
    session = SessionStore(session_key=row.session_key)
    session[REFRESHED] -= seconds
    session.save()
    Session.objects.filter(pk=row.pk).update(expire_date=row.expire_date - datetime.timedelta(seconds=seconds))


def session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]


def test_a_page_view_does_not_write_the_session(clerk):
    expiry = stored(clerk).expire_date

    with CaptureQueriesContext(connection) as ctx:
        assert clerk.get(PAGE).status_code == 200

    assert session_writes(ctx.captured_queries) == []
    assert stored(clerk).expire_date == expiry


def test_a_session_idle_for_the_whole_timeout_ends(clerk):
    idle(clerk, settings.SESSION_COOKIE_AGE + 1)

    page = clerk.get(PAGE)

    assert page.status_code == 302 and page["Location"].startswith(reverse("admin:login"))
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()  # nor a new one


def test_a_session_idle_for_less_than_the_timeout_is_extended(clerk):
    idle(clerk, settings.SESSION_COOKIE_AGE - 60)

    assert clerk.get(PAGE).status_code == 200

    extended = stored(clerk).expire_date - timezone.now()
    assert extended > datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 10)


def test_a_session_in_use_outlives_the_timeout(clerk):
    for _ in range(40):  # a page every four minutes for 2 h 40 min
        idle(clerk, 240)
        assert clerk.get(PAGE).status_code == 200

    assert stored(clerk).expire_date - timezone.now() > datetime.timedelta(
        seconds=settings.SESSION_COOKIE_AGE - settings.SESSION_REFRESH_SECONDS - 240
    )


def test_an_anonymous_visitor_gets_no_session_row(db):
    assert Client().get(LOGIN).status_code == 200
    assert not Session.objects.exists()
