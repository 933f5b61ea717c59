"""The base of every list and form of the workbench: declared lookups only, personal data
masked for those without the permission (cases.admin.lookups, cases.admin.personal).
tests/cases/test_admin_guards.py checks that every registered admin of ours derives from it."""

from django.contrib import admin

from .lookups import DeclaredLookupsMixin
from .personal import PersonalDataMixin


class GuardedAdmin(DeclaredLookupsMixin, PersonalDataMixin, admin.ModelAdmin):
    pass
