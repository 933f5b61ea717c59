from accounts import roles
from accounts.demo import ensure_demo_accounts
from cases.management.bureau import BureauCommand
from cases.models import Membership, Unit


class Command(BureauCommand):
    help = "创建（或重置）每个角色的演示账号，归属 --bureau 指定的信访局，并打印用户名和密码"

    def handle(self, *args, **options):
        # The unit's officer works in the bureau's first township (温泉街道 in the demo).
        unit = Unit.objects.filter(bureau=self.bureau, kind=Unit.Kind.TOWNSHIP).order_by("sort_order", "pk").first()
        self.stdout.write(f"演示账号（{self.bureau}；用户名 / 密码 / 角色）：")
        for user, password, role in ensure_demo_accounts(without=() if unit else (roles.UNIT,)):
            Membership.place(user, self.bureau, unit if role == roles.UNIT else None)
            where = f"（{unit}）" if role == roles.UNIT else ""
            self.stdout.write(f"  {user.username:<8} {password:<18} {role}{where}")
