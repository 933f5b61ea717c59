import re
import xml.etree.ElementTree as ET

import pytest

from indicators.charts import monthly_bar_chart, monthly_grouped_bar_chart, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"


def bars(svg: str) -> list[ET.Element]:
    return [e for e in ET.fromstring(svg).iter(f"{SVG}rect") if e.get("class") == "bar"]


def test_it_draws_one_bar_per_month_with_a_value():
    svg = monthly_bar_chart("2024年各月受理信访事项", [3, 0, 5, 10, 2, 1, 0, 4, 9, 7, None, None], unit="件")
    assert len(bars(svg)) == 10
    assert "<title>3月：5件</title>" in svg
    assert "11月" in svg  # the axis still names months without a bar


def test_bar_heights_follow_the_values():
    found = bars(monthly_bar_chart("t", [10, 5, 0, *[None] * 9]))
    heights = [float(b.get("height")) for b in found]
    assert heights[0] == pytest.approx(2 * heights[1])
    assert heights[2] == 0
    # The tallest bar reaches the top of a "nice" axis: 10 is its own ceiling.
    assert float(found[0].get("y")) == pytest.approx(56)


def test_it_is_a_standalone_svg_in_the_noto_cjk_family():
    svg = monthly_bar_chart("<排查> & 化解", [1] * 12)
    root = ET.fromstring(svg)  # well-formed XML, so WeasyPrint and browsers read it alike
    assert root.tag == f"{SVG}svg"
    assert "Noto Sans CJK SC" in root.get("font-family")
    assert root.get("viewBox") == "0 0 480 270"
    assert "&lt;排查&gt; &amp; 化解" in svg
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_grouped_bars_put_the_series_side_by_side_with_a_legend():
    svg = monthly_grouped_bar_chart(
        "2024年各月矛盾纠纷排查与化解",
        [("排查", [4] * 12), ("化解", [3] * 11 + [None])],
        unit="起",
    )
    found = bars(svg)
    assert len(found) == 23
    assert {b.get("fill") for b in found} == {"#9b1c1c", "#2f6f9f"}
    assert ">排查</text>" in svg and ">化解</text>" in svg
    assert "<title>化解 1月：3起</title>" in svg
    january = [float(b.get("x")) for b in found if b.find(f"{SVG}title").text.endswith(" 1月：4起")]
    assert len(january) == 1


def test_an_empty_year_draws_an_axis_and_no_bars():
    svg = monthly_bar_chart("t", [None] * 12)
    assert bars(svg) == []
    assert re.search(r">0</text>", svg)


def test_it_refuses_a_year_that_is_not_twelve_months():
    with pytest.raises(ValueError):
        monthly_bar_chart("t", [1, 2, 3])
    with pytest.raises(ValueError):
        monthly_grouped_bar_chart("t", [])


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (157, 200), (3216, 5000)],
)
def test_the_axis_ends_at_a_round_number(value, ceiling):
    assert nice_ceiling(value) == ceiling
