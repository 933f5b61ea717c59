from django.core.paginator import EmptyPage, Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """A paginator that stops counting at CAP rows.

    The admin counts every match of a list to number its pages; on a million-row ledger that
    COUNT(*) costs more than the page itself. Counting `queryset[:CAP + 1]` reads at most CAP + 1
    index entries. A list with more matches shows "10000+" and its first CAP rows (200 pages):
    enough to browse, and a clerk looking for one case narrows the list with a filter or a search.
    The templates under templates/admin/ read `capped` to say so and to withhold "select all
    across pages", whose count would be wrong.
    """

    CAP = 10_000

    @cached_property
    def count(self):
        # Without the list's order: counting needs none, and the order would steer the database
        # to the sort index instead of the one that answers the filter.
        counted = self.object_list.order_by()[: self.CAP + 1].count()
        self.capped = counted > self.CAP
        return min(counted, self.CAP)

    capped = False

    def validate_number(self, number):
        # A page past the last (beyond the cap, or left in an old address) is the last page,
        # where the admin would answer with its "something is wrong with your database" screen.
        try:
            return super().validate_number(number)
        except EmptyPage:
            return self.num_pages if int(number) > 1 else 1
