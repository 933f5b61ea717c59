"""The project's own promises about deployment: migrations complete, production settings clean,
gunicorn and whitenoise serving the app."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.test_csp import EXPECTED as CSP
from tests.test_csp import parse as parse_csp

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,xf.example.gov.cn",
}


def production_env(extra=None) -> dict:
    # The browser tests relax Django's async guard for their own process; a deployment never does.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **(extra or {})}


def run_manage(*args, env_extra=None):
    env = production_env(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_check_deploy_prints_no_warning_in_production_mode():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_manage("check", env_extra={**env, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_the_login_page_and_whitenoise_the_static_files(tmp_path):
    db = tmp_path / "prod.sqlite3"
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{db}", "SECURE_SSL_REDIRECT": "false"}
    static = tmp_path / "static"
    assert run_manage("migrate", "-v0", env_extra=env).returncode == 0
    collected = run_manage("collectstatic", "--noinput", "-v0", env_extra={**env, "STATIC_ROOT": str(static)})
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "wenxian_report.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        cwd=ROOT,
        env=production_env({**env, "STATIC_ROOT": str(static)}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2) as r:
                    body = r.read().decode()
                    headers = r.headers
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "gunicorn did not answer"
        assert "登录" in body
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert parse_csp(headers["Content-Security-Policy"]) == CSP
        css = body.split('href="')[1].split('"')[0]
        assert css.startswith("/static/site.") and css.endswith(".css")  # hashed by the manifest storage
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{css}", timeout=5) as r:
            assert r.status == 200 and b"--accent" in r.read()
            assert parse_csp(r.headers["Content-Security-Policy"]) == CSP  # whitenoise's responses too
    finally:
        proc.terminate()
        proc.wait(timeout=10)
