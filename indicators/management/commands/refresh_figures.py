"""`manage.py refresh_figures`: every bureau's figures of this year, last year and the year
before (last year's year-on-year), computed and stored (indicators.store), so that the first
roll-up of the day reads them instead of counting — this year and last per unit and per month
too, as each bureau's dashboard reads them (its per-unit 同比 reads last year's units). Run it
from cron shortly after midnight; it is safe at any time and while clerks work. A stored year is
rolled to the new day rather than counted again (indicators.store), and one whose deadlines have
all passed stays stored until its records change."""

import time

from django.core.management.base import BaseCommand

from cases.models import Bureau
from cases.models.base import local_today
from cases.scoping import within
from indicators.registry import Period
from indicators.store import bureau_year, figures_by_bureau


class Command(BaseCommand):
    help = "预先计算并保存各信访局本年度和上一年度的全部数字，供上级汇总排名直接读取（建议每日凌晨运行）"

    def handle(self, *args, **options):
        started = time.perf_counter()
        ids = list(Bureau.objects.values_list("pk", flat=True))
        today = local_today()
        for pk in ids:
            with within([pk]):
                for year in (today.year, today.year - 1):
                    bureau_year(pk, Period.year(year, as_of=today))
        with within(ids):
            figures_by_bureau(ids, Period.year(today.year - 2, as_of=today))
        seconds = time.perf_counter() - started
        self.stdout.write(f"已计算 {len(ids)} 个信访局 {today.year - 2}—{today.year} 年度的数字，用时 {seconds:.1f} 秒")
