"""The report and its charts appendix as PDF, through WeasyPrint.

WeasyPrint fetches whatever the HTML and CSS point at (images, stylesheets, fonts) with its own
fetcher, which reads any file:// path and any http(s) address the server can reach. The report's
HTML escapes every text from the database, so nothing a user types becomes a tag; as a second wall
the renderers here give WeasyPrint `static_only_fetcher()`, which serves the product's own static
files and refuses everything else. The report needs no fetch at all today: the print stylesheet
is passed as a string and names its fonts, which fontconfig finds (fonts-noto-cjk); no data: URL
is needed, so none is allowed.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string

from .context import ReportDocument
from .html import print_css, render_print_html

logger = logging.getLogger(__name__)

# Relative URLs in the report's HTML resolve under this base, as do the `{% static %}` paths
# ("/static/…"), so no address the fetcher is asked for names a directory of the server.
STATIC_BASE_URL = "file:///" + settings.STATIC_URL.strip("/") + "/"


class FetchRefused(ValueError):
    """WeasyPrint asked for something that is not one of the product's static files."""


def _static_roots() -> list[Path]:
    """The directories static files come from: STATIC_ROOT and every staticfiles finder's."""
    roots = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            if getattr(storage, "location", None):
                roots.append(Path(storage.location))
    return [root.resolve() for root in roots]


def _inside_static(path: Path) -> Path | None:
    path = path.resolve()
    if path.is_file() and any(path.is_relative_to(root) for root in _static_roots()):
        return path
    return None


def static_file_for(url: str) -> Path | None:
    """The static file `url` names, or None.

    Two forms are served: a file:// URL of a file inside a static directory (a stylesheet's own
    location), and file:///static/NAME, which is where a relative or `{% static %}` URL of the
    report lands under STATIC_BASE_URL: NAME is looked up by the staticfiles finders, then in
    STATIC_ROOT. Symbolic links leading out of the static directories are not followed.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = unquote(parts.path)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if path.startswith(prefix):
        name = posixpath.normpath(path[len(prefix) :])
        if name.startswith(("/", "..")) or name == ".":
            return None
        try:
            found = finders.find(name)
        except SuspiciousFileOperation:
            return None
        candidates = [Path(found)] if found else []
        if settings.STATIC_ROOT:
            candidates.append(Path(settings.STATIC_ROOT) / name)
        for candidate in candidates:
            if served := _inside_static(candidate):
                return served
        return None
    return _inside_static(Path(path))


def fetch_static(url: str) -> tuple[bytes, str]:
    """(contents, MIME type) of the static file `url` names; FetchRefused for anything else."""
    path = static_file_for(url)
    if path is None:
        logger.warning("报告 PDF 只能引用本系统的静态文件，已拒绝：%s", url[:200])
        raise FetchRefused(f"报告 PDF 只能引用本系统的静态文件，已拒绝：{url[:200]}")
    return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@cache
def static_only_fetcher():
    """A WeasyPrint URL fetcher around fetch_static(): no network, no file outside static."""
    from weasyprint import urls

    if not hasattr(urls, "URLFetcher"):  # WeasyPrint before 68: a function returning a dict

        def fetcher(url):
            body, mime_type = fetch_static(url)
            return {"string": body, "mime_type": mime_type, "redirected_url": url}

        return fetcher

    class StaticOnlyFetcher(urls.URLFetcher):
        def fetch(self, url, headers=None):
            body, mime_type = fetch_static(url)
            return urls.URLFetcherResponse(url, body, {"Content-Type": mime_type})

    return StaticOnlyFetcher()


@cache
def _stylesheet():
    import weasyprint

    css = Path(finders.find("reports/print.css"))
    return weasyprint.CSS(string=print_css(), base_url=css.resolve().as_uri(), url_fetcher=static_only_fetcher())


def html_to_pdf(html: str) -> bytes:
    """`html` with the print stylesheet as PDF, fetching nothing but the product's static files."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=static_only_fetcher())
    return document.write_pdf(stylesheets=[_stylesheet()])


def render_pdf(doc: ReportDocument) -> bytes:
    """The report in the GB/T 9704 layout. The same document always gives the same bytes
    (WeasyPrint writes no date), so a draft exported before publishing matches the published file."""
    return html_to_pdf(render_print_html(doc))


def render_charts_pdf(doc: ReportDocument) -> bytes:
    """The appendix: the monthly charts the document carries (`extra["charts"]`), one a page half."""
    html = render_to_string("reports/print_charts.html", {"doc": doc, "charts": doc.extra.get("charts", [])})
    return html_to_pdf(html)
