"""Values as clerks write them (issue 13): short forms, 是/否, unknown values mapped once and
remembered per bureau, old ledgers' missing dates as warnings, and the preview a clerk checks."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import F, Q
from django.urls import reverse

from cases.ledgers.resources import PetitionCaseResource
from cases.ledgers.service import import_ledger
from cases.models import AuditEntry, Bureau, ImportLog, ImportValueMapping, PetitionCase, Unit
from cases.scoping import acting_for

from .conftest import make_xlsx

HEADERS = [
    "信访件编号", "登记日期", "信访形式", "信访人", "诉求类型", "责任单位", "转送交办日期", "转送异议成立",
    "处理途径", "办结日期", "复查复核",
]  # fmt: skip
IMPORT = reverse("admin:cases_petitioncase_import")
CONFIRM = reverse("admin:cases_petitioncase_process_import")


def ledger_2021(prefix="WX2021"):
    """An eight-row 2021 ledger kept the way bureaus keep them."""
    rows = [
        [f"{prefix}-001", "2021.3.2", "网上", "张一", "申诉求决类", "温泉街道", "2021.3.5", "否", "信访程序", "2021.4.20", "否"],  # noqa: E501
        [f"{prefix}-002", "2021/3/8", "来访", "张二", "建议意见类", "人社局", "2021/3/9", "否", "信访程序", "2021/5/1", "否"],  # noqa: E501
        [f"{prefix}-003", "2021-04-01", "网上", "张三", "申诉求决类", "人社局", "2021-04-02", "是", "信访程序办理", None, "否"],  # noqa: E501
        [f"{prefix}-004", "2021年5月6日", "来信", "张四", "检举控告类", "县住建局", None, "否", "信访程序", "2021年6月1日", "是"],  # noqa: E501
        [f"{prefix}-005", "2021.6.1", "电话", "张五", "申诉求决类", "温泉街道", None, "否", "法定途径", "2021.7.1", "否"],  # noqa: E501
        [f"{prefix}-006", "2021.7.1", "网上", "张六", "申诉求决类", "祥云镇", None, "否", "信访程序", "2021.8.1", "是"],
        [f"{prefix}-007", "2021.8.1", "来访", "张七", "申诉求决类", "温泉街道", None, "否", "信访程序", None, "否"],
        [f"{prefix}-008", "2021.9.1", "来访", "张八", "申诉求决类", "人社局", "2021.9.3", "否", "信访程序", "2021.10.8", None],  # noqa: E501
    ]  # fmt: skip
    return make_xlsx([HEADERS, *rows], titles=["2021年信访事项登记台账"])


def run(data: bytes, *, dry_run=False, **kwargs):
    return import_ledger(kind="cases", file=io.BytesIO(data), file_name="2021台账.xlsx", dry_run=dry_run, **kwargs)


MAPPINGS = {("复查复核", "是"): "复查", ("责任单位", "人社局"): "县人社局"}


def test_short_forms_and_no_are_read_and_the_rest_is_asked_once_with_suggestions(bureau):
    result = run(ledger_2021(), dry_run=True)

    assert not result.ok and result.only_values
    issues = {(i.column, i.raw): (i.count, i.rows, i.suggestions, i.ambiguous) for i in result.issues}
    assert issues == {
        ("责任单位", "人社局"): (3, [4, 5, 10], ["县人社局"], False),
        ("复查复核", "是"): (2, [6, 8], ["复查", "复核"], True),  # 是 is ambiguous: asked, never guessed
    }
    # 网上 → 网上信访, 信访程序 → 信访程序办理, 法定途径 → 导入法定途径, 否 → 无: read, and said so.
    used = {(c, r, v): n for (c, r, v, how), n in result.mappings_used.items() if how == "short"}
    assert used[("信访形式", "网上", "网上信访")] == 3
    assert used[("处理途径", "信访程序", "信访程序办理")] == 6
    assert used[("处理途径", "法定途径", "导入法定途径")] == 1
    assert used[("复查复核", "否", "无")] == 5
    # One row error per row with an unknown value, none else; the hints are Chinese labels only.
    assert sorted(e.row for e in result.errors) == [4, 5, 6, 8, 10]
    assert all("petition" not in e.message and "legal" not in e.message for e in result.errors)
    assert PetitionCase.objects.count() == 0


def test_every_variant_imports_after_mapping_and_the_mapping_is_remembered(bureau, alice):
    result = run(ledger_2021(), mappings=MAPPINGS, user=alice)

    assert result.ok, [str(e) for e in result.errors]
    assert (result.rows, result.created) == (8, 8)
    case = PetitionCase.objects.get(number="WX2021-001")
    assert case.channel == PetitionCase.Channel.ONLINE
    assert case.handling_path == PetitionCase.HandlingPath.PETITION
    assert case.review == ""
    assert case.received_on == datetime.date(2021, 3, 2)
    assert PetitionCase.objects.get(number="WX2021-002").responsible_unit.name == "县人社局"
    assert PetitionCase.objects.get(number="WX2021-004").review == PetitionCase.Review.REVIEW
    assert PetitionCase.objects.filter(responsible_unit__name="县人社局").count() == 3
    # The sustained objection without its date is a warning, and the row is imported as it is.
    sustained = PetitionCase.objects.get(number="WX2021-003")
    assert (sustained.objection_sustained, sustained.objection_on) == (True, None)
    assert [(w.message, w.rows, w.figures_text) for w in result.warnings.values()] == [
        ("异议成立但无异议日期", [5], "不影响任何统计指标")
    ]
    remembered = ImportValueMapping.objects.filter(bureau=bureau, ledger="cases")
    assert sorted(remembered.values_list("column", "raw", "value", "created_by_name")) == [
        ("复查复核", "是", "复查", "alice"),
        ("责任单位", "人社局", "县人社局", "alice"),
    ]
    assert AuditEntry.objects.filter(object_repr="责任单位：人社局 → 县人社局", action="create").count() == 1
    log = ImportLog.objects.get(pk=result.log_id)
    assert "责任单位：人社局 → 县人社局（本次映射，3 行）" in log.value_mappings
    assert "信访形式：网上 → 网上信访（简称，3 行）" in log.value_mappings
    assert "异议成立但无异议日期：第 5 行，共 1 行" in log.message

    # The next file with the same variants needs no mapping: the bureau's are applied.
    again = run(ledger_2021(prefix="WX2021B"))

    assert again.ok, [str(e) for e in again.errors]
    assert again.created == 8
    assert PetitionCase.objects.get(number="WX2021B-006").review == PetitionCase.Review.REVIEW
    log = ImportLog.objects.get(pk=again.log_id)
    assert "责任单位：人社局 → 县人社局（已记住的映射，3 行）" in log.value_mappings


def test_a_mapping_is_the_bureaus_own(bureau):
    other = Bureau.objects.create(name="乙县信访局", county="乙县", short_county="乙")
    Unit.objects.create(bureau=other, name="乙县人社局", kind=Unit.Kind.DEPARTMENT)
    ImportValueMapping.objects.create(bureau=other, ledger="cases", column="责任单位", raw="人社局", value="县人社局")

    with acting_for(bureau):
        result = run(ledger_2021(), dry_run=True)

    assert ("责任单位", "人社局") in result.value_issues


def test_a_true_error_still_writes_nothing_and_remembers_nothing(bureau):
    rows = [
        HEADERS,
        ["WX-1", "2021.3.2", "网上", "甲", "申诉求决类", "人社局", None, "否", "信访程序", None, None],
        ["WX-2", "2021.2.30", "来访", "乙", "申诉求决类", "温泉街道", None, "否", "信访程序", None, None],
    ]
    data = make_xlsx(rows)

    result = run(data, mappings=MAPPINGS)

    assert not result.ok
    assert [(e.row, e.column, e.message) for e in result.errors] == [(3, "登记日期", "不存在的日期：2021.2.30")]
    assert PetitionCase.objects.count() == 0
    assert ImportValueMapping.objects.count() == 0


def test_unknown_choices_list_only_chinese_labels():
    reader = PetitionCaseResource.columns[2].read  # 信访形式

    with pytest.raises(Exception) as refused:
        reader("传真", None)

    assert str(refused.value) == "“传真”不是可选值（可选：来信、来访、网上信访、电话）"


def test_synonyms_and_short_forms_per_column(bureau):
    by_header = {c.header: c.read for c in PetitionCaseResource.columns}
    assert by_header["信访形式"]("信件", None) == "letter"
    assert by_header["处理途径"]("诉讼", None) == "litigation"
    assert by_header["处理途径"]("诉访分离", None) == "litigation"
    assert by_header["满意度评价"]("非常满意", None) == "satisfied"
    assert by_header["来源"]("省交办", None) == "above"
    assert by_header["复查复核"]("复核", None) == "recheck"
    with pytest.raises(Exception, match="可能是"):
        by_header["来源"]("交办", None)  # 中央/省交办 or 市交办: asked


def test_the_gaps_name_exactly_the_figures_that_use_their_field():
    """The warnings' figures, written in cases (which may not import indicators), against the registry."""
    from indicators.registry import INDICATORS, Period

    period = Period.year(2024)

    def fields(q) -> set[str]:
        names = set()
        for child in q.children if isinstance(q, Q) else ():
            if isinstance(child, Q):
                names |= fields(child)
            else:
                lookup, value = child
                names.add(lookup.split("__")[0])
                if isinstance(value, F):
                    names.add(value.name)
        return names

    for _warning, field, figures, _holds in PetitionCaseResource.gaps:
        using = [
            i.label
            for i in INDICATORS
            if i.source.model is PetitionCase
            and field in fields(i.numerator_q(period)) | fields(i.denominator_q(period))
        ]
        assert list(figures) == using, field


