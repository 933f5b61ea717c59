"""The one task the framework runs: a Job by its id (cases.jobs.service.run does the rest)."""

from django_tasks import task


@task()
def run_job(job_id: int) -> str:
    from .service import run

    return run(job_id)
