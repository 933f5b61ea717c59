"""`manage.py refresh_figures`: every bureau's figures of this year, last year and the year
before (last year's year-on-year), computed and stored (indicators.store), so that the first
roll-up of the day reads them instead of counting. Run it from cron shortly after midnight; it is
safe at any time and while clerks work. A year whose deadlines have all passed stays stored
until its records change, so only this year and last are counted again each night."""

import time

from django.core.management.base import BaseCommand

from cases.models import Bureau
from cases.models.base import local_today
from cases.scoping import within
from indicators.registry import Period
from indicators.store import figures_by_bureau


class Command(BaseCommand):
    help = "预先计算并保存各信访局本年度和上一年度的全部数字，供上级汇总排名直接读取（建议每日凌晨运行）"

    def handle(self, *args, **options):
        started = time.perf_counter()
        ids = list(Bureau.objects.values_list("pk", flat=True))
        today = local_today()
        with within(ids):
            for year in (today.year, today.year - 1, today.year - 2):
                figures_by_bureau(ids, Period.year(year, as_of=today))
        seconds = time.perf_counter() - started
        self.stdout.write(f"已计算 {len(ids)} 个信访局 {today.year - 2}—{today.year} 年度的数字，用时 {seconds:.1f} 秒")
