"""Time registration's person look-up: `manage.py bench_people [--persons 1000] [--runs 5]
[--bureau NAME] [--output docs/benchmarks.md]`.

Run it on a database filled by generate_synthetic (a million cases for the issue's target). Gives
`--persons` of the bureau's ID numbers a person record linked to their cases (devtools.bench.people),
then prints the look-up's timings and writes the section `people-<database>` of the output.
"""

from pathlib import Path

from django.core.management.base import CommandError

from cases.models import Bureau, PetitionCase, Petitioner
from devtools.bench import write_section
from devtools.bench.indicators import machine
from devtools.bench.people import link_persons, measure, section
from devtools.management.tool import ToolCommand


class Command(ToolCommand):
    help = "登记时按身份证号、电话、姓名查找信访人及其以往事项的响应时间"

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=1000, help="为多少个身份证号建立信访人档案")
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--bureau", help="信访局名称或编号；只有一个信访局时可省略")
        parser.add_argument("--output", help="写入结果的 Markdown 文件（如 docs/benchmarks.md）")

    def handle(self, *args, persons, runs, bureau, output, **options):
        try:
            target = Bureau.objects.resolve(bureau)
        except (Bureau.DoesNotExist, Bureau.MultipleObjectsReturned) as exc:
            raise CommandError(str(exc)) from None
        cases = PetitionCase.objects.filter(bureau=target).count()
        if not cases:
            raise CommandError("没有信访事项：请先运行 generate_synthetic。")
        have = Petitioner.objects.filter(bureau=target).count()
        if have < persons:
            link_persons(target, persons - have)
        rows = measure(target, runs=runs)
        text = section(
            rows, cases=cases, persons=Petitioner.objects.filter(bureau=target).count(), runs=runs, machine=machine()
        )
        self.stdout.write(text)
        if output:
            from django.db import connection

            write_section(Path(output), text, f"people-{connection.vendor}")
