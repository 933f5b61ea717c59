"""Load test: the clerks of two bureaus register cases and screenings through gunicorn while the
head reloads the dashboard and a responsible unit's officer reloads their desk; then every
submission the server accepted must be in the database, in its own bureau, and the unit's user
must never have been shown another unit's case.

    .venv/bin/python -m devtools.loadtest --clerks 20 --seconds 60 [--workers 4] [--backup]

The clerks are split between 压测甲县信访局 and 压测乙县信访局; each bureau's numbers carry its
own prefix (LTA-, LTB-), so a row in the wrong bureau shows. Runs against the database of
DATABASE_URL (a fresh SQLite file in a temporary folder when unset), serves on a free loopback
port, never anything but 127.0.0.1. Prints a summary (failed requests, lost rows, rows in the
wrong bureau, cases of other units shown to the unit's user) and, with --markdown, a table row for
docs/benchmarks.md. Exit status 1 when any of those four counts is not 0.
"""

from __future__ import annotations

import argparse
import datetime
import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from devtools.vocabulary import TOWNSHIPS

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = "load-test-pw-2024"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser-like session: cookies, CSRF token, no automatic redirects."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def form(self, path: str, fields: dict) -> int:
        status, page = self.request(path)
        match = CSRF.search(page)
        if status != 200 or not match:
            return status if status != 200 else 599
        return self.request(path, {**fields, "csrfmiddlewaretoken": match.group(1)})[0]

    def login(self, username: str) -> bool:
        return self.form("/accounts/login/", {"username": username, "password": PASSWORD}) == 302


# The two bureaus: name → the prefix of the numbers and tags its clerks write.
BUREAUS = {"压测甲县信访局": "LTA", "压测乙县信访局": "LTB"}
NUMBER = re.compile(r"\bLT[AB]-\d{2}-\d{5}\b")
UNIT_USER = "unit00"  # a responsible unit's user of the first bureau, in its first unit
SEED_PREFIX = "LTA-99"  # the first bureau's cases written before the run, in the unit and beside it


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.failures: list[str] = []
        self.cases: list[str] = []
        self.screenings: list[str] = []
        self.unit_seen: set[str] = set()  # case numbers on the unit user's pages

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            if not ok:
                self.failures.append(f"{kind}: {detail}")


def manage(*args: str, env: dict) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def bureau_of(index: int) -> str:
    """Clerks take turns: even ones work in the first bureau, odd ones in the second."""
    return list(BUREAUS)[index % len(BUREAUS)]


