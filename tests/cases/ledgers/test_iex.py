"""The ledgers' columns as django-import-export ModelResources (cases.ledgers.iex): one declaration
serves import_export's export and import_data(); and where its import falls short of ours."""

import datetime
import io

from django.urls import reverse

from cases.ledgers import iex
from cases.ledgers.resources import RESOURCES
from cases.ledgers.service import import_ledger
from cases.models import DisputeScreening, PetitionCase

from .conftest import make_xlsx
from .test_import_cases import HEADERS, TITLES, case_row, file_with


def test_every_ledger_declares_each_column_once_with_its_chinese_header(bureau):
    for kind, ledger in RESOURCES.items():
        resource = iex.model_resource(kind, bureau)()
        expected = [c.header for c in ledger.columns if not c.related]
        assert [f.column_name for f in resource.get_import_fields()] == expected, kind
        assert resource.get_display_name() == str(ledger.model._meta.verbose_name)


def test_its_export_writes_labels_unit_names_and_dates(bureau):
    assert import_ledger(
        kind="cases", file=file_with([case_row(i) for i in range(3)]), file_name="a.xlsx", dry_run=False
    ).ok

    dataset = iex.model_resource("cases", bureau)().export(PetitionCase.objects.order_by("number"))

    assert dataset.headers[:4] == ["信访件编号", "登记日期", "信访形式", "信访人"]
    first = dict(zip(dataset.headers, dataset[1], strict=True))
    assert first["信访件编号"] == "WX2024-001"
    assert first["登记日期"] == datetime.date(2024, 1, 4)
    assert (first["信访形式"], first["责任单位"], first["处理结果"]) == ("来访", "温泉街道", "支持")
    assert first["是否初次信访"] == "是"


def test_its_bulk_import_reads_cells_as_ours_and_derives_due_dates(bureau):
    data = make_xlsx([HEADERS, *[case_row(i) for i in range(12)]])  # no title rows: see below
    result = iex.model_resource("cases", bureau)().import_data(iex.dataset(data), use_transactions=True)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 12
    case = PetitionCase.objects.get(number="WX2024-003")
    assert case.received_on == datetime.date(2024, 1, 10)  # "2024.1.10" in the file
    assert (case.channel, case.responsible_unit.name, case.routing) == ("visit", "温泉街道", "transfer")
    assert case.handling_due_on is not None  # the resource's finish() ran


def test_it_cannot_find_a_header_below_title_rows(bureau):
    """Real ledgers carry one or two title rows: import_export takes the first row as the header."""
    data = make_xlsx([HEADERS, case_row(1)], titles=TITLES)
    result = iex.model_resource("cases", bureau)().import_data(iex.dataset(data), use_transactions=True)

    assert result.has_errors()
    assert PetitionCase.objects.count() == 0
    ours = import_ledger(kind="cases", file=io.BytesIO(data), file_name="a.xlsx", dry_run=True)
    assert ours.ok and ours.rows == 1


def test_its_row_numbers_are_not_excel_rows_unknown_values_are_not_gathered_good_rows_stay(bureau):
    rows = [case_row(i) for i in range(5)]
    rows[2][1] = "2024-02-30"
    rows[1][2] = rows[3][2] = "网格"  # no channel: ours asks once, with its two rows
    data = make_xlsx([HEADERS, *rows])

    result = iex.model_resource("cases", bureau)().import_data(iex.dataset(data), use_transactions=True)
    theirs = iex.errors(result)
    ours = import_ledger(kind="cases", file=io.BytesIO(data), file_name="a.xlsx", dry_run=True)

    assert sorted((n, f) for n, f, _m in theirs) == [(2, "channel"), (3, "received_on"), (4, "channel")]
    assert sorted((e.row, e.column) for e in ours.errors) == [(3, "信访形式"), (4, "登记日期"), (5, "信访形式")]
    assert "不存在的日期：2024-02-30" in dict(((n, f), m) for n, f, m in theirs)[(3, "received_on")]
    [issue] = ours.issues
    assert (issue.raw, issue.rows, issue.count) == ("网格", [3, 5], 2)
    # Its default keeps the two valid rows: only rollback_on_validation_errors=True is all or nothing.
    assert PetitionCase.objects.count() == 2


def test_its_list_buttons_are_in_chinese(client, alice, bureau):
    """The only screen of import_export's own still shown: the list's buttons (its zh_Hans
    catalogue); its import, confirm and export screens are ours."""
    client.force_login(alice)
    text = client.get(reverse("admin:cases_petitioncase_changelist")).content.decode()

    assert 'class="import_link">导入</a>' in text
    assert 'class="export_link">导出</a>' in text
    assert ">Import<" not in text and ">Export<" not in text


def test_a_ledger_identified_by_several_columns_is_updated_not_doubled(bureau):
    head = ["排查日期", "乡镇（街道）", "纠纷类型", "简要情况", "化解状态", "化解日期"]
    rows = [[f"2024-03-0{i + 1}", "温泉街道", f"类型{i}", "", "化解中", None] for i in range(3)]
    resource = iex.model_resource("screenings", bureau)
    assert resource().import_data(iex.dataset(make_xlsx([head, *rows])), use_transactions=True).totals["new"] == 3

    rows[1][4:] = ["已调处", "2024-04-01"]  # a synonym of 已化解, read by the column
    result = resource().import_data(iex.dataset(make_xlsx([head, *rows])), use_transactions=True)

    assert (result.totals["new"], result.totals["update"]) == (0, 3)
    assert DisputeScreening.objects.count() == 3
    solved = DisputeScreening.objects.get(kind="类型1")
    assert (solved.status, solved.resolved_on) == ("resolved", datetime.date(2024, 4, 1))
