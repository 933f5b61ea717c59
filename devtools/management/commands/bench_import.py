"""`manage.py bench_import PHASE [ROWS]`: one phase of the Excel import and export bench; see
`devtools.bench.imports`. Run it on a throw-away database: baseline and import empty the ledger.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 manage.py migrate
    for phase in baseline export import; do
        DATABASE_URL=sqlite:////tmp/bench.sqlite3 manage.py bench_import $phase 100000
    done
"""

from pathlib import Path

from devtools.bench import imports
from devtools.management.tool import ToolCommand


class Command(ToolCommand):
    help = "测量信访事项台账的Excel导入导出（每个阶段单独运行一次，以得到该阶段的峰值内存）。"

    def add_arguments(self, parser):
        parser.add_argument("phase", choices=imports.PHASES)
        parser.add_argument("rows", type=int, nargs="?", default=100_000, help="baseline 写入的件数")
        parser.add_argument("--file", type=Path, default=imports.FILE, help="导出、导入所用的 .xlsx 文件")
        parser.add_argument("--output", type=Path, help="把本阶段的结果写入（或更新）该 Markdown 文件")

    def handle(self, *args, phase, rows, file, output, **options):
        lines = imports.run(phase, rows, file=file)
        for line in lines:
            self.stdout.write(line)
        if output:
            imports.write(output, lines, rows)
