from pathlib import Path

from django.core.management.base import CommandError

from cases.management.bureau import BureauCommand
from indicators.compute import compute
from indicators.numbers import NumberFormat
from indicators.registry import Period
from reports.proposals import UnreadableFile, propose, read_report_file, with_placeholders


def read_text(path: Path) -> str:
    """A published report as text: a .txt file (UTF-8) or a Word file's paragraphs."""
    try:
        return read_report_file(path.name, path.read_bytes())
    except UnreadableFile as exc:
        raise CommandError(str(exc)) from None


class Command(BureauCommand):
    help = (
        "读取往年已发布的报告（.txt 或 .docx），凡文中数字与该年度台账算出的指标相同之处，"
        "建议改为占位符：输出带 {…} 的全文，并逐条列出建议，供逐条确认。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="报告所属年度")
        parser.add_argument("file", help="往年报告（.txt 或 .docx）")

    def handle(self, *args, year, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        text = read_text(path)
        fmt = NumberFormat.of(self.bureau)  # the rates as the bureau prints them
        figures = {key: f.formatted(fmt) for key, f in compute(self.bureau.pk, Period.year(year)).items()}
        proposals = propose(text, figures, year=year)
        self.stdout.write(with_placeholders(text, proposals))
        self.stdout.write("")
        self.stdout.write(f"共建议 {len(proposals)} 处：")
        for n, p in enumerate(proposals, start=1):
            self.stdout.write(f"{n}. {p.written.strip()} → {p.placeholder}（{p.labels}）")
