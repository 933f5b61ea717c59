"""Every output built from the indicator registry, byte for byte, on the demo data.

A refactoring of the registry, the dashboard or the drill-down lists must not change a figure, a
card's order, a column or a link. This test records the SHA-256 of each output, computed on the
demo data (温县 2023–2024) with "today" frozen at `AS_OF`, and compares:

- the dashboard page (`/?year=2024`, `/?year=2023`) as the bureau head;
- every indicator's drill-down page for 2024 as the head: the numerator, and for a rate the
  denominator too (first page of each);
- `manage.py indicators --year 2024 --json`;
- the 2024 report built from the shipped template: the Excel appendix as a person sees it (every
  cell's value, type, number format and boldness, the column widths: the zip's bytes belong to
  the writer, not to the report), the Word file's `word/document.xml`, and the text of the PDF as
  `pdftotext -layout` extracts it.

Normalised, because they vary from run to run and are not what the test is about:
- the CSRF token in the pages' logout form;
- cache-busting hashes in static file names (`site.1a2b3c4d5e6f.css`), should the manifest
  storage be on;
Nothing else; "today" is frozen rather than masked.

Run with `UPDATE_GOLDEN=1` to rewrite `golden/demo_outputs.json` after an intended change. On a
mismatch the actual output is written to a temporary file named in the failure, to diff against
the same output of the previous commit.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import get_resolver

import cases.models.base
from cases.models import Bureau
from indicators import registry
from reports.render import render
from reports.render.context import build_document
from reports.services import report_get_or_create

GOLDEN = Path(__file__).parent / "golden" / "demo_outputs.json"
AS_OF = datetime.date(2026, 11, 24)  # as in test_demo_figures: the figures must not move with the calendar
YEAR = 2024

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')
STATIC_HASH = re.compile(r"(/static/[^\"'?#\s]+?)\.[0-9a-f]{12}(\.\w+)")


@pytest.fixture(scope="module")
def frozen_today():
    """`local_today()` returns AS_OF wherever it was imported (the same mechanism as the
    importer's tests: monkeypatching `local_today`, here in every module holding it)."""
    # Load the modules that import it by name first: the URLconf's views and the command.
    get_resolver().url_patterns  # noqa: B018
    importlib.import_module("indicators.management.commands.indicators")
    original = cases.models.base.local_today
    with pytest.MonkeyPatch.context() as mp:
        for module in list(sys.modules.values()):
            if getattr(module, "local_today", None) is original:
                mp.setattr(module, "local_today", lambda: AS_OF)
        yield AS_OF


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, frozen_today) -> Bureau:
    """The demo data, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        cache.clear()  # the cache lives in the database; entries of other tests must not answer
        call_command("loaddata", "demo", verbosity=0)
        yield Bureau.objects.get(name="温县信访局")
        transaction.set_rollback(True)
    with django_db_blocker.unblock():
        cache.clear()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return STATIC_HASH.sub(r"\1\2", CSRF.sub(r"\1…\2", html))


def xlsx_text(data: bytes) -> str:
    """What a person opening the workbook sees, cell by cell: each sheet's name, column widths,
    and every cell's value, type, number format and boldness (the zip's bytes depend on the
    writer, the cells do not)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    lines = []
    for sheet in book.worksheets:
        lines.append(f"=== {sheet.title}")
        widths = {k: round(d.width, 1) for k, d in sorted(sheet.column_dimensions.items()) if d.width}
        lines.append(f"widths {widths}")
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                bold = " bold" if cell.font and cell.font.b else ""
                lines.append(f"{cell.coordinate} {cell.data_type} {cell.number_format!r}{bold} {cell.value!r}")
    return "\n".join(lines) + "\n"


def docx_document_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode("utf-8")


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check(group: str, outputs: dict[str, str]) -> None:
    """Compare the digests of `outputs` with the recorded ones (or record them, UPDATE_GOLDEN=1)."""
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
    actual = {name: digest(text) for name, text in outputs.items()}
    if os.environ.get("UPDATE_GOLDEN") == "1":
        recorded[group] = actual
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(recorded, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return
    expected = recorded.get(group, {})
    problems = [f"no longer produced: {name}" for name in sorted(set(expected) - set(actual))]
    out_dir = None
    for name, text in outputs.items():
        if expected.get(name) == actual[name]:
            continue
        out_dir = out_dir or Path(tempfile.mkdtemp(prefix=f"golden-{group}-"))
        path = out_dir / re.sub(r"[^\w.-]+", "_", name)
        path.write_text(text, encoding="utf-8")
        what = "not recorded" if name not in expected else "differs"
        problems.append(f"{name} {what}; actual output in {path}")
    assert not problems, (
        f"{group}: outputs differ from {GOLDEN.name} (UPDATE_GOLDEN=1 records them if the change is intended):\n"
        + "\n".join(problems)
    )


@pytest.mark.django_db
def test_the_dashboard(demo, client, henry):
    client.force_login(henry)

    check("dashboard", {f"dashboard_{year}.html": page(client, f"/?year={year}") for year in (YEAR, YEAR - 1)})


@pytest.mark.django_db
def test_every_drill_down_page(demo, client, henry):
    client.force_login(henry)
    outputs = {}
    for indicator in registry.INDICATORS:
        for part in ("numerator", "denominator") if indicator.is_rate else ("numerator",):
            url = f"/indicators/{indicator.key}/?year={YEAR}&part={part}"
            outputs[f"{indicator.key}.{part}.html"] = page(client, url)

    check("drilldown", outputs)


@pytest.mark.django_db
def test_the_indicators_command(demo):
    out = io.StringIO()
    call_command("indicators", "--bureau", "温县信访局", "--year", str(YEAR), "--json", stdout=out)

    check("cli", {"indicators_2024.json": out.getvalue()})


@pytest.mark.django_db
def test_the_report_exports(demo):
    report, _ = report_get_or_create(bureau=demo, year=YEAR)
    doc = build_document(report)

    check(
        "report",
        {
            "report_2024.xlsx.txt": xlsx_text(render(doc, "xlsx")),
            "report_2024.document.xml": docx_document_xml(render(doc, "docx")),
            "report_2024.pdf.txt": pdf_text(render(doc, "pdf")),
        },
    )
