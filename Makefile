# make run   — set up everything on a fresh Debian machine and serve on http://127.0.0.1:8000
#              (with the background worker beside the server; Ctrl-C stops both)
# make test  — the same set-up, then the whole test suite (SQLite)
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The suite runs in one worker per core (pytest-xdist; each worker has its own test database and
# live server). PYTEST_WORKERS=0 runs it in this process, e.g. to debug with pdb.
PYTEST_WORKERS ?= auto

.PHONY: run test test-postgres setup system system-test venv db lint bench loadtest clean

run: setup db
	scripts/run-with-worker.sh $(PY) $(HOST):$(PORT)

test: system-test venv node_modules/.installed
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The whole suite again, against a throw-away PostgreSQL cluster.
test-postgres: system-test venv node_modules/.installed
	$(PY) manage.py collectstatic --noinput -v0
	scripts/with-postgres.sh $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

setup: system venv

system:
	scripts/system-packages.sh

system-test:
	scripts/system-packages.sh --test

venv: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

# Test-only tools from the npm registry (axe-core for the accessibility tests).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

db:
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py loaddata demo -v0
	$(PY) manage.py demo_accounts --bureau 温县信访局

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Indicators and the dashboard at 10k, 100k and 1M cases, SQLite then PostgreSQL (takes a while).
bench: setup
	scripts/bench.sh

# 20 clerks of two bureaus, the head and a unit's user for 60 s through gunicorn, on SQLite and then on
# PostgreSQL: 0 failed requests, 0 lost rows, 0 rows in the wrong bureau, 0 cases shown to the wrong unit.
loadtest: setup
	$(PY) -m devtools.loadtest --clerks 20 --seconds 60 --backup --markdown
	scripts/with-postgres.sh $(PY) -m devtools.loadtest --clerks 20 --seconds 60 --backup --markdown

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*
