"""The benchmark behind `make bench`: indicators and the dashboard at 10k, 100k and 1M cases.

For each size the ledgers are wiped, regenerated with `devtools.synthetic` and analysed, then:

* `compute()` of the whole registry for the year (the median of several runs, after one warm-up);
* one SQL query that scans the year's cases once and computes every figure of the cases: its
  shape written by hand, its conditions the registry's own filters compiled by Django (and its
  figures checked against `compute()`, so the comparison is like for like);
* the dashboard page `/` through Django's test client as the bureau head (局长), once cold and
  then warm (the median of several requests);
* the time of each source's aggregate query, which shows where compute() spends the difference.

The result is a Markdown section that replaces its own earlier version in the output file (one
section per database backend), so the analysis written around it survives a re-run.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import resource
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client

from accounts import roles
from cases.models import (
    AccountabilityAction,
    AccountablePerson,
    Bureau,
    DisputeScreening,
    Membership,
    OrderCase,
    OrderPerson,
    OutreachEvent,
    PetitionCase,
    Volunteer,
)
from devtools import synthetic
from indicators import registry, store
from indicators.compute import compute, compute_year
from indicators.models import BureauFigures
from indicators.registry import INDICATORS, Indicator, Period

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
COMPUTE_TARGET = 1.2  # compute() at most 1.2 × one raw scan of the year's cases
DASHBOARD_TARGET_MS = 50.0  # warm dashboard

# Ledgers that generate() fills, children first so foreign keys hold while deleting.
WIPED = (
    AccountabilityAction.cases.through,
    AccountablePerson,
    AccountabilityAction,
    OrderPerson,
    OrderCase,
    OutreachEvent,
    Volunteer,
    DisputeScreening,
    PetitionCase,
)


# The one scan ---------------------------------------------------------------------------------


def raw_figures() -> list[tuple[Indicator, str]]:
    """Every figure of the cases source, as (indicator, "n" or "d"): what the raw scan computes."""
    return [
        (i, part) for i in INDICATORS if i.source is registry.CASES for part in (("n", "d") if i.is_rate else ("n",))
    ]


def raw_scan_sql(bureau_id: int, period: Period) -> tuple[str, list]:
    """One pass over the year's cases computing every figure of the cases source.

    The shape is written by hand — one table, one COUNT(*) FILTER (or SUM) per figure, no ORM —
    but the conditions are the registry's own filters, compiled to SQL by Django: the scan cannot
    drift from compute(), and a new indicator of the cases is in it without a line here. The
    filters must be conditions on the case row itself (a join would not be one scan)."""
    source = registry.CASES
    query = source.queryset(bureau_id, period).query
    compiler = query.get_compiler(connection=connection)
    quote = connection.ops.quote_name
    columns, params = [], []
    for indicator, part in raw_figures():
        q = indicator.numerator_q(period) if part == "n" else indicator.denominator_q(period)
        summed = part == "n" and indicator.sum_field
        aggregate = f"SUM({quote(source.model._meta.get_field(summed).column)})" if summed else "COUNT(*)"
        if q:
            # build_where() refuses a filter that needs a join.
            condition, condition_params = compiler.compile(query.build_where(q))
            # COUNT(*) FILTER rather than SUM(CASE WHEN … THEN 1 ELSE 0 END): both engines skip the
            # aggregate for rows that fail the filter, which measured about 15% faster on SQLite,
            # so the baseline is the quickest single scan we could write, not a straw man.
            aggregate += f" FILTER (WHERE {condition})"
            params += condition_params
        if summed:
            aggregate = f"COALESCE({aggregate}, 0)"
        columns.append(f"{aggregate} AS {indicator.key}__{part}")
    where, where_params = compiler.compile(query.where)
    sql = "SELECT\n  " + ",\n  ".join(columns) + f"\nFROM {quote(source.model._meta.db_table)}\nWHERE {where}"
    return sql, params + where_params


def run_raw_scan(sql: str, params: list) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        row = cursor.fetchone()
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


def raw_scan(bureau_id: int, period: Period) -> dict[str, int]:
    """The case-level figures in one pass over the year's cases."""
    return run_raw_scan(*raw_scan_sql(bureau_id, period))


