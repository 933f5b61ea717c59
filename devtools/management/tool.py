"""The developers' commands work on the whole installation (they generate, build and measure
every bureau's data), so they run with the bureaus' scopes lifted. What they measure through
HTTP still runs scoped, as the user it signs in."""

from django.core.management.base import BaseCommand

from cases.scoping import scopes_disabled


class ToolCommand(BaseCommand):
    def execute(self, *args, **options):
        with scopes_disabled():
            return super().execute(*args, **options)
