from __future__ import annotations

from functools import cache

from django.template.loader import render_to_string

from .context import ReportDocument
from .html import print_css, render_print_html


@cache
def _stylesheet():
    import weasyprint

    return weasyprint.CSS(string=print_css())


def render_pdf(doc: ReportDocument) -> bytes:
    """The report in the GB/T 9704 layout. The same document always gives the same bytes
    (WeasyPrint writes no date), so a draft exported before publishing matches the published file."""
    import weasyprint

    return weasyprint.HTML(string=render_print_html(doc)).write_pdf(stylesheets=[_stylesheet()])


def render_charts_pdf(doc: ReportDocument) -> bytes:
    """The appendix: the monthly charts the document carries (`extra["charts"]`), one a page half."""
    import weasyprint

    html = render_to_string("reports/print_charts.html", {"doc": doc, "charts": doc.extra.get("charts", [])})
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[_stylesheet()])
