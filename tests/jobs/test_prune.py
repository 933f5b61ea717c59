"""`manage.py prune_jobs`: finished jobs older than the days given go, with their files."""

import datetime
import io

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from cases.models import Job


def test_old_finished_jobs_and_their_files_are_removed(settings, tmp_path, bureau, alice):
    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    now = timezone.now()

    def job(state, days_ago, title):
        row = Job(bureau=bureau, user=alice, kind="other", title=title, work="x", state=state)
        row.finished_at = now - datetime.timedelta(days=days_ago) if state in ("done", "failed") else None
        row.result_file.save(f"{title}.txt", ContentFile(b"x"), save=True)
        return row

    old = job("done", 31, "旧")
    job("failed", 40, "旧失败")
    job("done", 5, "新")
    job("running", 0, "进行中")
    out = io.StringIO()
    call_command("prune_jobs", "--days", "30", stdout=out)

    assert sorted(Job.objects.values_list("title", flat=True)) == ["新", "进行中"]
    assert not (tmp_path / old.result_file.name).exists()
    assert sorted(p.name for p in tmp_path.rglob("*.txt")) == ["新.txt", "进行中.txt"]
    assert out.getvalue().strip() == "已删除 2 个后台任务、2 个结果文件（30 天前结束的）。"
