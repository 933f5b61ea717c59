"""`manage.py derive_repeats --bureau B --year Y [--dry-run]`: recompute 初次/重复信访 and 一次性化解
of a year's cases by the rule (cases.repeats), printing how each figure would change.

Existing and imported cases keep their recorded flags until this is run. Overridden flags (a
reason given) are kept. Without --dry-run every change is written and logged; with it, the same
work is done inside a transaction that is rolled back, so the figures printed are those the
indicators would show, and nothing is written. (A command of the indicators' room: it reads
their figures; the rule itself is cases.repeats.)
"""

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction

from cases import repeats
from cases.audit import log_action
from cases.management.bureau import BureauCommand
from cases.models import AuditEntry, PetitionCase
from indicators import compute, numbers
from indicators.registry import INDICATORS, Period

FIGURES = ("repeat_petition_rate", "one_time_resolution_rate", "initial_one_time_resolution_rate")


class _DryRun(Exception):
    pass


class Command(BureauCommand):
    help = (
        "按信访史重新认定某年度信访事项的初次/重复信访和一次性化解（已填写改定理由的不变）；--dry-run 只显示变化不写入"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="登记年度")
        parser.add_argument("--dry-run", action="store_true", help="只显示各项指标将如何变化，不写入")
        parser.add_argument("--user", help="记入修改记录的操作人账号")

    def handle(self, *args, year, dry_run=False, user=None, **options):
        if not 1900 <= year <= 2100:
            raise CommandError("年度应为四位数字，如 2025。")
        account = get_user_model().objects.filter(username=user).first() if user else None
        if user and account is None:
            raise CommandError(f"没有账号“{user}”。")
        actor = "" if account else f"derive_repeats ({getpass.getuser()})"
        period = Period.year(year)
        labels = {i.key: i.label for i in INDICATORS}
        before = compute.compute(self.bureau.pk, period, keys=list(FIGURES))
        changed = {"is_initial": 0, "resolved_first_time": 0}
        cases = 0
        try:
            with transaction.atomic():
                for case in (
                    PetitionCase.objects.in_year(year)
                    .filter(bureau=self.bureau)
                    .select_related("bureau")
                    .order_by("received_on", "pk")
                    .iterator(chunk_size=2000)
                ):
                    changes = repeats.refresh(case)
                    for name in changes:
                        changed[name] += 1
                    cases += bool(changes)
                    case.save(update_fields=["is_initial", "resolved_first_time", "flags_derived", "updated_at"])
                    if changes:
                        log_action(
                            case,
                            user=account,
                            username=actor,
                            action=AuditEntry.Action.UPDATE,
                            changes=changes,
                            source=AuditEntry.Source.SYSTEM,
                            detail="derive_repeats：按信访史重新认定",
                        )
                after = compute.compute(self.bureau.pk, period, keys=list(FIGURES))
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        head = "（试运行，未写入）" if dry_run else "（已写入）"
        self.stdout.write(f"{self.bureau} {year}年 重新认定初次/重复信访和一次性化解{head}")
        fmt = numbers.NumberFormat.of(self.bureau)  # printed the bureau's way
        for key in FIGURES:
            was, now = before[key].formatted(fmt).display, after[key].formatted(fmt).display
            self.stdout.write(f"  {labels[key]}：{was} → {now}")
        initial, resolved = changed["is_initial"], changed["resolved_first_time"]
        self.stdout.write(f"  变化的事项：{cases} 件（初次/重复 {initial} 件，一次性化解 {resolved} 件）")
