"""A province's roll-up at scale: `manage.py bench_province [--counties 150] [--cases-per-county 33334]`.

Builds a province in an empty database (devtools.bench.province), then times the province
head's and a city head's roll-up (cold and warm), a county head's dashboard and a county clerk's
case list, and writes the section `province-<database>` of docs/benchmarks.md.
"""

from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection

from cases.models import Bureau
from devtools.bench import write_section
from devtools.bench.indicators import machine
from devtools.bench.province import build_province, measure, section
from devtools.management.tool import ToolCommand


class Command(ToolCommand):
    help = "省级汇总的性能基准：生成多个县级信访局的数据后，测量省、市局长的汇总排名页和县级页面的响应时间"

    def add_arguments(self, parser):
        parser.add_argument("--counties", type=int, default=150)
        parser.add_argument("--cities", type=int, default=15)
        parser.add_argument("--cases-per-county", type=int, default=33_334)
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--output", help="写入结果的 Markdown 文件（如 docs/benchmarks.md）")
        parser.add_argument(
            "--without-search-index", action="store_true", help="PostgreSQL：先删除检索用的 GIN 索引（生成更快）"
        )

    def handle(self, *args, counties, cities, cases_per_county, year, runs, output, without_search_index, **options):
        if Bureau.objects.exists():
            raise CommandError("数据库中已有信访局：省级基准须在空数据库中运行。")
        built = build_province(
            counties=counties,
            cities=cities,
            cases_per_county=cases_per_county,
            year=year,
            without_search_index=without_search_index,
            progress=self.stderr.write,
        )
        timings = measure(built, year=year, runs=runs)
        text = section(built, timings, cases=counties * cases_per_county, machine=machine(), runs=runs)
        self.stdout.write(text)
        if output:
            write_section(Path(output), text, f"province-{connection.vendor}")
