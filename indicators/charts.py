"""Monthly charts as plain SVG strings, drawn on the server.

The same string goes into the dashboard page and into the PDF report (WeasyPrint renders inline
SVG), so everything is in attributes: no stylesheet, no script, no font file referenced from
outside. Text uses the Noto CJK family that the PDF ships with.

A month whose value is None (not yet reached, or outside the period) gets no bar at all; a month
with 0 gets a bar of zero height, so "nothing happened" and "not yet" are told apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans CJK', 'Source Han Sans SC', sans-serif"
COLOURS = ("#9b1c1c", "#2f6f9f", "#c58a00", "#3f7f3f")
INK = "#1f2328"
MUTED = "#57606a"
GRID = "#d0d7de"

# Narrow enough that, scaled down to a phone's width, the labels stay legible.
WIDTH, HEIGHT = 480, 270
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 56, 28


def nice_ceiling(value: float) -> int:
    """The smallest 1, 2 or 5 × 10^k at or above `value` (at least 1), for the top of the axis."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return int(step * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def monthly_bar_chart(
    title: str,
    months: Sequence[int | None],
    *,
    unit: str = "",
    colour: str = COLOURS[0],
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """One bar per month (January first) with its value on top; `unit` follows the value in the
    bars' tooltips ("3月：12件")."""
    return monthly_grouped_bar_chart(title, [("", months)], unit=unit, colours=(colour,), width=width, height=height)


def monthly_grouped_bar_chart(
    title: str,
    series: Sequence[tuple[str, Sequence[int | None]]],
    *,
    unit: str = "",
    colours: Sequence[str] = COLOURS,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """Bars of several series side by side in each month, with a legend when there is more than
    one series (e.g. disputes found and resolved)."""
    if not series:
        raise ValueError("至少需要一组数据")
    for _label, values in series:
        if len(values) != 12:
            raise ValueError("每组数据须有12个月的值")
    top_value = nice_ceiling(max((v for _l, values in series for v in values if v is not None), default=0))
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    base_y = TOP + plot_h
    slot = plot_w / 12
    bar_w = slot * 0.7 / len(series)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="{escape(FONT_FAMILY)}" '
        f'class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="20" font-size="16" font-weight="bold" fill="{INK}">{escape(title)}</text>',
    ]
    parts += _axis(top_value, plot_w, plot_h, base_y)
    parts += _legend(series, colours, width)
    for month in range(12):
        parts.append(
            f'<text x="{_fmt(LEFT + slot * (month + 0.5))}" y="{base_y + 18}" font-size="12" '
            f'text-anchor="middle" fill="{MUTED}">{month + 1}月</text>'
        )
        for index, (label, values) in enumerate(series):
            value = values[month]
            if value is None:
                continue
            x = LEFT + slot * month + slot * 0.15 + bar_w * index
            h = plot_h * value / top_value
            tip = f"{label + ' ' if label else ''}{month + 1}月：{value}{unit}"
            parts.append(
                f'<rect class="bar" x="{_fmt(x)}" y="{_fmt(base_y - h)}" width="{_fmt(bar_w)}" '
                f'height="{_fmt(h)}" fill="{colours[index % len(colours)]}"><title>{escape(tip)}</title></rect>'
            )
            if value:
                parts.append(
                    f'<text x="{_fmt(x + bar_w / 2)}" y="{_fmt(base_y - h - 3)}" font-size="11" '
                    f'text-anchor="middle" fill="{INK}">{value}</text>'
                )
    parts.append("</svg>")
    return "".join(parts)


def _axis(top_value: int, plot_w: float, plot_h: float, base_y: float) -> list[str]:
    ticks = 4 if top_value % 4 == 0 else 5 if top_value % 5 == 0 else 2 if top_value % 2 == 0 else 1
    parts = []
    for i in range(ticks + 1):
        value = top_value * i // ticks
        y = base_y - plot_h * i / ticks
        parts.append(
            f'<line x1="{LEFT}" y1="{_fmt(y)}" x2="{_fmt(LEFT + plot_w)}" y2="{_fmt(y)}" '
            f'stroke="{GRID if i else MUTED}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 5}" y="{_fmt(y + 4)}" font-size="12" text-anchor="end" fill="{MUTED}">{value}</text>'
        )
    return parts


def _legend(series, colours, width: int) -> list[str]:
    if len(series) < 2:
        return []
    parts, x = [], LEFT
    for index, (label, _values) in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="31" width="12" height="12" fill="{colours[index % len(colours)]}" class="legend"/>'
        )
        parts.append(f'<text x="{x + 16}" y="42" font-size="13" fill="{INK}">{escape(label)}</text>')
        x += 28 + 13 * len(label)
    return parts


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")
