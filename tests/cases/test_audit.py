"""The audit trail: who changed what, from which value to which, visible to the head and admin."""

import pytest
from django.urls import reverse

from cases.models import AccountabilityAction, AuditEntry, DisputeScreening, PetitionCase
from tests.cases.test_case_form import ADD_CASE, form_data


@pytest.fixture
def registered(client, alice, unit):
    client.force_login(alice)
    assert client.post(ADD_CASE, form_data(unit, petitioner_name="张三丰")).status_code == 302
    case = PetitionCase.objects.get()
    change = reverse("admin:cases_petitioncase_change", args=[case.pk])
    data = form_data(unit, petitioner_name="张三丰", closed_on="2024-04-20", outcome="support")
    assert client.post(change, data).status_code == 302
    client.logout()
    return case


def test_a_new_record_and_each_change_are_recorded_with_old_and_new_values(registered, alice):
    create, update = AuditEntry.objects.filter(object_id=registered.pk, content_type__model="petitioncase").order_by(
        "at", "id"
    )
    assert (create.action, create.username, create.source) == ("create", "alice", "form")
    assert create.changes["number"] == ["", "WX-2024-0100"]
    assert create.changes["responsible_unit"] == ["", "温泉街道"]
    assert create.changes["channel"] == ["", "来访"]
    assert update.action == "update" and update.user == alice
    assert update.changes == {
        "closed_on": ["", "2024-04-20"],
        "outcome": ["", "支持"],
        "resolved_first_time": ["否", "是"],  # derived by the rule (cases.repeats) in the same save
    }


def test_saving_without_a_change_records_nothing(client, registered, alice, unit):
    client.force_login(alice)
    change = reverse("admin:cases_petitioncase_change", args=[registered.pk])
    data = form_data(unit, petitioner_name="张三丰", closed_on="2024-04-20", outcome="support")
    client.post(change, data)
    assert AuditEntry.objects.filter(object_id=registered.pk, content_type__model="petitioncase").count() == 2


def test_the_head_reads_the_history_with_petitioners_masked(client, registered, henry):
    client.force_login(henry)
    page = client.get(reverse("admin:cases_petitioncase_history", args=[registered.pk])).content.decode()
    assert "共 2 条修改记录" in page
    assert "办结日期" in page and "2024-04-20" in page and "支持" in page
    assert "张**" in page and "张三丰" not in page


def test_the_administrator_reads_it_unmasked(client, registered, adam):
    client.force_login(adam)
    page = client.get(reverse("admin:cases_petitioncase_history", args=[registered.pk])).content.decode()
    assert "张三丰" in page


@pytest.mark.parametrize("who", ["alice", "sarah"])
def test_clerks_and_staff_may_not_read_the_trail(client, request, registered, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("admin:cases_petitioncase_history", args=[registered.pk])).status_code == 403


