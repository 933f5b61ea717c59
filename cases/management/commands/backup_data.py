import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "在系统照常使用时写出数据库的一致性备份（SQLite 在线备份 / PostgreSQL pg_dump），"
        "并生成以 SECRET_KEY 签名的校验清单；附件另存为旁边的 .attachments.tar；文件仅属主可读写（0600）"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="备份文件路径；默认 backups/wenxian-<时间>.backup（新建的目录仅属主可访问，0700）"
        )

    def handle(self, *args, **options):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = Path(options["output"] or f"backups/wenxian-{stamp}.backup")
        try:
            manifest = backup_create(path=path)
        except (BackupError, OSError) as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        self.stdout.write(f"已备份到 {path}（{manifest['size']} 字节，SHA-256 {manifest['sha256']}，清单已签名）")
        if "attachments" in manifest:
            files = manifest["attachments"]
            self.stdout.write(
                f"附件 {files['count']} 个已备份到 {path.parent / files['file']}"
                f"（{files['size']} 字节，SHA-256 {files['sha256']}）"
            )
