"""`manage.py indicators`: the registry's figures on the command line, over the demo data."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, transaction

from cases.models import Bureau, DisputeScreening, Unit
from indicators.compute import compute
from indicators.management.commands.indicators import Command
from indicators.registry import INDICATORS, Period

AS_OF = "2026-11-24"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Bureau:
    """The demo data, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "demo", verbosity=0)
        yield Bureau.objects.get(name="温县信访局")
        transaction.set_rollback(True)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", "--bureau", "温县信访局", *args, "--as-of", AS_OF, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict:
    return json.loads(run(*args, "--json"))


@pytest.mark.django_db
def test_json_has_every_indicator_of_the_registry(demo):
    data = run_json("--year", "2024")

    assert data["year"] == 2024
    assert data["bureau"] == "温县信访局"
    assert list(data["indicators"]) == [i.key for i in INDICATORS]


@pytest.mark.django_db
def test_json_gives_the_seed_figures(demo):
    figures = run_json("--year", "2024")["indicators"]

    assert figures["dispute_resolution_rate"] == {"numerator": 126, "denominator": 157, "percent": "80.25"}
    assert figures["initial_one_time_resolution_rate"] == {"numerator": 140, "denominator": 149, "percent": "93.96"}
    assert figures["one_time_resolution_rate"] == {"numerator": 189, "denominator": 202, "percent": "93.56"}
    for key in (
        "timely_acceptance_rate",
        "accurate_transfer_rate",
        "authority_timely_acceptance_rate",
        "on_time_closure_rate",
    ):
        assert figures[key]["percent"] == "100.00"
    assert {
        key: figures[key]
        for key in (
            "disputes_screened",
            "disputes_resolved",
            "legal_channel_cases",
            "accountability_units",
            "accountability_persons",
            "order_cases",
            "order_persons",
            "order_warnings",
            "order_administrative_detentions",
            "order_criminal_detentions",
            "volunteers",
            "volunteer_activities",
            "training_sessions",
            "campaigns",
            "materials_distributed",
            "roadmap_units",
        )
    } == {
        "disputes_screened": 157,
        "disputes_resolved": 126,
        "legal_channel_cases": 1,
        "accountability_units": 21,
        "accountability_persons": 20,
        "order_cases": 8,
        "order_persons": 8,
        "order_warnings": 3,
        "order_administrative_detentions": 4,
        "order_criminal_detentions": 1,
        "volunteers": 21,
        "volunteer_activities": 4,
        "training_sessions": 5,
        "campaigns": 20,
        "materials_distributed": 3216,
        "roadmap_units": 11,
    }


@pytest.mark.django_db
def test_unit_limits_the_figures_to_that_township(demo):
    unit = Unit.objects.get(bureau=demo, name="祥云镇")

    data = run_json("--year", "2024", "--unit", "祥云镇")

    assert data["unit"] == "祥云镇"
    screened = DisputeScreening.objects.filter(unit=unit, found_on__year=2024)
    assert data["indicators"]["disputes_screened"] == screened.count()
    assert data["indicators"]["disputes_resolved"] == screened.filter(status="resolved").count()
    assert data["indicators"]["disputes_screened"] < 157
    expected = compute(demo.pk, Period.year(2024, as_of=datetime.date(2026, 11, 24)), unit_id=unit.pk)
    assert data["indicators"] == {k: f.as_json() for k, f in expected.items()}
    # Volunteers and outreach belong to the bureau, not to a township.
    assert "volunteers" not in data["indicators"]
    assert "campaigns" not in data["indicators"]


@pytest.mark.django_db
def test_a_rate_without_denominator_is_null(demo):
    # 县财政局 had no petition items in 2024.
    figures = run_json("--year", "2024", "--unit", "县财政局")["indicators"]

    assert figures["on_time_closure_rate"] == {"numerator": 0, "denominator": 0, "percent": None}
    assert figures["cases_received"] == 0


@pytest.mark.django_db
def test_an_unknown_unit_is_an_error_in_chinese(demo):
    with pytest.raises(CommandError, match="未找到责任单位“温泉镇”"):
        run("--year", "2024", "--unit", "温泉镇")


@pytest.mark.django_db
def test_an_unknown_unit_exits_non_zero(demo, capsys, monkeypatch):
    # run_from_argv closes the connections when done, which would end the module's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["manage.py", "indicators", "--bureau", "温县信访局", "--unit", "温泉镇", "--json"])

    assert exc.value.code != 0
    assert "未找到责任单位" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_date_range(demo):
    data = run_json("--from", "2024-01-01", "--to", "2024-06-30")

    assert data["year"] is None
    assert (data["from"], data["to"]) == ("2024-01-01", "2024-06-30")
    first_half = DisputeScreening.objects.filter(bureau=demo, found_on__range=("2024-01-01", "2024-06-30")).count()
    assert data["indicators"]["disputes_screened"] == first_half
    assert 0 < first_half < 157


@pytest.mark.django_db
def test_a_whole_year_given_as_a_range_is_that_year(demo):
    assert run_json("--from", "2024-01-01", "--to", "2024-12-31")["year"] == 2024


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "2024", "--from", "2024-01-01", "--to", "2024-02-01"), "不能同时使用"),
        (("--from", "2024-01-01"), "须同时填写"),
        (("--from", "2024-03-01", "--to", "2024-02-01"), "不能早于"),
    ],
)
def test_inconsistent_periods_are_refused(demo, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


@pytest.mark.django_db
def test_the_table_shows_label_value_and_parts(demo):
    text = run("--year", "2024")
    lines = text.splitlines()

    assert lines[0] == "温县信访局 2024年工作指标"
    row = next(line for line in lines if line.startswith("矛盾纠纷化解率"))
    assert row.split() == ["矛盾纠纷化解率", "80.25%", "126/157"]
    row = next(line for line in lines if line.startswith("发放宣传资料"))
    assert row.split() == ["发放宣传资料", "3216份"]
    assert len(lines) == 3 + len(INDICATORS)
