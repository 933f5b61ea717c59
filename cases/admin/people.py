"""Petitioners (信访人) in the workbench: the bureau's persons, masked like every personal field
for roles without the permission, each with the cases it is linked to; and a case's persons (集体访:
its persons or representatives) as an inline of the case, the head count checked against them."""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cases.models import CasePerson, PetitionCase, Petitioner

from .base import LedgerAdmin

CASES_SHOWN = 20


@admin.register(Petitioner)
class PetitionerAdmin(LedgerAdmin):
    list_display = ("name", "id_number", "phone", "created_at")
    list_display_links = ("name",)
    # A name from its start, an ID number or a phone number whole: each on its index.
    search_fields = ("^name", "=id_number", "=phone")
    ordering = ("name", "id")
    fields = ("name", "id_number", "phone", "address", "case_list")
    readonly_fields = ("case_list",)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        fields = self.get_search_fields(request)
        if not term:
            return queryset, False
        if not fields:  # no personal-data permission: a masked value is no key
            return queryset.none(), False
        prefix = Q(name__gte=term, name__lt=term + "\U0010ffff", name__startswith=term)  # as cases.people.lookup
        found = prefix | Q(id_number=term.upper()) | Q(phone=term)
        return queryset.filter(found), False

    @admin.display(description=_("信访事项"))
    def case_list(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        cases = list(
            PetitionCase.objects.filter(petitioner=obj)
            .select_related("responsible_unit")
            .order_by("-received_on")[:CASES_SHOWN]
        )
        if not cases:
            return _("没有信访事项。")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> {} {} {}</li>',
                (
                    (
                        reverse("admin:cases_petitioncase_change", args=[c.pk]),
                        c.number,
                        f"{c.received_on:%Y-%m-%d}",
                        c.subject_area or "—",
                        c.responsible_unit or "—",
                    )
                    for c in cases
                ),
            ),
        )


def listed_persons(case) -> str:
    """A case's persons (集体访: its persons or representatives), each named masked (as str() of a
    person always is, cases.privacy) and linked to the person's page, where the permission decides."""
    if case is None or case.pk is None:
        return "—"
    links = list(CasePerson.objects.filter(case=case).select_related("petitioner"))
    if not links:
        return "—"
    return format_html_join(
        "、",
        '<a href="{}">{}</a>{}',
        (
            (
                reverse("admin:cases_petitioner_change", args=[p.petitioner_id]),
                str(p.petitioner),
                _("（代表）") if p.representative else "",
            )
            for p in links
        ),
    )
