"""One context for every rendering of the report: HTML, PDF, Word and Excel read only this.

A `ReportDocument` is the report with its placeholders filled and its figures attached. It is
plain data, so a published revision stores it as JSON and renders it again, unchanged, however
the records move afterwards.

The JSON of revisions published before bold and lists existed must read and render exactly as it
did: a run is `[text, key]`, with a third element `true` only when bold; a paragraph carries
`kind` and `marker` only when it is a list item. Nothing else of the shape changed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from types import SimpleNamespace

from cases.models.base import local_today
from indicators import dashboard, numbers, references, rollup, store
from indicators.compute import compute
from indicators.registry import Period
from reports.placeholders import DASH, TOTAL, Run, fill, fill_text, uses_references, uses_totals

NUMERALS = numbers.NUMERALS
chinese_number = numbers.chinese_number  # 1 → 一, 12 → 十二: sections and lead headings


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    definition: str
    is_rate: bool
    numerator: int
    denominator: int | None
    value: str | None  # the percentage ("80.25") or the count, as text; None for "—"
    display: str
    # Last year's value as `value` gives it, and the change (the dashboard's 同比: "+2.50 个百分点",
    # "-22.24%", "持平", "—"). Absent from revisions published before they were kept.
    previous: str | None = None
    change: str = ""
    # The bureau writes a whole per cent "100.00%" (indicators.numbers); the Excel appendix too.
    whole_decimals: bool = False


# A paragraph's kind (reports.models.Paragraph.Kind): body text, or an item of a bulleted or
# numbered list. Consecutive numbered items of a section print 1. 2. 3.; a bullet prints "·".
TEXT, BULLET, NUMBER = "text", "bullet", "number"
BULLET_MARK = "·"


@dataclass
class DocParagraph:
    lead_number: str  # "（一）" or ""
    lead: list[Run]
    body: list[Run]
    kind: str = TEXT
    marker: str = ""  # a list item's "1." or "·", printed before it

    @property
    def text(self) -> str:
        return self.marker + self.lead_number + "".join(r.text for r in self.lead + self.body)


@dataclass
class DocSection:
    number: str  # "一、"
    title: str
    paragraphs: list[DocParagraph]

    @property
    def heading(self) -> str:
        return self.number + self.title


@dataclass
class ReportDocument:
    bureau: str
    year: int
    title: str
    intro: list[Run]
    sections: list[DocSection]
    figures: list[FigureRow]
    revision: int | None = None
    published_at: str | None = None
    extra: dict = field(default_factory=dict)
    # 成文日期 ("2025年1月20日"): the day the text was built — for a published revision, the day
    # it was published. None in revisions published before the signature block existed, which
    # render as they were published.
    dated: str | None = None

    @property
    def title_lines(self) -> list[str]:
        return [self.bureau, self.title]

    @property
    def signature(self) -> list[tuple[str, float]]:
        """The signature block under the text (GB/T 9704-2012 7.3.5.2, without a seal): the
        bureau's name, and under it the date whose first character stands two characters right
        of the name's, each with its right indent in characters. The name is indented two
        characters; a date too long for that is indented two and the name moved left instead."""
        if not self.dated:
            return []
        name, date = _width(self.bureau), _width(self.dated)
        if name - date >= 2:
            return [(self.bureau, 2), (self.dated, name - date)]
        return [(self.bureau, 4 + date - name), (self.dated, 2)]

    @property
    def intro_text(self) -> str:
        return "".join(r.text for r in self.intro)

    def paragraphs_text(self) -> list[str]:
        """Every paragraph as printed, in order: title lines, intro, headings and paragraphs."""
        lines = [*self.title_lines, self.intro_text] if self.intro else [*self.title_lines]
        for s in self.sections:
            lines.append(s.heading)
            lines.extend(p.text for p in s.paragraphs)
        return lines

    def to_json(self) -> dict:
        data = asdict(self)
        data["intro"] = [_run_json(r) for r in self.intro]
        for s in data["sections"]:
            for p in s["paragraphs"]:
                p["lead"] = [_run_json(r) for r in p["lead"]]
                p["body"] = [_run_json(r) for r in p["body"]]
                if p["kind"] == TEXT:  # as revisions published before lists existed
                    del p["kind"], p["marker"]
        return data

    @classmethod
    def from_json(cls, data: dict) -> ReportDocument:
        def runs(items):
            return [Run(item[0], item[1], bool(item[2]) if len(item) > 2 else False) for item in items]

        return cls(
            bureau=data["bureau"],
            year=data["year"],
            title=data["title"],
            intro=runs(data["intro"]),
            sections=[
                DocSection(
                    s["number"],
                    s["title"],
                    [
                        DocParagraph(
                            p["lead_number"],
                            runs(p["lead"]),
                            runs(p["body"]),
                            p.get("kind", TEXT),
                            p.get("marker", ""),
                        )
                        for p in s["paragraphs"]
                    ],
                )
                for s in data["sections"]
            ],
            figures=[FigureRow(**f) for f in data["figures"]],
            revision=data.get("revision"),
            published_at=data.get("published_at"),
            extra=data.get("extra") or {},
            dated=data.get("dated"),
        )


def _run_json(r) -> list:
    """A run as JSON: `[text, key]`, as published revisions hold it, and `true` after them only
    when the run is bold."""
    if isinstance(r, dict):
        r = Run(**r)
    return [r.text, r.key, True] if r.bold else [r.text, r.key]


def _width(text: str) -> float:
    """Width in characters of the 3号 body font: Chinese characters one each, digits half."""
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def chinese_date(day) -> str:
    """A 成文日期 as GB/T 9704-2012 writes it: Arabic numerals, no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def figure_rows(figures, previous=None) -> list[FigureRow]:
    """A row per figure; with `previous` (last year's figures), last year's value and 同比."""
    rows = []
    for f in figures.values():
        value = f.value
        before = previous.get(f.key) if previous else None
        rows.append(
            FigureRow(
                key=f.key,
                label=f.label,
                definition=f.indicator.definition,
                is_rate=f.is_rate,
                numerator=f.numerator,
                denominator=f.denominator,
                value=None if value is None else str(value),
                display=f.display,
                previous=None if before is None or before.value is None else str(before.value),
                change=dashboard.year_on_year(f, before)[0] if before is not None else "",
                whole_decimals=f.fmt.decimals,
            )
        )
    return rows