def check_raw_scan(raw: dict[str, int], figures) -> list[str]:
    """Where the hand-written scan and compute() disagree (an empty list when they agree)."""
    problems = []
    for name, value in raw.items():
        key, part = name.rsplit("__", 1)
        figure = figures[key]
        expected = figure.numerator if part == "n" else figure.denominator
        if expected != value:
            problems.append(f"{name}: compute() {expected}, SQL {value}")
    return problems


# Measuring ------------------------------------------------------------------------------------


class Recorder:
    """The statements run inside the block, with their parameters and time to execute.

    CaptureQueriesContext is not used: the test client's request_started signal empties the
    connection's query log mid-block, and then it reports no queries at all."""

    def __init__(self):
        self.statements: list[tuple[str, object]] = []
        self.times_ms: list[float] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params))
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.times_ms.append((time.perf_counter() - started) * 1000)

    def slowest(self, n: int) -> list[tuple[float, str]]:
        ranked = sorted(zip(self.times_ms, (sql for sql, _ in self.statements), strict=True), reverse=True)
        return ranked[:n]

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)

    def __len__(self) -> int:
        return len(self.statements)


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    """Median wall time in milliseconds of `runs` calls, after one untimed warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times


def paired_ms(a: Callable[[], object], b: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Times in milliseconds of `a` and `b` run alternately, so that both see the same load from
    whatever else the machine is doing; one untimed warm-up call of each first."""
    a()
    b()
    times_a, times_b = [], []
    for _ in range(runs):
        for fn, times in ((a, times_a), (b, times_b)):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
    return times_a, times_b


def peak_rss_mib() -> float:
    """The process's peak resident memory so far (Linux reports KiB, macOS bytes)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024**2 if sys.platform == "darwin" else 1024)


def wipe() -> None:
    """Delete the generated ledgers (the bureau, its units and the roadmap postings stay)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model in WIPED:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would on PostgreSQL soon after a load."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def clear_caches() -> None:
    for cache in caches.all():
        cache.clear()


@dataclass
class Dashboard:
    ok: bool
    note: str = ""
    cold_ms: float | None = None
    warm_ms: float | None = None
    cold_queries: int | None = None
    warm_queries: int | None = None
    cold_slowest: list[tuple[float, str]] = field(default_factory=list)
    stored_cold_ms: float | None = None  # the cache emptied, the bureau-year stored (indicators.store)
    next_day_ms: float | None = None  # the cache emptied, the years stored the day before (rolled)


def bench_dashboard(year: int, runs: int) -> Dashboard:
    """`/?year=…` as the bureau head: first request with empty caches, then warm ones."""
    user, _ = get_user_model().objects.get_or_create(username="bench-head", defaults={"is_staff": True})
    group = Group.objects.filter(name=roles.HEAD).first()
    if group is None:
        return Dashboard(False, f"没有“{roles.HEAD}”角色组（迁移未运行？）")
    user.groups.add(group)
    Membership.place(user, Bureau.current())
    # A configured host: the test client's own "testserver" is allowed only under the test runner.
    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))), "localhost")
    client = Client(HTTP_HOST=host)
    url = f"/?year={year}"

    def get():
        return client.get(url)

    clear_caches()
    client.force_login(user)  # clearing a cache-backed session store would log the user out
    try:
        with Recorder() as cold_q:
            started = time.perf_counter()
            response = get()
            cold = (time.perf_counter() - started) * 1000
    except Exception as exc:
        return Dashboard(False, f"首次请求出错：{type(exc).__name__}: {exc}"[:300])
    if response.status_code != 200:
        return Dashboard(False, f"首次请求返回 HTTP {response.status_code}")
    warm, _ = median_ms(get, runs)
    with Recorder() as warm_q:
        get()
    # A restart or an eviction: the cache empty, the year's figures stored by the first request.
    clear_caches()
    client.force_login(user)
    started = time.perf_counter()
    get()
    stored_cold = (time.perf_counter() - started) * 1000
    # The next morning: the cache empty, the years stored as of yesterday (rolled to today).
    for row in BureauFigures.objects.filter(bureau=Bureau.current(), as_of__isnull=False):
        BureauFigures.objects.filter(pk=row.pk).update(as_of=row.as_of - datetime.timedelta(days=1))
    clear_caches()
    client.force_login(user)
    started = time.perf_counter()
    get()
    next_day = (time.perf_counter() - started) * 1000
    return Dashboard(True, "", cold, warm, len(cold_q), len(warm_q), cold_q.slowest(6), stored_cold, next_day)


