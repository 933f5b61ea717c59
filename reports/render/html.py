from __future__ import annotations

from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .context import ReportDocument


@cache
def print_css() -> str:
    return Path(finders.find("reports/print.css")).read_text(encoding="utf-8")


def render_fragment(doc: ReportDocument) -> str:
    """The report's markup alone, for pages that frame it (screen, preview, public page)."""
    return render_to_string("reports/_document.html", {"doc": doc})


def render_print_html(doc: ReportDocument) -> str:
    """A standalone page without styles: the PDF renderer adds the print stylesheet itself."""
    return render_to_string("reports/print.html", {"doc": doc})


def render_standalone_html(doc: ReportDocument) -> str:
    """A self-contained HTML file (the print stylesheet inlined), for the HTML export."""
    html = render_print_html(doc)
    return html.replace("</head>", f"<style>{print_css()}</style></head>", 1)
