"""Time the clerk's case list (the admin changelist) with its filters and search.

    manage.py bench_case_list [--runs 5]

Run it on a database filled by generate_synthetic. Prints a Markdown table: each address, the
rows it matched, and the median time of `--runs` requests through Django's test client.
"""

import statistics
import time

from django.contrib.auth.models import Group, User
from django.core.management.base import CommandError
from django.test import Client
from django.test.utils import override_settings

from accounts import roles
from cases.models import Membership, PetitionCase
from devtools.management.tool import ToolCommand


class Command(ToolCommand):
    help = "测量信访事项列表（含筛选与检索）的响应时间"

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, runs, **options):
        clerk, _ = User.objects.get_or_create(username="bench-clerk", defaults={"is_staff": True})
        clerk.groups.set([Group.objects.get(name=roles.CLERK)])
        case = PetitionCase.objects.order_by("-received_on", "-id").first()
        if case is not None:
            Membership.place(clerk, case.bureau)
        if case is None:
            self.stderr.write("没有信访事项：请先运行 generate_synthetic。")
            return
        year = case.received_on.year
        unit_id = case.responsible_unit_id
        base = "/admin/cases/petitioncase/"
        addresses = [
            ("first page", base),
            ("year", f"{base}?year={year}"),
            ("year + unit", f"{base}?year={year}&responsible_unit__id__exact={unit_id}"),
            ("overdue", f"{base}?status=overdue"),
            ("due soon", f"{base}?status=due_soon"),
            ("year + month", f"{base}?year={year}&month=6"),
            ("channel + category", f"{base}?channel__exact=visit&category__exact=claim"),
            ("search: case number", f"{base}?q={case.number}"),
            ("search: petitioner", f"{base}?q={case.petitioner_name}"),
            # The words come from devtools.synthetic's summaries and subject areas; 噪音 is in none.
            ("search: 2 characters of a name", f"{base}?q={case.petitioner_name[:2]}"),
            ("search: a surname", f"{base}?q={case.petitioner_name[0]}"),
            ("search: common word", f"{base}?q=工资"),
            ("search: subject area", f"{base}?q=民政"),
            ("search: word found nowhere", f"{base}?q=噪音"),
            ("search: phrase", f"{base}?q=土地承包经营权"),
            ("search: phone", f"{base}?q={case.petitioner_phone}"),
            ("search: ID number", f"{base}?q={case.petitioner_id_number}"),
            ("search: case number prefix", f"{base}?q={case.number[:-2]}"),
            ("year + search", f"{base}?year={year}&q=工资"),
            ("page 200", f"{base}?year={year}&p=200"),
        ]
        client = Client(SERVER_NAME="localhost")  # an allowed host, as a browser on the server
        client.force_login(clerk)
        rows = []
        with override_settings(DEBUG=False):
            for label, url in addresses:
                response = client.get(url)  # warm-up
                if response.status_code != 200:  # e.g. a redirect: the list refused a filter
                    raise CommandError(f"{url} → HTTP {response.status_code}")
                matched = response.context_data["cl"].result_count
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - started)
                    assert response.status_code == 200, (url, response.status_code)
                rows.append((label, url.replace(base, "") or "/", matched, statistics.median(times) * 1000))
        total = PetitionCase.objects.count()
        self.stdout.write(f"\n{total} cases; median of {runs} requests (ms)\n")
        self.stdout.write("| list | address | rows matched | ms |\n|---|---|---:|---:|")
        for label, url, matched, ms in rows:
            self.stdout.write(f"| {label} | `{url}` | {matched} | {ms:.0f} |")
