"""The hostile-input catalogue: each kind of bad input gets a clear Chinese message (or is
harmlessly escaped) and leaves the database exactly as it was.

The state compared is every row of the ledgers and of the report (logs of refused imports and
login attempts excepted: recording a refusal is the point of them)."""

import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.core import serializers
from django.test import Client
from django.urls import reverse

from cases.ledgers.service import import_ledger
from cases.models import DisputeScreening, PetitionCase, Volunteer
from reports.services import report_get_or_create
from tests.cases.test_case_form import ADD_CASE, form_data

LEDGER_MODELS = [
    "cases.petitioncase",
    "cases.disputescreening",
    "cases.accountabilityaction",
    "cases.accountableperson",
    "cases.ordercase",
    "cases.orderperson",
    "cases.outreachevent",
    "cases.volunteer",
    "cases.unit",
    "cases.bureau",
    "reports.report",
    "reports.section",
    "reports.paragraph",
    "reports.revision",
]


def state() -> str:
    from django.apps import apps

    digest = hashlib.sha256()
    for label in LEDGER_MODELS:
        model = apps.get_model(label)
        digest.update(serializers.serialize("json", model.objects.order_by("pk")).encode())
    return digest.hexdigest()


@pytest.fixture
def clerk(client, alice, bureau):
    client.force_login(alice)
    return client


def errors_of(response) -> str:
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


# 1–30: the case form -----------------------------------------------------------------------

CASE_FORM = [
    ("reversed_closing_date", {"closed_on": "2024-02-01"}, "办结日期不能早于登记日期"),
    ("reversed_routing_date", {"routed_on": "2024-02-01"}, "转送交办日期不能早于登记日期"),
    ("reversed_acceptance_date", {"accepted_on": "2024-01-01"}, "受理告知日期不能早于登记日期"),
    ("unit_accepted_before_routing", {"unit_accepted_on": "2024-03-02"}, "不能早于转送交办日期"),
    ("impossible_date_feb_30", {"received_on": "2024-02-30"}, "输入一个有效的日期"),
    ("impossible_month_13", {"received_on": "2024-13-01"}, "输入一个有效的日期"),
    ("date_as_words", {"received_on": "昨天"}, "输入一个有效的日期"),
    ("future_receipt", {"received_on": "2099-01-01"}, "登记日期不能晚于今天"),
    ("extension_over_30", {"extension_days": "31"}, "延期不得超过30日"),
    ("negative_extension", {"extension_days": "-1"}, "大于或等于0"),
    ("extension_not_a_number", {"extension_days": "三十"}, "输入整数"),
    ("head_count_zero", {"head_count": "0"}, "大于或等于1"),
    ("head_count_absurd", {"head_count": "100000"}, "小于或等于10000"),
    ("head_count_overflow", {"head_count": "99999999999999999999"}, "小于或等于"),
    ("overlong_case_number", {"number": "编" * 41}, "不超过 40 字符"),
    ("overlong_summary", {"summary": "诉" * 4001}, "不超过 4000 字符"),
    ("overlong_petitioner", {"petitioner_name": "张" * 201}, "不超过 200 字符"),
    ("id_wrong_check_digit", {"petitioner_id_number": "110105194912310021"}, "校验位不正确"),
    ("id_17_digits", {"petitioner_id_number": "11010519491231002"}, "应为18位"),
    ("id_impossible_birth", {"petitioner_id_number": "110105194902300023"}, "出生日期不存在"),
    ("id_with_letters", {"petitioner_id_number": "11010519491231ABCD"}, "应为18位"),
    ("phone_with_letters", {"petitioner_phone": "1381234abcd"}, "联系电话应为11位手机号"),
    ("unknown_channel", {"channel": "carrier-pigeon"}, "选择一个有效的选项"),
    ("unknown_unit", {"responsible_unit": "999999"}, "选择一个有效的选项"),
    ("unit_not_a_number", {"responsible_unit": "温泉街道"}, "选择一个有效的选项"),
    ("routing_without_date", {"routed_on": ""}, "请填写转送交办日期"),
    ("first_time_on_open_case", {"resolved_first_time": "on"}, "未办结的事项不能记为一次性化解"),
    ("review_on_open_case", {"review": "review"}, "事项办结后才能申请复查复核"),
    ("rating_on_open_case", {"satisfaction": "satisfied"}, "事项办结后才能进行满意度评价"),
    ("nul_character", {"summary": "讨薪\x00"}, "空字符"),
    # A blank number is given the next one on saving (cases.numbering); an overlong one is not.
    ("overlong_number", {"number": "温信2026-" + "0" * 40}, "确保该变量包含不超过 40 字符"),
]


