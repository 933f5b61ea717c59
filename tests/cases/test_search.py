"""The case list's search (cases.search): the admin's substring rule, answered through an index
that every writer keeps current, and personal data only for those who may see it."""

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cases import search
from cases.ledgers.service import import_ledger
from cases.models import PetitionCase
from tests.conftest import day

from .ledgers.conftest import make_xlsx

LIST = reverse("admin:cases_petitioncase_changelist")

CASES = [
    # number, subject area, summary, name, phone, ID number
    ("WX2024-001", "劳动社保", "反映拖欠工资问题，请求协调解决", "王芳", "13812345678", "410825199003071234"),
    ("WX2024-002", "城乡建设", "征地拆迁补偿", "谢军涵", "13900001111", ""),
    ("WX2024-003", "拆迁", "要求Wi-Fi覆盖 100% 的村_部", "李四、王芳芳", "", ""),
    ("WX2024-004", "政法", "反映邻里纠纷", "张三", "", ""),
    ("WX2024-005", "", 'He said "AND" NEAR(x) * 工资 it\'s', "赵六", "15000005678", ""),
    ("AB-100", "教育", "欠薪", "钱七", "", ""),
    ("AB-101", "自然资源", "承包地被占用，涉及土地", "孙八", "", ""),
    ("ab-102", "其他", "ＷＩＦＩ信号差", "周九", "", ""),
]
TERMS = [
    "工资",  # two characters, in a summary
    "拆迁",  # in a subject area and in a summary
    "欠薪",  # a summary that is exactly the term
    "土地",  # at the end of a summary
    "政法",  # a subject area that is exactly the term
    "劳动社保",
    "拖欠工资问题",
    "王芳",  # a name, and part of another
    "谢军涵",
    "军涵",
    "谢",
    "Ｗ",  # one character, a letter beyond ASCII with a case
    "13812345678",
    "5678",  # in a phone and nowhere public
    "wx2024",
    "WX2024-00",
    "ab-10",
    "wi-fi",
    "WI-FI",
    "ｗｉｆｉ",
    "100%",
    "王芳 工资",  # every part must match
    "解决王芳",  # never across two columns
    "反映",
    "村_部",
    "不存在",
]
HOSTILE = [
    "%",
    "_",
    "'",
    '"',
    '"AND"',
    "AND",
    "NEAR(",
    "*",
    "NEAR(x)",
    "it's",
    "\\",
    "x" * 1000,
    "工资" * 500,
    "^",
    ":",
]


def matches(case: PetitionCase, term: str, *, personal: bool) -> bool:
    """The rule, in Python: every part of the term is in one of the visible fields, ignoring case."""
    fields = search.PUBLIC_FIELDS + (search.PERSONAL_FIELDS if personal else ())
    return all(any(part.lower() in getattr(case, f).lower() for f in fields) for part in search.search_parts(term))


@pytest.fixture
def cases(bureau, unit):
    return [
        PetitionCase.objects.create(
            bureau=bureau,
            number=number,
            received_on=day("2024-03-01"),
            channel="visit",
            petitioner_name=name,
            petitioner_phone=phone,
            petitioner_id_number=id_number,
            category="claim",
            subject_area=area,
            summary=summary,
            responsible_unit=unit,
        )
        for number, area, summary, name, phone, id_number in CASES
    ]


def found(client, term: str) -> set[str]:
    response = client.get(LIST, {"q": term})
    assert response.status_code == 200
    return {c.number for c in response.context["cl"].queryset}


def expected(term: str, *, personal: bool) -> set[str]:
    return {c.number for c in PetitionCase.objects.all() if matches(c, term, personal=personal)}


def found_each(client, terms) -> dict[str, set[str]]:
    return {term: found(client, term) for term in terms}


def expected_each(terms, *, personal: bool) -> dict[str, set[str]]:
    return {term: expected(term, personal=personal) for term in terms}


def test_a_clerk_finds_what_the_substring_rule_finds(client, alice, cases):
    client.force_login(alice)
    assert found_each(client, TERMS) == expected_each(TERMS, personal=True)


@pytest.mark.parametrize("who", ["henry", "sarah"])
def test_head_and_staff_find_by_public_fields_only(client, request, who, cases):
    client.force_login(request.getfixturevalue(who))
    assert found_each(client, TERMS) == expected_each(TERMS, personal=False)


@pytest.mark.parametrize("who", ["henry", "sarah"])
def test_head_and_staff_cannot_find_a_case_by_name_phone_or_id_number(client, request, who, alice, cases):
    terms = ["谢军涵", "军涵", "谢", "13812345678", "5678", "410825199003071234"]
    client.force_login(request.getfixturevalue(who))
    assert found_each(client, terms) == {term: set() for term in terms}
    client.force_login(alice)
    assert all(found_each(client, terms).values())


def test_an_id_number_finds_its_petitioner_for_a_clerk(client, alice, cases):
    client.force_login(alice)
    assert found(client, "410825199003071234") == {"WX2024-001"}


