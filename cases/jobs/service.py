"""Start background work and run it: the helpers every long piece of work uses.

    @work(atomic=False)
    def export_something(ctx, *, year):
        ctx.progress(0, 100, _("正在读取数据"))
        ...
        ctx.save_result("名称.pdf", data, "application/pdf")

    job = enqueue(export_something, user=request.user, kind=Job.Kind.REPORT_EXPORT,
                  title=_("2024年报告（PDF）"), arguments={"year": 2024}, permission="reports.export_report")
    return redirect(job_url(job))

A failed job changed nothing: an `atomic` work (the default) runs in one transaction, rolled back
when it raises, and reports its progress only from memory until then (on SQLite a transaction holds
the database's write lock, so a progress row written beside it would wait for it). A read-only work
(`atomic=False`: exports) reports progress as it goes; whatever it writes (its activity-log entry,
the result file, the job's completion) is written together at its end. Either way the result file
of a failed job is deleted and the job says why, in Chinese.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from cases.models import Bureau, Job, Membership
from cases.scoping import acting_for, scopes_disabled

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between two progress rows (the last one is always written)


@dataclass(frozen=True)
class _Work:
    fn: Callable
    atomic: bool


_WORKS: dict[str, _Work] = {}


class JobFailed(Exception):
    """Raised by a work to fail with a message the clerk reads as it is (in Chinese)."""


def work(fn: Callable | None = None, *, atomic: bool = True):
    """Register `fn` as background work: only registered functions are ever run by the worker."""

    def register(fn):
        _WORKS[_path(fn)] = _Work(fn, atomic)
        return fn

    return register(fn) if fn is not None else register


def _path(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def enqueue(
    fn: Callable,
    *,
    user,
    kind: str,
    title: str,
    arguments: dict | None = None,
    permission: str = "",
    personal: bool = False,
    total: int = 0,
    bureau: Bureau | None = None,
) -> Job:
    """Record a job for `user` and hand it to the worker; returns the Job (its page: `job_url`)."""
    path = _path(fn)
    if path not in _WORKS:
        raise ValueError(f"{path} is not registered with @work")
    job = Job.objects.create(
        bureau=bureau or Bureau.current(),
        user=user,
        kind=kind,
        title=str(title)[:200],
        work=path,
        arguments=arguments or {},
        permission=permission,
        personal=personal,
        total=total,
        message=_("等待后台处理"),
    )
    result = run_job.enqueue(job.pk)
    # An immediate backend (tests) has run the job already; only the task's id is added here.
    Job._base_manager.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def job_url(job: Job) -> str:
    return reverse("jobs:detail", args=[job.pk])


class JobContext:
    """What a running work gets: the job, its user, progress reporting and the result."""

    def __init__(self, job: Job, *, atomic: bool):
        self.job = job
        self.user = job.user
        self.atomic = atomic
        self._last_write = 0.0
        self._file: tuple[str, bytes, str] | None = None
        self.result_url = ""

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        job = self.job
        job.done = max(0, int(done))
        if total is not None:
            job.total = max(0, int(total))
        if message is not None:
            job.message = str(message)[:300]
        now = time.monotonic()
        last = bool(job.total) and job.done >= job.total
        if self.atomic or (now - self._last_write < PROGRESS_EVERY and not last):
            return
        self._last_write = now
        Job._base_manager.filter(pk=job.pk).update(done=job.done, total=job.total, message=job.message)

    def save_result(self, name: str, data: bytes, content_type: str) -> None:
        """Keep `data` as the job's result file (written when the work has succeeded)."""
        self._file = (name, data, content_type)

    def link_result(self, url: str) -> None:
        self.result_url = url

    def _finish(self) -> None:
        job = self.job
        if self._file is not None:
            name, data, content_type = self._file
            suffix = name.rsplit(".", 1)[-1] if "." in name else "bin"
            job.result_file.save(f"job-{job.pk}.{suffix}", ContentFile(data), save=False)
            job.result_name = name[:200]
            job.result_type = content_type[:120]
        job.result_url = self.result_url
        job.state = Job.State.DONE
        if job.total:
            job.done = job.total
        if not job.message or job.message in (_("等待后台处理"), _("正在处理")):
            job.message = _("已完成")
        job.finished_at = timezone.now()
        job.save()


def run(job_id: int) -> str:
    """Run the job `job_id` (in the worker): once, inside its user's bureau; returns its state."""
    with scopes_disabled():
        job = Job.objects.select_related("bureau", "user").filter(pk=job_id).first()
        if job is None or job.state != Job.State.QUEUED:
            return job.state if job else "missing"
        membership = Membership.of(job.user)
    job.state = Job.State.RUNNING
    job.started_at = timezone.now()
    job.message = _("正在处理")
    claimed = Job._base_manager.filter(pk=job.pk, state=Job.State.QUEUED).update(
        state=job.state, started_at=job.started_at, message=job.message
    )
    if not claimed:  # taken meanwhile (the same job queued twice)
        return Job.State.RUNNING
    unit = membership.unit if membership and membership.bureau_id == job.bureau_id else None
    try:
        entry = _WORKS.get(job.work)
        if entry is None:
            import_string(job.work)  # the module registers its works when imported
            entry = _WORKS.get(job.work)
        if entry is None:
            raise JobFailed(_("未知的后台任务类型：%(work)s") % {"work": job.work})
        ctx = JobContext(job, atomic=entry.atomic)
        with acting_for(job.bureau, unit):
            if entry.atomic:
                with transaction.atomic():
                    entry.fn(ctx, **job.arguments)
                    ctx._finish()
            else:
                entry.fn(ctx, **job.arguments)
                with transaction.atomic():
                    ctx._finish()
    except Exception as exc:
        if isinstance(exc, JobFailed):
            logger.info("job %s failed: %s", job_id, exc)
        else:
            logger.exception("job %s failed", job_id)
        if job.result_file:
            job.result_file.delete(save=False)
        Job._base_manager.filter(pk=job.pk).update(
            state=Job.State.FAILED,
            error=failure_text(exc),
            message=_("失败，未做任何更改"),
            result_file="",
            finished_at=timezone.now(),
        )
        return Job.State.FAILED
    return Job.State.DONE


def failure_text(exc: Exception) -> str:
    """Why the job failed, as the clerk reads it."""
    if isinstance(exc, JobFailed):
        return str(exc)
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return _("后台处理时出错（%(kind)s）：%(error)s") % {"kind": type(exc).__name__, "error": exc}


@task()
def run_job(job_id: int) -> str:
    """The one task the framework runs: a Job by its id."""
    return run(job_id)
