"""A no-op task for devtools/bench/tasks.py."""

from django_tasks import task


@task()
def noop() -> None:
    return None
