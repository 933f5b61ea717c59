"""One activity log: record changes, imports, exports, report events, logins and lockouts all
land in cases.AuditEntry through cases.audit.log_action(), and the earlier logs moved into it."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.urls import reverse

from cases.audit import log_action
from cases.models import AuditEntry, ImportLog, PetitionCase
from reports.services import report_get_or_create, report_publish


def test_log_action_records_who_what_and_when(alice, bureau):
    entry = log_action(bureau, user=alice, action=AuditEntry.Action.UPDATE, changes={"name": ["甲", "乙"]})
    assert (entry.username, entry.user, entry.object_id, entry.object_repr) == ("alice", alice, bureau.pk, bureau.name)
    assert (entry.action, entry.source, entry.changes) == ("update", "form", {"name": ["甲", "乙"]})
    # A name instead of a user: a command line, an attempted login.
    entry = log_action(bureau, user=None, username="命令行（root）", action=AuditEntry.Action.IMPORT)
    assert (entry.user, entry.username) == (None, "命令行（root）")


def test_a_login_is_logged_with_its_address(alice, bureau):
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert client.post(reverse("login"), {"username": "alice", "password": "pw-alice"}).status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN)
    assert (entry.username, entry.object_id, entry.detail) == ("alice", alice.pk, "10.1.2.3")


@override_settings(AXES_FAILURE_LIMIT=2, LOGIN_FAILURES_PER_NAME=2)
def test_a_lockout_is_logged_even_for_a_name_without_an_account(bureau):
    client = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(3):
        client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    # Locked at the second failure, and refused again at the third attempt: both are logged.
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.LOCKED_OUT)
    assert [(e.username, e.object_id, e.detail) for e in entries] == [("nobody", None, "10.9.9.9")] * 2
    assert entries[0].content_type.model_class() is User


def test_an_export_is_logged_saying_whether_it_held_personal_data(client, henry, alice, bureau):
    url = reverse("admin:cases_petitioncase_export")
    client.force_login(henry)
    assert client.get(url, {"channel__exact": "visit"}).status_code == 200
    client.force_login(alice)
    assert client.get(url).status_code == 200
    exports = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).order_by("id")
    assert [(e.username, e.detail) for e in exports] == [
        ("henry", "信访事项（个人信息已脱敏）channel__exact=visit"),
        ("alice", "信访事项（含个人信息）"),
    ]
    assert {e.content_type.model_class() for e in exports} == {PetitionCase}


def test_a_reports_history_page_reads_the_log(client, henry, sarah, bureau):
    report, _ = report_get_or_create(bureau=bureau, year=2024, user=sarah)
    report_publish(report=report, user=henry)
    client.force_login(henry)
    page = client.get(reverse("reports:history", args=[2024])).content.decode()
    assert "创建报告" in page and "审核发布报告" in page
    assert [e.action for e in report.events] == ["report_published", "report_created"]


@pytest.mark.django_db(transaction=True)
def test_the_earlier_logs_move_into_the_one_log(bureau, alice):
    """Migrate back to before the one log, write a report event and an import log the old way,
    migrate forward: both are entries, nothing lost."""
    executor = MigrationExecutor(connection)
    before = [("cases", "0011_import_log_running_and_backups"), ("reports", "0001_initial")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    report = old.get_model("reports", "Report").objects.create(bureau_id=bureau.pk, year=2024, title="报告")
    old.get_model("reports", "ReportEvent").objects.create(
        report=report, action="published", detail="第1版", user_id=alice.pk, username="alice"
    )
    log = old.get_model("cases", "ImportLog").objects.create(
        user_id=alice.pk, username="alice", ledger="cases", file_name="旧台账.xlsx", outcome="imported"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = AuditEntry.objects.order_by("id")
    assert [(e.action, e.username, e.object_id, e.detail) for e in moved] == [
        ("import", "alice", log.pk, "导入信访事项：旧台账.xlsx"),
        ("report_published", "alice", report.pk, "第1版"),
    ]
    assert ImportLog.objects.get().file_name == "旧台账.xlsx"
