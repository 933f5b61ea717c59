"""The pattern of a bureau's case numbers (`Bureau.case_number_pattern`): literal text with
{year} and one {seq}, e.g. `温信{year}-{seq:04d}`. No models here: the Bureau model validates
its field with it, and cases.numbering gives the numbers."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_PATTERN = "{year}-{seq:04d}"
NUMBER_MAX_LENGTH = 40  # PetitionCase.number

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
