from django.core.management.base import BaseCommand

from accounts.demo import ensure_demo_accounts


class Command(BaseCommand):
    help = "创建（或重置）每个角色的演示账号并打印用户名和密码"

    def handle(self, *args, **options):
        self.stdout.write("演示账号（用户名 / 密码 / 角色）：")
        for username, password, role in ensure_demo_accounts():
            self.stdout.write(f"  {username:<8} {password:<18} {role}")
