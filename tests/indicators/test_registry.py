"""What the registry declares about each indicator, pinned with real values: a change here is a
change to the dashboard, the drill-down lists or the report, and should be seen as one."""

from indicators import dashboard, registry
from indicators.compute import Figure


def test_a_figure_links_to_the_records_it_counts():
    figure = Figure(registry.get("dispute_resolution_rate"), 126, 157)

    assert figure.url(2024) == "/indicators/dispute_resolution_rate/?year=2024&part=numerator"
    assert figure.url(2024, "denominator") == "/indicators/dispute_resolution_rate/?year=2024&part=denominator"
    assert figure.url(2023, unit_id=7) == "/indicators/dispute_resolution_rate/?year=2023&part=numerator&unit=7"


def test_only_the_repeat_petition_rate_is_better_lower():
    assert registry.get("repeat_petition_rate").lower_is_better is True
    assert [i.key for i in registry.INDICATORS if i.lower_is_better] == ["repeat_petition_rate"]


def test_every_lower_is_better_indicator_is_a_rate():
    assert all(i.is_rate for i in registry.INDICATORS if i.lower_is_better)


def test_the_per_unit_table_shows_the_cases_then_six_rates():
    assert [i.key for i in dashboard.unit_columns()] == [
        "cases_received",
        "timely_acceptance_rate",
        "on_time_closure_rate",
        "on_time_reply_rate",
        "one_time_resolution_rate",
        "satisfaction_rate",
        "dispute_resolution_rate",
    ]


def test_per_unit_indicators_have_a_responsible_unit():
    assert all(i.source.unit_field for i in registry.INDICATORS if i.per_unit)


def test_the_dashboard_sections_in_order():
    assert list(dashboard.sections()) == ["信访事项办理", "矛盾纠纷排查化解", "责任追究", "扰序案件处理", "普法宣传"]
    assert [i.key for i in dashboard.sections()["责任追究"]] == ["accountability_units", "accountability_persons"]
    assert {str(s.section) for s in registry.SOURCES} == set(dashboard.sections())


def test_a_section_is_one_run_of_the_registry():
    """The dashboard groups cards by section in registry order: a section split in two runs would
    move cards silently."""
    titles = [str(i.source.section) for i in registry.INDICATORS]
    runs = [t for n, t in enumerate(titles) if n == 0 or titles[n - 1] != t]
    assert len(runs) == len(set(runs))


def test_the_monthly_trends():
    assert [(i.key, i.monthly) for i in dashboard.monthly_indicators()] == [
        ("cases_received", "受理"),
        ("disputes_screened", "排查"),
        ("disputes_resolved", "化解"),
    ]
    assert [str(s.trend_title) for s in (registry.CASES, registry.SCREENINGS)] == [
        "各月受理信访事项",
        "各月矛盾纠纷排查与化解",
    ]


def test_charted_indicators_are_counts_of_a_dated_source_with_a_chart_title():
    for indicator in dashboard.monthly_indicators():
        assert not indicator.is_rate, indicator.key
        assert indicator.source.month_field and indicator.source.trend_title, indicator.key


def test_sources_lists_every_source_an_indicator_reads():
    assert len(set(registry.SOURCES)) == len(registry.SOURCES)
    assert set(registry.SOURCES) == {i.source for i in registry.INDICATORS}


def test_every_source_declares_its_drill_down_columns():
    for source in registry.SOURCES:
        assert source.columns, source.key
        assert source.admin_url_name, source.key


def test_the_drill_down_columns_of_the_cases_and_the_persons():
    assert [(str(c.label), c.path) for c in registry.CASES.columns] == [
        ("信访件编号", "number"),
        ("登记日期", "received_on"),
        ("信访形式", "get_channel_display"),
        ("信访人", "petitioner_name"),
        ("人数", "head_count"),
        ("责任单位", "responsible_unit"),
        ("转送交办日期", "routed_on"),
        ("办结日期", "closed_on"),
        ("办理期限", "handling_due_on"),
    ]
    assert registry.CASES.select_related == ("responsible_unit",)
    # A person's row opens the case or the decision it belongs to.
    assert (registry.ORDER_PERSONS.link_path, registry.ORDER_PERSONS.admin_url_name) == ("case_id", "cases_ordercase")
    assert registry.ACCOUNTABLE_PERSONS.link_path == "action_id"
    assert registry.get("order_warnings").source.columns[1].path == "get_measure_display"
