"""The bureau a management command works for: `--bureau` (name or id), or the only one there is.

A command's queries run inside `acting_for(bureau)` like a request's, so they see that bureau's
records only; with several bureaus and no `--bureau`, the command stops and asks, never guesses.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cases.scoping import acting_for


class BureauCommand(BaseCommand):
    """A command that works on one bureau's records. Subclasses write `handle()` as usual; it
    runs acting for the bureau, which `self.bureau` holds."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--bureau",
            metavar="信访局",
            help="信访局名称或编号；只有一个信访局时可省略",
        )
        return parser

    def execute(self, *args, **options):
        from cases.models import Bureau

        try:
            self.bureau = Bureau.objects.resolve(options.get("bureau"))
        except (Bureau.DoesNotExist, Bureau.MultipleObjectsReturned) as exc:
            raise CommandError(str(exc)) from None
        with acting_for(self.bureau):
            return super().execute(*args, **options)
