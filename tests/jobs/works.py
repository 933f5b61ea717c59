"""Works registered for the tests only: one that writes and then fails, one that reports progress."""

from cases.jobs.service import JobFailed, work
from cases.models import Bureau, Job, Volunteer

SEEN: list[tuple[str, int, int]] = []


@work
def write_then_fail(ctx, *, name: str, error: str = "") -> None:
    Volunteer.objects.create(bureau=Bureau.current(), name=name, joined_on="2024-03-01")
    ctx.progress(1, 2, "已写入一名志愿者")
    if error == "plain":
        raise ValueError("第 3 行的加入日期无效")
    raise JobFailed("志愿者名单第 3 行缺少加入日期")


@work(atomic=False)
def count_to(ctx, *, n: int) -> None:
    for i in range(1, n + 1):
        ctx._last_write = 0  # every step is written, so that the test can read each one
        ctx.progress(i, n, f"第 {i} 步")
        row = Job.objects.get(pk=ctx.job.pk)
        SEEN.append((row.state, row.done, row.total))
    ctx.save_result("结果.txt", f"共 {n} 步".encode(), "text/plain")
