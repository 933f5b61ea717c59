"""The tools are installed while developing and testing, and not on a production server."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 50}


def installed(**env: str) -> bool:
    code = "import django; django.setup(); from django.apps import apps; print(apps.is_installed('devtools'))"
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DEVTOOLS")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "wenxian_report.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return {"True": True, "False": False}[result.stdout.strip()]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, True),  # DEBUG is on by default
        (PRODUCTION, False),
        ({**PRODUCTION, "DEVTOOLS": "true"}, True),  # e.g. bench_case_list on a copy of production
        ({"DEVTOOLS": "false"}, False),
    ],
)
def test_devtools_is_installed_when_the_setting_allows_it(env, expected):
    assert installed(**env) is expected
