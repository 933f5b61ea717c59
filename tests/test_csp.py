"""Every kind of response carries the one Content-Security-Policy of settings.py, and it is the
strict one: this site only, no inline script, no eval, no plugins, no framing, no other host.

django-csp writes the directives in no fixed order, so the header is compared parsed."""

import pytest
from django.test import override_settings

from reports.services import report_get_or_create, report_publish
from tests.indicators.test_dashboard import make_case

EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def parse(header: str) -> dict[str, str]:
    directives = [part.strip().split(" ", 1) for part in header.split(";") if part.strip()]
    parsed = {name: value for name, value in directives}
    assert len(parsed) == len(directives), f"a directive appears twice: {header}"
    return parsed


def policy_of(response) -> dict[str, str]:
    assert "Content-Security-Policy-Report-Only" not in response
    return parse(response["Content-Security-Policy"])


@pytest.fixture
def case(bureau, unit):
    return make_case(bureau, "WX-2024-0001", "2024-03-05", unit=unit)


@pytest.fixture
def published(bureau, henry):
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    return report_publish(report=report, user=henry)


def test_the_policy_names_no_other_host_and_allows_nothing_inline():
    from django.conf import settings

    values = " ".join(" ".join(v) for v in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].values())
    assert "unsafe-" not in values
    assert set(values.split()) == {"'self'", "'none'"}


@pytest.mark.django_db
@override_settings(DEBUG=False)  # django-csp leaves Django's debug 404 and 500 pages alone
@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        (None, "/accounts/login/", 200),
        (None, "/reports/public/", 200),
        (None, "/reports/public/{bureau}/2024/", 200),
        (None, "/reports/public/{bureau}/2024/pdf/", 200),
        (None, "/", 302),  # to the login page
        ("henry", "/?year=2024", 200),
        ("henry", "/indicators/disputes_screened/?year=2024", 200),
        ("henry", "/indicators/no_such_indicator/?year=2024", 404),
        ("henry", "/no/such/page/", 404),
        ("henry", "/admin/cases/petitioncase/{case}/history/", 200),
        ("alice", "/admin/cases/petitioncase/", 200),
        ("alice", "/admin/cases/petitioncase/add/", 200),
        ("alice", "/admin/cases/petitioncase/{case}/change/", 200),
        ("alice", "/admin/cases/disputescreening/import/", 200),
        ("alice", "/admin/cases/disputescreening/export/", 200),
        ("alice", "/admin/autocomplete/?app_label=cases&model_name=petitioncase&field_name=responsible_unit", 200),
        ("charlie", "/", 403),
        ("sarah", "/reports/2024/", 200),
        ("sarah", "/reports/2024/edit/", 200),
        ("sarah", "/reports/2024/sections/{section}/", 200),
        ("charlie", "/reports/", 403),
    ],
)
def test_every_kind_of_page_carries_the_policy(request, client, bureau, case, who, url, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    if "/2024/" in url and "/public/" in url:
        request.getfixturevalue("published")  # a PDF rendered: only where it is needed
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    response = client.get(url.format(case=case.pk, section=report.sections.get(position=3).pk, bureau=bureau.pk))
    assert response.status_code == status
    assert policy_of(response) == EXPECTED


@pytest.mark.django_db
def test_posts_redirects_and_fragments_carry_it_too(client, sarah, published):
    """The editor's live preview (an HTML fragment put into the page), a refused CSRF token and
    the redirect after logging in."""
    client.force_login(sarah)
    section = published.report.sections.get(position=3)
    preview = client.post(f"/reports/2024/sections/{section.pk}/preview/", {"title": "四", "lead": "", "text": "x"})
    assert preview.status_code == 200
    assert policy_of(preview) == EXPECTED

    strict = client.__class__(enforce_csrf_checks=True)
    refused = strict.post("/accounts/login/", {"username": "sarah", "password": "pw-sarah"})
    assert refused.status_code == 403
    assert policy_of(refused) == EXPECTED

    client.logout()
    logged_in = client.post("/accounts/login/", {"username": "sarah", "password": "pw-sarah"})
    assert logged_in.status_code == 302
    assert policy_of(logged_in) == EXPECTED
