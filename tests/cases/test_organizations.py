"""Bureaus in a tree, users in one organization each, and who manages which (issue 11)."""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import ScopeError, scope

from accounts import roles
from cases.models import AuditEntry, Bureau, ImportLog, Membership, PetitionCase, Unit
from cases.scoping import acting_for, within
from tests.cases.ledgers.test_import_cases import case_row, file_with
from tests.conftest import _user

CHANGELIST = "/admin/cases/petitioncase/"


@pytest.fixture
def city(db):
    return Bureau.objects.create(name="焦作市信访局", county="焦作市", level=Bureau.Level.CITY, self_reference="我市")


@pytest.fixture
def other(city):
    """A second county under the same city, with one unit and one case."""
    other = Bureau.objects.create(name="武陟县信访局", county="武陟县", level=Bureau.Level.COUNTY, parent=city)
    unit = Unit.objects.create(bureau=other, name="木城街道")
    PetitionCase.objects.create(
        bureau=other,
        number="WZ-1",
        received_on=datetime.date(2024, 3, 1),
        channel="visit",
        petitioner_name="钱七",
        category="claim",
        responsible_unit=unit,
    )
    return other


@pytest.fixture
def county(bureau, city):
    bureau.parent, bureau.level = city, Bureau.Level.COUNTY
    bureau.save()
    PetitionCase.objects.create(
        bureau=bureau,
        number="CS-1",
        received_on=datetime.date(2024, 3, 2),
        channel="letter",
        petitioner_name="张三",
        category="claim",
    )
    return bureau


@pytest.fixture
def site_admin(db):
    return User.objects.create_superuser("root", password="pw-root")


def test_the_tree_knows_what_lies_below_and_above(county, other, city):
    assert sorted(city.lineage_ids()) == sorted([city.pk, county.pk, other.pk])
    assert county.lineage_ids() == [county.pk]
    assert county.lineage_ids(up=True, include_self=False) == [city.pk]


def test_a_bureau_cannot_sit_under_its_own_level_or_below_itself(county, city):
    city.parent = county
    with pytest.raises(ValidationError) as error:
        city.full_clean()
    assert error.value.message_dict["parent"] == ["上级信访局不能是本局或其下级。"]
    province = Bureau(name="某省信访局", county="某省", level=Bureau.Level.PROVINCE, parent=county)
    with pytest.raises(ValidationError) as error:
        province.full_clean()
    assert error.value.message_dict["parent"] == ["上级信访局的层级必须高于本局。"]


def test_a_membership_unit_belongs_to_its_bureau(county, other, alice):
    membership = Membership(user=alice, bureau=county, unit=Unit.objects.get(bureau=other))
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert error.value.message_dict["unit"] == ["所属责任单位必须是所属信访局的单位。"]


def test_a_query_outside_any_scope_fails_loudly(county):
    with scope():  # scopes on, but none of the dimensions given
        with pytest.raises(ScopeError):
            PetitionCase.objects.count()
        with pytest.raises(ScopeError):
            list(Unit.objects.all())


def test_a_scope_sees_its_bureau_and_a_roll_up_sees_several(county, other, city):
    with acting_for(county):
        assert list(PetitionCase.objects.values_list("number", flat=True)) == ["CS-1"]
        assert Bureau.current() == county
    with acting_for(other):
        assert list(PetitionCase.objects.values_list("number", flat=True)) == ["WZ-1"]
    with within(city.lineage_ids()):
        assert PetitionCase.objects.count() == 2


def test_a_clerk_sees_only_their_bureaus_cases(client, county, other, alice):
    client.force_login(alice)
    page = client.get(CHANGELIST)
    assert [c.number for c in page.context["cl"].result_list] == ["CS-1"]
    foreign = PetitionCase.objects.get(number="WZ-1")
    assert client.get(f"{CHANGELIST}{foreign.pk}/change/").status_code == 404


