"""What the registry declares about each indicator, pinned with real values: a change here is a
change to the dashboard, the drill-down lists or the report, and should be seen as one."""

from indicators import registry
from indicators.compute import Figure


def test_a_figure_links_to_the_records_it_counts():
    figure = Figure(registry.get("dispute_resolution_rate"), 126, 157)

    assert figure.url(2024) == "/indicators/dispute_resolution_rate/?year=2024&part=numerator"
    assert figure.url(2024, "denominator") == "/indicators/dispute_resolution_rate/?year=2024&part=denominator"
    assert figure.url(2023, unit_id=7) == "/indicators/dispute_resolution_rate/?year=2023&part=numerator&unit=7"
