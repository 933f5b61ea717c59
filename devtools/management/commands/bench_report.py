"""Time the annual report's renderings on the current database (the demo data in `make bench`).

    manage.py bench_report --year 2024 [--runs 5] [--output docs/benchmarks.md]

Measures, as medians: building the one render context (every figure from the records), the
full PDF, WeasyPrint alone on the same HTML, the Word file, and serving a published PDF; and the
PDF's size. Writes a section `<!-- bench:report -->` into the output file.
"""

import datetime
import statistics
import time
from pathlib import Path

import weasyprint
from django.contrib.auth.models import User
from django.test import Client
from django.test.utils import override_settings

from cases.models import Bureau
from devtools.bench import write_section
from devtools.management.tool import ToolCommand
from reports.render.context import build_document
from reports.render.docx import render_docx
from reports.render.html import render_print_html
from reports.render.pdf import _stylesheet, render_pdf
from reports.services import report_get_or_create, report_publish


def median_ms(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


class Command(ToolCommand):
    help = "测量年度报告各种格式的生成时间"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2024)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--output")

    def handle(self, *args, year, runs, output, **options):
        bureau = Bureau.current()
        user, _ = User.objects.get_or_create(username="bench-head")
        report, _ = report_get_or_create(bureau=bureau, year=year, user=user)
        render_pdf(build_document(report))  # warm-up: fonts loaded, templates compiled
        context_ms, doc = median_ms(lambda: build_document(report), runs)
        html = render_print_html(doc)
        pdf_ms, pdf = median_ms(lambda: render_pdf(build_document(report)), runs)
        weasy_ms, _ = median_ms(lambda: weasyprint.HTML(string=html).write_pdf(stylesheets=[_stylesheet()]), runs)
        docx_ms, _ = median_ms(lambda: render_docx(build_document(report)), runs)
        if not report.revisions.exists():
            report_publish(report=report, user=user)
        client = Client(SERVER_NAME="localhost")
        with override_settings(DEBUG=False):
            client.get(f"/reports/public/{year}/pdf/")
            serve_ms, response = median_ms(lambda: client.get(f"/reports/public/{year}/pdf/"), runs)
        served = b"".join(response.streaming_content) if response.streaming else response.content
        rows = [
            ("render context (every figure from the records)", f"{context_ms:.0f} ms", ""),
            ("fresh PDF, whole pipeline", f"{pdf_ms:.0f} ms", "≤ 500 ms"),
            ("WeasyPrint alone on the same HTML", f"{weasy_ms:.0f} ms", ""),
            ("pipeline ÷ WeasyPrint alone", f"{pdf_ms / weasy_ms:.2f}×", "≤ 1.5×"),
            ("Word file", f"{docx_ms:.0f} ms", ""),
            ("published PDF served", f"{serve_ms:.1f} ms", "≤ 50 ms"),
            ("PDF size", f"{len(pdf) / 1024:.0f} KB", "≤ 1 MB"),
            ("served bytes equal the published revision", str(served == report.revisions.latest("number").pdf), ""),
        ]
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        lines = [
            "<!-- bench:report -->",
            "## The annual report",
            "",
            f"Run {now}; {bureau.name} {year}, median of {runs} runs after a warm-up; `manage.py bench_report`.",
            "",
            "| what | measured | target |",
            "|---|---:|---|",
            *[f"| {a} | {b} | {c} |" for a, b, c in rows],
            "",
            "<!-- /bench:report -->",
            "",
        ]
        section = "\n".join(lines)
        self.stdout.write(section)
        if output:
            write_section(Path(output), section, "report")
