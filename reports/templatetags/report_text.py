"""Filters for a report's stored text on pages that list it (the bureau's template)."""

from django import template

from reports.placeholders import unmarked as _unmarked

register = template.Library()


@register.filter
def unmarked(text: str) -> str:
    """The text's words without its bold marks `**…**` (as the plain-text export prints them)."""
    return _unmarked(text or "")
