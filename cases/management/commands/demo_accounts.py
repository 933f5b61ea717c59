from accounts import roles
from accounts.demo import ensure_demo_accounts
from cases.management.bureau import BureauCommand
from cases.models import Bureau, Membership, Unit

# Accounts in the bureaus around the demo's own (the demo data's 焦作 above 温县, 武陟 beside it):
# username, password, role, display name, bureau. Skipped where that bureau is not there.
NEIGHBOURS = (
    ("city-head", "city-head-demo-2024", roles.HEAD, "焦作市局长（演示）", "焦作市信访局"),
    ("wuzhi-clerk", "wuzhi-clerk-demo-2024", roles.CLERK, "武陟县登记员（演示）", "武陟县信访局"),
)


class Command(BureauCommand):
    help = (
        "创建（或重置）每个角色的演示账号，归属 --bureau 指定的信访局，并打印用户名和密码；"
        "演示数据中有焦作市信访局、武陟县信访局时，另建其局长、登记员账号各一个"
    )

    def handle(self, *args, **options):
        # The unit's officer works in the bureau's first township (温泉街道 in the demo).
        unit = Unit.objects.filter(bureau=self.bureau, kind=Unit.Kind.TOWNSHIP).order_by("sort_order", "pk").first()
        self.stdout.write(f"演示账号（{self.bureau}；用户名 / 密码 / 角色）：")
        for user, password, role in ensure_demo_accounts(without=() if unit else (roles.UNIT,)):
            Membership.place(user, self.bureau, unit if role == roles.UNIT else None)
            where = f"（{unit}）" if role == roles.UNIT else ""
            self.stdout.write(f"  {user.username:<8} {password:<18} {role}{where}")
        for username, password, role, display, name in NEIGHBOURS:
            bureau = Bureau.objects.filter(name=name).first()
            if bureau is None or bureau == self.bureau:
                continue
            [(user, password, role)] = ensure_demo_accounts([(username, password, role, display)])
            Membership.place(user, bureau)
            self.stdout.write(f"  {user.username:<8} {password:<18} {role}（{bureau}）")
