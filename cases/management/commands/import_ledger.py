import getpass
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.ledgers.resources import RESOURCES
from cases.ledgers.service import import_ledger


class Command(BaseCommand):
    help = "导入 Excel 台账（.xlsx）。全部行无误才写入；--dry-run 只检查不写入。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES), help="台账类型")
        parser.add_argument("file", help=".xlsx 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入数据库")
        parser.add_argument("--user", help="记入导入记录的操作人账号")

    def handle(self, *args, kind, file, dry_run, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"没有名为 {user} 的账号")
        progress = _Progress(self.stderr) if options.get("verbosity", 1) > 0 else None
        with path.open("rb") as stream:
            result = import_ledger(
                kind=kind,
                file=stream,
                file_name=path.name,
                user=account,
                actor=f"命令行（{getpass.getuser()}）",
                dry_run=dry_run,
                progress=progress,
            )
        if progress:
            progress.done()
        for notice in result.notices:
            self.stderr.write(notice)
        if not result.ok:
            if result.file_error:
                self.stderr.write(result.file_error)
            for error in result.errors:
                self.stderr.write(str(error))
            if result.unlisted_errors:
                self.stderr.write(f"……另有 {result.unlisted_errors} 处错误未列出")
            self.stderr.write(result.summary())
            sys.exit(1)
        prefix = "检查通过（未写入）：" if dry_run else "导入完成："
        self.stdout.write(f"{prefix}{result.summary()}（用时 {result.seconds:.1f} 秒）")


class _Progress:
    """A one-line progress count on stderr, redrawn in place when stderr is a terminal."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last = 0

    def __call__(self, rows: int, fraction: float) -> None:
        if rows - self.last < 5000 and fraction < 1:
            return
        self.last = rows
        filled = int(fraction * 30)
        text = f"[{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%} 已读取并检查 {rows} 行"
        if self.tty:
            self.stream.write("\r" + text, ending="")
            self.stream.flush()
        else:
            self.stream.write(text)

    def done(self) -> None:
        if self.tty:
            self.stream.write("")
