"""The real worker: `manage.py db_worker` in its own process, against a database file (not the
tests' in-memory database), picks up a job queued through the database backend and finishes it."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from cases.ledgers.export import start_background_export
from cases.ledgers.resources import resource_for
from cases.models import Job, Volunteer
from cases.scoping import acting_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_runs_a_queued_export_to_the_end(settings, tmp_path, bureau, adam):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    for i in range(3):
        Volunteer.objects.create(bureau=bureau, name=f"志愿者{i}", joined_on="2024-03-01")
    with acting_for(bureau):
        job = start_background_export(
            resource_for("volunteers"), Volunteer.objects.all(), user=adam, querystring="", rows=3
        )
    assert Job.objects.get(pk=job.pk).state == "queued"  # nobody has run it: it waits for a worker

    env = {**os.environ, "JOBS_ROOT": str(tmp_path / "jobs"), "DEBUG": "true", "TASKS_BACKEND": ""}
    env.pop("TASKS_BACKEND")
    if connection.vendor == "sqlite":
        database = tmp_path / "worker.sqlite3"
        with sqlite3.connect(database) as copy:
            connection.ensure_connection()
            connection.connection.backup(copy)  # the test's database, committed, into a real file
        env["DATABASE_URL"] = f"sqlite:///{database}"
    else:
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
        )

    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr[-2000:]

    if connection.vendor == "sqlite":
        with sqlite3.connect(database) as copy:
            state, done, total, name, file = copy.execute(
                "SELECT state, done, total, result_name, result_file FROM cases_job WHERE id = ?", [job.pk]
            ).fetchone()
            (task_status,) = copy.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchone()
    else:
        finished = Job.objects.get(pk=job.pk)
        state, done, total, name, file = (
            finished.state,
            finished.done,
            finished.total,
            finished.result_name,
            finished.result_file.name,
        )
        task_status = "SUCCESSFUL"
    assert (state, done, total, task_status) == ("done", 3, 3, "SUCCESSFUL"), worker.stderr[-3000:]
    assert name.startswith("普法志愿者-") and name.endswith(".xlsx")
    assert (tmp_path / "jobs" / file).read_bytes()[:2] == b"PK"
