"""Measure the petition-case import and export at scale (not a test; run by hand).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python devtools/bench/imports.py PHASE [ROWS]

PHASE is baseline (plain bulk_create of ROWS cases), export (all cases to /tmp/cases-bench.xlsx),
import (empty the ledger, import that file) or reimport (import it again: all unchanged).
Run each phase in its own process so that the peak memory printed is that phase's.
"""

import datetime
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenxian_report.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402

from cases.ledgers.export import export_workbook  # noqa: E402
from cases.ledgers.resources import resource_for  # noqa: E402
from cases.ledgers.service import import_ledger  # noqa: E402
from cases.models import Bureau, PetitionCase, Unit  # noqa: E402

FILE = "/tmp/cases-bench.xlsx"
UNITS = ["温泉街道", "太行街道", "祥云镇", "县住建局"]


def setup():
    bureau = Bureau.objects.order_by("pk").first() or Bureau.objects.create(name="基准测试信访局", county="测试县")
    units = [Unit.objects.get_or_create(bureau=bureau, name=name)[0] for name in UNITS]
    return bureau, units


def cases(bureau, units, n):
    start = datetime.date(2022, 1, 3)
    for i in range(n):
        received = start + datetime.timedelta(days=i % 900)
        yield PetitionCase(
            bureau=bureau, number=f"B{i:07d}", received_on=received, channel="visit", petitioner_name=f"人{i % 977}",
            head_count=1 + i % 7, is_initial=bool(i % 5), category="claim", subject_area="土地征收",
            responsible_unit=units[i % len(units)], routing="transfer", routed_on=received + datetime.timedelta(days=3),
            unit_accepted_on=received + datetime.timedelta(days=6), closed_on=received + datetime.timedelta(days=40),
            outcome="support", resolved_first_time=bool(i % 3), satisfaction="satisfied",
        )  # fmt: skip


def _empty():
    # Without signals: a signalled delete would load and bump the indicator cache 100,000 times.
    PetitionCase.objects.all()._raw_delete(PetitionCase.objects.db)


def report(label, seconds, extra=""):
    # CPU seconds as well as wall seconds: on a shared machine the wall clock mostly measures
    # the neighbours.
    cpu = time.process_time() - CPU_START[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU, peak memory {peak:.0f} MB {extra}", flush=True)


CPU_START = [0.0]


def start_clock() -> float:
    CPU_START[0] = time.process_time()
    return time.monotonic()


def main(phase, n):
    bureau, units = setup()
    if phase == "baseline":
        _empty()
        objs = list(cases(bureau, units, n))
        started = start_clock()
        with transaction.atomic():
            PetitionCase.objects.bulk_create(objs, batch_size=500)
        report(f"plain bulk_create of {n} cases", time.monotonic() - started)
    elif phase == "export":
        user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench", "", "x")
        started = start_clock()
        data = export_workbook(resource_for("cases"), PetitionCase.objects.all(), user=user)
        with open(FILE, "wb") as out:
            out.write(data)
        report(f"export of {PetitionCase.objects.count()} cases", time.monotonic() - started, f"{len(data)} bytes")
    elif phase in ("import", "reimport"):
        if phase == "import":
            _empty()
        started = start_clock()
        with open(FILE, "rb") as stream:
            result = import_ledger(kind="cases", file=stream, file_name="bench.xlsx", dry_run=False)
        report(f"{phase}", time.monotonic() - started, result.summary() + (result.file_error or ""))
        for error in result.errors[:5]:
            print(error)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
