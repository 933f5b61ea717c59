"""Export → import of every ledger gives back identical records."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from cases.ledgers.export import export_workbook, template_workbook
from cases.ledgers.resources import RESOURCES, resource_for
from cases.ledgers.service import import_ledger
from cases.models import (
    AccountabilityAction,
    AccountablePerson,
    BacklogEntry,
    DisputeScreening,
    Holiday,
    OrderCase,
    OrderPerson,
    OutreachEvent,
    PetitionCase,
    Unit,
    Volunteer,
)
from tests.cases.ledgers.conftest import make_xlsx

D = datetime.date


@pytest.fixture
def ledgers(bureau):
    town, dept = Unit.objects.get(name="温泉街道"), Unit.objects.get(name="县住建局")
    case = PetitionCase.objects.create(
        bureau=bureau, number="WX-1", received_on=D(2024, 3, 1), channel="visit", petitioner_name="张三、李四",
        petitioner_id_number="410825199001011237", petitioner_phone="13812345678", head_count=2,
        category="claim", subject_area="=HYPERLINK(\"http://x\")", summary="-拖欠工资\n两个月", responsible_unit=dept,
        routing="assign", routed_on=D(2024, 3, 2), objection_on=D(2024, 3, 4), objection_sustained=True,
        accepted_on=D(2024, 3, 3), unit_accepted_on=D(2024, 3, 5), handling_path="legal", extension_days=10,
        extension_approved=True, extension_approved_on=D(2024, 4, 1), extension_reason="需现场核查",
        closed_on=D(2024, 5, 1), outcome="mediation", review="recheck", review_requested_on=D(2024, 5, 10),
        review_decided_on=D(2024, 6, 1), recheck_requested_on=D(2024, 6, 10), recheck_decided_on=D(2024, 7, 1),
        satisfaction="basic",
    )  # fmt: skip
    PetitionCase.objects.create(
        bureau=bureau, number="WX-2", received_on=D(2024, 4, 1), channel="online", petitioner_name="王五",
        category="suggestion", is_initial=False,
    )  # fmt: skip
    DisputeScreening.objects.create(
        bureau=bureau, found_on=D(2024, 2, 1), unit=town, kind="土地", description="@甲乙争地", status="resolved",
        resolved_on=D(2024, 2, 20),
    )  # fmt: skip
    DisputeScreening.objects.create(bureau=bureau, found_on=D(2024, 2, 2), unit=town, kind="婚姻", status="unresolved")
    action = AccountabilityAction.objects.create(
        bureau=bureau, decided_on=D(2024, 7, 1), kind="accountability", unit=town, measure="通报批评", adopted=False,
        note="+备注",
    )  # fmt: skip
    action.cases.set([case])
    AccountablePerson.objects.create(action=action, name="赵六", position="党委委员、副镇长", measure="诫勉谈话")
    AccountablePerson.objects.create(action=action, name="钱七")
    order = OrderCase.objects.create(
        bureau=bureau, occurred_on=D(2024, 8, 1), place="县政府门口", conduct="滞留", police_reference="温公(治)字1号"
    )
    OrderPerson.objects.create(case=order, name="孙八", measure="warning", id_number="41082519800101111X")
    OrderPerson.objects.create(case=order, name="周九", measure="admin_detention")
    OutreachEvent.objects.create(
        bureau=bureau, held_on=D(2024, 9, 1), kind="campaign", title="宪法宣传日", place="广场", participants=50,
        materials=300,
    )  # fmt: skip
    Volunteer.objects.create(bureau=bureau, name="吴十", phone="13900001111", joined_on=D(2023, 1, 1))
    Volunteer.objects.create(bureau=bureau, name="郑一", joined_on=D(2023, 5, 1), left_on=D(2024, 5, 1))
    BacklogEntry.objects.create(bureau=bureau, case=case, listed_on=D(2024, 5, 2), resolved_on=D(2024, 9, 1))
    BacklogEntry.objects.create(bureau=bureau, case=case, listed_on=D(2024, 10, 1), note="=再次列入")
    calendar = Holiday.objects.calendar()
    for petition in PetitionCase.objects.all():
        petition.refresh_due_dates(calendar)
        petition.save()


def snapshot(kind):
    model = RESOURCES[kind].model
    skip = {"id", "created_at", "updated_at", "bureau", "voided_at", "voided_by", "void_reason"}
    fields = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
    rows = []
    for obj in model.objects.order_by(*fields[:3]):
        row = [getattr(obj, f) for f in fields]
        if kind == "accountability":
            row.append([(p.name, p.position, p.measure) for p in obj.persons.order_by("id")])
            row.append(sorted(obj.cases.values_list("number", flat=True)))
        if kind == "order":
            row.append([(p.name, p.measure, p.id_number) for p in obj.persons.order_by("id")])
        rows.append(row)
    return rows


@pytest.mark.parametrize("kind", list(RESOURCES))
def test_an_export_reimports_unchanged(kind, ledgers, alice):
    resource = resource_for(kind)
    before = snapshot(kind)
    data = export_workbook(resource, resource.model.objects.all(), user=alice)

    again = import_ledger(kind=kind, file=io.BytesIO(data), file_name="x.xlsx", dry_run=False)
    assert again.ok, [str(e) for e in again.errors]
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(before))

    if kind == "cases":
        BacklogEntry.objects.all().delete()  # an entry holds its case (PROTECT)
    resource.model.objects.all().delete()
    fresh = import_ledger(kind=kind, file=io.BytesIO(data), file_name="x.xlsx", dry_run=False)
    assert fresh.ok, [str(e) for e in fresh.errors]
    assert fresh.created == len(before)
    assert snapshot(kind) == before


def test_text_that_looks_like_a_formula_is_neutralised_and_numbers_stay_numbers(ledgers, alice):
    resource = resource_for("cases")
    data = export_workbook(resource, PetitionCase.objects.filter(number="WX-1"), user=alice)
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}

    assert row["问题领域"].value == '\'=HYPERLINK("http://x")'
    assert row["问题领域"].data_type == "s"
    assert row["主要诉求"].value == "'-拖欠工资\n两个月"
    assert row["延期天数"].value == 10
    assert row["登记日期"].is_date
    assert row["处理途径"].value == "导入法定途径"
    assert row["复查复核"].value == "复核"
    # 复查's dates and 复核's, each in its own columns
    dates = {h: row[h].value.date() for h in ("复查复核申请日期", "复查复核决定日期", "复核申请日期", "复核决定日期")}
    assert list(dates.values()) == [D(2024, 5, 10), D(2024, 6, 1), D(2024, 6, 10), D(2024, 7, 1)]
    assert row["延期理由"].value == "需现场核查"


def test_personal_data_is_masked_for_users_without_the_permission(ledgers, sarah):
    data = export_workbook(resource_for("cases"), PetitionCase.objects.filter(number="WX-1"), user=sarah)
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))

    assert (row["信访人"], row["身份证号"], row["联系电话"]) == ("张*、李*", "410825********1237", "138****5678")
    order = load_workbook(io.BytesIO(export_workbook(resource_for("order"), OrderCase.objects.all(), user=sarah)))
    # Persons dealt with for disturbing order are masked by the same rule as petitioners.
    assert order.active["E2"].value == "孙*（警告，410825********111X）、周*（行政拘留）"


def test_the_template_has_every_header(bureau):
    workbook = load_workbook(io.BytesIO(template_workbook(resource_for("screenings"))))
    headers = [c.value for c in workbook.worksheets[0][1]]
    assert headers == ["排查日期", "乡镇（街道）", "纠纷类型", "简要情况", "化解状态", "化解日期"]
    notes = {row[0]: row[2] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert notes["化解状态"] == "已化解、化解中、未化解"


def test_every_resource_has_an_import_log_ledger_choice():
    from cases.models import ImportLog

    assert set(RESOURCES) == set(ImportLog.Ledger.values)


def test_changed_persons_replace_the_stored_ones(ledgers, alice):
    resource = resource_for("order")
    data = export_workbook(resource, OrderCase.objects.all(), user=alice)
    workbook = load_workbook(io.BytesIO(data))
    workbook.active["E2"] = "孙八（罚款）"
    out = io.BytesIO()
    workbook.save(out)

    result = import_ledger(kind="order", file=io.BytesIO(out.getvalue()), file_name="x.xlsx", dry_run=False)

    assert (result.updated, result.created) == (1, 0)
    assert list(OrderPerson.objects.values_list("name", "measure", "id_number")) == [("孙八", "fine", "")]


def test_persons_go_through_full_clean(bureau):
    rows = [
        ["发生日期", "地点", "违法行为", "被处理人"],
        ["2024-08-01", "县政府门口", "滞留", "孙八（警告，410825198001011111）"],
    ]
    data = make_xlsx(rows)

    result = import_ledger(kind="order", file=io.BytesIO(data), file_name="x.xlsx", dry_run=False)

    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith("第 2 行 · 被处理人 · “孙八”：")
    assert OrderCase.objects.count() == 0
