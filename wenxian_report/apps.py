"""Django's static files app, told to leave out what no page of ours serves.

django-prose-editor ships a Material Icons font (Apache 2.0, not SIL OFL) for its own toolbar,
which we do not use (reports' editor has Chinese text buttons): it is not collected, so not
deployed. (Its source maps stay: the bundles name them, and the manifest storage of production
resolves every name.)
"""

from django.contrib.staticfiles.apps import StaticFilesConfig


class StaticFiles(StaticFilesConfig):
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "material-icons*"]
