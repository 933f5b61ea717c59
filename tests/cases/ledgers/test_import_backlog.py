"""信访积案 (BacklogEntry) imported from and exported to Excel like the other ledgers: identity
信访件编号 + 列入积案日期 (cases.ledgers.resources), the admin's buttons, the command, the figures."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from accounts import roles
from cases.ledgers.export import export_workbook
from cases.ledgers.resources import resource_for
from cases.ledgers.service import import_ledger
from cases.models import AuditEntry, BacklogEntry, Bureau, ImportLog, PetitionCase
from cases.scoping import acting_for
from indicators.compute import compute
from indicators.registry import Period
from tests.conftest import _user

from .conftest import make_xlsx

D = datetime.date
HEAD = ["信访件编号", "列入积案日期", "化解日期", "说明"]
IMPORT = reverse("admin:cases_backlogentry_import")
CONFIRM = reverse("admin:cases_backlogentry_process_import")
EXPORT = reverse("admin:cases_backlogentry_export")
LIST = reverse("admin:cases_backlogentry_changelist")


@pytest.fixture
def cases(bureau):
    """Four cases of 2022–2024: WX-1 … WX-4."""
    received = [D(2022, 5, 1), D(2023, 2, 1), D(2023, 9, 1), D(2024, 1, 10)]
    return [
        PetitionCase.objects.create(
            bureau=bureau,
            number=f"WX-{i + 1}",
            received_on=day,
            channel="visit",
            petitioner_name=f"张{i}",
            category="claim",
        )
        for i, day in enumerate(received)
    ]


def rows_2024():
    """WX-1 and WX-2 listed before 2024 (存量), WX-2 resolved in 2024; WX-3 and WX-4 listed in 2024
    (增量), WX-3 resolved in it."""
    return [
        ["WX-1", "2023-06-01", None, "包案领导：副县长"],
        ["WX-2", "2023/3/15", "2024年5月20日", ""],
        ["WX-3", D(2024, 2, 1), D(2024, 8, 1), "重复信访三年"],
        ["WX-4", "2024-03-01", None, None],
    ]


def xlsx(rows) -> io.BytesIO:
    return io.BytesIO(make_xlsx([HEAD, *rows], titles=["2024年信访积案台账"]))


def run(rows, *, dry_run=False):
    return import_ledger(kind="backlog", file=xlsx(rows), file_name="积案.xlsx", dry_run=dry_run)


def listed() -> list[tuple]:
    return list(
        BacklogEntry.objects.order_by("case__number", "listed_on").values_list(
            "case__number", "listed_on", "resolved_on", "note"
        )
    )


def test_it_imports_every_row_with_its_case_and_the_figures_count_them(cases, bureau):
    result = run(rows_2024())

    assert result.ok, [str(e) for e in result.errors]
    assert (result.rows, result.created, result.updated) == (4, 4, 0)
    assert listed() == [
        ("WX-1", D(2023, 6, 1), None, "包案领导：副县长"),
        ("WX-2", D(2023, 3, 15), D(2024, 5, 20), ""),
        ("WX-3", D(2024, 2, 1), D(2024, 8, 1), "重复信访三年"),
        ("WX-4", D(2024, 3, 1), None, ""),
    ]
    figures = compute(bureau.pk, Period.year(2024, as_of=D(2025, 1, 10)))
    counted = {k: figures[k].numerator for k in ("backlog_stock", "backlog_stock_resolved", "backlog_added")}
    assert counted == {"backlog_stock": 2, "backlog_stock_resolved": 1, "backlog_added": 2}
    assert figures["backlog_added_resolved"].numerator == 1
    log = ImportLog.objects.get(dry_run=False)
    assert (log.ledger, log.get_ledger_display(), log.created) == ("backlog", "信访积案", 4)


def test_a_reimport_updates_the_entries_instead_of_adding_them(cases, bureau):
    assert run(rows_2024()).ok
    corrected = rows_2024()
    corrected[0][2] = "2024-10-08"  # WX-1 resolved since
    corrected[3][3] = "已落实包案领导"

    again = run(corrected)

    assert again.ok, [str(e) for e in again.errors]
    assert (again.created, again.updated, again.unchanged) == (0, 2, 2)
    assert BacklogEntry.objects.count() == 4
    assert listed()[0] == ("WX-1", D(2023, 6, 1), D(2024, 10, 8), "包案领导：副县长")
    assert listed()[3][3] == "已落实包案领导"
    update = AuditEntry.objects.filter(action="update", content_type__model="backlogentry").order_by("id")
    assert [e.changes for e in update] == [{"resolved_on": ["", "2024-10-08"]}, {"note": ["", "已落实包案领导"]}]


@pytest.mark.parametrize(
    "bad, column, message",
    [
        (["WX-9", "2024-03-01", None, ""], "信访件编号", "未找到信访件编号：WX-9（请先导入该信访事项）"),
        (["WX-3", "2024-03-01", "2024-02-01", ""], "化解日期", "化解日期不能早于列入积案日期。"),
        (["WX-4", "2023-12-01", None, ""], "列入积案日期", "列入积案日期不能早于该信访事项的登记日期（2024-01-10）。"),
        (["", "2024-03-01", None, ""], "信访件编号", "请填写信访件编号"),
        (["WX-3", "明年", None, ""], "列入积案日期", None),
    ],
)
def test_a_bad_row_writes_nothing(cases, bureau, bad, column, message):
    result = run([rows_2024()[0], bad])

    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(4, column)]  # title, header, good row, bad row
    if message:
        assert result.errors[0].message == message
    assert BacklogEntry.objects.count() == 0
    assert ImportLog.objects.get().outcome == ImportLog.Outcome.REJECTED


def test_a_case_already_on_the_list_is_refused_a_second_open_entry(cases, bureau):
    assert run(rows_2024()).ok
    result = run([["WX-4", "2024-06-01", None, "又列入"]])  # WX-4 is listed since 2024-03-01, open
    # the model's check names its field (case): the error names the sheet's column for it
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "信访件编号", "该信访事项已在积案名单上（列入后尚未化解）。")
    ]
    assert BacklogEntry.objects.count() == 4


def test_two_rows_of_a_file_that_overlap_are_refused(cases, bureau):
    """WX-3 listed twice, the first time never resolved: the second row overlaps the first."""
    rows = [["WX-3", "2023-10-01", None, ""], ["WX-2", "2023-10-01", None, ""], ["WX-3", "2024-02-01", None, ""]]
    result = run(rows)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (5, "信访件编号", "该信访事项已在积案名单上（列入后尚未化解）。")
    ]
    assert BacklogEntry.objects.count() == 0
    rows[0][2] = "2024-01-15"  # resolved before it was listed again: both are taken
    assert run(rows).created == 3


def test_an_import_reads_the_cases_and_their_entries_once_per_batch(cases, bureau, django_assert_max_num_queries):
    assert run(rows_2024()).ok
    with django_assert_max_num_queries(60) as ctx:
        again = run([[*row[:3], "改"] for row in rows_2024()])
    assert again.updated == 4
    # one read of the entries by identity, one of the cases, one of their entries: not one a row
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert sum('FROM "cases_backlogentry"' in sql for sql in reads) == 2
    assert sum('FROM "cases_petitioncase"' in sql for sql in reads) == 2  # the numbers, the cases


def test_the_same_entry_twice_in_a_file_is_an_error(cases, bureau):
    result = run([rows_2024()[0], rows_2024()[0]])
    assert [(e.row, e.message) for e in result.errors] == [(4, "与第 3 行重复（信访件编号、列入积案日期相同）")]
    assert BacklogEntry.objects.count() == 0


def test_the_export_round_trips(cases, bureau, alice):
    assert run(rows_2024()).ok
    resource = resource_for("backlog")
    data = export_workbook(resource, BacklogEntry.objects.all(), user=alice)
    sheet = load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == HEAD
    body = sorted(values[1:], key=lambda r: r[0])
    assert [r[0] for r in body] == ["WX-1", "WX-2", "WX-3", "WX-4"]
    assert body[1][1].date() == D(2023, 3, 15) and body[1][2].date() == D(2024, 5, 20)
    assert body[0][3] == "包案领导：副县长" and body[3][2] is None

    before = listed()
    again = import_ledger(kind="backlog", file=io.BytesIO(data), file_name="导出.xlsx", dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    BacklogEntry.objects.all().delete()
    fresh = import_ledger(kind="backlog", file=io.BytesIO(data), file_name="导出.xlsx", dry_run=False)
    assert fresh.created == 4 and listed() == before


def test_the_command_imports_it(cases, tmp_path):
    path = tmp_path / "积案.xlsx"
    path.write_bytes(make_xlsx([HEAD, *rows_2024()]))
    out = io.StringIO()
    call_command("import_ledger", "backlog", str(path), stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith("导入完成：共 4 行：新增 4 条，更新 0 条，未变化 0 条")
    assert BacklogEntry.objects.count() == 4


def test_the_list_has_the_buttons_and_a_clerk_imports_in_two_steps(client, cases, alice, sarah):
    client.force_login(alice)
    text = client.get(LIST).content.decode()
    assert IMPORT in text and EXPORT in text
    page = client.post(IMPORT, {"import_file": SimpleUploadedFile("积案.xlsx", xlsx(rows_2024()).getvalue())})
    assert "检查通过：共 4 行：新增 4 条，更新 0 条，未变化 0 条" in page.content.decode()
    assert BacklogEntry.objects.count() == 0
    done = client.post(CONFIRM, {"token": page.context["token"]})
    assert done.status_code == 302 and BacklogEntry.objects.count() == 4
    template = client.get(reverse("admin:cases_backlogentry_import_template"))
    assert [c.value for c in load_workbook(io.BytesIO(template.content)).worksheets[0][1]] == HEAD
    client.force_login(sarah)  # staff: export only
    text = client.get(LIST).content.decode()
    assert IMPORT not in text and EXPORT in text
    assert client.get(IMPORT).status_code == 403


def test_another_bureaus_user_gets_404_and_exports_none_of_it(client, cases, bureau):
    with acting_for(bureau):
        assert run(rows_2024()).ok
    entry = BacklogEntry.objects.get(case__number="WX-3")
    other = Bureau.objects.create(name="乙县信访局", county="乙县")
    client.force_login(_user("yi-admin", roles.ADMIN, other))
    for name in ("change", "delete", "history"):
        assert client.get(reverse(f"admin:cases_backlogentry_{name}", args=[entry.pk])).status_code == 404, name
    client.force_login(_user("yi-clerk", roles.CLERK, other))
    assert client.get(reverse("admin:cases_backlogentry_change", args=[entry.pk])).status_code == 404
    assert client.post(reverse("admin:cases_backlogentry_change", args=[entry.pk]), {"note": "改"}).status_code == 404
    exported = load_workbook(io.BytesIO(client.get(EXPORT).content)).active
    assert [[c.value for c in row] for row in exported.iter_rows()] == [HEAD]
    # B's import cannot name A's cases: they are not B's
    with acting_for(other):
        result = run([rows_2024()[2]])
    assert [e.message for e in result.errors] == ["未找到信访件编号：WX-3（请先导入该信访事项）"]
    assert BacklogEntry.objects.filter(bureau=other).count() == 0
    entry.refresh_from_db()
    assert entry.note == "重复信访三年"


def test_django_import_exports_resource_writes_the_case_number(cases, bureau):
    """cases.ledgers.iex builds its ModelResource from the same columns."""
    from cases.ledgers import iex

    assert run(rows_2024()).ok
    dataset = iex.model_resource("backlog", bureau)().export(BacklogEntry.objects.order_by("listed_on"))
    assert dataset.headers == HEAD
    assert [row[0] for row in dataset] == ["WX-2", "WX-1", "WX-3", "WX-4"]
    assert dataset[0][1:3] == (D(2023, 3, 15), D(2024, 5, 20))
