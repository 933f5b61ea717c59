#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL cluster on a local port:
#   scripts/with-postgres.sh .venv/bin/pytest
# Installs Debian's postgresql where missing, starts a cluster in a temporary folder, exports
# DATABASE_URL, runs the command, and stops and removes the cluster whatever the command did.
set -euo pipefail
PORT="${PGPORT_TEST:-54329}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "Installing Debian's postgresql"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
datadir=$(mktemp -d /tmp/wenxian-pg.XXXXXX)
# PostgreSQL refuses to run as root: run the server as the postgres user when we are root.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$datadir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$datadir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$datadir"
}
trap cleanup EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$datadir/data" -U wenxian -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$datadir/data" -l "$datadir/log" -w \
  -o "-p $PORT -k $datadir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"${as_pg[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$PORT" -U wenxian wenxian
export DATABASE_URL="postgres://wenxian@127.0.0.1:$PORT/wenxian"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $PORT"
"$@"