def test_a_full_phone_number_finds_its_petitioner_through_its_own_index(client, alice, henry, cases):
    """As a full ID number does: the cases whose petitioner has that phone, by the phone's index
    (a digit pair is in nearly every case's text, so the search index cannot narrow it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    with CaptureQueriesContext(connection) as queries:
        assert found(client, "13900001111") == {"WX2024-002"}
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"petitioner_phone" = ' in sql
    assert "cases_petitioncase_search" not in sql and "cases_search_grams" not in sql
    assert found(client, "1390000111") == {"WX2024-002"}  # a part of one is a plain search
    client.force_login(henry)
    assert found(client, "13900001111") == set()  # not for those who may not see phones


def test_a_common_part_filters_the_list_order_and_finds_the_same(client, alice, cases, monkeypatch):
    # Past the driving limits SQLite reads the list's index instead; the answer is the same.
    monkeypatch.setattr(search, "DRIVING_LIMIT", 0)
    monkeypatch.setattr(search, "DRIVING_LIMIT_ONE_CHARACTER", 0)
    client.force_login(alice)
    assert found_each(client, TERMS) == expected_each(TERMS, personal=True)


def test_hostile_terms_are_plain_characters(client, alice, henry, cases):
    client.force_login(alice)
    assert found_each(client, HOSTILE) == expected_each(HOSTILE, personal=True)
    client.force_login(henry)
    assert found_each(client, HOSTILE) == expected_each(HOSTILE, personal=False)
    assert found(client, '"AND"') == {"WX2024-005"}
    assert found(client, "NEAR(") == {"WX2024-005"}
    assert found(client, "%") == {"WX2024-003"}


def test_quotes_keep_a_phrase_whole(client, alice, cases):
    client.force_login(alice)
    assert found(client, '"Wi-Fi覆盖 100%"') == {"WX2024-003"}
    assert found(client, '"覆盖 工资"') == set()


# The index follows every writer -------------------------------------------------------------


@pytest.fixture
def clerk(client, alice):
    client.force_login(alice)
    return client


def test_an_admin_edit_of_the_summary_is_found_at_once(clerk, cases, unit):
    case = cases[3]
    data = {
        "number": case.number,
        "received_on": "2024-03-01",
        "channel": "visit",
        "petitioner_name": "张三",
        "petitioner_id_number": "",
        "petitioner_phone": "",
        "head_count": "1",
        "is_initial": "on",
        "category": "claim",
        "subject_area": "政法",
        "summary": "反映噪音扰民",
        "responsible_unit": str(unit.pk),
        "routing": "",
        "handling_path": "petition",
        "extension_days": "0",
    }
    response = clerk.post(reverse("admin:cases_petitioncase_change", args=[case.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert found(clerk, "噪音") == {case.number}
    assert found(clerk, "噪音扰民") == {case.number}
    assert found(clerk, "邻里") == set()


def test_a_queryset_update_and_a_delete_are_followed(clerk, cases):
    PetitionCase.objects.filter(number="WX2024-004").update(summary="反映噪音扰民", petitioner_name="张三丰")
    assert found(clerk, "噪音") == {"WX2024-004"}
    assert found(clerk, "张三丰") == {"WX2024-004"}
    assert found(clerk, "邻里纠纷") == set()
    PetitionCase.objects.filter(number__startswith="WX").delete()
    assert found(clerk, "工资") == set()
    assert found(clerk, "欠薪") == {"AB-100"}


def test_an_excel_import_is_found_and_its_update_too(clerk, bureau, unit):
    headers = ["信访件编号", "登记日期", "信访形式", "信访人", "人数", "诉求类型", "问题领域", "责任单位"]

    def ledger(area):
        rows = [
            [f"IM-{i:03d}", "2024-03-01", "来访", f"信访人{i}", 1, "申诉求决类", area, "温泉街道"] for i in range(30)
        ]
        result = import_ledger(
            kind="cases", file=io.BytesIO(make_xlsx([headers, *rows])), file_name="台账.xlsx", dry_run=False
        )
        assert result.ok, [str(e) for e in result.errors]

    ledger("土地征收")
    assert len(found(clerk, "土地征收")) == 30
    assert found(clerk, "信访人17") == {"IM-017"}
    ledger("林地确权")
    assert found(clerk, "土地征收") == set()
    assert len(found(clerk, "林地")) == 30


def test_generated_cases_are_found(clerk, bureau):
    call_command("generate_synthetic", "--cases", "300", "--year", "2024", "--seed", "7", stdout=StringIO())
    everything = list(PetitionCase.objects.all())
    one = everything[123]
    for term in ["工资", "宅基地", one.petitioner_name.split("、")[0], one.petitioner_phone, "2024-00001"]:
        assert found(clerk, term) == {c.number for c in everything if matches(c, term, personal=True)}, term


def test_the_index_is_in_place_after_every_migration(db):
    # A later migration that rebuilds cases_petitioncase on SQLite (Django copies the table to
    # alter it) drops its triggers; this test is the alarm.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases_petitioncase'")
            assert {r[0] for r in cursor.fetchall()} == {
                "cases_petitioncase_search_insert",
                "cases_petitioncase_search_update",
                "cases_petitioncase_search_delete",
            }
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'cases_petitioncase'")
            assert {"case_search_public", "case_search_personal", "case_id_number"} <= {r[0] for r in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_postgresql_takes_a_common_pair_from_the_statistics_without_counting_it(client, alice, cases):
    from django.test.utils import CaptureQueriesContext

    # Twenty more cases about wages make 工资 common; ANALYZE records it among the index's most
    # common elements (within this test's transaction: its own rows count as live).
    for i in range(20):
        PetitionCase.objects.create(
            bureau=cases[0].bureau,
            number=f"WX2024-{100 + i}",
            received_on=day("2024-05-01"),
            channel="visit",
            petitioner_name="张三",
            category="claim",
            summary="讨要工资",
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_petitioncase")
    assert search._pg_share("工资", personal=False) > 0.5
    assert search._pg_share("噪音", personal=False) == 0.0
    client.force_login(alice)
    for term, counted in (("工资", False), ("拆迁补偿", True)):
        with CaptureQueriesContext(connection) as queries:
            assert found(client, term) == expected(term, personal=True)
        bounded = [q for q in queries.captured_queries if f"LIMIT {search.DRIVING_LIMIT + 1}" in q["sql"]]
        assert bool(bounded) == counted, term  # a longer part is still counted