def test_recheck_dates_missing_are_warnings(bureau):
    head = ["信访件编号", "登记日期", "信访形式", "信访人", "诉求类型", "办结日期", "复查复核", "复查复核申请日期",
            "复核申请日期", "复核决定日期"]  # fmt: skip
    rows = [
        head,
        ["R-1", "2021.3.2", "来访", "甲", "申诉求决类", "2021.4.1", "复核", "2021.4.5", "2021.5.20", "2021.6.1"],
    ]

    result = run(make_xlsx(rows))

    assert result.ok, [str(e) for e in result.errors]
    assert sorted(result.warnings) == ["申请复核但无复查决定日期"]
    assert PetitionCase.objects.get(number="R-1").recheck_decided_on == datetime.date(2021, 6, 1)


def test_the_command_line_maps_and_names_the_map_to_add(bureau, tmp_path):
    path = tmp_path / "2021.xlsx"
    path.write_bytes(ledger_2021())
    err = io.StringIO()

    with pytest.raises(SystemExit):
        call_command("import_ledger", "cases", str(path), stdout=io.StringIO(), stderr=err)

    text = err.getvalue()
    assert (
        "第 4 行 · 责任单位 · 未找到名为“人社局”的责任单位，是否为“县人社局”？（请加 --map '责任单位:人社局=县人社局'）"
        in text
    )
    assert "--map '复查复核:是=复查'" in text
    assert PetitionCase.objects.count() == 0

    out = io.StringIO()
    call_command(
        "import_ledger", "cases", str(path), "--map", "责任单位:人社局=县人社局", "--map", "复查复核：是＝复核",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip

    assert out.getvalue().startswith("导入完成：共 8 行：新增 8 条")
    assert PetitionCase.objects.get(number="WX2021-004").review == PetitionCase.Review.RECHECK
    # Remembered, as a preview's choice is.
    assert ImportValueMapping.objects.get(column="复查复核").value == "复核"


def test_a_malformed_map_is_refused(bureau, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "2021.xlsx"
    path.write_bytes(ledger_2021())
    with pytest.raises(CommandError, match="列名:原值=选项"):
        call_command("import_ledger", "cases", str(path), "--map", "人社局", stdout=io.StringIO())


def test_the_preview_asks_then_the_confirmation_applies_and_remembers(client, alice, bureau):
    client.force_login(alice)

    page = client.post(IMPORT, {"import_file": SimpleUploadedFile("2021台账.xlsx", ledger_2021())})

    text = page.content.decode()
    assert page.context["token"]
    assert "有无法识别的值，请选择对应选项" in text
    assert [(i.column, i.raw, i.count) for i, _chosen in page.context["issues"]] == [
        ("复查复核", "是", 2),
        ("责任单位", "人社局", 3),
    ]
    assert '<optgroup label="建议"><option value="县人社局">县人社局</option>' in text.replace("\n", "").replace(
        "  ", ""
    )
    # Dates as read beside the cell as typed; counts per unit and year.
    assert '2021-03-02<span class="import-typed" title="台账中的写法">2021.3.2</span>' in text
    assert ("温泉街道", 2021, 3, 0, 0) in page.context["result"].tally_rows()
    assert PetitionCase.objects.count() == 0

    done = client.post(
        CONFIRM,
        {
            "token": page.context["token"],
            "map_column": ["复查复核", "责任单位"],
            "map_raw": ["是", "人社局"],
            "map_value": ["复查", "县人社局"],
        },
    )

    assert done.status_code == 302
    assert PetitionCase.objects.count() == 8
    assert ImportValueMapping.objects.count() == 2

    again = client.post(IMPORT, {"import_file": SimpleUploadedFile("b.xlsx", ledger_2021(prefix="B"))})
    assert again.context["result"].ok
    assert "已记住的映射" in again.content.decode()


def test_a_mapping_left_unchosen_asks_again_and_writes_nothing(client, alice, bureau):
    client.force_login(alice)
    page = client.post(IMPORT, {"import_file": SimpleUploadedFile("2021台账.xlsx", ledger_2021())})
    token = page.context["token"]

    again = client.post(
        CONFIRM,
        {
            "token": token,
            "map_column": ["复查复核", "责任单位"],
            "map_raw": ["是", "人社局"],
            "map_value": ["", "县人社局"],
        },
    )

    assert again.status_code == 200
    assert [(i.raw, chosen) for i, chosen in again.context["issues"]] == [("是", "")]
    assert again.context["token"] == token  # the file is kept: choose and confirm again
    assert PetitionCase.objects.count() == 0
    assert ImportValueMapping.objects.count() == 0


def test_the_mappings_admin_is_read_only_and_scoped(client, adam, alice, bureau):
    ImportValueMapping.objects.create(bureau=bureau, ledger="cases", column="责任单位", raw="人社局", value="县人社局")
    other = Bureau.objects.create(name="乙县信访局", county="乙县", short_county="乙")
    theirs = ImportValueMapping.objects.create(
        bureau=other, ledger="cases", column="信访形式", raw="网", value="网上信访"
    )
    client.force_login(alice)

    listing = client.get(reverse("admin:cases_importvaluemapping_changelist"))

    assert listing.status_code == 200
    assert "县人社局" in listing.content.decode() and "网上信访" not in listing.content.decode()
    assert client.get(reverse("admin:cases_importvaluemapping_change", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:cases_importvaluemapping_add")).status_code == 403


def test_a_map_to_no_option_of_the_column_is_refused_before_any_row(bureau, tmp_path):
    path = tmp_path / "2021.xlsx"
    path.write_bytes(ledger_2021())
    err = io.StringIO()

    with pytest.raises(SystemExit):
        call_command(
            "import_ledger", "cases", str(path), "--map", "复查复核:是=review", stdout=io.StringIO(), stderr=err
        )

    assert "复查复核“是”映射的“review”不是该列的选项（可选：无、复查、复核）" in err.getvalue()
    assert ImportLog.objects.get().outcome == ImportLog.Outcome.REFUSED
    assert PetitionCase.objects.count() == 0


def test_the_confirm_step_is_one_call_acting_for_its_bureau(bureau, alice, tmp_path):
    """What a background task will call: no request, two bureaus, the bureau given."""
    from cases.ledgers.service import import_stored

    Bureau.objects.create(name="乙县信访局", county="乙县", short_county="乙")
    path = tmp_path / "kept.xlsx"
    path.write_bytes(ledger_2021())

    result = import_stored(
        bureau=bureau, user=alice, kind="cases", path=path, file_name="2021台账.xlsx", mappings=MAPPINGS
    )

    assert result.ok and result.created == 8
    assert PetitionCase.objects.filter(bureau=bureau).count() == 8
    assert ImportValueMapping.objects.filter(bureau=bureau).count() == 2


def test_the_import_log_page_lists_the_mappings_used(client, adam, bureau):
    result = run(ledger_2021(), mappings=MAPPINGS)
    client.force_login(adam)

    page = client.get(reverse("admin:cases_importlog_change", args=[result.log_id]))

    text = page.content.decode()
    assert "使用的值映射" in text
    assert "复查复核：是 → 复查（本次映射，2 行）" in text


def test_the_clerk_may_check_again_with_the_mappings_before_confirming(client, alice, bureau):
    client.force_login(alice)
    page = client.post(IMPORT, {"import_file": SimpleUploadedFile("2021台账.xlsx", ledger_2021())})
    chosen = {"map_column": ["复查复核", "责任单位"], "map_raw": ["是", "人社局"], "map_value": ["复核", "县人社局"]}

    checked = client.post(CONFIRM, {"token": page.context["token"], "check": "1", **chosen})

    assert checked.status_code == 200
    text = checked.content.decode()
    assert "检查通过：共 8 行：新增 8 条" in text
    assert '<input type="hidden" name="map_value" value="复核">' in text  # carried to the confirmation
    assert len(checked.context["preview_rows"]) == 8
    assert PetitionCase.objects.count() == 0 and ImportValueMapping.objects.count() == 0

    done = client.post(CONFIRM, {"token": checked.context["token"], **chosen})

    assert done.status_code == 302
    assert PetitionCase.objects.get(number="WX2021-004").review == PetitionCase.Review.RECHECK
    assert ImportValueMapping.objects.count() == 2


def test_the_other_ledgers_choices_take_short_forms_too():
    from cases.ledgers.resources import AccountabilityResource, DisputeScreeningResource, OutreachEventResource

    status = {c.header: c.read for c in DisputeScreeningResource.columns}["化解状态"]
    assert status("已调处", None) == "resolved"
    assert status("是", None) == "resolved"
    with pytest.raises(Exception, match="可能是化解中或未化解"):
        status("否", None)  # still in hand, or not resolved: asked
    with pytest.raises(Exception, match="可能是化解中或已化解或未化解"):
        status("化解", None)
    assert {c.header: c.read for c in AccountabilityResource.columns}["建议类型"]("问责", None) == "accountability"
    assert {c.header: c.read for c in OutreachEventResource.columns}["活动类型"]("宣传", None) == "campaign"


def test_a_large_files_confirmation_goes_to_the_worker(client, alice, bureau, settings):
    """Past LEDGER_IMPORT_BACKGROUND_ROWS rows the check and the confirmed import are background
    jobs (run at once by the tests' task backend; tests/jobs/test_import_preview.py follows the
    check): the clerk lands on the job's page, the mapped values are applied, remembered, and the
    kept upload is gone."""
    from cases.ledgers.admin import _folder
    from cases.models import Job

    settings.LEDGER_IMPORT_BACKGROUND_ROWS = 5
    client.force_login(alice)
    client.post(IMPORT, {"import_file": SimpleUploadedFile("2021台账.xlsx", ledger_2021())})
    check = Job.objects.get(kind=Job.Kind.LEDGER_CHECK)
    token = check.arguments["token"]

    done = client.post(
        CONFIRM,
        {
            "token": token,
            "job": check.pk,
            "map_column": ["复查复核", "责任单位"],
            "map_raw": ["是", "人社局"],
            "map_value": ["复查", "县人社局"],
        },
    )

    job = Job.objects.get(kind=Job.Kind.LEDGER_IMPORT)
    assert done.status_code == 302 and done["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.state, job.user) == (Job.Kind.LEDGER_IMPORT, Job.State.DONE, alice)
    assert job.message == "共 8 行：新增 8 条，更新 0 条，未变化 0 条；1 行有提示（不影响导入）"
    assert PetitionCase.objects.filter(responsible_unit__name="县人社局").count() == 3
    assert ImportValueMapping.objects.count() == 2
    assert not (_folder() / f"{token}.xlsx").exists()
    page = client.get(done["Location"])
    assert "已完成" in page.content.decode()
