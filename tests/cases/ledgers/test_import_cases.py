"""Petition cases from a real-looking ledger: title rows, every date form, one bad row."""

import datetime
import io

import pytest

from cases.ledgers.service import import_ledger
from cases.models import ImportLog, PetitionCase

from .conftest import make_xlsx

HEADERS = [
    "信访件编号", "登记日期", "信访形式", "信访人", "人数", "是否初次信访", "诉求类型", "问题领域", "责任单位",
    "转送交办日期", "转送异议成立", "受理告知日期", "责任单位受理日期", "处理途径", "延期天数", "办结日期",
    "处理结果", "一次性化解", "复查复核", "满意度评价",
]  # fmt: skip
DATE_FORMS = [
    lambda d: d,  # a real Excel date cell
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
]
TITLES = ["温县信访局信访事项登记台账", "（2024年度）"]


def case_row(i: int) -> list:
    received = datetime.date(2024, 1, 1) + datetime.timedelta(days=i * 3)
    form = DATE_FORMS[i % len(DATE_FORMS)]
    routed = received + datetime.timedelta(days=2)
    closed = received + datetime.timedelta(days=40)
    return [
        f"WX2024-{i:03d}", form(received), "来访", f"信访人{i}", 1 if i % 7 else 6, "是" if i % 4 else "否",
        "申诉求决类", "土地征收", "温泉街道" if i % 2 else "县住建局", form(routed), "否", None, form(routed),
        "信访程序办理", "０", form(closed), "支持", "是", "无", "满意",
    ]  # fmt: skip


def file_with(rows) -> io.BytesIO:
    return io.BytesIO(make_xlsx([HEADERS, *rows], titles=TITLES))


def run(data, **kwargs):
    return import_ledger(kind="cases", file=data, file_name="台账.xlsx", dry_run=kwargs.pop("dry_run", False), **kwargs)


def test_it_imports_a_ledger_with_title_rows_and_every_date_form(bureau):
    result = run(file_with([case_row(i) for i in range(40)]))

    assert result.ok, [str(e) for e in result.errors]
    assert (result.rows, result.created, result.updated) == (40, 40, 0)
    case = PetitionCase.objects.get(number="WX2024-003")
    assert case.received_on == datetime.date(2024, 1, 10)
    assert case.routed_on == datetime.date(2024, 1, 12)
    assert case.routing == PetitionCase.Routing.TRANSFER
    assert case.responsible_unit.name == "温泉街道"
    assert case.satisfaction == PetitionCase.Satisfaction.SATISFIED
    assert case.resolved_first_time is True
    assert case.is_initial is True
    assert PetitionCase.objects.get(number="WX2024-004").is_initial is False
    assert PetitionCase.objects.get(number="WX2024-007").head_count == 6
    # refresh_due_dates() ran: 15 days from 2024-01-10 is 2024-01-25, a Thursday.
    assert case.routing_due_on == datetime.date(2024, 1, 25)
    assert case.handling_due_on is not None


def test_one_bad_row_writes_nothing_and_names_the_row_excel_shows(bureau, monkeypatch):
    # Batches of 10: the three batches before the bad row are written, then rolled back.
    monkeypatch.setattr("cases.ledgers.service.BATCH", 10)
    rows = [case_row(i) for i in range(40)]
    # Title rows 1–2, header row 3: the 34th data row is row 37 in Excel.
    rows[33][1] = "2024年13月5日"
    rows[33][8] = "不存在的镇"

    result = run(file_with(rows))

    assert not result.ok
    assert [str(e) for e in result.errors] == [
        "第 37 行 · 登记日期 · 不存在的日期：2024年13月5日",
        "第 37 行 · 责任单位 · 未找到名为“不存在的镇”的责任单位，请先由管理员在“责任单位”中添加，或改为已有单位名称",
    ]
    assert (result.rows, result.created) == (40, 39)
    assert PetitionCase.objects.count() == 0
    log = ImportLog.objects.get()
    assert (log.outcome, log.errors, log.created, log.dry_run) == (ImportLog.Outcome.REJECTED, 2, 0, False)


def test_model_rules_become_row_errors(bureau):
    rows = [case_row(i) for i in range(3)]
    rows[1][15] = "2023-12-01"  # closed before received
    rows[2][14] = 45  # extension over 30 days

    result = run(file_with(rows))

    messages = [str(e) for e in result.errors]
    assert messages[0] == "第 5 行 · 办结日期 · 办结日期不能早于登记日期（2024-01-04）。"
    assert "第 6 行 · 延期天数 · 延期不得超过30日（《信访工作条例》第三十四条）。" in messages
    assert PetitionCase.objects.count() == 0


def test_a_duplicate_number_in_the_file_is_an_error(bureau):
    rows = [case_row(1), case_row(2), case_row(1)]

    result = run(file_with(rows))

    assert [str(e) for e in result.errors] == ["第 6 行 · 信访件编号 · 与第 4 行重复（信访件编号相同）"]


def test_reimporting_the_same_file_creates_no_duplicates_and_changes_update(bureau):
    rows = [case_row(i) for i in range(10)]
    run(file_with(rows))
    again = run(file_with(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)

    rows[3][19] = "不满意"
    changed = run(file_with(rows))

    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 9)
    assert PetitionCase.objects.count() == 10
    assert PetitionCase.objects.get(number="WX2024-003").satisfaction == PetitionCase.Satisfaction.UNSATISFIED


