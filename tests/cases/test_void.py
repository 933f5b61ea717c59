"""作废 (void): the clerk who entered a record may void it with a reason; a voided record leaves
every figure, list and search but stays in the database and in the activity log, and a voided
case's number stays taken."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts import roles
from cases.audit import log_action
from cases.models import AuditEntry, OrderCase, OrderPerson, PetitionCase
from cases.scoping import acting_for
from indicators.compute import compute
from indicators.dashboard import dashboard_data
from indicators.registry import Period
from tests.conftest import _user

YEAR = Period.year(2024)


def figure(bureau, key) -> int:
    return compute(bureau.pk, YEAR, keys=[key])[key].numerator


def add_order_case(client, place="县委门口"):
    """An order case with two persons, entered through the workbench's form (so the activity log
    knows who entered it)."""
    response = client.post(
        reverse("admin:cases_ordercase_add"),
        {
            "occurred_on": "2024.5.6",
            "place": place,
            "conduct": "拦车",
            "persons-TOTAL_FORMS": "2",
            "persons-INITIAL_FORMS": "0",
            "persons-MIN_NUM_FORMS": "0",
            "persons-MAX_NUM_FORMS": "1000",
            "persons-0-name": "王五",
            "persons-0-measure": "warning",
            "persons-1-name": "赵六",
            "persons-1-measure": "warning",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return OrderCase.objects.get(place=place)


def void_url(obj) -> str:
    return reverse(f"admin:cases_{obj._meta.model_name}_void", args=[obj.pk])


@pytest.fixture
def case_by_alice(bureau, alice):
    case = PetitionCase.objects.create(
        bureau=bureau, number="温信2024-0007", received_on=datetime.date(2024, 3, 1), channel="visit", category="claim"
    )
    log_action(case, user=alice, action=AuditEntry.Action.CREATE, changes={"number": ["", case.number]})
    PetitionCase.objects.create(
        bureau=bureau, number="温信2024-0008", received_on=datetime.date(2024, 3, 2), channel="visit", category="claim"
    )
    return case


def test_voiding_drops_the_figures_and_the_lists_but_keeps_the_row_and_the_log(client, alice, bureau):
    client.force_login(alice)
    kept = add_order_case(client, "县政府门口")
    case = add_order_case(client)
    assert (figure(bureau, "order_cases"), figure(bureau, "order_persons")) == (2, 4)
    assert dashboard_data(bureau, 2024).figures["order_cases"][0] == 2  # cached from now on

    page = client.get(reverse("admin:cases_ordercase_change", args=[case.pk])).content.decode()
    assert f'<a href="{void_url(case)}" class="void-link">作废</a>' in page
    response = client.post(void_url(case), {"reason": "重复录入，与县政府门口一案为同一起"})
    assert response.status_code == 302 and response["Location"] == reverse("admin:cases_ordercase_changelist")

    # Every figure: the case and its two persons are no longer counted.
    assert (figure(bureau, "order_cases"), figure(bureau, "order_persons")) == (1, 2)
    assert dashboard_data(bureau, 2024).figures["order_cases"][0] == 1  # the cache knew
    # Every list: the workbench's, the dashboard's drill-down, and the page of the record itself.
    listed = client.get(reverse("admin:cases_ordercase_changelist")).context["cl"].result_list
    assert [c.pk for c in listed] == [kept.pk]
    assert OrderPerson.objects.filter(case=case).count() == 0
    assert client.get(reverse("admin:cases_ordercase_change", args=[case.pk])).status_code == 404
    drill = client.get(reverse("indicators:records", args=["order_cases"]), {"year": 2024})
    assert (
        drill.status_code == 200 and "县政府门口" in drill.content.decode() and "县委门口" not in drill.content.decode()
    )
    # Still in the database, with who, when and why; and in the activity log.
    row = OrderCase._base_manager.get(pk=case.pk)
    assert row.voided_by == alice and row.void_reason == "重复录入，与县政府门口一案为同一起"
    assert row.voided_at is not None
    assert OrderPerson._base_manager.filter(case_id=case.pk).count() == 2
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VOID)
    assert (entry.user, entry.object_id, entry.detail) == (alice, case.pk, "重复录入，与县政府门口一案为同一起")
    assert entry.changes == {"void_reason": ["", "重复录入，与县政府门口一案为同一起"]}


def test_a_voided_case_leaves_the_case_figures_and_its_number_stays_taken(client, alice, bureau, case_by_alice):
    assert figure(bureau, "cases_received") == 2
    client.force_login(alice)
    response = client.post(void_url(case_by_alice), {"reason": "录错了信访局"})
    assert response.status_code == 302
    assert figure(bureau, "cases_received") == 1
    assert client.get(reverse("admin:cases_petitioncase_changelist")).context["cl"].result_count == 1
    found = client.get(reverse("admin:cases_petitioncase_changelist"), {"q": "温信2024-0007"}).context["cl"]
    assert found.result_count == 0
    again = PetitionCase(
        bureau=bureau, number="温信2024-0007", received_on=datetime.date(2024, 4, 1), channel="visit", category="claim"
    )
    with pytest.raises(ValidationError) as refused:
        again.validate_constraints()
    assert "信访件编号" in str(refused.value)


@pytest.mark.parametrize("reason", ["", "   "])
def test_voiding_without_a_reason_is_refused_and_nothing_changes(client, alice, bureau, case_by_alice, reason):
    client.force_login(alice)
    response = client.post(void_url(case_by_alice), {"reason": reason})
    assert response.status_code == 200
    assert "请写明作废原因。" in response.content.decode()
    assert PetitionCase.objects.filter(pk=case_by_alice.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VOID).exists()
    assert figure(bureau, "cases_received") == 2


def test_someone_elses_entry_cannot_be_voided(client, bureau, case_by_alice, adam, henry):
    bob = _user("bob", roles.CLERK, bureau)
    for user, get_status in ((bob, 200), (adam, 200), (henry, 403)):
        client.force_login(user)
        page = client.get(void_url(case_by_alice))
        assert page.status_code == get_status, user
        if get_status == 200:
            assert "只有录入这条记录的人可以作废它" in page.content.decode()
            assert "确认作废" not in page.content.decode()
        assert client.post(void_url(case_by_alice), {"reason": "我看错了"}).status_code == 403, user
    assert PetitionCase.objects.filter(pk=case_by_alice.pk).exists()
    assert figure(bureau, "cases_received") == 2
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VOID).exists()


def test_another_bureaus_record_cannot_be_voided(client, bureau, case_by_alice):
    from cases.models import Bureau

    other = Bureau.objects.create(name="乙县信访局", county="乙县", short_county="乙县")
    their_clerk = _user("yi-clerk", roles.CLERK, other)
    client.force_login(their_clerk)
    assert client.get(void_url(case_by_alice)).status_code == 404
    assert client.post(void_url(case_by_alice), {"reason": "x"}).status_code == 404
    assert PetitionCase.objects.filter(pk=case_by_alice.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_keep_the_voided_rows(client, alice, bureau, case_by_alice, tmp_path):
    client.force_login(alice)
    assert client.post(void_url(case_by_alice), {"reason": "重复录入"}).status_code == 302
    path = tmp_path / "v.backup"
    call_command("backup_data", "--output", str(path))
    assert json.loads((tmp_path / "v.backup.manifest.json").read_text())["size"] > 0
    PetitionCase._base_manager.filter(pk=case_by_alice.pk).delete()
    call_command("restore_data", str(path), "--yes")
    row = PetitionCase._base_manager.get(pk=case_by_alice.pk)
    assert (row.void_reason, row.voided_by_id) == ("重复录入", alice.pk)
    assert figure(bureau, "cases_received") == 1


def test_an_import_naming_a_voided_case_is_refused_in_chinese(client, alice, bureau, case_by_alice):
    from cases.ledgers.service import import_ledger
    from tests.cases.ledgers.conftest import make_xlsx

    client.force_login(alice)
    assert client.post(void_url(case_by_alice), {"reason": "录错了信访局"}).status_code == 302
    data = make_xlsx(
        [
            ["信访件编号", "登记日期", "信访形式", "信访人", "诉求类型"],
            ["温信2024-0007", "2024-03-01", "来访", "张三", "申诉求决类"],
            ["温信2024-0099", "2024-03-05", "来信", "李四", "申诉求决类"],
        ]
    )
    with acting_for(bureau):
        result = import_ledger(kind="cases", file=io.BytesIO(data), file_name="台账.xlsx", dry_run=False)
    assert not result.ok, result.file_error
    assert not result.file_error, result.file_error
    assert [(e.row, e.message) for e in result.errors] == [
        (2, "与一条已作废的记录相同（信访件编号；作废原因：录错了信访局），不再导入")
    ]
    assert PetitionCase._base_manager.filter(number="温信2024-0099").count() == 0  # nothing written
    assert PetitionCase._base_manager.get(number="温信2024-0007").voided_at is not None