@dataclass
class Roll:
    to: datetime.date
    waiting: int  # cases waiting for a deadline between the stored day and `to`
    roll_ms: float
    count_ms: float
    equal: bool


def bench_roll(bureau_id: int, year: int) -> list[Roll]:
    """The year counted and stored as of 30 June, then brought to 1 July, 8 July and 31 July
    (the first dashboard of a new day, of a week later, of a month later: indicators.store rolls
    it by the cases waiting for a deadline in between), each beside counting the year on that
    day, with the two compared figure by figure."""
    unit_keys = {i.key for i in INDICATORS if i.per_unit}
    month_keys = {i.key for i in INDICATORS if i.monthly}

    def values(y: store.BureauYear):
        def v(figures):
            return {k: (f.numerator, f.denominator) for k, f in figures.items()}

        return v(y.figures), {p: v(f) for p, f in y.by_unit.items()}, {m: v(f) for m, f in y.by_month.items()}

    BureauFigures.objects.filter(bureau_id=bureau_id, year=year).delete()
    store.bureau_year(bureau_id, Period.year(year, as_of=datetime.date(year, 6, 30)))
    result = []
    for to in (datetime.date(year, 7, 1), datetime.date(year, 7, 8), datetime.date(year, 7, 31)):
        row = BureauFigures.objects.get(bureau_id=bureau_id, year=year)
        waiting = store._waiting(registry.CASES, bureau_id, year, row.as_of, to)
        started = time.perf_counter()
        rolled = store.bureau_year(bureau_id, Period.year(year, as_of=to))
        roll_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        counted = store.BureauYear(
            *compute_year(bureau_id, Period.year(year, as_of=to), unit_keys=unit_keys, month_keys=month_keys)
        )
        count_ms = (time.perf_counter() - started) * 1000
        found = -1 if waiting is None else len(waiting)
        result.append(Roll(to, found, roll_ms, count_ms, values(rolled) == values(counted)))
    BureauFigures.objects.filter(bureau_id=bureau_id, year=year).delete()
    return result


@dataclass
class SizeResult:
    cases: int
    generate_s: float
    rss_mib: float
    counts: dict[str, int]
    compute_ms: float
    compute_min_ms: float
    compute_queries: int
    raw_ms: float
    raw_min_ms: float
    raw_ok: list[str]
    dashboard: Dashboard
    by_source_ms: dict[str, float] = field(default_factory=dict)
    rolls: list[Roll] = field(default_factory=list)
    plans: dict[str, str] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.compute_ms / self.raw_ms if self.raw_ms else float("nan")


def source_times(bureau_id: int, period: Period, runs: int) -> dict[str, float]:
    """The median time of each source's own aggregate query (compute() restricted to its keys)."""
    result = {}
    for source in registry.SOURCES:
        keys = {i.key for i in INDICATORS if i.source is source}
        if keys:
            result[source.key], _ = median_ms(lambda keys=keys: compute(bureau_id, period, keys=keys), runs)
    return result


def explain(sql: str, params) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(str(r[-1]) for r in rows)
    return "\n".join(str(r[0]) for r in rows)