def test_a_dry_run_counts_and_writes_nothing(bureau):
    result = run(file_with([case_row(i) for i in range(5)]), dry_run=True)

    assert (result.ok, result.created) == (True, 5)
    assert PetitionCase.objects.count() == 0
    assert ImportLog.objects.get().outcome == ImportLog.Outcome.PREVIEWED


def test_columns_missing_from_the_file_keep_their_stored_values(bureau):
    run(file_with([case_row(1)]))
    PetitionCase.objects.filter(number="WX2024-001").update(petitioner_phone="13812345678")

    result = run(io.BytesIO(make_xlsx([HEADERS, case_row(1)])))

    assert result.unchanged == 1
    assert PetitionCase.objects.get().petitioner_phone == "13812345678"


def test_masked_personal_data_is_refused(bureau):
    row = case_row(1)
    row[3] = "张*"

    result = run(file_with([row]))

    assert [str(e) for e in result.errors] == ["第 4 行 · 信访人 · 含有脱敏字符“*”，请使用未脱敏的原始台账"]


def test_a_file_without_the_headers_is_refused(bureau):
    result = run(io.BytesIO(make_xlsx([["编号", "日期"], ["1", "2024-01-01"]])))

    assert result.file_error.startswith("前 10 行中未找到表头。表头行须包含：信访件编号、登记日期")


def test_blank_rows_and_a_long_empty_tail_are_skipped(bureau):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(case_row(1))
    sheet.append([])
    sheet.append(case_row(2))
    # A formatted but empty tail, as some spreadsheets carry down to row 1,048,576.
    for row in range(10, 3000):
        sheet.cell(row=row, column=1).number_format = "@"
        sheet.cell(row=row, column=1).value = "  "
    out = io.BytesIO()
    workbook.save(out)

    result = run(io.BytesIO(out.getvalue()))

    assert (result.ok, result.created) == (True, 2)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    # clean() refuses dates after today; the generated ledger stays in 2024.
    import cases.models.petitions

    monkeypatch.setattr(cases.models.petitions, "local_today", lambda: datetime.date(2025, 6, 30))


def test_deadlines_in_a_year_without_known_holidays_are_a_notice_not_an_error(bureau, monkeypatch):
    import cases.models.petitions

    monkeypatch.setattr(cases.models.petitions, "local_today", lambda: datetime.date(2031, 12, 31))
    row = case_row(1)
    row[1] = row[9] = row[12] = "2030-03-02"
    row[15] = "2030-04-02"

    result = run(file_with([row]))

    assert result.ok
    assert result.notices == [
        "尚未掌握 2030 年的法定节假日和调休安排，请管理员在“节假日”中录入 2030 年的安排后再计算期限。"
    ]
    assert PetitionCase.objects.get().routing_due_on == datetime.date(2030, 3, 17)


def test_past_the_cap_errors_are_counted_not_kept(bureau, monkeypatch):
    monkeypatch.setattr("cases.ledgers.service.MAX_ERRORS", 2)
    rows = [case_row(i) for i in range(3)]
    for row in rows:
        row[2] = "飞鸽传书"

    result = run(file_with(rows))

    assert (len(result.errors), result.unlisted_errors) == (2, 1)
    # An unknown value is asked about once, whatever the cap, with every row counted.
    assert [(i.raw, i.count) for i in result.issues] == [("飞鸽传书", 3)]
    assert result.summary().endswith("；1 种写法无法识别，需选择对应选项，未写入任何数据")


def test_an_update_stores_units_dates_and_due_dates_as_save_would(bureau):
    rows = [case_row(i) for i in range(2)]
    run(file_with(rows))
    rows[1][8] = "祥云镇"
    rows[1][9] = rows[1][12] = "2024-01-20"  # routed and accepted later: new deadlines

    result = run(file_with(rows))

    assert (result.updated, result.unchanged) == (1, 1)
    case = PetitionCase.objects.get(number="WX2024-001")
    assert (case.responsible_unit.name, case.routed_on) == ("祥云镇", datetime.date(2024, 1, 20))
    assert case.unit_acceptance_due_on == datetime.date(2024, 2, 4)  # a Sunday, but a make-up working day
    assert case.updated_at > case.created_at


def test_the_source_column_reads_its_label_and_a_ledger_without_it_is_local(bureau):
    """来源 (issue 11): a county's ledger says which cases came from above; one without the column
    keeps the model's 本级受理."""
    rows = [case_row(0), case_row(1), case_row(2)]
    headers = [*HEADERS, "来源"]
    sources = ["市交办", "中央/省交办", "包联"]
    data = io.BytesIO(make_xlsx([headers, *[[*r, s] for r, s in zip(rows, sources, strict=True)]], titles=TITLES))

    result = run(data)

    assert result.ok, [str(e) for e in result.errors]
    by_number = dict(PetitionCase.objects.values_list("number", "source"))
    assert by_number == {"WX2024-000": "city", "WX2024-001": "above", "WX2024-002": "baolian"}
    run(file_with([case_row(5)]))
    assert PetitionCase.objects.get(number="WX2024-005").source == PetitionCase.Source.LOCAL
