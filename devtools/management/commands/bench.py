"""`manage.py bench`: indicators and the dashboard at several sizes; see `devtools.bench.indicators`.

It deletes and regenerates the ledgers for each size, so it refuses a database that already
holds a bureau: run it on a throw-away one (scripts/bench.sh does).
"""

from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import override_settings

from cases.models import Bureau
from cases.models.base import local_today
from devtools import synthetic
from devtools.bench import indicators as bench
from devtools.bench import write_section
from devtools.management.tool import ToolCommand


def sizes(value: str) -> list[int]:
    try:
        result = [int(v.replace("_", "")) for v in value.split(",") if v.strip()]
    except ValueError as exc:
        raise CommandError(f"--sizes 应为以逗号分隔的件数，如 10000,100000：{value}") from exc
    if not result or min(result) < 1:
        raise CommandError("--sizes 至少一个正整数。")
    return result


class Command(ToolCommand):
    help = "在一次性数据库中生成模拟数据，测量指标计算和首页的耗时，写成 Markdown 表格。"

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=sizes, default=list(bench.DEFAULT_SIZES), help="逗号分隔的件数")
        parser.add_argument("--year", type=int, default=local_today().year - 1, help="数据年度（默认去年）")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--runs", type=int, default=5, help="每项测量的次数（取中位数）")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--label", help="结果小节名（默认数据库类型：sqlite / postgresql）")
        parser.add_argument("--output", type=Path, help="写入（或更新）的 Markdown 文件；不给则输出到屏幕")
        parser.add_argument("--plans", action="store_true", help="附上最大规模下主要查询的执行计划")

    def handle(self, *args, sizes, year, seed, runs, batch_size, label, output, plans, verbosity, **options):
        if Bureau.objects.exists():
            raise CommandError(
                "基准测试会删除并重建台账数据，只能在空的一次性数据库上运行，例如："
                "DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py migrate && … bench"
            )
        if runs < 1:
            raise CommandError("--runs 至少为1。")
        label = label or connection.vendor
        info = bench.machine()
        bureau = synthetic.ensure_bureau("基准测试县信访局")

        def log(message):
            if verbosity >= 1:
                self.stderr.write(message)

        results = []
        # SQL logging under DEBUG would slow every query and keep up to 9000 statements in memory.
        with override_settings(DEBUG=False):
            for i, n in enumerate(sorted(sizes)):
                result = bench.bench_size(
                    bureau=bureau,
                    cases=n,
                    year=year,
                    seed=seed,
                    runs=runs,
                    batch_size=batch_size,
                    log=log,
                    plans=plans and i == len(sizes) - 1,
                )
                results.append(result)
                log(
                    f"{n}: 生成 {result.generate_s:.1f}s, compute() {result.compute_ms:.1f} ms, "
                    f"扫描 {result.raw_ms:.1f} ms ({result.ratio:.2f}×), 首页 {bench._ms(result.dashboard.warm_ms)} ms"
                )
        section = bench.markdown(label, results, info, year=year, runs=runs)
        if output:
            write_section(output, section, label)
            log(f"已写入 {output}")
        else:
            self.stdout.write(section)
