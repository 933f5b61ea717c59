"""Case numbers given by the system (cases.numbering): the bureau's pattern, a counter per bureau
and year that starts after the ledger's highest number, taken numbers skipped, and twenty clerks
at once never given the same number."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from cases.models import AuditEntry, Bureau, CaseNumberCounter, PetitionCase
from cases.numbering import CaseNumberPattern, next_case_number, preview_case_number
from tests.cases.concurrent_numbering import clerks_at_once
from tests.cases.test_case_form import form_data

ROOT = Path(settings.BASE_DIR)
ADD_CASE = reverse("admin:cases_petitioncase_add")


def case(bureau, number, received_on="2026-03-01"):
    return PetitionCase.objects.create(
        bureau=bureau,
        number=number,
        received_on=datetime.date.fromisoformat(received_on),
        channel="visit",
        petitioner_name="王五",
        category="claim",
    )


@pytest.fixture
def wen(bureau):
    bureau.case_number_pattern = "温信{year}-{seq:04d}"
    bureau.save()
    return bureau


# The pattern ------------------------------------------------------------------------------------


def test_a_pattern_renders_the_year_and_the_padded_sequence():
    pattern = CaseNumberPattern.parse("温信{year}-{seq:04d}")
    assert pattern.render(2026, 186) == "温信2026-0186"
    assert pattern.render(2027, 12345) == "温信2027-12345"
    assert CaseNumberPattern.parse("{year}年第{seq}号").render(2026, 7) == "2026年第7号"


@pytest.mark.parametrize(
    "text, message",
    [
        ("温信{year}-0001", "必须包含且只包含一个序号占位符 {seq}"),
        ("温信{seq}-{seq}", "必须包含且只包含一个序号占位符 {seq}"),
        ("温信{year-{seq:04d}", "花括号不成对"),
        ("温信{yr}-{seq:04d}", "“{yr}”不是可用的占位符"),
        ("温信{year}-{seq:x}", "序号格式“x”无法识别"),
        ("温信{year:02d}-{seq}", "{year} 不能带格式"),
        ("很长" * 16 + "{year}{seq:04d}", "超过40个字符"),
        ("", "请填写编号规则"),
    ],
)
def test_a_bad_pattern_is_refused_with_a_message(text, message):
    with pytest.raises(ValidationError) as exc:
        CaseNumberPattern.parse(text)
    assert message in " ".join(exc.value.messages)


def test_the_bureau_form_refuses_a_pattern_without_seq_and_keeps_the_old_one(client, adam, bureau):
    client.force_login(adam)
    url = reverse("admin:cases_bureau_change", args=[bureau.pk])
    data = {
        "county": bureau.county,
        "short_county": bureau.short_county,
        "self_reference": bureau.self_reference,
        "roll_forward_holidays": "on",
        "due_soon_working_days": "3",
        "case_number_pattern": "测信{year}-0001",
        "percent_whole": "plain",
        "percent_rounding": "half_up",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "必须包含且只包含一个序号占位符 {seq}" in response.content.decode()
    assert Bureau.objects.get(pk=bureau.pk).case_number_pattern == "{year}-{seq:04d}"

    response = client.post(url, {**data, "case_number_pattern": "测信{year}-{seq:03d}"})
    assert response.status_code == 302
    assert Bureau.objects.get(pk=bureau.pk).case_number_pattern == "测信{year}-{seq:03d}"
    entry = AuditEntry.objects.filter(object_id=bureau.pk, content_type__model="bureau").latest("at")
    assert entry.changes["case_number_pattern"] == ["{year}-{seq:04d}", "测信{year}-{seq:03d}"]


# Allocation ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_gives_wenxian_2026_its_next_number_0186():
    from django.core.management import call_command

    call_command("loaddata", "demo", verbosity=0)
    wen = Bureau.objects.get(name="温县信访局")
    numbers = PetitionCase.objects.filter(bureau=wen, number__startswith="温信2026-").values_list("number", flat=True)
    assert max(numbers) == "温信2026-0185"

    assert preview_case_number(bureau=wen, year=2026) == "温信2026-0186"
    assert next_case_number(bureau=wen, year=2026) == "温信2026-0186"
    assert next_case_number(bureau=wen, year=2026) == "温信2026-0187"
    assert next_case_number(bureau=wen, year=2027) == "温信2027-0001"
    wuzhi = Bureau.objects.get(name="武陟县信访局")
    assert next_case_number(bureau=wuzhi, year=2024) == "武信2024-0214"  # 213 cases in 2024


def test_the_counter_starts_after_the_highest_number_that_fits_the_pattern(wen):
    case(wen, "温信2026-0041")
    case(wen, "温信2026-0009")
    case(wen, "温信2026-补0300")  # does not fit the pattern
    case(wen, "温信2025-0500")  # another year
    assert next_case_number(bureau=wen, year=2026) == "温信2026-0042"
    assert CaseNumberCounter.objects.get(bureau=wen, year=2026).last == 42


def test_a_number_taken_meanwhile_is_skipped(wen):
    assert next_case_number(bureau=wen, year=2026) == "温信2026-0001"
    case(wen, "温信2026-0002")  # typed in by hand
    case(wen, "温信2026-0003")  # imported
    assert next_case_number(bureau=wen, year=2026) == "温信2026-0004"
    assert next_case_number(bureau=wen, year=2026) == "温信2026-0005"


def test_another_bureaus_counter_is_separate(wen):
    other = Bureau.objects.create(name="武陟县信访局", county="武陟县", case_number_pattern="武信{year}-{seq:04d}")
    case(other, "武信2026-0099")
    case(other, "温信2026-0050")  # another bureau's ledger: no bearing on this one's numbers
    assert next_case_number(bureau=wen, year=2026) == "温信2026-0001"
    assert next_case_number(bureau=other, year=2026) == "武信2026-0100"
    assert next_case_number(bureau=wen, year=2026) == "温信2026-0002"
    assert dict(CaseNumberCounter.objects.values_list("bureau__name", "last")) == {
        "测试县信访局": 2,
        "武陟县信访局": 100,
    }


# The clerk's add form ----------------------------------------------------------------------------


@pytest.fixture
def clerk_client(client, alice, wen):
    client.force_login(alice)
    return client


def test_the_add_form_shows_the_next_number_as_a_hint(clerk_client, wen):
    case(wen, "温信2026-0185")
    html = clerk_client.get(ADD_CASE).content.decode()
    assert 'placeholder="保存时自动编号，如 温信2026-0186"' in html


def test_a_case_saved_without_a_number_gets_the_next_one_and_the_log_says_so(clerk_client, wen, unit):
    case(wen, "温信2024-0185", received_on="2024-01-02")
    data = form_data(unit, number="")  # received 2024-03-01
    response = clerk_client.post(ADD_CASE, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    response = clerk_client.post(ADD_CASE, {**data, "petitioner_name": "赵六"})
    assert response.status_code == 302
    assert list(PetitionCase.objects.filter(bureau=wen).order_by("id").values_list("number", flat=True)) == [
        "温信2024-0185",
        "温信2024-0186",
        "温信2024-0187",
    ]
    created = PetitionCase.objects.get(number="温信2024-0186")
    entry = AuditEntry.objects.get(object_id=created.pk, content_type__model="petitioncase", action="create")
    assert entry.changes["number"] == ["", "温信2024-0186"]


def test_a_number_typed_in_is_kept_and_a_refused_form_takes_no_number(clerk_client, wen, unit):
    assert clerk_client.post(ADD_CASE, form_data(unit, number="纸质2024-001")).status_code == 302
    refused = clerk_client.post(ADD_CASE, form_data(unit, number="", received_on="2024-02-30"))
    assert refused.status_code == 200
    assert not CaseNumberCounter.objects.exists()
    assert list(PetitionCase.objects.values_list("number", flat=True)) == ["纸质2024-001"]


# Twenty clerks at once ---------------------------------------------------------------------------


def _in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.mark.django_db(transaction=True)
def test_twenty_clerks_at_once_never_get_the_same_number(tmp_path):
    """On PostgreSQL (scripts/with-postgres.sh) in this process, twenty threads with their own
    connections; on SQLite on a file database of its own (the suite's in-memory one cannot wait
    for a lock), through tests/cases/concurrent_numbering.py."""
    if _in_memory_sqlite():
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SQLITE_TEST_NAME")}
        env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'numbering.sqlite3'}")
        done = subprocess.run(
            [sys.executable, "-m", "tests.cases.concurrent_numbering", "20"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        summary = json.loads(done.stdout.strip().splitlines()[-1])
        prefix = "测信2026-"
    else:
        bureau = Bureau.objects.create(name="测试县信访局", county="测试县", case_number_pattern="测信{year}-{seq:04d}")
        case(bureau, "测信2026-0007", received_on="2026-01-05")
        summary = clerks_at_once(bureau.pk, 20)
        summary["cases"] = PetitionCase.objects.filter(bureau=bureau).count()
        prefix = "测信2026-"

    assert summary["errors"] == []
    assert summary["numbers"] == [f"{prefix}{n:04d}" for n in range(8, 28)]  # 20 distinct, in a row
    assert summary["cases"] == 21


def test_a_bureau_without_a_pattern_numbers_year_dash_sequence(bureau):
    bureau.case_number_pattern = ""
    bureau.save()
    case(bureau, "2026-0003")
    assert next_case_number(bureau=bureau, year=2026) == "2026-0004"


def test_the_migration_gives_existing_bureaus_the_pattern_their_numbers_follow(bureau):
    """cases/migrations/0015: a bureau numbers on as it numbered so far; one without cases gets
    its place's short name; years of holidays entered before stay known."""
    import importlib

    from django.apps import apps

    from cases.models import Holiday, HolidayYear

    migration = importlib.import_module("cases.migrations.0015_numbering")
    case(bureau, "焦信2025-0041", received_on="2025-06-01")
    case(bureau, "纸质-7", received_on="2026-01-02")
    empty = Bureau.objects.create(name="武陟县信访局", county="武陟县", short_county="武陟")
    Holiday.objects.create(date=datetime.date(2031, 1, 1), name="元旦")

    migration.fill_patterns(apps, None)
    migration.keep_entered_years(apps, None)

    assert Bureau.objects.get(pk=bureau.pk).case_number_pattern == "焦信{year}-{seq:04d}"
    assert Bureau.objects.get(pk=empty.pk).case_number_pattern == "武陟信{year}-{seq:04d}"
    assert list(HolidayYear.objects.values_list("year", "complete")) == [(2031, True)]
