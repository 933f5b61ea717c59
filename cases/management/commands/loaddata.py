"""Django's loaddata over the whole installation: every bureau's rows, whatever scope.

A fixture or a dump is the installation's, not one bureau's; without this the scoped managers
(cases.scoping) would refuse its queries."""

from django.core.management.commands.loaddata import Command as Base

from cases.scoping import scopes_disabled


class Command(Base):
    def handle(self, *args, **options):
        with scopes_disabled():
            return super().handle(*args, **options)