def test_inline_persons_are_part_of_the_parents_entry(client, alice, unit):
    client.force_login(alice)
    response = client.post(
        reverse("admin:cases_accountabilityaction_add"),
        {
            "decided_on": "2024-06-01",
            "kind": "accountability",
            "unit": str(unit.pk),
            "measure": "通报批评",
            "adopted": "on",
            "note": "",
            "persons-TOTAL_FORMS": "1",
            "persons-INITIAL_FORMS": "0",
            "persons-0-name": "李四",
            "persons-0-position": "副镇长",
            "persons-0-measure": "诫勉谈话",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    action = AccountabilityAction.objects.get()
    entry = AuditEntry.objects.get(object_id=action.pk, content_type__model="accountabilityaction")
    assert entry.changes["责任人·新增"] == ["", "李四；"]


def test_a_deletion_keeps_the_last_values(client, adam, bureau, unit):
    screening = DisputeScreening.objects.create(bureau=bureau, unit=unit, found_on="2024-05-01", kind="土地纠纷")
    client.force_login(adam)
    url = reverse("admin:cases_disputescreening_delete", args=[screening.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    entry = AuditEntry.objects.get(object_id=screening.pk, content_type__model="disputescreening")
    assert entry.action == "delete" and entry.username == "adam"
    assert entry.changes["kind"] == ["土地纠纷", ""] and entry.changes["unit"] == ["温泉街道", ""]
    assert not DisputeScreening.objects.exists()


def test_an_imported_row_has_its_history_on_the_record(client, alice, henry, bureau):
    from cases.ledgers.service import import_ledger
    from cases.models import ImportedRows, ImportLog
    from tests.cases.ledgers.test_import_cases import case_row, file_with

    rows = [case_row(i) for i in range(3)]
    first = import_ledger(kind="cases", file=file_with(rows), file_name="2024台账.xlsx", user=alice, dry_run=False)
    assert first.created == 3
    rows[1][18] = "复查"  # 复查复核 ← a review was requested …
    rows[1][17] = "否"  # … so it was not resolved in one pass
    second = import_ledger(
        kind="cases", file=file_with(rows), file_name="2024台账-更正.xlsx", user=alice, dry_run=False
    )
    assert (second.created, second.updated, second.unchanged) == (0, 1, 2)

    case = PetitionCase.objects.get(number="WX2024-001")
    # A created row has no entry copying the file's values: its import's batch names it and its row.
    (updated,) = AuditEntry.objects.filter(object_id=case.pk, content_type__model="petitioncase")
    log = ImportLog.objects.get(file_name="2024台账.xlsx")
    assert ImportedRows.objects.get(import_log=log).row_of(case.pk) == 5  # two title rows, the header, WX2024-000
    assert (updated.action, updated.source, updated.username) == ("update", "import", "alice")
    assert updated.import_log.file_name == "2024台账-更正.xlsx"
    assert updated.changes == {"resolved_first_time": ["是", "否"], "review": ["", "复查"]}
    assert (
        AuditEntry.objects.filter(source="import", action__in=AuditEntry.RECORD_ACTIONS).count() == 1
    )  # the changed one

    client.force_login(henry)
    response = client.get(reverse("admin:cases_petitioncase_history", args=[case.pk]))
    (created_row, updated_row) = response.context["rows"]
    entry, changes = created_row
    assert (entry.action, entry.source, entry.username, entry.import_log) == ("create", "import", "alice", log)
    assert changes == [("导入", "", f"由导入 2024台账.xlsx（第 5 行）创建；文件 SHA-256 {log.checksum[:16]}")]
    assert updated_row[1] == [("一次性化解", "是", "否"), ("复查复核", "", "复查")]
    page = response.content.decode()
    assert "由导入 2024台账.xlsx（第 5 行）创建" in page
    assert "Excel导入" in page and "2024台账-更正.xlsx" in page and "复查复核" in page
    # Who imported it entered it: the one who may void it.
    from cases.admin.base import entered_by

    assert entered_by(case) == alice.pk


def test_a_refused_import_leaves_no_audit_entries(alice, bureau):
    from cases.ledgers.service import import_ledger
    from tests.cases.ledgers.test_import_cases import case_row, file_with

    bad = case_row(2)
    bad[1] = "2024-02-30"
    result = import_ledger(
        kind="cases", file=file_with([case_row(1), bad]), file_name="x.xlsx", user=alice, dry_run=False
    )
    assert not result.ok
    # Only the import itself is in the log (who tried which file), no row of it.
    assert list(AuditEntry.objects.values_list("action", "username")) == [("import", "alice")]


def test_the_trail_lists_by_year_in_the_bureaus_time_zone_without_reading_every_entry(client, henry, bureau):
    import datetime
    from zoneinfo import ZoneInfo

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kind = ContentType.objects.get_for_model(PetitionCase)
    shanghai = ZoneInfo("Asia/Shanghai")
    for n, at in enumerate(
        (
            datetime.datetime(2023, 12, 31, 23, 30, tzinfo=shanghai),  # 15:30 UTC: still 2023 here
            datetime.datetime(2024, 1, 1, 0, 30, tzinfo=shanghai),  # 2023-12-31 16:30 UTC: 2024 here
            datetime.datetime(2024, 7, 1, 9, 0, tzinfo=shanghai),
        )
    ):
        AuditEntry.objects.create(
            bureau=henry.membership.bureau,
            at=at,
            username="alice",
            content_type=kind,
            object_id=n,
            object_repr=f"WX-{n}",
            action="create",
        )
    client.force_login(henry)
    url = reverse("admin:cases_auditentry_changelist")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    text = page.content.decode()
    assert text.index("2024年") < text.index("2023年")
    assert not any("DISTINCT" in q["sql"] and "auditentry" in q["sql"] for q in queries.captured_queries)
    in_2024 = client.get(url, {"year": "2024"}).context["cl"].result_list
    assert [e.object_repr for e in in_2024] == ["WX-2", "WX-1"]
    assert [e.object_repr for e in client.get(url, {"year": "2023"}).context["cl"].result_list] == ["WX-0"]
