"""`manage.py build_demo`: write fixtures/demo.json, the demo ledgers of 温县信访局 and, beside it,
焦作市信访局 above it and 武陟县信访局 under the same city; see
`devtools.demo`. The same bytes come out every time, so the shipped file can be checked against
a fresh build (tests/devtools/test_demo.py)."""

from pathlib import Path

from django.conf import settings

from devtools import demo
from devtools.management.tool import ToolCommand


class Command(ToolCommand):
    help = (
        "生成演示数据 fixtures/demo.json（温县信访局 2023—2026 年台账，及焦作市信访局、武陟县信访局 "
        "2023—2024 年台账；每次生成的内容完全相同）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=Path(settings.BASE_DIR) / "fixtures" / "demo.json", help="写入的文件"
        )

    def handle(self, *args, output, **options):
        rows, warnings = demo.build()
        output.write_text(demo.render(rows), encoding="utf-8")
        for warning in warnings:
            self.stderr.write(self.style.WARNING(f"提示：{warning}"))
        self.stdout.write(f"已写入 {output}：{len(rows)} 条记录")
