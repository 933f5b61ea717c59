"""New rows of an import (issue 13): inserted in bulk exactly as save() stores them, and named by
their import's batch (ids and Excel rows as runs) instead of an audit entry each."""

import copy
import datetime
import hashlib
import io

from django.db import connection
from django.urls import reverse

from cases.models import AuditEntry, ImportedRows, ImportLog, PetitionCase

from .conftest import make_xlsx
from .test_import_cases import HEADERS, TITLES, case_row, file_with, run


def raw_row(pk: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_petitioncase WHERE id = %s", [pk])
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_a_new_row_is_stored_exactly_as_save_would_store_it(bureau):
    assert run(file_with([case_row(1)])).created == 1
    imported = PetitionCase.objects.get(number="WX2024-001")

    twin = copy.copy(imported)
    twin.pk, twin.number = None, "WX2024-999"
    twin._state.adding = True
    twin.save()

    ours, saved = raw_row(imported.pk), raw_row(twin.pk)
    differ = {k for k in ours if ours[k] != saved[k]}
    assert differ <= {"id", "number", "created_at", "updated_at", "search_text"}, {
        k: (ours[k], saved[k]) for k in differ
    }
    assert ours["received_on"] == saved["received_on"] == datetime.date(2024, 1, 4)
    if connection.vendor == "sqlite":  # and every value of the same storage class (dates text, …)
        with connection.cursor() as cursor:
            kinds = ", ".join(f'typeof("{name}")' for name in ours)
            cursor.execute(
                f"SELECT {kinds} FROM cases_petitioncase WHERE id IN (%s, %s) ORDER BY id", [imported.pk, twin.pk]
            )
            mine, theirs = cursor.fetchall()
        assert mine == theirs and "text" in mine
    assert ours["created_at"] is not None and ours["updated_at"] is not None


def test_keys_are_not_reused_after_a_deleted_record(bureau):
    assert run(file_with([case_row(1)])).created == 1
    first = PetitionCase.objects.get().pk
    PetitionCase.objects.all().delete()

    assert run(file_with([case_row(2), case_row(3)])).created == 2

    assert sorted(PetitionCase.objects.values_list("pk", flat=True)) == [first + 1, first + 2]
    if connection.vendor == "sqlite":  # AUTOINCREMENT's counter follows the keys we chose
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = 'cases_petitioncase'")
            assert cursor.fetchone()[0] == first + 2


def test_each_created_row_is_named_with_its_excel_row_and_no_entry_of_its_own(client, alice, henry, bureau):
    rows = [case_row(0), case_row(1), [None] * len(HEADERS), case_row(2)]  # a blank row in between
    data = io_file(rows)

    result = run(data, user=alice)

    assert result.created == 3
    log = ImportLog.objects.get()
    pks = [PetitionCase.objects.get(number=f"WX2024-00{i}").pk for i in range(3)]
    (batch,) = ImportedRows.objects.filter(import_log=log)
    # Rows 4 and 5, then row 7 after the blank one: two runs, the ids consecutive.
    assert batch.runs == [[pks[0], 4, 2], [pks[2], 7, 1]]
    assert [batch.row_of(pk) for pk in pks] == [4, 5, 7]
    assert not AuditEntry.objects.filter(action="create", import_log=log).exists()
    assert log.checksum == hashlib.sha256(data.getvalue()).hexdigest()

    client.force_login(henry)
    page = client.get(reverse("admin:cases_petitioncase_history", args=[pks[2]])).content.decode()
    assert "由导入 台账.xlsx（第 7 行）创建" in page and "alice" in page


def io_file(rows):
    return io.BytesIO(make_xlsx([HEADERS, *rows], titles=TITLES))


def test_the_case_page_says_who_imported_each_stage(alice, bureau):
    from cases import stages

    assert run(file_with([case_row(1)]), user=alice).created == 1
    case = PetitionCase.objects.get(number="WX2024-001")

    entries = stages.case_entries(case)

    assert [(e.action, e.source, e.username) for e in entries] == [("create", "import", "alice")]
    who = stages._who(entries)
    assert stages._describe(who["received_on"]) == stages._describe(who["routed_on"]) == "alice（Excel导入）"


def test_naming_the_new_rows_does_not_empty_every_bureaus_dashboard(bureau, monkeypatch):
    from indicators import cache

    emptied = []
    monkeypatch.setattr(cache, "invalidate", lambda bureau_id, years=None, **kw: emptied.append(bureau_id))

    assert run(file_with([case_row(1), case_row(2)])).created == 2

    assert ImportedRows.objects.count() == 1
    assert None not in emptied and set(emptied) == {bureau.pk}  # the import's own bureau only


def test_rows_sent_several_insert_statements_at_a_time_are_whole_and_searchable(bureau, monkeypatch):
    from cases.ledgers import service
    from cases.search import search_cases

    monkeypatch.setattr(service, "ROWS_PER_INSERT", 2)  # 5 rows: statements of 2, 2 and 1
    assert run(file_with([case_row(i) for i in range(5)])).created == 5

    cases = list(PetitionCase.objects.order_by("pk"))
    assert [c.number for c in cases] == [f"WX2024-00{i}" for i in range(5)]
    assert [c.pk for c in cases] == list(range(cases[0].pk, cases[0].pk + 5))
    # The search index (an FTS5 trigger on SQLite) took every row of every statement.
    found = search_cases(PetitionCase.objects.all(), "WX2024-003", personal=False)
    assert [c.number for c in found] == ["WX2024-003"]


def test_existing_records_are_looked_up_without_an_order(bureau):
    """An ORDER BY made SQLite read the bureau's whole (bureau, received_on) index for each chunk
    of numbers: quadratic in a large import. The look-up must seek the (bureau, number) index."""
    from django.test.utils import CaptureQueriesContext

    from cases.ledgers.resources import resource_for

    assert run(file_with([case_row(1)])).created == 1
    with CaptureQueriesContext(connection) as queries:
        found = resource_for("cases").existing(bureau, [("WX2024-001",), ("WX2024-404",)])
    assert list(found) == [("WX2024-001",)]
    (select,) = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert "ORDER BY" not in select


def test_each_value_is_cleaned_once_where_it_is_read_unless_its_reader_guarantees_it(bureau):
    """Values are cleaned as they are read (in the reading child for a large sheet): dates read as
    dates, options read by label and yes/no read as bools are not cleaned again (their clean() is
    a no-op); an empty option, a text or a number still is. The model's clean() then checks the
    record as a whole (test_import_cases.test_model_rules_become_row_errors)."""
    from cases.ledgers.resources import resource_for
    from cases.ledgers.service import ImportContext, _CellReader

    resource = resource_for("cases")
    ctx = ImportContext(bureau, kind="cases")
    mapping = dict(enumerate(resource.columns))
    reader = _CellReader(resource, ctx, mapping)
    guaranteed = {name: trusted for _p, name, _r, _m, _h, field, trusted in reader.readers if field is not None}
    assert guaranteed["received_on"] is datetime.date and guaranteed["channel"] is str
    assert guaranteed["is_initial"] is bool
    assert all(guaranteed[n] not in (str, int, datetime.date) for n in ("petitioner_name", "head_count", "number"))

    by_header = {c.header: i for i, c in mapping.items()}
    row = [None] * len(mapping)
    row[by_header["信访件编号"]] = "X-1"
    row[by_header["登记日期"]] = "2024-01-04"
    row[by_header["信访形式"]] = "来访"
    row[by_header["诉求类型"]] = "申诉求决类"
    row[by_header["信访人"]] = "张" * 300  # longer than the field allows
    row[by_header["人数"]] = 1
    number, read, _related, key, bad, problems, invalid = reader(7, row)
    assert (number, key, problems) == (7, ("X-1",), [])
    assert read["received_on"] == datetime.date(2024, 1, 4) and read["channel"] == "visit"
    assert bad == {"petitioner_name"} and "petitioner_name" not in read
    assert [column for column, _message in invalid] == ["信访人"]
    assert "200" in invalid[0][1]  # Django's own message, with the field's limit
    row[by_header["诉求类型"]] = None  # an empty option is still checked: the field may not be blank
    assert [column for column, _message in reader(8, row)[6]] == ["信访人", "诉求类型"]
