"""Renderers of a `ReportDocument`: each takes the one context and returns bytes.

`export(doc, fmt)` returns `(filename, mimetype, data)` for any format, as the CLI and the
download views need it.
"""

from __future__ import annotations

from .context import ReportDocument

FORMATS = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "charts": "application/pdf",  # the appendix: the dashboard's monthly charts of the year
}


def filename(doc: ReportDocument, fmt: str) -> str:
    if fmt == "charts":
        return f"{doc.bureau}{doc.title}附件（图表）.pdf"
    suffix = "指标附表" if fmt == "xlsx" else ""
    return f"{doc.bureau}{doc.title}{suffix}.{fmt}"


def render(doc: ReportDocument, fmt: str) -> bytes:
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(doc)
    if fmt == "charts":
        from .pdf import render_charts_pdf

        return render_charts_pdf(doc)
    if fmt == "html":
        from .html import render_standalone_html

        return render_standalone_html(doc).encode()
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(doc)
    if fmt == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(doc)
    raise ValueError(fmt)


def export(doc: ReportDocument, fmt: str) -> tuple[str, str, bytes]:
    return filename(doc, fmt), FORMATS[fmt], render(doc, fmt)
