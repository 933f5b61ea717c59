"""huey's side of devtools/bench/tasks.py: a no-op task on a SqliteHuey queue (no Django). huey is
not a dependency of the product: `.venv/bin/pip install huey` before running the comparison."""

import os
import time

from huey import SqliteHuey

huey = SqliteHuey(filename=os.environ.get("HUEY_FILE", "/tmp/wenxian-huey-bench.sqlite3"))


@huey.task()
def noop(enqueued: float) -> float:
    return time.time() - enqueued  # seconds from enqueue to start
