"""`manage.py bench_import_export [ROWS]`: django-import-export's import_data() beside ours on the
same petition-case file; see `devtools.bench.import_export`. Run it on a throw-away database: it
empties the case ledger.

    DATABASE_URL=sqlite:////tmp/bench-iex.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench-iex.sqlite3 manage.py bench_import_export 20000 --output docs/benchmarks.md
"""

from pathlib import Path

from devtools.bench import import_export
from devtools.management.tool import ToolCommand


class Command(ToolCommand):
    help = "对比 django-import-export 的 import_data() 与本系统导入信访事项台账的耗时（同一文件、同一次运行）。"

    def add_arguments(self, parser):
        parser.add_argument("rows", type=int, nargs="?", default=20_000, help="导入的件数")
        parser.add_argument("--file", type=Path, default=import_export.FILE, help="所用的 .xlsx 文件")
        parser.add_argument("--output", type=Path, help="把结果写入（或更新）该 Markdown 文件")
        parser.add_argument("--quick", action="store_true", help="只测本系统导入、导出和批量模式（用于重复测量）")

    def handle(self, *args, rows, file, output, quick, **options):
        lines = import_export.run(rows, file=file, quick=quick)
        for line in lines:
            self.stdout.write(line)
        if output:
            import_export.write(output, lines, rows)
