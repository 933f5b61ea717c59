"""What each role holds, read from the groups the data migration made."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts import roles


def perms(role):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }


@pytest.mark.django_db
def test_the_migration_creates_the_four_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


@pytest.mark.django_db
def test_a_clerk_adds_and_changes_records_but_deletes_nothing():
    clerk = perms(roles.CLERK)
    assert {"cases.add_petitioncase", "cases.change_petitioncase", "cases.add_disputescreening"} <= clerk
    assert not {p for p in clerk if ".delete_" in p}
    assert "cases.change_unit" not in clerk and "cases.view_unit" in clerk
    assert roles.DASHBOARD in clerk and roles.PERSONAL_DATA in clerk
    assert roles.EDIT_REPORT not in clerk and roles.PUBLISH_REPORT not in clerk


@pytest.mark.django_db
def test_the_head_views_everything_and_publishes_but_changes_no_record():
    head = perms(roles.HEAD)
    assert {"cases.view_petitioncase", "cases.view_ordercase", roles.DASHBOARD} <= head
    assert not {p for p in head if p.startswith("cases.") and not p.startswith("cases.view_")}
    assert roles.PERSONAL_DATA not in head


@pytest.mark.django_db
def test_staff_read_records_and_cannot_change_them():
    staff = perms(roles.STAFF)
    assert "cases.view_petitioncase" in staff
    assert not {p for p in staff if p.startswith("cases.") and not p.startswith("cases.view_")}
    assert roles.PERSONAL_DATA not in staff and roles.PUBLISH_REPORT not in staff


@pytest.mark.django_db
def test_the_administrator_holds_every_permission():
    everything = Permission.objects.exclude(content_type__app_label__in=["sessions", "contenttypes"]).count()
    assert Group.objects.get(name=roles.ADMIN).permissions.count() == everything
