"""What collectstatic deploys: no font file of any kind (the product's fonts are the system's
Noto CJK, SIL OFL; django-prose-editor's Material Icons, Apache 2.0, is left out)."""

from django.apps import apps
from django.contrib.staticfiles import finders

FONTS = (".woff", ".woff2", ".ttf", ".otf", ".eot")


def collected() -> list[str]:
    """The paths collectstatic copies: every finder's files but those its app config ignores."""
    ignored = apps.get_app_config("staticfiles").ignore_patterns
    return [path for finder in finders.get_finders() for path, _storage in finder.list(ignored)]


def test_no_font_file_is_collected_and_the_editor_is():
    paths = collected()
    assert "django_prose_editor/editor.js" in paths  # the whole-document editor's bundle
    assert [p for p in paths if p.lower().endswith(FONTS)] == []
    assert not [p for p in paths if "material-icons" in p]