def query_plans(bureau_id: int, period: Period) -> dict[str, str]:
    """Plans of compute()'s two biggest queries (cases and screenings) as executed."""
    plans = {}
    for source in (registry.CASES, registry.SCREENINGS):
        keys = {i.key for i in INDICATORS if i.source is source}
        with Recorder() as captured:
            compute(bureau_id, period, keys=keys)
        sql, params = captured.statements[-1]
        plans[source.key] = explain(sql, params)
    return plans


def bench_size(
    *,
    bureau: Bureau,
    cases: int,
    year: int,
    seed: int,
    runs: int,
    batch_size: int,
    log: Callable[[str], None],
    plans: bool = False,
) -> SizeResult:
    wipe()
    log(f"生成 {cases} 件……")
    generated = synthetic.generate(cases=cases, year=year, seed=seed, bureau=bureau, batch_size=batch_size)
    rss = peak_rss_mib()
    analyze()
    clear_caches()
    period = Period.year(year)

    figures = compute(bureau.pk, period)
    scan = raw_scan_sql(bureau.pk, period)
    raw = run_raw_scan(*scan)
    problems = check_raw_scan(raw, figures)

    with Recorder() as q:
        compute(bureau.pk, period)
    log("compute() 与单次扫描 ……")
    compute_times, raw_times = paired_ms(lambda: compute(bureau.pk, period), lambda: run_raw_scan(*scan), runs)
    log("各数据源 ……")
    by_source = source_times(bureau.pk, period, runs)
    log("按日滚动 ……")
    rolls = bench_roll(bureau.pk, year)
    log("首页 ……")
    dash = bench_dashboard(year, runs)
    return SizeResult(
        cases=cases,
        generate_s=generated.seconds,
        rss_mib=rss,
        counts=generated.counts,
        compute_ms=statistics.median(compute_times),
        compute_min_ms=min(compute_times),
        compute_queries=len(q),
        raw_ms=statistics.median(raw_times),
        raw_min_ms=min(raw_times),
        raw_ok=problems,
        dashboard=dash,
        by_source_ms=by_source,
        rolls=rolls,
        plans=query_plans(bureau.pk, period) if plans else {},
    )


# Reporting ------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    def first(path: str, pattern: str) -> str:
        try:
            m = re.search(pattern, Path(path).read_text(), re.M)
        except OSError:
            return "?"
        return m.group(1).strip() if m else "?"

    mem_kib = first("/proc/meminfo", r"^MemTotal:\s+(\d+)")
    info = {
        "CPU": first("/proc/cpuinfo", r"^model name\s*:\s*(.+)$"),
        "Cores": str(os.cpu_count()),
        "RAM": f"{int(mem_kib) / 1024**2:.1f} GiB" if mem_kib.isdigit() else "?",
        "OS": first("/etc/os-release", r'^PRETTY_NAME="?([^"]+)') + f" (Linux {platform.release()})",
        "Python": platform.python_version(),
        "Django": django.get_version(),
    }
    info["SQLite"] = sqlite3.sqlite_version
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["PostgreSQL"] = cursor.fetchone()[0]
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        info["Load average at start"] = load
    except OSError:
        pass
    return info


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _short(sql: str, limit: int = 230) -> str:
    """The start of a statement, on one line, for a table cell."""
    sql = re.sub(r"\s+", " ", sql).replace("|", "\\|").replace("`", "'")
    return sql if len(sql) <= limit else sql[:limit] + " …"


def size_label(n: int) -> str:
    return f"{n:,}"


