"""The Excel import and export of petition cases at scale: `manage.py bench_import PHASE [ROWS]`.

PHASE is baseline (plain bulk_create of ROWS cases), export (all cases to an .xlsx file), import
(empty the ledger, import that file; then, in the same run, a plain bulk_create of the same rows
without the importer, rolled back, and the ratio of the two) or reimport (import it again: all
unchanged). Run each phase in its own process, as scripts/bench.sh does, so that the peak memory
printed is that phase's (the import's is read before its plain insert runs).
"""

from __future__ import annotations

import datetime
import os
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test.utils import override_settings

from cases.ledgers.export import export_workbook
from cases.ledgers.resources import resource_for
from cases.ledgers.service import import_ledger
from cases.models import Bureau, PetitionCase, Unit
from devtools.bench import write_section
from devtools.vocabulary import DEPARTMENTS, TOWNSHIPS

PHASES = ("baseline", "export", "import", "reimport")
FILE = Path("/tmp/cases-bench.xlsx")
UNITS = [*TOWNSHIPS[:3], DEPARTMENTS[0]]
# How each phase's line begins, to find it again in the section (see write()).
LINE_STARTS = {
    "baseline": "plain bulk_create of",
    "export": "export of",
    "import": "import:",
    "plain": "plain insert of the same rows",
    "ratio": "import ÷ plain insert",
    "reimport": "reimport:",
}
LINES = tuple(LINE_STARTS)


class _RolledBack(Exception):
    pass


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


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the import's sheet reader,
    cases.ledgers.readahead), so that work moved to a second process is still counted."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@dataclass
class Clock:
    """Wall and CPU seconds since it was made: on a shared machine the wall clock mostly measures
    the neighbours."""

    wall: float = field(default_factory=time.monotonic)
    cpu: float = field(default_factory=_cpu)

    def stop(self) -> Clock:
        self.wall, self.cpu = time.monotonic() - self.wall, _cpu() - self.cpu
        return self

    def line(self, label: str, extra: str = "") -> str:
        wall, cpu = time.monotonic() - self.wall, _cpu() - self.cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # A reading child runs beside this process: both peaks together bound the import's memory.
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        memory = (
            f"peak memory {peak + child:.0f} MB ({peak:.0f} MB + reader {child:.0f} MB)"
            if child
            else (f"peak memory {peak:.0f} MB")
        )
        return f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU, {memory} {extra}"


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def plain_insert(bureau, units, n: int) -> Clock:
    """A bulk_create of the same rows as the file's (the generator that made it), without the
    importer, into the emptied ledger, in one transaction rolled back afterwards: the imported
    rows stay for the reimport."""
    objs = list(cases(bureau, units, n))
    clock = None
    try:
        with transaction.atomic():
            _empty()
            clock = Clock()
            PetitionCase.objects.bulk_create(objs, batch_size=500)
            clock.stop()
            raise _RolledBack
    except _RolledBack:
        pass
    return clock


def ratio_lines(imported: Clock, plain: Clock, n: int) -> list[str]:
    return [
        f"plain insert of the same rows (bulk_create, same run, rolled back): {plain.wall:.1f} s wall, "
        f"{plain.cpu:.1f} s CPU",
        f"import ÷ plain insert: {imported.wall / plain.wall:.2f}× wall, {imported.cpu / plain.cpu:.2f}× CPU "
        f"({n} rows; {load()} at the end)",
    ]


def run(phase: str, n: int, *, file: Path = FILE) -> list[str]:
    """Run one phase, as production runs it (DEBUG off: with DEBUG on, the connection keeps the
    text of its last 9,000 statements, 80 MB more for an import's 100-row INSERTs); its line,
    then any import errors (the first five)."""
    with override_settings(DEBUG=False):
        return _run(phase, n, file=file)


def _run(phase: str, n: int, *, file: Path) -> list[str]:
    bureau, units = setup()
    if phase == "baseline":
        _empty()
        objs = list(cases(bureau, units, n))
        clock = Clock()
        with transaction.atomic():
            PetitionCase.objects.bulk_create(objs, batch_size=500)
        return [clock.line(f"plain bulk_create of {n} cases")]
    if phase == "export":
        user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench", "", "x")
        clock = Clock()
        data = export_workbook(resource_for("cases"), PetitionCase.objects.all(), user=user)
        file.write_bytes(data)
        return [clock.line(f"export of {PetitionCase.objects.count()} cases", f"{len(data)} bytes")]
    if phase in ("import", "reimport"):
        if phase == "import":
            _empty()
        clock = Clock()
        with file.open("rb") as stream:
            result = import_ledger(kind="cases", file=stream, file_name="bench.xlsx", dry_run=False)
        line = clock.line(phase, result.summary() + (result.file_error or "") + f"; {load()}")
        errors = list(map(str, result.errors[:5]))
        if phase == "reimport" or not result.written:
            return [line, *errors]
        return [line, *ratio_lines(clock.stop(), plain_insert(bureau, units, n), n), *errors]
    raise ValueError(f"unknown phase: {phase}")


def write(output: Path, new_lines: list[str], rows: int) -> str:
    """Put this phase's lines into the `import-VENDOR` section of `output`, in place of their earlier
    ones; the other phases' lines (written by their own processes) stay. Returns the section."""
    text = output.read_text(encoding="utf-8") if output.exists() else ""
    label = f"import-{connection.vendor}"  # one section per database: SQLite's and PostgreSQL's both stay
    start, end = f"<!-- bench:{label} -->", f"<!-- /bench:{label} -->"
    old = text[text.find(start) : text.find(end)] if start in text and end in text else ""
    lines = {p: next((x for x in old.splitlines() if x.startswith(LINE_STARTS[p])), None) for p in LINES}
    for line in new_lines:
        key = next((p for p in LINES if line.startswith(LINE_STARTS[p])), None)
        if key is not None:
            lines[key] = line
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    engine = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor, connection.vendor)
    section = "\n".join(
        [
            start,
            f"## Excel import and export on {engine}, measured by make bench",
            "",
            f"Run {now}; {rows} petition cases on {engine}; targets: import ≤ 20 s and ≤ 2× a plain insert "
            "of the same rows in the same run (the ratio counts on a loaded machine), peak memory ≤ 300 MB, "
            "export ≤ 10 s.",
            "",
            "```",
            *[lines[p] for p in LINES if lines[p]],
            "```",
            "",
            end,
            "",
        ]
    )
    write_section(output, section, label)
    return section
