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

import re
import string
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

DEFAULT_PATTERN = "{year}-{seq:04d}"
NUMBER_MAX_LENGTH = 40  # PetitionCase.number
# Numbers taken by hand or by an import right after the counter are stepped over one by one;
# more than this in a row means the pattern no longer fits the ledger: refuse rather than loop.
MAX_SKIPS = 10_000

_SEQ_SPEC = re.compile(r"^(0?)(\d?)d?$")


@dataclass(frozen=True)
class CaseNumberPattern:
    """A validated pattern: literal text with {year} and one {seq} (optionally zero-padded)."""

    text: str

    @classmethod
    def parse(cls, text: str) -> CaseNumberPattern:
        """The pattern, or a ValidationError in Chinese saying what is wrong with it."""
        text = (text or "").strip()
        if not text:
            raise ValidationError(_("请填写编号规则，如“温信{year}-{seq:04d}”。"), code="pattern_empty")
        try:
            parts = list(string.Formatter().parse(text))
        except ValueError:
            raise ValidationError(
                _("编号规则中的花括号不成对：占位符应写成 {year}、{seq} 或 {seq:04d}。"), code="pattern_braces"
            ) from None
        seqs = 0
        for _literal, name, spec, conversion in parts:
            if name is None:
                continue
            if conversion or name not in ("year", "seq"):
                raise ValidationError(
                    _("编号规则中的“{%(name)s}”不是可用的占位符；只能使用 {year}（年度）和 {seq}（序号）。")
                    % {"name": name + (f"!{conversion}" if conversion else "")},
                    code="pattern_placeholder",
                )
            if name == "year" and spec:
                raise ValidationError(_("{year} 不能带格式，请直接写 {year}。"), code="pattern_year_spec")
            if name == "seq":
                seqs += 1
                if not _SEQ_SPEC.match(spec or ""):
                    raise ValidationError(
                        _("序号格式“%(spec)s”无法识别：请写 {seq}，或 {seq:04d} 表示补零到4位。") % {"spec": spec},
                        code="pattern_seq_spec",
                    )
        if seqs != 1:
            raise ValidationError(
                _("编号规则必须包含且只包含一个序号占位符 {seq}（如 {seq:04d}）。"), code="pattern_seq"
            )
        pattern = cls(text)
        widest = pattern.render(9999, 99999)
        if len(widest) > NUMBER_MAX_LENGTH:
            raise ValidationError(
                _("按此规则生成的编号（如 %(example)s）超过%(max)s个字符。")
                % {"example": widest, "max": NUMBER_MAX_LENGTH},
                code="pattern_length",
            )
        return pattern

    def render(self, year: int, seq: int) -> str:
        return self.text.format(year=year, seq=seq)

    def regex(self, year: int) -> re.Pattern:
        """Matches the numbers of `year` this pattern gives, capturing the sequence number."""
        out = []
        for literal, name, spec, _conversion in string.Formatter().parse(self.text):
            out.append(re.escape(literal))
            if name == "year":
                out.append(re.escape(str(year)))
            elif name == "seq":
                width = _SEQ_SPEC.match(spec or "").group(2)
                out.append(rf"(?P<seq>\d{{{width or 1},}})")
        return re.compile("^" + "".join(out) + "$")

    def literal_prefix(self, year: int) -> str:
        """The fixed text before {seq}: a cheap filter for the ledger's numbers of that year."""
        literal_end = self.text.find("{seq")
        return self.text[:literal_end].format(year=year)


def validate_case_number_pattern(value: str) -> None:
    CaseNumberPattern.parse(value)


def highest_taken(*, bureau, year: int, pattern: CaseNumberPattern) -> int:
    """The highest sequence number of `year` in the bureau's ledger that fits the pattern (0 if
    none). Read once per bureau and year, when the counter is created."""
    from cases.models import PetitionCase

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
    from cases.models import CaseNumberCounter, PetitionCase

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
    from cases.models import CaseNumberCounter, PetitionCase
    from cases.models.base import local_today

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