def markdown(label: str, results: list[SizeResult], info: dict[str, str], *, year: int, runs: int) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"<!-- bench:{label} -->",
        f"## {label}",
        "",
        f"Run {now}; year {year}; median of {runs} runs after one warm-up (compute() and the raw scan "
        "alternately, so both see the same load); "
        f"`manage.py bench --sizes {','.join(str(r.cases) for r in results)}`.",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in info.items()],
        "",
        "| cases | generate (s) | peak RSS (MiB) | compute() (ms) | queries | one raw scan (ms) | ratio | "
        f"≤ {COMPUTE_TARGET}× | dashboard cold (ms) | dashboard warm (ms) | ≤ {DASHBOARD_TARGET_MS:.0f} ms |",
        "|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|:---:|",
    ]
    for r in results:
        d = r.dashboard
        ratio_ok = "yes" if r.ratio <= COMPUTE_TARGET else f"**no** (+{(r.ratio / COMPUTE_TARGET - 1) * 100:.0f}%)"
        if d.ok:
            warm_ok = (
                "yes" if d.warm_ms <= DASHBOARD_TARGET_MS else f"**no** (+{d.warm_ms - DASHBOARD_TARGET_MS:.0f} ms)"
            )
        else:
            warm_ok = "n/a"
        lines.append(
            f"| {size_label(r.cases)} | {r.generate_s:.1f} | {r.rss_mib:.0f} | {_ms(r.compute_ms)} | "
            f"{r.compute_queries} | {_ms(r.raw_ms)} | {r.ratio:.2f}× | {ratio_ok} | {_ms(d.cold_ms)} | "
            f"{_ms(d.warm_ms)} | {warm_ok} |"
        )
    lines.append("")
    for r in results:
        if r.raw_ok:
            lines.append(f"- {size_label(r.cases)}: **the raw scan disagrees with compute()**: {'; '.join(r.raw_ok)}")
        else:
            lines.append(f"- {size_label(r.cases)}: the raw scan's {len(raw_figures())} figures equal compute()'s.")
        lines.append(
            f"  Fastest runs: compute() {_ms(r.compute_min_ms)} ms, raw scan {_ms(r.raw_min_ms)} ms, "
            f"ratio {r.compute_min_ms / r.raw_min_ms:.2f}×."
        )
        d = r.dashboard
        if d.ok:
            lines.append(
                f"  Dashboard: {d.cold_queries} queries cold, {d.warm_queries} warm; cold with the year's "
                f"figures stored (the cache emptied, indicators.store): {d.stored_cold_ms:,.1f} ms; "
                f"the next morning (stored the day before, rolled): {d.next_day_ms:,.1f} ms."
            )
        else:
            lines.append(f"  Dashboard not measured: {d.note}")
    lines += [
        "",
        "Time of each source's aggregate query (ms, median):",
        "",
        "| source | " + " | ".join(size_label(r.cases) for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for key in results[0].by_source_ms if results else ():
        lines.append(f"| {key} | " + " | ".join(_ms(r.by_source_ms.get(key)) for r in results) + " |")
    last = results[-1] if results else None
    if last and last.rolls:
        lines += [
            "",
            f"The year stored as of 30 June, rolled to a later day, beside counting it on that day "
            f"({size_label(last.cases)} cases):",
            "",
            "| to | cases waiting in between | rolled (ms) | counted (ms) | figures equal |",
            "|---|---:|---:|---:|:---:|",
        ]
        for roll in last.rolls:
            waiting = "over the limit: counted" if roll.waiting < 0 else f"{roll.waiting:,}"
            equal = "yes" if roll.equal else "**no**"
            lines.append(f"| {roll.to} | {waiting} | {roll.roll_ms:,.1f} | {roll.count_ms:,.0f} | {equal} |")
    if last:
        counts = ", ".join(f"{k} {v:,}" for k, v in last.counts.items())
        lines += ["", f"Records at {size_label(last.cases)} cases: {counts}."]
    if last and last.dashboard.cold_slowest:
        lines += ["", f"Slowest statements of the cold dashboard at {size_label(last.cases)} cases:", ""]
        lines += ["| ms | statement (start) |", "|---:|---|"]
        for ms, sql in last.dashboard.cold_slowest:
            lines.append(f"| {ms:,.1f} | `{_short(sql)}` |")
    if last and last.plans:
        for key, plan in last.plans.items():
            lines += ["", f"<details><summary>Plan of compute()'s {key} query at {size_label(last.cases)}</summary>"]
            lines += ["", "```", plan, "```", "", "</details>"]
    lines += ["", f"<!-- /bench:{label} -->", ""]
    return "\n".join(lines)
