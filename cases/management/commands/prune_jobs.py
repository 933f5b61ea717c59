"""Forget finished background jobs older than --days (default 30): their rows and result files;
and the uploads kept for an import's confirmation (with the previews of background checks) once
they are a day old, or their check's job is forgotten.

Result files may hold personal data (an unmasked ledger export); they can be made again, so they
are not kept for ever. Run it from cron beside django-tasks-db's own `prune_db_task_results`:

    manage.py prune_jobs --days 30
"""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.ledgers import kept
from cases.models import Job
from cases.scoping import scopes_disabled


class Command(BaseCommand):
    help = "删除超过指定天数的已结束后台任务及其结果文件"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="保留天数（默认 30）")

    def handle(self, *args, days: int, **options):
        cutoff = timezone.now() - datetime.timedelta(days=days)
        with scopes_disabled():  # every bureau's jobs: the command keeps no one's records
            old = Job.objects.filter(state__in=[Job.State.DONE, Job.State.FAILED], finished_at__lt=cutoff)
            files = 0
            for job in old.exclude(result_file=""):
                job.result_file.delete(save=False)
                files += 1
            for arguments in old.filter(kind=Job.Kind.LEDGER_CHECK).values_list("arguments", flat=True):
                kept.forget(str(arguments.get("token", "")))
            count, _ = old.delete()
        self.stdout.write(f"已删除 {count} 个后台任务、{files} 个结果文件（{days} 天前结束的）。")
        uploads = kept.sweep()
        if uploads:
            self.stdout.write(f"已删除 {uploads} 个超过一天未确认的导入文件及检查结果。")
