"""Synthetic ledgers at any scale: `manage.py generate_synthetic --cases 100000 --year 2024`.

Numbers run "YYYY-0000001" upwards per bureau. A second run for the same bureau and year refuses
unless --append, which continues after the highest existing number (and, the starting number
being part of the seed, draws different records).
"""

import resource
import sys

from django.core.management.base import CommandError

from cases.signals import records_changed
from devtools import synthetic
from devtools.management.tool import ToolCommand


class Command(ToolCommand):
    help = "生成可复现的模拟台账数据（信访事项及其他各类台账），用于演示、压力测试和性能基准。"

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="信访事项件数")
        parser.add_argument("--year", type=int, required=True, help="登记年度")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--bureau", help="信访局名称；不存在则创建（默认：已有的第一个信访局）")
        parser.add_argument("--append", action="store_true", help="该年度已有数据时，接续编号追加")
        parser.add_argument("--batch-size", type=int, default=5000, help="每批写入的件数")

    def handle(self, *args, cases, year, seed, bureau, append, batch_size, verbosity, **options):
        if cases < 0 or batch_size < 1:
            raise CommandError("--cases 不能为负数，--batch-size 至少为1。")
        bureau_obj = synthetic.ensure_bureau(bureau)

        def progress(done, total):
            if verbosity >= 2 or (verbosity >= 1 and (done == total or done % 100_000 == 0)):
                self.stderr.write(f"  {done}/{total}")

        try:
            result = synthetic.generate(
                cases=cases,
                year=year,
                seed=seed,
                bureau=bureau_obj,
                append=append,
                batch_size=batch_size,
                progress=progress,
            )
        except (synthetic.AlreadyGenerated, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        # Bulk inserts send no model signals: say that the records changed. Every year of the
        # bureau, not only `year`: the volunteers it adds stay active in the years after, and the
        # roadmap postings count in every year from theirs.
        records_changed.send(sender=type(self), bureau=bureau_obj, years=None)
        for warning in sorted(result.warnings):
            self.stderr.write(self.style.WARNING(warning))
        # ru_maxrss is in KiB on Linux, bytes on macOS.
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 1024**2)
        counts = "，".join(f"{k} {v}" for k, v in result.counts.items())
        self.stdout.write(
            f"{result.bureau}：{result.first_number}…{result.last_number}；{counts}；"
            f"用时 {result.seconds:.1f} 秒，峰值内存 {rss:.0f} MiB"
        )
