"""Choosing the task framework (docs/deploy.md, docs/benchmarks.md): django-tasks' database backend
against huey's SqliteHuey, both without a broker, on SQLite. A handful of runs each, not a
benchmark: the enqueue → start latency with a worker waiting, and the cost per task of running
many no-op tasks in one go (the framework's own overhead).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python -m devtools.bench.tasks
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

import django

RUNS = 8
MANY = 100


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenxian_report.settings")
    django.setup()
    from django_tasks import task  # noqa: F401 - the framework, set up
    from django_tasks_db.models import DBTaskResult

    from devtools.bench.tasks_noop import noop

    DBTaskResult.objects.all().delete()
    py = sys.executable
    env = dict(os.environ)

    # django-tasks: latency with a waiting worker polling every 0.1 s and every 1 s (make run's).
    for interval in ("0.1", "1"):
        worker = subprocess.Popen(
            [py, "manage.py", "db_worker", "--no-startup-delay", "--interval", interval],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(3)
        latencies = []
        for _ in range(RUNS):
            result = noop.enqueue()
            while True:
                row = DBTaskResult.objects.get(pk=result.id)
                if row.finished_at:
                    break
                time.sleep(0.02)
            latencies.append((row.started_at - row.enqueued_at).total_seconds())
            time.sleep(0.37)
        worker.terminate()
        worker.wait()
        print(f"django-tasks-db interval {interval}s: enqueue→start {_stats(latencies)}")

    # django-tasks: MANY tasks queued, then one worker runs them all (--batch) — per task.
    started = time.perf_counter()
    for _ in range(MANY):
        noop.enqueue()
    enqueue_each = (time.perf_counter() - started) / MANY
    started = time.perf_counter()
    subprocess.run([py, "manage.py", "db_worker", "--batch", "--no-startup-delay"], env=env, capture_output=True)
    batch = time.perf_counter() - started
    print(f"django-tasks-db: enqueue {enqueue_each * 1000:.1f} ms each; {MANY} tasks run in {batch:.2f} s")

    # huey with SQLite: the same two figures.
    from devtools.bench import huey_tasks

    huey_tasks.huey.storage.flush_queue()
    consumer = subprocess.Popen(
        [os.path.join(os.path.dirname(py), "huey_consumer"), "devtools.bench.huey_tasks.huey", "-w", "1", "-m", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(3)
    latencies = []
    for _ in range(RUNS):
        latencies.append(huey_tasks.noop(time.time()).get(blocking=True, timeout=30))
        time.sleep(0.37)
    print(f"huey SqliteHuey (max delay 0.1 s): enqueue→start {_stats(latencies)}")
    started = time.perf_counter()
    results = [huey_tasks.noop(time.time()) for _ in range(MANY)]
    enqueue_each = (time.perf_counter() - started) / MANY
    for r in results:
        r.get(blocking=True, timeout=60)
    batch = time.perf_counter() - started
    consumer.terminate()
    consumer.wait()
    print(f"huey SqliteHuey: enqueue {enqueue_each * 1000:.1f} ms each; {MANY} tasks done in {batch:.2f} s")


def _stats(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"median {statistics.median(ms):.0f} ms, min {ms[0]:.0f}, max {ms[-1]:.0f} (n={len(ms)})"


if __name__ == "__main__":
    main()
