"""Every forbidden path of the report, checked on the server."""

import pytest
from django.urls import reverse

from reports.services import report_get_or_create, report_publish

YEAR = 2024


@pytest.fixture
def report(bureau):
    report, _ = report_get_or_create(bureau=bureau, year=YEAR)
    return report


def _urls(report):
    section = report.sections.first()
    return {
        "detail": ("get", reverse("reports:detail", args=[YEAR])),
        "check": ("get", reverse("reports:check", args=[YEAR])),
        "edit": ("get", reverse("reports:edit", args=[YEAR])),
        "edit_post": ("post", reverse("reports:edit", args=[YEAR])),
        "section": ("get", reverse("reports:edit_section", args=[YEAR, section.pk])),
        "section_post": ("post", reverse("reports:edit_section", args=[YEAR, section.pk])),
        "preview": ("post", reverse("reports:preview_section", args=[YEAR, section.pk])),
        "add_section": ("post", reverse("reports:add_section", args=[YEAR])),
        "move_section": ("post", reverse("reports:move_section", args=[YEAR, section.pk])),
        "delete_section": ("post", reverse("reports:delete_section", args=[YEAR, section.pk])),
        "create": ("post", reverse("reports:create")),
        "export": ("get", reverse("reports:export", args=[YEAR, "pdf"])),
        "publish": ("get", reverse("reports:publish", args=[YEAR])),
        "publish_post": ("post", reverse("reports:publish", args=[YEAR])),
        "history": ("get", reverse("reports:history", args=[YEAR])),
        "index": ("get", reverse("reports:index")),
    }


EDITING = ["edit", "edit_post", "section", "section_post", "preview", "add_section", "move_section", "delete_section"]
PUBLISHING = ["publish", "publish_post"]


def _status(client, user, method, url):
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url).status_code


@pytest.mark.parametrize("name", [*EDITING, "create", "export", *PUBLISHING])
def test_clerks_may_not_edit_export_or_publish(client, report, alice, name):
    method, url = _urls(report)[name]
    assert _status(client, alice, method, url) == 403


@pytest.mark.parametrize("name", ["detail", "check", "history"])
def test_clerks_may_read_the_draft(client, report, alice, name):
    method, url = _urls(report)[name]
    assert _status(client, alice, method, url) == 200


@pytest.mark.parametrize("name", PUBLISHING)
def test_staff_may_not_publish(client, report, sarah, name):
    method, url = _urls(report)[name]
    assert _status(client, sarah, method, url) == 403
    assert not report.revisions.exists()


@pytest.mark.parametrize("name", ["edit", "section", "export"])
def test_staff_may_edit_and_export(client, report, sarah, name):
    method, url = _urls(report)[name]
    assert _status(client, sarah, method, url) == 200


@pytest.mark.parametrize("name", EDITING)
def test_the_head_may_not_edit_the_text(client, report, henry, name):
    method, url = _urls(report)[name]
    assert _status(client, henry, method, url) == 403


def test_the_head_publishes(client, report, henry, sarah):
    import re

    from reports.services import report_approve, report_submit

    report_submit(report=report, user=sarah)
    report_approve(report=report, user=henry)
    client.force_login(henry)
    page = client.get(reverse("reports:publish", args=[YEAR])).content.decode()
    shown = re.search(r'name="shown" value="([0-9a-f]{64})"', page).group(1)
    response = client.post(reverse("reports:publish", args=[YEAR]), {"confirm": "on", "shown": shown})
    assert response.status_code == 302
    assert report.revisions.get().published_by == henry


@pytest.mark.parametrize("name", ["detail", "edit", "export", "publish"])
def test_users_without_a_role_are_refused(client, report, charlie, name):
    method, url = _urls(report)[name]
    assert _status(client, charlie, method, url) == 403


@pytest.mark.parametrize(
    "name",
    ["index", "create", "detail", "check", "history", "edit", "section_post", "preview", "export", "publish_post"],
)
def test_anonymous_visitors_are_sent_to_log_in(client, report, name):
    method, url = _urls(report)[name]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_visitors_reach_the_published_report_only(client, report, henry):
    assert (
        client.get(reverse("reports:public", args=[report.bureau_id, YEAR])).status_code == 404
    )  # nothing published yet
    report_publish(report=report, user=henry)
    assert client.get(reverse("reports:public_index")).status_code == 200
    assert client.get(reverse("reports:public", args=[report.bureau_id, YEAR])).status_code == 200
    assert client.get(reverse("reports:public_pdf", args=[report.bureau_id, YEAR])).status_code == 200
    assert client.get(reverse("reports:revision_pdf", args=[YEAR, 1])).status_code == 302
