#!/usr/bin/env bash
# `make run`: the development server and, beside it, the background worker that runs the jobs
# (exports, reports, imports: cases/jobs). Ctrl-C stops both; so does the server stopping.
#   scripts/run-with-worker.sh [PYTHON] [HOST:PORT]
set -u
PY=${1:-.venv/bin/python}
ADDR=${2:-127.0.0.1:8000}

# The worker in a process group of its own, so that stopping it also stops the reloader's child
# (with DEBUG the worker restarts itself when the code changes, as runserver does).
setsid "$PY" manage.py db_worker --interval 1 &
worker=$!
echo "后台任务进程已启动（PID $worker）"

stop() {
    trap - EXIT INT TERM
    kill -TERM -- "-$worker" 2>/dev/null
    wait "$worker" 2>/dev/null
    echo "后台任务进程已停止"
}
trap stop EXIT
trap 'exit 130' INT TERM

"$PY" manage.py runserver "$ADDR"
