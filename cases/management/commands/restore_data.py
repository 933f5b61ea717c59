import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from cases.backup import BackupError, backup_restore, read_manifest
from cases.signals import records_changed


class Command(BaseCommand):
    help = (
        "用备份替换数据库的全部内容；先核对校验清单的签名与 SHA-256，SQLite 还核对文件完整性与数据结构，"
        "全部通过后才替换。恢复前请停止应用服务"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="backup_data 写出的备份文件（校验清单须在其旁边）")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复（没有终端时必须加）")
        parser.add_argument(
            "--allow-unsigned",
            action="store_true",
            help="接受没有签名或签名无法核对的校验清单（旧版本的备份，或原服务器的 SECRET_KEY 已遗失）；"
            "SHA-256、完整性与数据结构照常核对",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        allow_unsigned = options["allow_unsigned"]
        try:
            manifest, warnings = read_manifest(path, allow_unsigned=allow_unsigned)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for warning in warnings:
            self.stderr.write(self.style.WARNING(warning))
        if not options["yes"]:
            self.confirm(path, manifest)
        try:
            restored = backup_restore(path=path, allow_unsigned=allow_unsigned)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:  # e.g. no room or no permission for the checked copy beside the database
            raise CommandError(f"恢复失败：{exc}") from exc
        self.stdout.write(f"已从 {path} 恢复（备份时间 {restored.manifest['created_at']}）")
        if restored.attachments:
            self.stdout.write(f"已写回附件 {restored.attachments} 个（逐个核对了 SHA-256）")
        for warning in restored.warnings[len(warnings) :]:
            self.stderr.write(self.style.WARNING(warning))
        # Every figure cached from the replaced data is out of date. Robust: with an older schema
        # (migrate still to run) a listener may find its tables missing; the restore stands.
        connections.close_all()
        records_changed.send_robust(sender=type(self), bureau=None, years=None)
        if restored.pending_migrations:
            pending = restored.pending_migrations
            self.stdout.write(
                self.style.WARNING(
                    f"备份的数据结构早于当前代码（还差 {len(pending)} 个迁移，如 {pending[0]}）："
                    "请先运行 manage.py migrate，再启动应用服务。"
                )
            )

    def confirm(self, path: Path, manifest: dict) -> None:
        stdin = sys.stdin
        try:
            interactive = stdin is not None and stdin.isatty()
        except (AttributeError, ValueError, OSError):
            interactive = False
        if not interactive:
            raise CommandError("没有可以确认的终端（标准输入不是终端），数据库未做任何改动。确认要恢复时请加 --yes。")
        try:
            answer = input(
                f"将用 {path}（备份时间 {manifest['created_at']}）替换当前数据库的全部数据，确定吗？输入 yes 继续："
            )
        except (EOFError, KeyboardInterrupt):
            raise CommandError("未得到确认，已取消，数据库未做任何改动。") from None
        if answer.strip().lower() != "yes":
            raise CommandError("已取消，数据库未做任何改动。")