def printed(figure) -> str:
    """The figure as the report prints it: its display, the bureau's way ("100%" or "100.00%",
    rounded half up or cut off: indicators.numbers)."""
    return figure.display


def change_words(current, previous, *, relative: bool = False) -> str:
    """同比 in words (indicators.numbers.words): per cent for a count ("下降22.24%"), percentage
    points for a rate ("提高1.30个百分点"), or with `relative` a rate's relative change in per
    cent; "持平" when unchanged, "—" when last year gives no base. Printed the way of `current`'s
    bureau (its `fmt`)."""
    return numbers.words(numbers.change(current, previous, current.fmt, relative=relative), current.fmt)


def _formatted(figures: dict, fmt: numbers.NumberFormat) -> dict:
    return {key: f.formatted(fmt) for key, f in figures.items()}


def values_for(report, figures, previous=None, *, with_references: bool = True) -> dict[str, str]:
    """Printed value of every placeholder key: the figures and their forms (last year's value,
    同比), then the bureau's own data. `previous`: last year's figures, else read where stored."""
    bureau = report.bureau
    if previous is None:
        previous = store.figures_by_bureau([report.bureau_id], Period.year(report.year - 1))[report.bureau_id]
    fmt = numbers.NumberFormat.of(bureau)
    figures, previous = _formatted(figures, fmt), _formatted(previous, fmt)
    values = {key: printed(f) for key, f in figures.items()}
    for key, f in figures.items():
        before = previous.get(key)
        values[f"{key}.last_year"] = printed(before) if before is not None else DASH
        values[f"{key}.change"] = change_words(f, before)
        values[f"{key}.relative_change"] = change_words(f, before, relative=True)
    # The figures the bureau typed in for the year (全省平均, 全省排名, 参考): those entered.
    if with_references:
        values.update(references.placeholder_values(report.bureau_id, report.year, figures, fmt))
    values.update(year=str(report.year), bureau=bureau.name)
    values.update({key: word or DASH for key, word in bureau.place_words().items()})
    return values


