"""Time the case page (/cases/<pk>/) for a few kinds of case; see `devtools.bench.case_page`.

    manage.py bench_case_page [--runs 5] [--log-entries 200] [--output docs/benchmarks.md]

Run it on a database filled by generate_synthetic. Prints a Markdown table: each case, its
number, the queries of one request and the median time of `--runs` requests; with --output,
writes it as the section `case-page-<database>` of that file.
"""

from pathlib import Path

from django.db import connection

from cases.models import PetitionCase
from devtools.bench import case_page, write_section
from devtools.bench.indicators import machine
from devtools.management.tool import ToolCommand


class Command(ToolCommand):
    help = "测量信访事项办理页（时间轴）的响应时间"

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--log-entries", type=int, default=200, help="最新一件写入的操作记录条数")
        parser.add_argument("--output", help="写入结果的 Markdown 文件（如 docs/benchmarks.md）")

    def handle(self, *args, runs, log_entries, output, **options):
        info = machine()  # the load average before the run
        rows = case_page.bench_case_page(runs=runs, log_entries=log_entries)
        if not rows:
            self.stderr.write("没有信访事项：请先运行 generate_synthetic。")
            return
        text = case_page.markdown(rows, PetitionCase._base_manager.count(), runs, info)
        self.stdout.write(text)
        if output:
            write_section(Path(output), text, f"case-page-{connection.vendor}")
