from django.contrib.admin.views.main import SEARCH_VAR
from django.core.paginator import EmptyPage, Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """A paginator that stops counting at a cap.

    The admin counts every match of a list to number its pages; on a million-row ledger that
    COUNT(*) costs more than the page itself. Counting `queryset[:cap + 1]` reads at most cap + 1
    matches. A list with more shows "10000+" and its first rows up to the cap: enough to browse,
    and a clerk looking for one case narrows the list with a filter or a search. The templates
    under templates/admin/ read `capped` to say so and to withhold "select all across pages",
    whose count would be wrong.

    A filtered list is counted up to CAP through its index. A searched one is counted up to
    SEARCH_CAP: a word that occurs in one case in ten is found by reading the list's own index
    and checking row after row, so 10,000 matches meant reading ~100,000 rows (200 ms at a
    million cases); 1,000 matches, 20 pages, are found ten times sooner.
    """

    CAP = 10_000
    SEARCH_CAP = 1_000

    def __init__(self, *args, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap or self.CAP

    @cached_property
    def count(self):
        # Without the list's order: counting needs none, and the order would steer the database
        # to the sort index instead of the one that answers the filter.
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    capped = False

    def validate_number(self, number):
        # A page past the last (beyond the cap, or left in an old address) is the last page,
        # where the admin would answer with its "something is wrong with your database" screen.
        try:
            return super().validate_number(number)
        except EmptyPage:
            return self.num_pages if int(number) > 1 else 1


class CappedCountAdmin:
    """ModelAdmin mixin: lists counted up to CappedPaginator's caps, never the whole ledger."""

    paginator = CappedPaginator
    show_full_result_count = False  # no COUNT(*) of the whole ledger on every page either

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        searching = bool(request.GET.get(SEARCH_VAR, "").strip())
        cap = self.paginator.SEARCH_CAP if searching else self.paginator.CAP
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, cap=cap)