def build_section(number: int, title: str, paragraphs: list[tuple], values: dict[str, str]) -> DocSection:
    """A section filled with `values`; lead headings are numbered （一）（二）… within it, and each
    run of consecutive numbered list items 1. 2. 3. Each paragraph is (lead, text) or (lead,
    text, kind); a list item has no lead (a lead given to one is printed as bold text)."""
    filled, leads, items = [], 0, 0
    for lead, text, *rest in paragraphs:
        kind = rest[0] if rest else TEXT
        items = items + 1 if kind == NUMBER else 0
        if kind != TEXT:
            runs = [Run(r.text, r.key, True) for r in fill(lead, values)] + fill(text, values)
            marker = f"{items}." if kind == NUMBER else BULLET_MARK
            filled.append(DocParagraph("", [], runs, kind, marker))
            continue
        if lead:
            leads += 1
        filled.append(
            DocParagraph(f"（{chinese_number(leads)}）" if lead else "", fill(lead, values), fill(text, values))
        )
    return DocSection(f"{chinese_number(number)}、", fill_text(title, values, marks=True), filled)


def build_document(report, figures=None) -> ReportDocument:
    """The report's current text filled with the figures of its year.

    Queries: the sections and their paragraphs (2), last year's stored figures (1 when stored,
    else counted once), the reference figures (1, only if the text may name one: indicators.references),
    plus this year's indicators (one per source) unless `figures` is given."""
    texts = [
        (section.title, [(p.lead, p.text, p.kind) for p in section.paragraphs.all()])
        for section in report.sections.prefetch_related("paragraphs")
    ]
    return build_document_of(report, report.title, report.intro, texts, figures)


def build_document_of(report, title: str, intro: str, texts: list, figures=None) -> ReportDocument:
    """`build_document` of a text given apart from the report's saved one (the whole-document
    editor's live preview): `texts` is [(section title, [(lead, text[, kind]), …]), …]."""
    if figures is None:
        figures = compute(report.bureau_id, Period.year(report.year))
    # Last year's, for 上年 and 同比: read where stored (the dashboard keeps it), else counted once.
    previous = store.figures_by_bureau([report.bureau_id], Period.year(report.year - 1))[report.bureau_id]
    fmt = numbers.NumberFormat.of(report.bureau)
    figures, previous = _formatted(figures, fmt), _formatted(previous, fmt)
    every_text = [
        title,
        intro,
        *(
            t
            for heading, paragraphs in texts
            for t in (heading, *(p[1] for p in paragraphs), *(p[0] for p in paragraphs))
        ),
    ]
    values = values_for(report, figures, previous, with_references=uses_references(*every_text))
    if uses_totals(*every_text):
        # A city's or province's report quoting its whole area: the roll-up (figures only).
        totals = rollup.rollup_figures(report.bureau, Period.year(report.year))
        values.update({TOTAL + key: printed(f.formatted(fmt)) for key, f in totals.items()})
    sections = [build_section(i, heading, paras, values) for i, (heading, paras) in enumerate(texts, start=1)]
    return ReportDocument(
        bureau=report.bureau.name,
        year=report.year,
        title=fill_text(title, values, marks=True),
        intro=fill(intro, values),
        sections=sections,
        figures=figure_rows(figures, previous),
        dated=chinese_date(local_today()),
    )


def build_charts(report) -> list[str]:
    """The dashboard's monthly SVG charts for the report's year, for the PDF appendix.

    Queries: one per source of the charted indicators."""
    monthly = dashboard.monthly_counts(report.bureau_id, Period.year(report.year))
    # monthly_charts() reads only the year and the monthly counts of the dashboard's data.
    return dashboard.monthly_charts(SimpleNamespace(year=report.year, monthly=monthly))