@pytest.mark.parametrize(("overrides", "message"), [c[1:] for c in CASE_FORM], ids=[c[0] for c in CASE_FORM])
def test_the_case_form_refuses(clerk, unit, overrides, message):
    before = state()
    assert message in errors_of(clerk.post(ADD_CASE, form_data(unit, **overrides)))
    assert state() == before


def test_a_duplicate_case_number_is_refused(clerk, unit):
    assert clerk.post(ADD_CASE, form_data(unit)).status_code == 302
    before = state()
    assert "该信访件编号已存在" in errors_of(clerk.post(ADD_CASE, form_data(unit)))
    assert state() == before


# 31–36: the other ledgers' forms -------------------------------------------------------------

SCREENING = {"found_on": "2024-05-01", "kind": "邻里纠纷", "description": "", "status": "in_progress"}
OTHER_FORMS = [
    ("screening_resolved_date_unresolved", "disputescreening", {"resolved_on": "2024-05-03"}, "只有“已化解”"),
    (
        "screening_resolved_before_found",
        "disputescreening",
        {"status": "resolved", "resolved_on": "2024-04-01"},
        "化解日期不能早于排查日期",
    ),
    ("screening_future", "disputescreening", {"found_on": "2099-05-01"}, "排查日期不能晚于今天"),
    ("screening_without_kind", "disputescreening", {"kind": ""}, "这个字段是必填项"),
    (
        "volunteer_left_before_joining",
        "volunteer",
        {"name": "赵六", "joined_on": "2024-05-01", "left_on": "2024-04-01"},
        "退出日期不能早于加入日期",
    ),
    ("volunteer_bad_phone", "volunteer", {"name": "赵六", "joined_on": "2024-05-01", "phone": "12345"}, "联系电话"),
]


@pytest.mark.parametrize(
    ("model", "overrides", "message"), [c[1:] for c in OTHER_FORMS], ids=[c[0] for c in OTHER_FORMS]
)
def test_the_other_forms_refuse(clerk, unit, model, overrides, message):
    data = {**SCREENING, "unit": str(unit.pk)} if model == "disputescreening" else {"phone": "", "left_on": ""}
    data.update(overrides)
    before = state()
    assert message in errors_of(clerk.post(reverse(f"admin:cases_{model}_add"), data))
    assert state() == before


# 37–41: HTML and script, escaped wherever they are shown --------------------------------------

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_script_in_a_case_is_escaped_in_the_workbench(clerk, unit):
    assert clerk.post(ADD_CASE, form_data(unit, summary=SCRIPT, subject_area="<b>城建</b>")).status_code == 302
    case = PetitionCase.objects.get()
    assert case.summary == SCRIPT  # stored as typed: nothing is lost
    page = clerk.get(reverse("admin:cases_petitioncase_change", args=[case.pk])).content.decode()
    listing = clerk.get(reverse("admin:cases_petitioncase_changelist")).content.decode()
    for html in (page, listing):
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in page


def test_script_in_a_screening_is_escaped_on_the_dashboard_drilldown(client, henry, bureau, unit):
    short = "<script>alert(1)</script>"  # the kind column holds 30 characters
    DisputeScreening.objects.create(bureau=bureau, unit=unit, found_on="2024-05-01", kind=short)
    client.force_login(henry)
    html = client.get("/indicators/disputes_screened/?year=2024&part=numerator").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


@pytest.fixture
def report_with_script(bureau, sarah):
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    client = Client()
    client.force_login(sarah)
    section = report.sections.first()
    url = reverse("reports:edit_section", args=[2024, section.pk])
    response = client.post(url, {"title": section.title, "lead": [""], "text": [SCRIPT + "正文。"]})
    assert response.status_code == 302
    return report


def test_script_in_report_text_is_escaped_in_html_and_literal_in_pdf_and_word(report_with_script, sarah):
    client = Client()
    client.force_login(sarah)
    html = client.get(reverse("reports:detail", args=[2024])).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    docx = client.get(reverse("reports:export", args=[2024, "docx"]))
    import docx as python_docx

    text = "\n".join(p.text for p in python_docx.Document(io.BytesIO(docx.content)).paragraphs)
    assert '<script>alert("x")</script>' in text  # shown as the characters typed, never run


def test_script_in_report_text_is_plain_text_in_the_pdf(report_with_script, sarah, tmp_path):
    import subprocess

    client = Client()
    client.force_login(sarah)
    pdf = client.get(reverse("reports:export", args=[2024, "pdf"])).content
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    assert "<script>alert" in text.replace("\n", "")


