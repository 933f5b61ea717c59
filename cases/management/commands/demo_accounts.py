from accounts.demo import ensure_demo_accounts
from cases.management.bureau import BureauCommand
from cases.models import Membership


class Command(BureauCommand):
    help = "创建（或重置）每个角色的演示账号，归属 --bureau 指定的信访局，并打印用户名和密码"

    def handle(self, *args, **options):
        self.stdout.write(f"演示账号（{self.bureau}；用户名 / 密码 / 角色）：")
        for user, password, role in ensure_demo_accounts():
            Membership.place(user, self.bureau)
            self.stdout.write(f"  {user.username:<8} {password:<18} {role}")
