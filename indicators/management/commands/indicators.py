"""The report's figures on the command line: ``manage.py indicators --year 2024 [--json]``."""

from __future__ import annotations

import datetime
import json
import unicodedata

from django.core.management.base import CommandError, CommandParser

from cases.management.bureau import BureauCommand
from cases.models import Bureau, Unit
from cases.models.base import local_today, year_bounds
from indicators.compute import DASH, Figure, compute
from indicators.numbers import NumberFormat
from indicators.registry import Period


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期“{text}”格式不正确，应为 YYYY-MM-DD。") from exc


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


class Command(BureauCommand):
    help = "按年度或日期区间计算全部工作指标（与看板、年度报告同一口径）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="年度，如 2024；不填则为今年")
        parser.add_argument("--from", dest="start", type=_date, help="起始日期 YYYY-MM-DD（与 --to 同用）")
        parser.add_argument("--to", dest="end", type=_date, help="截止日期 YYYY-MM-DD（与 --from 同用）")
        parser.add_argument("--unit", help="只统计该责任单位的事项（单位名称）")
        parser.add_argument("--as-of", dest="as_of", type=_date, help="判断“已满期限”“超期”的日期，默认今天")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    def handle(self, *args, **options) -> None:
        bureau = self.bureau
        period = self._period(options)
        unit = self._unit(bureau, options["unit"])
        fmt = NumberFormat.of(bureau)
        figures = {
            key: f.formatted(fmt) for key, f in compute(bureau.pk, period, unit_id=unit.pk if unit else None).items()
        }
        # A whole calendar year is reported as that year; any other range by its dates.
        year = period.start.year if (period.start, period.end) == year_bounds(period.start.year) else None
        if options["json"]:
            self._write_json(bureau, period, year, unit, figures)
        else:
            self._write_table(bureau, period, year, unit, figures)

    def _period(self, options) -> Period:
        as_of = options["as_of"] or local_today()
        start, end = options["start"], options["end"]
        if start or end:
            if options["year"]:
                raise CommandError("--year 与 --from/--to 不能同时使用。")
            if not (start and end):
                raise CommandError("--from 与 --to 须同时填写。")
            if end < start:
                raise CommandError("截止日期不能早于起始日期。")
            return Period(start, end, as_of)
        return Period.year(options["year"] or as_of.year, as_of=as_of)

    def _unit(self, bureau: Bureau, name: str | None) -> Unit | None:
        if not name:
            return None
        unit = Unit.objects.filter(bureau=bureau, name=name.strip()).first()
        if unit is None:
            known = "、".join(Unit.objects.filter(bureau=bureau).values_list("name", flat=True))
            raise CommandError(f"未找到责任单位“{name}”。现有单位：{known}")
        return unit

    def _write_json(self, bureau, period, year, unit, figures: dict[str, Figure]) -> None:
        data: dict = {"year": year, "bureau": bureau.name}
        if year is None:
            data.update({"from": period.start.isoformat(), "to": period.end.isoformat()})
        if unit is not None:
            data["unit"] = unit.name
        data["as_of"] = period.as_of.isoformat()
        data["indicators"] = {key: figure.as_json() for key, figure in figures.items()}
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _write_table(self, bureau, period, year, unit, figures: dict[str, Figure]) -> None:
        span = f"{year}年" if year else f"{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}"
        title = f"{bureau.name} {span}工作指标" + (f"（{unit.name}）" if unit else "")
        self.stdout.write(title)
        self.stdout.write(f"统计截至 {period.as_of:%Y-%m-%d}")
        rows = [("指标", "数值", "分子/分母")]
        for figure in figures.values():
            if figure.is_rate:
                value, parts = figure.display, f"{figure.numerator}/{figure.denominator}"
            else:
                value, parts = f"{figure.display}{figure.indicator.unit_label}", ""
            rows.append((figure.label, value if value else DASH, parts))
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
