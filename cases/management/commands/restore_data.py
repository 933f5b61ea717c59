from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "用备份替换数据库的全部内容（先核对校验清单）；恢复前请停止应用服务"

    def add_arguments(self, parser):
        parser.add_argument("path", help="backup_data 写出的备份文件")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not options["yes"]:
            answer = input(f"将用 {path} 替换当前数据库的全部数据，确定吗？输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，数据库未做任何改动。")
        try:
            manifest = backup_restore(path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已从 {path} 恢复（备份时间 {manifest['created_at']}）")
