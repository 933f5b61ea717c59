"""Case numbers (信访件编号) given by the system: the next one of a bureau's year, from the pattern
the bureau sets (`Bureau.case_number_pattern`, e.g. `温信{year}-{seq:04d}`).

Each (bureau, year) has a counter row (`CaseNumberCounter`). `next_case_number()` raises it with
an UPDATE … SET last = last + 1 before reading it, inside the transaction that inserts the case:
on PostgreSQL the UPDATE locks the row until that transaction ends, so a second clerk's UPDATE
waits and then counts on from the first clerk's number; on SQLite every transaction takes the
write lock when it begins (settings: transaction_mode IMMEDIATE), so clerks queue the same way.
A counter is created on first use, starting after the highest number of that year already in the
ledger that fits the pattern (entered by hand or imported), and a number that is taken anyway is
skipped. Imported historical numbers are kept as they are: the importer never calls this.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cases.models import CaseNumberCounter, PetitionCase
from cases.models.base import local_today
from cases.number_patterns import DEFAULT_PATTERN, CaseNumberPattern

__all__ = ["CaseNumberPattern", "highest_taken", "next_case_number", "preview_case_number"]

# Numbers taken by hand or by an import right after the counter are stepped over one by one;
# more than this in a row means the pattern no longer fits the ledger: refuse rather than loop.
MAX_SKIPS = 10_000


def highest_taken(*, bureau, year: int, pattern: CaseNumberPattern) -> int:
    """The highest sequence number of `year` in the bureau's ledger that fits the pattern (0 if
    none). Read once per bureau and year, when the counter is created."""
    regex = pattern.regex(year)
    numbers = PetitionCase._base_manager.filter(
        bureau=bureau, number__startswith=pattern.literal_prefix(year)
    ).values_list("number", flat=True)
    found = (regex.match(n) for n in numbers.iterator())
    return max((int(m.group("seq")) for m in found if m), default=0)


def next_case_number(*, bureau, year: int) -> str:
    """Allocate the bureau's next case number of `year`. Call it inside the transaction that
    saves the case: the counter row stays locked until that transaction ends, and a rolled-back
    save gives its number back."""
    pattern = CaseNumberPattern.parse(bureau.case_number_pattern or DEFAULT_PATTERN)
    counter = CaseNumberCounter._base_manager.filter(bureau=bureau, year=year)
    with transaction.atomic():
        if not counter.update(last=F("last") + 1):
            start = highest_taken(bureau=bureau, year=year, pattern=pattern)
            try:
                with transaction.atomic():
                    CaseNumberCounter._base_manager.create(bureau=bureau, year=year, last=start + 1)
            except IntegrityError:  # another clerk's first case of the year created it meanwhile
                counter.update(last=F("last") + 1)
        for _attempt in range(MAX_SKIPS):
            number = pattern.render(year, counter.values_list("last", flat=True).get())
            if not PetitionCase._base_manager.filter(bureau=bureau, number=number).exists():
                return number
            counter.update(last=F("last") + 1)
    raise ValidationError(
        _("按编号规则“%(pattern)s”连续%(n)s个编号都已被占用，请管理员检查编号规则。")
        % {"pattern": pattern.text, "n": MAX_SKIPS}
    )


def preview_case_number(*, bureau, year: int | None = None) -> str:
    """The number the next case of `year` would get now, without taking it (for the add form's
    hint): another clerk may take it first, and the case gets the next one then."""
    year = year or local_today().year
    try:
        pattern = CaseNumberPattern.parse(bureau.case_number_pattern or DEFAULT_PATTERN)
    except ValidationError:
        return ""
    last = CaseNumberCounter._base_manager.filter(bureau=bureau, year=year).values_list("last", flat=True).first()
    seq = (highest_taken(bureau=bureau, year=year, pattern=pattern) if last is None else last) + 1
    taken = PetitionCase._base_manager.filter(bureau=bureau)
    for _attempt in range(100):
        number = pattern.render(year, seq)
        if not taken.filter(number=number).exists():
            return number
        seq += 1
    return pattern.render(year, seq)
