"""A login while a long import runs, on a SQLite file database of its own (not the suite's, which
is in memory and shares no write lock): run by test_import_batches.py as

    DATABASE_URL=sqlite:///… SQLITE_TIMEOUT=1 python -m tests.cases.ledgers.concurrent_login ROWS BATCH

The import runs in a thread. When its first batch is done, its progress callback waits until the
main thread has logged in, so the login happens while the import is certainly still running, at a
point where the old importer held the write lock (its one transaction). Prints a JSON summary."""

import json
import os
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenxian_report.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from cases.ledgers import service  # noqa: E402
from cases.models import Bureau, ImportLog, Membership, PetitionCase, Unit  # noqa: E402
from cases.scoping import acting_for, scopes_disabled  # noqa: E402
from tests.cases.ledgers.test_import_cases import case_row, file_with  # noqa: E402


def main(rows: int, batch: int) -> dict:
    setup_test_environment()  # the test client's host is allowed
    call_command("migrate", verbosity=0)
    bureau = Bureau.objects.create(name="测试县信访局", county="测试县", short_county="测试")
    Unit.objects.create(bureau=bureau, name="温泉街道", kind=Unit.Kind.TOWNSHIP)
    Unit.objects.create(bureau=bureau, name="县住建局", kind=Unit.Kind.DEPARTMENT)
    Membership.place(User.objects.create_user("alice", password="pw-alice"), bureau)
    ledger = []
    for i in range(rows):
        row = case_row(i % 200)
        row[0] = f"C-{i:05d}"
        ledger.append(row)
    data = file_with(ledger)

    service.BATCH = batch
    first_batch_done, logged_in = threading.Event(), threading.Event()
    outcome: dict = {}

    def progress(done_rows, fraction):
        if not first_batch_done.is_set():
            outcome["log_while_running"] = ImportLog.objects.values_list("outcome", flat=True).first()
            first_batch_done.set()
            logged_in.wait(timeout=60)

    def run_import():
        try:
            with acting_for(Bureau.objects.get()):  # a thread starts outside any scope
                result = service.import_ledger(
                    kind="cases", file=data, file_name="台账.xlsx", dry_run=False, progress=progress
                )
            outcome["import_ok"] = result.ok
            outcome["import_errors"] = [str(e) for e in result.errors[:3]] + [result.file_error]
        finally:
            first_batch_done.set()
            connections.close_all()

    importer = threading.Thread(target=run_import)
    importer.start()
    assert first_batch_done.wait(timeout=120), "the import did not get through its first batch"
    started = time.monotonic()
    response = Client(raise_request_exception=False).post(
        "/accounts/login/", {"username": "alice", "password": "pw-alice"}, REMOTE_ADDR="10.0.0.5"
    )
    outcome["login_seconds"] = round(time.monotonic() - started, 2)
    outcome["login_status"] = response.status_code
    outcome["import_still_running"] = importer.is_alive()
    logged_in.set()
    importer.join(timeout=300)
    outcome["cases"] = PetitionCase.objects.count()
    outcome["log_after"] = ImportLog.objects.values_list("outcome", flat=True).get()
    return outcome


if __name__ == "__main__":
    with scopes_disabled():  # the set-up and the counts; the import itself acts for the bureau
        print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2])), ensure_ascii=False))
