#!/usr/bin/env bash
# make bench: `manage.py bench` on SQLite, then on PostgreSQL, each in a fresh throw-away database
# (a temporary file; a temporary cluster through scripts/with-postgres.sh), each rewriting its own
# section of docs/benchmarks.md. Arguments go to both runs, e.g. for a quick look:
#   scripts/bench.sh --sizes 10000,100000 --runs 3
# BENCH_OUTPUT=path writes elsewhere; BENCH_BACKENDS=sqlite runs one backend only;
# BENCH_IMPORT_ROWS=n sizes the Excel import bench (100000), BENCH_IEX_ROWS=n the
# django-import-export comparison (20000).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
# The benches are developers' tools: installed whatever DEBUG says.
export DEVTOOLS=true
OUTPUT="${BENCH_OUTPUT:-docs/benchmarks.md}"
BACKENDS="${BENCH_BACKENDS:-sqlite postgresql}"
work=$(mktemp -d /tmp/wenxian-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

for backend in $BACKENDS; do
  echo "== $backend"
  case "$backend" in
    sqlite)
      export DATABASE_URL="sqlite:///$work/bench.sqlite3"
      "$PY" manage.py migrate --noinput -v0
      "$PY" manage.py bench --plans --output "$OUTPUT" "$@"
      # Registration's person look-up and the case page, on the largest size the bench left.
      "$PY" manage.py bench_people --output "$OUTPUT"
      "$PY" manage.py bench_case_page --output "$OUTPUT"
      rm -f "$work"/bench.sqlite3*
      # The annual report on the demo data (温县 2024), in a database of its own.
      export DATABASE_URL="sqlite:///$work/report.sqlite3"
      "$PY" manage.py migrate --noinput -v0
      "$PY" manage.py loaddata demo -v0
      "$PY" manage.py bench_report --year 2024 --output "$OUTPUT"
      # Excel: a plain bulk_create of N cases, their export, and the checked import of that
      # file into an empty ledger, each phase in its own process (its own peak memory).
      export DATABASE_URL="sqlite:///$work/import.sqlite3"
      "$PY" manage.py migrate --noinput -v0
      for phase in baseline export import; do
        "$PY" manage.py bench_import "$phase" "${BENCH_IMPORT_ROWS:-100000}" --file "$work/cases.xlsx" \
          --output "$OUTPUT"
      done
      # django-import-export's import_data() and export beside ours, on the same file (issue 13).
      "$PY" manage.py bench_import_export "${BENCH_IEX_ROWS:-20000}" --file "$work/cases-iex.xlsx" --output "$OUTPUT"
      unset DATABASE_URL
      ;;
    postgresql)
      # A port of its own, so a `make test-postgres` running at the same time does not collide.
      PGPORT_TEST="${PGPORT_TEST:-54339}" scripts/with-postgres.sh bash -c \
        '"$0" manage.py migrate --noinput -v0 && "$0" manage.py bench --plans --output "$@" \
          && "$0" manage.py bench_people --output "$1" && "$0" manage.py bench_case_page --output "$1"' \
        "$PY" "$OUTPUT" "$@"
      # Excel on PostgreSQL too: the plain insert, the export and the import, as above.
      PGPORT_TEST="${PGPORT_TEST:-54339}" scripts/with-postgres.sh bash -c \
        'set -e; "$0" manage.py migrate --noinput -v0; for phase in baseline export import; do
           "$0" manage.py bench_import "$phase" "$2" --file "$3" --output "$1" || exit 1; done
         "$0" manage.py bench_import_export "$4" --file "$3.iex.xlsx" --output "$1"' \
        "$PY" "$OUTPUT" "${BENCH_IMPORT_ROWS:-100000}" "$work/cases-pg.xlsx" "${BENCH_IEX_ROWS:-20000}"
      ;;
    *) echo "unknown backend: $backend" >&2; exit 2 ;;
  esac
done
