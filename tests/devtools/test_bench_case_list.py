from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_every_address_of_the_case_list_answers(bureau):
    call_command("generate_synthetic", "--cases", "300", "--year", "2024", "--seed", "7", stdout=StringIO())
    out = StringIO()

    call_command("bench_case_list", "--runs", "1", stdout=out)

    rows = [line for line in out.getvalue().splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) == 20
    assert "| first page | `/` | 300 |" in out.getvalue()
    assert "| search: word found nowhere | `?q=噪音` | 0 |" in out.getvalue()
    channel = next(r for r in rows if r.startswith("| channel + category |"))
    assert int(channel.split("|")[3]) > 0