def test_a_clerks_new_case_goes_to_their_bureau(client, county, other):
    clerk = _user("wz-clerk", roles.CLERK, other)
    client.force_login(clerk)
    response = client.post(
        f"{CHANGELIST}add/",
        {
            "number": "WZ-2",
            "received_on": "2024-05-06",
            "channel": "visit",
            "petitioner_name": "孙八",
            "head_count": "1",
            "is_initial": "on",  # as the form shows it: the rule's 初次信访 (a clerk unticking it gives a reason)
            "category": "claim",
            "handling_path": "petition",
            "extension_days": "0",
            "source": "local",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert PetitionCase.objects.get(number="WZ-2").bureau == other
    entry = AuditEntry.objects.get(object_repr="WZ-2", action="create")
    assert entry.bureau == other


def test_the_login_is_logged_in_the_users_bureau(client, county, alice):
    client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"}, REMOTE_ADDR="10.0.0.9")
    assert AuditEntry.objects.get(action="login").bureau == county


# The bureau's administrator and the site administrator ----------------------------------------


def test_a_bureau_administrator_manages_only_their_bureau(client, county, other, adam):
    client.force_login(adam)
    listed = client.get("/admin/cases/bureau/").context["cl"].result_list
    assert [b.name for b in listed] == [county.name]
    assert client.get(f"/admin/cases/bureau/{other.pk}/change/").status_code == 404
    assert client.get("/admin/cases/bureau/add/").status_code == 403
    page = client.get(f"/admin/cases/bureau/{county.pk}/change/").content.decode()
    assert 'name="due_soon_working_days"' in page and 'name="parent"' not in page and 'name="level"' not in page


def test_a_bureau_administrator_manages_only_their_users_and_units(client, county, other, adam, alice):
    foreign = _user("wz-clerk", roles.CLERK, other)
    client.force_login(adam)
    users = client.get("/admin/auth/user/").context["cl"].result_list
    assert sorted(u.username for u in users) == ["adam", "alice"]
    assert client.get(f"/admin/auth/user/{foreign.pk}/change/").status_code == 404
    page = client.get(f"/admin/auth/user/{alice.pk}/change/")
    html = page.content.decode()
    assert 'name="is_superuser"' not in html and 'name="user_permissions"' not in html
    inline = page.context["inline_admin_formsets"][0].formset.forms[0]
    assert [b.name for b in inline.fields["bureau"].queryset] == [county.name]
    assert "木城街道" not in [u.name for u in inline.fields["unit"].queryset]
    units = client.get("/admin/cases/unit/").context["cl"].result_list
    assert {u.bureau_id for u in units} == {county.pk}
    # A new account starts in its creator's bureau.
    response = client.post(
        "/admin/auth/user/add/", {"username": "newbie", "password1": "Xq-2024-long-pw", "password2": "Xq-2024-long-pw"}
    )
    assert response.status_code == 302
    assert User.objects.get(username="newbie").membership.bureau == county


def test_a_bureau_administrator_adds_a_unit_to_their_own_bureau(client, county, other, adam):
    client.force_login(adam)
    response = client.post("/admin/cases/unit/add/", {"name": "木城街道", "kind": "township", "sort_order": "0"})
    assert response.status_code == 302  # the same name in another bureau is no clash
    assert Unit.objects.get(name="木城街道", bureau=county)
    again = client.post("/admin/cases/unit/add/", {"name": "木城街道", "kind": "township", "sort_order": "0"})
    assert "该单位名称已存在。" in again.content.decode()


def test_the_site_administrator_manages_bureaus_but_reads_no_records(client, county, other, site_admin, city):
    client.force_login(site_admin)
    names = {b.name for b in client.get("/admin/cases/bureau/").context["cl"].result_list}
    assert names == {county.name, other.name, city.name}
    response = client.post(
        "/admin/cases/bureau/add/",
        {
            "name": "温县二局",
            "level": "county",
            "parent": str(city.pk),
            "county": "温县",
            "self_reference": "我县",
            "roll_forward_holidays": "on",
            "due_soon_working_days": "3",
            "percent_whole": "plain",
            "percent_rounding": "half_up",
        },
    )
    assert response.status_code == 302
    assert Bureau.objects.get(name="温县二局").parent == city
    assert client.get(CHANGELIST).status_code == 403  # no bureau's ledgers
    assert client.get("/").status_code == 404  # no bureau's dashboard
    users = client.get("/admin/auth/user/").context["cl"].result_list
    assert "root" in {u.username for u in users}


# Commands name their bureau -------------------------------------------------------------------


def test_a_command_with_several_bureaus_asks_which(county, other):
    with pytest.raises(CommandError, match=r"有多个信访局.*请用 --bureau 指定"):
        call_command("indicators", "--year", "2024", stdout=io.StringIO())
    with pytest.raises(CommandError, match="没有名为或编号为“无此局”的信访局"):
        call_command("indicators", "--year", "2024", "--bureau", "无此局", stdout=io.StringIO())


def test_a_command_without_any_bureau_says_so(db):
    with pytest.raises(CommandError, match="尚未设置信访局信息"):
        call_command("indicators", "--year", "2024", stdout=io.StringIO())


def test_a_commands_figures_and_import_are_its_bureaus(county, other, tmp_path):
    out = io.StringIO()
    call_command("indicators", "--year", "2024", "--json", "--bureau", "武陟县信访局", stdout=out)
    data = json.loads(out.getvalue())
    assert data["bureau"] == "武陟县信访局"
    assert data["indicators"]["cases_received"] == 1
    path = tmp_path / "台账.xlsx"
    path.write_bytes(file_with([case_row(i) for i in range(3)]).getvalue())
    # The ledger's units are the test county's townships: matched within the named bureau only.
    call_command("import_ledger", "cases", str(path), "--bureau", str(county.pk), verbosity=0, stdout=io.StringIO())
    assert PetitionCase.objects.filter(bureau=county).count() == 4
    assert PetitionCase.objects.filter(bureau=other).count() == 1
    assert ImportLog.objects.get().bureau == county
    with pytest.raises(SystemExit):  # the same file for 武陟: its units are not 武陟's
        call_command(
            "import_ledger", "cases", str(path), "--bureau", "武陟县信访局", stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert PetitionCase.objects.filter(bureau=other).count() == 1


def _user_form(user, groups, unit):
    return {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "groups": [g.pk for g in groups],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "08:00:00",
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "1",
        "membership-MIN_NUM_FORMS": "1",
        "membership-MAX_NUM_FORMS": "1",
        "membership-0-user": user.pk,
        "membership-0-bureau": user.membership.bureau_id,
        "membership-0-unit": unit.pk if unit else "",
    }


def test_a_units_account_holds_the_units_role_only(client, county, adam, alice):
    from django.contrib.auth.models import Group

    client.force_login(adam)
    township = Unit.objects.get(bureau=county, name="温泉街道")
    clerk, unit_role = Group.objects.get(name=roles.CLERK), Group.objects.get(name=roles.UNIT)
    url = f"/admin/auth/user/{alice.pk}/change/"

    mixed = client.post(url, _user_form(alice, [clerk, unit_role], township))
    assert "责任单位的用户只能有“责任单位经办人”角色，不能兼任登记员。" in mixed.content.decode()
    without_unit = client.post(url, _user_form(alice, [unit_role], None))
    assert "“责任单位经办人”角色须在“所属机构”中选择其责任单位。" in without_unit.content.decode()
    alice.refresh_from_db()
    assert [g.name for g in alice.groups.all()] == [roles.CLERK] and alice.membership.unit is None

    fine = client.post(url, _user_form(alice, [unit_role], township))
    assert fine.status_code == 302
    alice.refresh_from_db()
    assert [g.name for g in alice.groups.all()] == [roles.UNIT] and alice.membership.unit == township
