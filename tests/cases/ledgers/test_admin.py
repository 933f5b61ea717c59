"""The clerk's import and export buttons in the admin."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import AuditEntry, DisputeScreening, ImportLog, PetitionCase, Unit

from .conftest import make_xlsx

HEAD = ["排查日期", "乡镇（街道）", "纠纷类型", "简要情况", "化解状态", "化解日期"]
IMPORT = reverse("admin:cases_disputescreening_import")
CONFIRM = reverse("admin:cases_disputescreening_process_import")
EXPORT = reverse("admin:cases_disputescreening_export")
LIST = reverse("admin:cases_disputescreening_changelist")


def upload(rows, name="排查台账.xlsx"):
    return SimpleUploadedFile(name, make_xlsx([HEAD, *rows], titles=["2024年矛盾纠纷排查台账"]))


def rows(n):
    return [[f"2024-03-{1 + i % 28:02d}", "温泉街道", f"类型{i}", "", "化解中", None] for i in range(n)]


def test_a_clerk_previews_then_confirms(client, alice, bureau):
    client.force_login(alice)

    page = client.post(IMPORT, {"import_file": upload(rows(3))})

    assert page.status_code == 200
    text = page.content.decode()
    assert "检查通过：共 3 行：新增 3 条，更新 0 条，未变化 0 条" in text
    assert DisputeScreening.objects.count() == 0
    token = page.context["token"]

    done = client.post(CONFIRM, {"token": token})

    assert done.status_code == 302 and done["Location"] == LIST
    assert DisputeScreening.objects.count() == 3
    logs = list(ImportLog.objects.order_by("id").values_list("dry_run", "outcome", "created"))
    assert logs == [(True, "previewed", 3), (False, "imported", 3)]
    started = AuditEntry.objects.filter(action="import", content_type__model="importlog").order_by("id")
    # Both name the file and its checksum (the same file, kept between preview and confirm).
    checksums = set(ImportLog.objects.values_list("checksum", flat=True))
    assert len(checksums) == 1 and len(next(iter(checksums))) == 64
    assert [(e.username, e.object_id, e.detail) for e in started] == [
        ("alice", log.pk, f"{what}矛盾纠纷排查：排查台账.xlsx（SHA-256 {log.checksum}）")
        for log, what in zip(ImportLog.objects.order_by("id"), ("预览", "导入"), strict=True)
    ]
    # The import log lists and finds them by who ran them (read from the activity log).
    listed = client.get(reverse("admin:cases_importlog_changelist"), {"q": "alice"}).context["cl"].result_list
    assert [log.operator_name for log in listed] == ["alice", "alice"]
    assert client.post(CONFIRM, {"token": token}).status_code == 302  # a token works once
    assert DisputeScreening.objects.count() == 3


def test_errors_are_listed_and_there_is_nothing_to_confirm(client, alice, bureau):
    client.force_login(alice)
    bad = rows(3)
    bad[1][0] = "2024-02-30"

    page = client.post(IMPORT, {"import_file": upload(bad)})

    text = page.content.decode()
    # Grouped by column and problem, with the Excel rows.
    assert page.context["error_groups"] == [("排查日期", "不存在的日期：2024-02-30", "4", 1)]
    assert "<td>排查日期</td><td>不存在的日期：2024-02-30</td>" in text
    assert "确认导入" not in text
    assert "token" not in page.context


def test_a_large_file_shows_a_summary_not_every_row(client, alice, bureau):
    client.force_login(alice)

    page = client.post(IMPORT, {"import_file": upload(rows(600))})

    assert "共 600 行：新增 600 条" in page.content.decode()
    assert page.content.decode().count('<tr class="new">') == 50


def test_a_hostile_file_is_refused_in_chinese(client, alice, bureau):
    client.force_login(alice)

    page = client.post(IMPORT, {"import_file": SimpleUploadedFile("台账.xlsx", b"just text")})

    assert "这不是有效的 Excel（.xlsx）文件" in page.content.decode()


@pytest.mark.parametrize("who", ["henry", "sarah"])
def test_staff_and_head_may_not_import(client, who, request, bureau):
    client.force_login(request.getfixturevalue(who))

    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"import_file": upload(rows(1))}).status_code == 403
    assert client.post(CONFIRM, {"token": "0" * 32}).status_code == 403
    assert DisputeScreening.objects.count() == 0


def test_anonymous_users_are_sent_to_log_in(client, bureau):
    response = client.post(IMPORT, {"import_file": upload(rows(1))})

    assert response.status_code == 302 and "login" in response["Location"]
    assert DisputeScreening.objects.count() == 0


def test_the_list_shows_the_buttons_to_a_clerk_only_export_to_staff(client, alice, sarah, bureau):
    client.force_login(alice)
    text = client.get(LIST).content.decode()
    assert IMPORT in text and EXPORT in text
    client.force_login(sarah)
    text = client.get(LIST).content.decode()
    assert IMPORT not in text and EXPORT in text


def test_export_follows_the_list_filters(client, alice, bureau):
    town = Unit.objects.get(name="温泉街道")
    for status in ("resolved", "in_progress", "in_progress"):
        DisputeScreening.objects.create(bureau=bureau, found_on="2024-03-01", unit=town, kind=status, status=status)
    client.force_login(alice)

    response = client.get(EXPORT + "?status__exact=in_progress")

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEAD
    assert [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["in_progress", "in_progress"]


def test_petition_export_masks_personal_data_for_staff(client, sarah, bureau):
    PetitionCase.objects.create(
        bureau=bureau, number="A1", received_on="2024-01-02", channel="visit", petitioner_name="张三",
        petitioner_phone="13812345678", category="claim",
    )  # fmt: skip
    client.force_login(sarah)

    response = client.get(reverse("admin:cases_petitioncase_export"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    row = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert (row["信访人"], row["联系电话"]) == ("张*", "138****5678")


def test_the_template_downloads_with_every_header(client, alice, bureau):
    client.force_login(alice)

    response = client.get(reverse("admin:cases_petitioncase_import_template"))

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["信访件编号", "登记日期", "信访形式"]
    assert "attachment" in response["Content-Disposition"]


def test_the_import_page_says_what_identifies_a_record(client, alice, bureau):
    client.force_login(alice)

    text = client.get(IMPORT).content.decode()

    assert "系统按“排查日期、乡镇（街道）、纠纷类型、简要情况”识别同一条记录" in text
    assert reverse("admin:cases_disputescreening_import_template") in text
