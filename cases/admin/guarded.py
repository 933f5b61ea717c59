"""The base of every list and form of the workbench: declared lookups only, personal data
masked for those without the permission (cases.admin.lookups, cases.admin.personal).
tests/cases/test_admin_guards.py checks that every registered admin of ours derives from it."""

from django.contrib import admin
from django.http import Http404

from .lookups import DeclaredLookupsMixin
from .personal import PersonalDataMixin


class NotFoundMixin:
    """A record that is not there for this user — deleted, or another bureau's or unit's, which
    the scoped managers hide — answers 404, as any other page would; Django's admin would
    redirect to its index with a message naming the record's id."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404


class GuardedAdmin(NotFoundMixin, DeclaredLookupsMixin, PersonalDataMixin, admin.ModelAdmin):
    pass
