"""`manage.py import_ledger KIND FILE [--dry-run] [--map '列名:原值=选项' ...]`, and
`manage.py import_ledger --undo LOG_ID`.

--map reads a value the ledger writes its own way as an option (信访形式:网上=网上信访,
责任单位:人社局=县人社局), on top of the bureau's remembered mappings; an unknown value without one
is an error naming the --map to add. A real import that writes remembers the --map it used for
the bureau's later imports (browser and command line alike), as confirming a preview does.

--undo takes back what an interrupted import wrote (its log still says 进行中（未完成）): rows it
created are deleted, rows it updated get back the values recorded before the update, and rows
someone changed after the import began are left as they are and listed. The details, and what it
cannot restore, are in cases.ledgers.service.import_undo.
"""

import getpass
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from cases.ledgers.resources import RESOURCES
from cases.ledgers.service import import_ledger, import_undo
from cases.ledgers.values import parse_map
from cases.management.bureau import BureauCommand
from cases.models import AuditEntry, ImportLog, Membership


class Command(BureauCommand):
    help = (
        "导入 Excel 台账（.xlsx）。全部行无误才写入；--dry-run 只检查不写入；"
        "--undo 导入记录编号：撤销一次中断的导入已写入的部分。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", choices=sorted(RESOURCES), help="台账类型")
        parser.add_argument("file", nargs="?", help=".xlsx 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入数据库")
        parser.add_argument("--user", help="记入导入记录的操作人账号")
        parser.add_argument(
            "--undo", type=int, metavar="LOG_ID", help="撤销该导入记录（结果为“进行中（未完成）”）已写入的部分"
        )
        parser.add_argument("--force", action="store_true", help="与 --undo 同用：导入最近仍有写入时也撤销")
        parser.add_argument(
            "--map",
            dest="maps",
            action="append",
            default=[],
            metavar="列名:原值=选项",
            help="把台账中的写法读作某一选项，如 '信访形式:网上=网上信访'；可重复；导入成功后为本局记住",
        )

    def handle(self, *args, kind=None, file=None, dry_run=False, user=None, undo=None, force=False, maps=(), **options):
        if undo is not None:
            if kind or file:
                raise CommandError("--undo 不与台账类型和文件同用")
            return self.undo(undo, force=force)
        if not kind or not file:
            raise CommandError("请给出台账类型和 .xlsx 文件路径（或用 --undo 导入记录编号）")
        mappings = {}
        for text in maps:
            try:
                column, raw, option = parse_map(text)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            mappings[(column, raw)] = option
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"没有名为 {user} 的账号")
            membership = Membership.of(account)
            if membership is None or membership.bureau_id != self.bureau.pk:
                raise CommandError(f"账号 {user} 不属于{self.bureau}")
        progress = _Progress(self.stderr) if options.get("verbosity", 1) > 0 else None
        actor = f"命令行（{getpass.getuser()}）"
        try:
            with path.open("rb") as stream:
                result = import_ledger(
                    kind=kind,
                    file=stream,
                    file_name=path.name,
                    user=account,
                    actor=actor,
                    dry_run=dry_run,
                    progress=progress,
                    mappings=mappings,
                )
        except KeyboardInterrupt:
            started = AuditEntry.objects.filter(
                action=AuditEntry.Action.IMPORT, username=account.get_username() if account else actor
            ).values("object_id")
            running = (
                ImportLog.objects.filter(outcome=ImportLog.Outcome.RUNNING, pk__in=started).order_by("-pk").first()
            )
            if running and not dry_run:
                self.stderr.write(
                    f"\n导入已中断，已写入的部分仍在库中。撤销：manage.py import_ledger --undo {running.pk} --force"
                )
            sys.exit(130)
        if progress:
            progress.done()
        for notice in result.notices:
            self.stderr.write(notice)
        for warning in result.warnings.values():
            self.stderr.write(f"提示：{warning}")
        for line in result.mapping_lines():
            self.stderr.write(f"按映射读取：{line}")
        if not result.ok:
            if result.file_error:
                self.stderr.write(result.file_error)
            hints = {issue_key: issue.map_hint for issue_key, issue in result.value_issues.items()}
            for error in result.errors:
                if error.value in hints:
                    self.stderr.write(f"{error}（请加 {hints[error.value]}）")
                else:
                    self.stderr.write(str(error))
            for issue in result.issues:
                self.stderr.write(
                    f"{issue.column}“{issue.raw}”无法识别（共 {issue.count} 行）：{issue.message} 请加 {issue.map_hint}"
                )
            if result.unlisted_errors:
                self.stderr.write(f"……另有 {result.unlisted_errors} 处错误未列出")
            self.stderr.write(result.summary())
            sys.exit(1)
        prefix = "检查通过（未写入）：" if dry_run else "导入完成："
        self.stdout.write(f"{prefix}{result.summary()}（用时 {result.seconds:.1f} 秒）")

    def undo(self, log_id: int, *, force: bool) -> None:
        log = ImportLog.objects.filter(pk=log_id).first()
        if log is None:
            raise CommandError(f"没有编号为 {log_id} 的导入记录")
        try:
            done = import_undo(log=log, force=force, actor=f"命令行（{getpass.getuser()}）")
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(done.summary())


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