def prepare(env: dict, clerks: int) -> None:
    manage("migrate", "-v0", env=env)
    code = f"""
from django.contrib.auth.models import Group, User
from cases.models import Bureau, Membership, PetitionCase, Unit
from cases.scoping import scopes_disabled
from accounts import roles
_unscoped = scopes_disabled()  # setting up the installation: every bureau's rows
_unscoped.__enter__()
bureaus = {{}}
for name in {list(BUREAUS)!r}:
    b, _ = Bureau.objects.get_or_create(name=name, defaults={{"county": name.removesuffix("信访局")}})
    for i, n in enumerate({list(TOWNSHIPS[:4])!r}):
        Unit.objects.get_or_create(bureau=b, name=n, defaults={{"sort_order": i}})
    bureaus[name] = b
def user(name, role, bureau, unit=None):
    u, _ = User.objects.get_or_create(username=name)
    u.is_staff = unit is None  # the workbench is the bureau's; a unit's officer works at the desk
    u.set_password({PASSWORD!r}); u.save(); u.groups.set([Group.objects.get(name=role)])
    Membership.place(u, bureau, unit)
names = {[bureau_of(i) for i in range(clerks)]!r}
for i, name in enumerate(names):
    user(f"clerk{{i:02}}", roles.CLERK, bureaus[name])
first = bureaus[{next(iter(BUREAUS))!r}]
user("head", roles.HEAD, first)
unit = Unit._base_manager.get(bureau=first, name={TOWNSHIPS[0]!r})
user({UNIT_USER!r}, roles.UNIT, first, unit)
# Cases on the unit user's list from the start, and as many of another unit they must never see.
other = Unit._base_manager.get(bureau=first, name={TOWNSHIPS[1]!r})
for k, u in enumerate([unit, unit, unit, other, other, other], start=1):
    PetitionCase._base_manager.get_or_create(bureau=first, number=f"{SEED_PREFIX}-{{k:05}}", defaults=dict(
        received_on="2024-03-01", channel="visit", petitioner_name="压测", category="claim", responsible_unit=u))
"""
    manage("shell", "-v0", "-c", code, env=env)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clerk(base: str, index: int, deadline: float, unit_ids: list[int], stats: Stats) -> None:
    """Add cases and screenings, in turn, to the clerk's bureau, with its own prefix."""
    prefix = BUREAUS[bureau_of(index)]
    c = Client(base)
    if not c.login(f"clerk{index:02}"):
        stats.record("login", 0, False, f"clerk{index:02} could not log in")
        return
    n = 0
    today = datetime.date.today()
    while time.monotonic() < deadline:
        n += 1
        unit = unit_ids[(n // 2) % len(unit_ids)]  # cases and screenings go round every unit
        t0 = time.perf_counter()
        if n % 2:
            number = f"{prefix}-{index:02}-{n:05}"
            status = c.form(
                "/admin/cases/petitioncase/add/",
                {
                    "number": number,
                    "received_on": (today - datetime.timedelta(days=n % 200)).isoformat(),
                    "channel": "visit",
                    "petitioner_name": "压测",
                    "head_count": "1",
                    "is_initial": "on",
                    "category": "claim",
                    "responsible_unit": str(unit),
                    "handling_path": "petition",
                    "extension_days": "0",
                },
            )
            ok = status == 302
            stats.record("case", time.perf_counter() - t0, ok, f"{number} → {status}")
            if ok:
                with stats.lock:
                    stats.cases.append(number)
        else:
            tag = f"{prefix}-{index:02}-{n:05}"
            status = c.form(
                "/admin/cases/disputescreening/add/",
                {
                    "found_on": today.isoformat(),
                    "unit": str(unit),
                    "kind": "压测",
                    "description": tag,
                    "status": "in_progress",
                },
            )
            ok = status == 302
            stats.record("screening", time.perf_counter() - t0, ok, f"{tag} → {status}")
            if ok:
                with stats.lock:
                    stats.screenings.append(tag)


def head(base: str, deadline: float, stats: Stats) -> None:
    c = Client(base)
    if not c.login("head"):
        stats.record("login", 0, False, "head could not log in")
        return
    year = datetime.date.today().year
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        status, _page = c.request(f"/?year={year}")
        stats.record("dashboard", time.perf_counter() - t0, status == 200, f"dashboard → {status}")
        time.sleep(0.5)


def unit_user(base: str, deadline: float, stats: Stats) -> None:
    """A responsible unit's officer reloading their desk (/unit/: the unit's cases, which the
    request's scope limits to them); every case number on the pages is remembered."""
    c = Client(base)
    if not c.login(UNIT_USER):
        stats.record("login", 0, False, f"{UNIT_USER} could not log in")
        return
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        status, page = c.request("/unit/")
        stats.record("unit_desk", time.perf_counter() - t0, status == 200, f"unit desk → {status}")
        with stats.lock:
            stats.unit_seen.update(NUMBER.findall(page))
        time.sleep(0.2)


def verify(env: dict, stats: Stats) -> dict:
    """Lost rows (accepted, not stored), rows in the wrong bureau (a prefix stored in the other
    bureau), and the cases of other units that the unit's user was shown."""
    code = f"""
import json
from cases.models import PetitionCase, DisputeScreening, Membership
from django.contrib.auth.models import User
cases = list(PetitionCase._base_manager.filter(number__regex=r"^LT[AB]-").values_list(
    "number", "bureau__name", "responsible_unit_id"))
tags = list(DisputeScreening._base_manager.filter(kind="压测").values_list("description", "bureau__name"))
unit = Membership._base_manager.get(user__username={UNIT_USER!r}).unit_id
from devtools.loadtest import stored_figures
differ, current = stored_figures({list(BUREAUS)!r})
print(json.dumps({{"cases": cases, "screenings": tags, "unit": unit, "figures_differ": differ,
    "figures_current": current}}))
"""
    out = subprocess.run(
        [PY, "manage.py", "shell", "-v0", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return tally(json.loads(out.strip().splitlines()[-1]), stats)


def stored_figures(bureau_names: list[str]) -> tuple[list[str], int]:
    """The stored years of these bureaus still current after the load (kept so by the clerks'
    saves, indicators.store), each against counting it again: (the figures that differ, as
    "bureau:year:key" or "bureau:year:unit id", and how many years were compared). Runs inside
    `manage.py shell`."""
    from django_scopes import scopes_disabled

    from indicators.compute import compute_year
    from indicators.models import BureauFigures
    from indicators.registry import INDICATORS, Period

    def counts(figures):
        return {key: [f.numerator, f.denominator] for key, f in figures.items()}

    differ, current = [], 0
    with scopes_disabled():
        for row in BureauFigures.objects.filter(bureau__name__in=bureau_names):
            if row.computed_version != row.version or row.as_of is None:
                continue
            current += 1
            total, by_unit, _months = compute_year(
                row.bureau_id,
                Period.year(row.year, as_of=row.as_of),
                unit_keys={i.key for i in INDICATORS if i.per_unit},
                month_keys={i.key for i in INDICATORS if i.monthly},
            )
            where = f"{row.bureau_id}:{row.year}"
            differ += [f"{where}:{key}" for key, value in counts(total).items() if row.counts.get(key) != value]
            if row.by_unit is not None:
                units = {str(pk): counts(f) for pk, f in by_unit.items()}
                wrong = {pk for pk in {*units, *row.by_unit} if units.get(pk) != row.by_unit.get(pk)}
                differ += [f"{where}:unit {pk}" for pk in sorted(wrong)]
    return differ, current


def tally(stored: dict, stats: Stats) -> dict:
    """What went wrong, given the stored rows: {"cases": [(number, bureau name, unit id)],
    "screenings": [(tag, bureau name)], "unit": the unit user's unit id}."""
    prefixes = {prefix: name for name, prefix in BUREAUS.items()}
    rows = [(number, bureau) for number, bureau, _unit in stored["cases"]] + stored["screenings"]
    units = {number: unit for number, _bureau, unit in stored["cases"]}
    return {
        "lost_cases": sorted(set(stats.cases) - {number for number, _b, _u in stored["cases"]}),
        "lost_screenings": sorted(set(stats.screenings) - {tag for tag, _b in stored["screenings"]}),
        "wrong_bureau": sorted(tag for tag, bureau in rows if prefixes[tag.split("-")[0]] != bureau),
        "unit_saw_other_units": sorted(n for n in stats.unit_seen if units.get(n) != stored["unit"]),
        "unit_cases": sum(1 for unit in units.values() if unit == stored["unit"]),
        "figures_differ": stored.get("figures_differ", []),
        "figures_current": stored.get("figures_current", 0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--backup", action="store_true", help="take a backup halfway through")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="wenxian-load-"))
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "load-test-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1"}
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'load.sqlite3'}"
    # Plain HTTP on loopback: production's Secure cookies would never come back over it.
    env.update({"HTTPS": "false", "STATIC_ROOT": str(workdir / "static")})
    prepare(env, args.clerks)
    manage("collectstatic", "--noinput", "-v0", env=env)
    unit_ids = json.loads(
        subprocess.run(
            [
                PY,
                "manage.py",
                "shell",
                "-v0",
                "-c",
                "import json; from cases.models import Unit; "
                "print(json.dumps({n: list(Unit._base_manager.filter(bureau__name=n).values_list('pk', flat=True)) "
                f"for n in {list(BUREAUS)!r}}}))",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(PY).with_name("gunicorn")),
            "wenxian_report.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        stats = Stats()
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(target=clerk, args=(base, i, deadline, unit_ids[bureau_of(i)], stats))
            for i in range(args.clerks)
        ]
        threads.append(threading.Thread(target=head, args=(base, deadline, stats)))
        threads.append(threading.Thread(target=unit_user, args=(base, deadline, stats)))
        for t in threads:
            t.start()
        backup = None
        if args.backup:
            time.sleep(args.seconds / 2)
            path = workdir / "during-load.backup"
            subprocess.run(
                [PY, "manage.py", "backup_data", "--output", str(path)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            backup = path.stat().st_size
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    checked = verify(env, stats)
    engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    total = sum(len(v) for v in stats.latencies.values())
    summary = {
        "engine": engine,
        "bureaus": len(BUREAUS),
        "clerks": args.clerks,
        "seconds": round(elapsed, 1),
        "requests": total,
        "failed": len(stats.failures),
        "cases_saved": len(stats.cases),
        "screenings_saved": len(stats.screenings),
        "lost_rows": len(checked["lost_cases"]) + len(checked["lost_screenings"]),
        "wrong_bureau_rows": len(checked["wrong_bureau"]),
        "unit_saw_other_units": len(checked["unit_saw_other_units"]),
        "unit_cases_seen": len(stats.unit_seen),
        "unit_cases_stored": checked["unit_cases"],
        # Stored years still current after the load, and their figures unlike counting them again.
        "stored_years_current": checked["figures_current"],
        "stored_figures_differ": len(checked["figures_differ"]),
        "backup_bytes_during_load": backup,
    }
    for kind, values in sorted(stats.latencies.items()):
        values.sort()
        summary[f"{kind}_p50_ms"] = round(statistics.median(values) * 1000)
        summary[f"{kind}_p95_ms"] = round(values[int(len(values) * 0.95) - 1] * 1000) if len(values) > 1 else None
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    for failure in stats.failures[:20]:
        print("FAILED", failure)
    for tag in checked["wrong_bureau"][:20]:
        print("WRONG BUREAU", tag)
    for number in checked["unit_saw_other_units"][:20]:
        print("UNIT SAW", number)
    for figure in checked["figures_differ"][:20]:
        print("STORED FIGURE DIFFERS", figure)
    if args.markdown:
        print(
            f"| {engine} | {args.clerks} + 1 | {summary['seconds']} s | {summary['cases_saved']} | "
            f"{summary['screenings_saved']} | {summary['failed']} | {summary['lost_rows']} | "
            f"{summary.get('case_p50_ms')} / {summary.get('case_p95_ms')} ms | "
            f"{summary.get('dashboard_p50_ms')} / {summary.get('dashboard_p95_ms')} ms |"
        )
    bad = (
        summary["failed"]
        or summary["lost_rows"]
        or summary["wrong_bureau_rows"]
        or summary["unit_saw_other_units"]
        or summary["stored_figures_differ"]
    )
    return 1 if bad or not stats.cases else 0


if __name__ == "__main__":
    sys.exit(main())
