"""Notices that higher rooms put on the dashboard, without the dashboard importing them.

The dependencies point one way (reports → indicators, tests/test_architecture.py): the dashboard
cannot ask the reports whether the published report still matches its figures. Instead a higher
room registers a function here from its AppConfig.ready() (reports.apps registers the drift
notice of reports.drift), and the dashboard shows whatever the registered functions return.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString

# (request, bureau, year, paper=False) → HTML as render_to_string() gives it (a SafeString,
# escaped by the template) or "". With paper=True the notice is for the print view (A4): no
# buttons, no links, nothing that means something only on a screen.
Notice = Callable[..., str]
_notices: list[Notice] = []


def register_dashboard_notice(notice: Notice) -> None:
    if notice not in _notices:
        _notices.append(notice)


def dashboard_notices(request, bureau, year: int, *, paper: bool = False) -> list[SafeString]:
    """The registered notices for the bureau's dashboard of `year`, those with something to say;
    `paper` for the print view."""
    found = (notice(request, bureau, year, paper=paper) for notice in _notices)
    return [html for html in found if html]
