"""Numbers as the bureau prints them: one rule for the dashboard, the report's text, its Word, PDF
and Excel files, the dashboard's exports and the command line.

The rule, in the bureau's terms (docs/indicators.md, "数字的写法"):

- A rate is its numerator ÷ denominator in per cent, to two decimals; no denominator prints "—".
- Year on year (同比): a count's change in per cent of last year's count ("下降22.24%"); a rate's
  change in percentage points, the difference of the two printed rates ("提高2.50个百分点"); where
  a bureau writes it so, a rate's relative change in per cent of last year's rate. Nothing last
  year to compare with prints "—", no change "持平".
- Two decimals are reached by rounding half up (四舍五入, the default) or, where the bureau
  chooses it, by cutting off the rest (截尾): 3,326 persons against 4,727 is −29.638…%, "−29.64%"
  rounded, "−29.63%" cut off.
- A whole number of per cent prints as "100%" (the default, as 公文 write it) or "100.00%", as the
  bureau chooses; every other value keeps both decimals ("80.50%").

`NumberFormat` holds the bureau's two choices; `Change` is a change computed once, and
`signed()` (tables: "+2.50 个百分点") and `words()` (the report: "提高2.50个百分点") print it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

HUNDREDTH = Decimal("0.01")
DASH = "—"

# The bureau's choices, as stored on cases.models.Bureau.
WHOLE_PLAIN, WHOLE_DECIMALS = "plain", "decimals"
HALF_UP, TRUNCATE = "half_up", "truncate"


@dataclass(frozen=True)
class NumberFormat:
    """How a bureau prints its per cents: `decimals` keeps ".00" on a whole number ("100.00%"),
    `truncate` cuts after two decimals instead of rounding half up."""

    decimals: bool = False
    truncate: bool = False

    @classmethod
    def of(cls, bureau) -> NumberFormat:
        """The bureau's choices (the default for None or a bureau without them)."""
        if bureau is None:
            return DEFAULT
        return cls(
            decimals=getattr(bureau, "percent_whole", WHOLE_PLAIN) == WHOLE_DECIMALS,
            truncate=getattr(bureau, "percent_rounding", HALF_UP) == TRUNCATE,
        )


DEFAULT = NumberFormat()


def round2(value: Decimal, fmt: NumberFormat = DEFAULT) -> Decimal:
    """`value` to two decimals: half up (away from zero at .5) or cut off towards zero."""
    return value.quantize(HUNDREDTH, rounding=ROUND_DOWN if fmt.truncate else ROUND_HALF_UP)


def percent(numerator: int, denominator: int, fmt: NumberFormat = DEFAULT) -> Decimal | None:
    """numerator ÷ denominator in per cent, two decimals; None for a zero denominator (printed
    "—", never 0% or 100%)."""
    if not denominator:
        return None
    return round2(Decimal(numerator) * 100 / Decimal(denominator), fmt)


def number_text(value: Decimal, fmt: NumberFormat = DEFAULT) -> str:
    """A per cent or point value (already to two decimals) without its sign or unit: "98.43",
    and a whole number "100" or "100.00" as the bureau chooses."""
    value = abs(value)
    if not fmt.decimals and value == value.to_integral_value():
        return str(int(value))
    return f"{value:.2f}"


def percent_text(value: Decimal | None, fmt: NumberFormat = DEFAULT) -> str:
    """A rate as printed: "98.43%", "100%" (or "100.00%"), "—"."""
    if value is None:
        return DASH
    return ("-" if value < 0 else "") + number_text(value, fmt) + "%"


def sheet_number(value: Decimal, fmt: NumberFormat = DEFAULT) -> Decimal | int:
    """A per cent for a spreadsheet cell, still a number: two places (shown "80.50"), a whole
    number as an integer ("100") unless the bureau writes "100.00"."""
    if not fmt.decimals and value == value.to_integral_value():
        return int(value)
    return value


POINTS, PERCENT = "points", "percent"


@dataclass(frozen=True)
class Change:
    """A change from last year: `kind` POINTS (a rate's, in percentage points) or PERCENT (a
    count's, or a rate's relative change); `value` to two decimals, None without a base."""

    kind: str
    value: Decimal | None

    @property
    def direction(self) -> str:
        """ "up", "down", "flat", or "" without a base."""
        if self.value is None:
            return ""
        return "up" if self.value > 0 else "down" if self.value < 0 else "flat"


def change(current, previous, fmt: NumberFormat = DEFAULT, *, relative: bool = False) -> Change:
    """同比 of `current` against `previous` (figures: `is_rate`, `numerator`, `denominator`).

    A rate: the difference of the two rates as printed, in points; with `relative`, the change of
    the rate in per cent of last year's (from the exact fractions, rounded once). A count: the
    change in per cent of last year's count. None as value where last year gives no base."""
    if previous is None:
        return Change(POINTS if current.is_rate and not relative else PERCENT, None)
    if current.is_rate and not relative:
        now = percent(current.numerator, current.denominator or 0, fmt)
        before = percent(previous.numerator, previous.denominator or 0, fmt)
        return Change(POINTS, None if now is None or before is None else now - before)
    if current.is_rate:
        if not current.denominator or not previous.denominator or not previous.numerator:
            return Change(PERCENT, None)
        before = Decimal(previous.numerator) / previous.denominator
        exact = (Decimal(current.numerator) / current.denominator - before) * 100 / before
        return Change(PERCENT, round2(exact, fmt))
    if not previous.numerator:
        return Change(PERCENT, None)
    exact = Decimal(current.numerator - previous.numerator) * 100 / previous.numerator
    return Change(PERCENT, round2(exact, fmt))


def signed(c: Change, fmt: NumberFormat = DEFAULT, *, unit: bool = True) -> str:
    """A change for tables: "+2.50 个百分点", "-22.24%", "持平", "—"; without `unit`, the
    number alone ("+2.50") for a narrow cell."""
    if c.value is None:
        return DASH
    if c.value == 0:
        return _("持平")
    number = ("+" if c.value > 0 else "-") + number_text(c.value, fmt)
    if not unit:
        return number
    if c.kind == POINTS:
        return _("%(change)s 个百分点") % {"change": number}
    return f"{number}%"


def words(c: Change, fmt: NumberFormat = DEFAULT) -> str:
    """A change in the report's words: "提高2.50个百分点" / "下降1.30个百分点" for points,
    "增长12.50%" / "下降22.24%" for per cent, "持平", "—"."""
    if c.value is None:
        return DASH
    if c.value == 0:
        return _("持平")
    number = number_text(c.value, fmt)
    if c.kind == POINTS:
        return (_("提高") if c.value > 0 else _("下降")) + number + _("个百分点")
    return (_("增长") if c.value > 0 else _("下降")) + number + "%"


NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """A whole number in Chinese numerals, as sections, lead headings and ranks are written:
    1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五; Arabic digits from 1,000 on."""
    if n < 0 or n >= 1000:
        return str(n)
    if n < 10:
        return NUMERALS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else NUMERALS[tens]) + "十" + (NUMERALS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if not rest:
        return NUMERALS[hundreds] + "百"
    if rest < 10:
        return NUMERALS[hundreds] + "百零" + NUMERALS[rest]
    tens, ones = divmod(rest, 10)
    return NUMERALS[hundreds] + "百" + NUMERALS[tens] + "十" + (NUMERALS[ones] if ones else "")