# 42–45: formula injection in exports ---------------------------------------------------------


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x","点此")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_formulas_in_text_are_neutralised_in_the_export(client, adam, bureau, unit, payload):
    Volunteer.objects.create(bureau=bureau, name=payload, joined_on="2024-01-01")
    client.force_login(adam)
    response = client.post(reverse("admin:cases_volunteer_export"), {"format": "0", "resource": "0"})
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        response = client.get(reverse("admin:cases_volunteer_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    # XML turns a carriage return into a line feed when the file is read back; the guard stays.
    assert names == ["'" + payload.replace("\r", "\n")]


# 46–49: forged posts and other roles' URLs ---------------------------------------------------


def test_a_forged_post_without_csrf_token_is_refused(alice, bureau, unit):
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(alice)
    before = state()
    response = forger.post(ADD_CASE, form_data(unit))
    assert response.status_code == 403 and "CSRF" in response.content.decode()
    assert state() == before


def test_a_forged_report_edit_without_csrf_token_is_refused(bureau, sarah):
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(sarah)
    before = state()
    section = report.sections.first()
    url = reverse("reports:edit_section", args=[2024, section.pk])
    assert forger.post(url, {"title": "篡改", "lead": [""], "text": ["篡改"]}).status_code == 403
    assert state() == before


@pytest.mark.parametrize(
    ("who", "url", "data"),
    [
        ("alice", "reports:publish", {}),
        ("sarah", "reports:publish", {}),
        ("henry", "reports:add_section", {"title": "局长加的节"}),
        ("alice", "reports:add_section", {"title": "登记员加的节"}),
    ],
    ids=["clerk_publishes", "staff_publishes", "head_edits_text", "clerk_edits_text"],
)
def test_another_roles_report_urls_are_forbidden(client, request, bureau, who, url, data):
    report_get_or_create(bureau=bureau, year=2024)
    client.force_login(request.getfixturevalue(who))
    before = state()
    assert client.post(reverse(url, args=[2024]), data).status_code == 403
    assert state() == before


@pytest.mark.parametrize(
    ("who", "action"),
    [("alice", "delete"), ("henry", "add"), ("sarah", "add"), ("henry", "change")],
    ids=["clerk_deletes_a_case", "head_adds_a_case", "staff_adds_a_case", "head_changes_a_case"],
)
def test_another_roles_ledger_urls_are_forbidden(client, request, bureau, unit, who, action):
    case = PetitionCase.objects.create(
        bureau=bureau, number="X-1", received_on="2024-03-01", channel="visit", petitioner_name="甲", category="claim"
    )
    client.force_login(request.getfixturevalue(who))
    before = state()
    url = ADD_CASE if action == "add" else reverse(f"admin:cases_petitioncase_{action}", args=[case.pk])
    data = {"post": "yes"} if action == "delete" else form_data(unit)
    assert client.post(url, data).status_code == 403
    assert state() == before


# 50–55: files ---------------------------------------------------------------------------------


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    return out.getvalue()


HEAD = ["排查日期", "乡镇（街道）", "纠纷类型", "简要情况", "化解状态", "化解日期"]
FILES = [
    ("text_dressed_as_xlsx", lambda: "排查日期,乡镇\n2024-03-05,温泉街道\n".encode(), "不是有效的 Excel（.xlsx）文件"),
    ("truncated_xlsx", lambda: xlsx([HEAD])[:300], "不是有效的 Excel（.xlsx）文件"),
    ("zip_bomb", zip_bomb, "解压后"),
    ("empty_file", lambda: b"", "文件是空的"),
    ("png_dressed_as_xlsx", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "不是有效的 Excel（.xlsx）文件"),
    ("no_header_row", lambda: xlsx([["甲", "乙"], ["丙", "丁"]]), "未找到表头"),
]


@pytest.mark.parametrize(("make", "message"), [f[1:] for f in FILES], ids=[f[0] for f in FILES])
def test_hostile_files_are_refused(bureau, make, message):
    before = state()
    result = import_ledger(kind="screenings", file=io.BytesIO(make()), file_name="台账.xlsx", dry_run=False)
    problem = result.file_error or " ".join(str(e) for e in result.errors)
    assert message in problem, problem
    assert state() == before


def test_an_oversize_file_is_refused(bureau, settings):
    settings.LEDGER_IMPORT_MAX_BYTES = 1000
    before = state()
    result = import_ledger(
        kind="screenings",
        file=io.BytesIO(xlsx([HEAD] + [["2024-03-05"] * 6] * 200)),
        file_name="大.xlsx",
        dry_run=False,
    )
    assert "文件过大" in result.file_error
    assert state() == before


def test_one_bad_row_among_good_ones_writes_nothing(bureau):
    rows = (
        [HEAD]
        + [["2024-03-05", "温泉街道", "土地", "", "化解中", None]] * 5
        + [["2024-02-30", "温泉街道", "土地", "", "化解中", None]]
    )
    before = state()
    result = import_ledger(kind="screenings", file=io.BytesIO(xlsx(rows)), file_name="台账.xlsx", dry_run=False)
    assert any("第 7 行" in str(e) and "排查日期" in str(e) for e in result.errors)
    assert state() == before


def test_an_unknown_unit_in_a_file_is_a_row_error_not_a_new_unit(bureau):
    rows = [HEAD, ["2024-03-05", "不存在镇", "土地", "", "化解中", None]]
    before = state()
    result = import_ledger(kind="screenings", file=io.BytesIO(xlsx(rows)), file_name="台账.xlsx", dry_run=False)
    assert any("不存在镇" in str(e) for e in result.errors)
    assert state() == before


# 56–60: report placeholders and page parameters ------------------------------------------------

PLACEHOLDERS = [
    ("unknown_placeholder", "化解率{no_such_rate}。", "no_such_rate"),
    ("stray_open_brace", "化解率{dispute_resolution_rate。", "{"),
    ("stray_close_brace", "化解率}。", "}"),
    ("attribute_access", "{dispute_resolution_rate.__class__}", "dispute_resolution_rate.__class__"),
]


@pytest.mark.parametrize(("text", "named"), [p[1:] for p in PLACEHOLDERS], ids=[p[0] for p in PLACEHOLDERS])
def test_bad_placeholders_are_refused_naming_them(client, bureau, sarah, text, named):
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    client.force_login(sarah)
    section = report.sections.first()
    before = state()
    response = client.post(
        reverse("reports:edit_section", args=[2024, section.pk]), {"title": section.title, "lead": [""], "text": [text]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "第1段" in page and named.replace("{", "").replace("}", "") in page
    assert state() == before


@pytest.mark.parametrize(
    "query",
    [
        "/?year=abc",
        "/?year=99999999999999999999",
        "/indicators/disputes_screened/?year=2024&part=evil",
        "/indicators/disputes_screened/?year=2024&unit=999999999999999999999",
    ],
    ids=["year_not_a_number", "year_overflow", "unknown_part", "unit_overflow"],
)
def test_bad_page_parameters_are_404_not_500(client, henry, bureau, query):
    client.force_login(henry)
    assert client.get(query).status_code == 404


LIST_QUERIES = [
    ("id_number_oracle", "/admin/cases/petitioncase/", {"petitioner_id_number": "410825199003071234"}),
    ("id_number_prefix", "/admin/cases/petitioncase/", {"petitioner_id_number__startswith": "4108"}),
    ("phone_prefix_in_export", "/admin/cases/petitioncase/export/", {"petitioner_phone__startswith": "138"}),
    ("name_regex", "/admin/cases/petitioncase/", {"petitioner_name__regex": "^张"}),
    ("broken_regex", "/admin/cases/petitioncase/", {"petitioner_id_number__regex": "["}),
    ("related_person_name", "/admin/cases/ordercase/", {"persons__name__startswith": "张"}),
    ("related_person_id", "/admin/cases/ordercase/export/", {"persons__id_number__startswith": "4108"}),
    ("volunteer_phone", "/admin/cases/volunteer/", {"phone__startswith": "1"}),
    ("audit_changes_json", "/admin/cases/auditentry/", {"changes__petitioner_phone__0__startswith": "1"}),
    ("audit_object_id", "/admin/cases/auditentry/", {"object_id": "1"}),
    ("import_log_message", "/admin/cases/importlog/", {"message__icontains": "410825"}),
]


@pytest.mark.parametrize(("url", "params"), [q[1:] for q in LIST_QUERIES], ids=[q[0] for q in LIST_QUERIES])
def test_forged_list_queries_are_refused_in_chinese(client, henry, bureau, url, params):
    client.force_login(henry)
    before = state()
    response = client.get(url, params)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "列表只能按页面右侧的筛选项和搜索框查询" in page and next(iter(params)) in page
    assert state() == before


def test_the_catalogue_has_at_least_fifty_kinds(request):
    """Counts the tests of this module pytest actually collected, each one kind of bad input."""
    if request.config.getoption("keyword") or request.config.getoption("markexpr"):
        pytest.skip("a selection of the catalogue is running, not all of it")
    kinds = [item for item in request.session.items if item.module is request.module and item is not request.node]
    assert len(kinds) >= 50, len(kinds)
