"""Isolation: a bureau's users never see, open, change or delete another bureau's records.

Two bureaus, A (the `bureau` fixture, 测试县信访局) and B (乙县信访局), each with one record of
every ledger, its own units and a published report. A's users of every role and a unit user of
each bureau walk every admin page and every page that takes a record or a year.
"""

import datetime
import inspect
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse
from django_scopes import ScopeError, scope
from django_scopes import state as scope_state

from accounts import roles
from cases.audit import log_action
from cases.models import (
    AccountabilityAction,
    AccountablePerson,
    AuditEntry,
    BacklogEntry,
    Bureau,
    DisputeScreening,
    Holiday,
    ImportLog,
    ImportValueMapping,
    Membership,
    NormativeDocument,
    OrderCase,
    OrderPerson,
    OutreachEvent,
    PetitionCase,
    Petitioner,
    RoadmapPosting,
    SupervisionItem,
    Unit,
    Volunteer,
)
from tests.accounts.test_url_permissions import admin_urls
from tests.conftest import _user

D = datetime.date(2024, 3, 1)
ROLES = {"clerk": roles.CLERK, "head": roles.HEAD, "staff": roles.STAFF, "admin": roles.ADMIN}
B_UNITS = ["乙一镇", "乙二镇", "乙县住建局"]


def ledger(bureau: Bureau, tag: str, unit: Unit, other_unit: Unit) -> dict:
    """One record of every ledger of `bureau`, each marked with `tag`, and its published 2024
    report titled `{tag}法治政府建设报告`; two cases in `unit`, one in `other_unit`."""
    from django.contrib.auth.models import User

    from reports.services import report_get_or_create, report_publish

    def case(n, u):
        return PetitionCase.objects.create(
            bureau=bureau,
            number=f"{tag}-{n}",
            received_on=D,
            channel="visit",
            petitioner_name=f"{tag}信访人{n}",
            category="claim",
            responsible_unit=u,
            summary=f"{tag}事项{n}",
        )

    cases = [case(1, unit), case(2, unit), case(3, other_unit)]
    action = AccountabilityAction.objects.create(bureau=bureau, decided_on=D, unit=unit, measure=f"{tag}措施")
    order = OrderCase.objects.create(bureau=bureau, occurred_on=D, place=f"{tag}门口", conduct="拦车")
    writer = User.objects.create_user(f"writer-{tag}")
    import_log = ImportLog.objects.create(
        bureau=bureau, ledger="cases", file_name=f"{tag}.xlsx", outcome=ImportLog.Outcome.IMPORTED
    )
    objs = {
        PetitionCase: cases[0],
        BacklogEntry: BacklogEntry.objects.create(bureau=bureau, case=cases[0], listed_on=D, note=f"{tag}积案"),
        DisputeScreening: DisputeScreening.objects.create(
            bureau=bureau, found_on=D, unit=unit, kind="土地", description=f"{tag}纠纷"
        ),
        AccountabilityAction: action,
        AccountablePerson: AccountablePerson.objects.create(action=action, name=f"{tag}责任人"),
        OrderCase: order,
        OrderPerson: OrderPerson.objects.create(case=order, name=f"{tag}扰序人", measure="warning"),
        OutreachEvent: OutreachEvent.objects.create(bureau=bureau, held_on=D, kind="campaign", title=f"{tag}宣传"),
        Volunteer: Volunteer.objects.create(bureau=bureau, name=f"{tag}志愿者", joined_on=D),
        RoadmapPosting: RoadmapPosting.objects.create(bureau=bureau, unit=unit, roadmap_posted=True),
        SupervisionItem: SupervisionItem.objects.create(bureau=bureau, kind="npc", title=f"{tag}建议", received_on=D),
        NormativeDocument: NormativeDocument.objects.create(bureau=bureau, title=f"{tag}文件", issued_on=D),
        Petitioner: Petitioner.objects.create(bureau=bureau, name=f"{tag}信访人", phone=PHONES[tag]),
        ImportLog: import_log,
        ImportValueMapping: ImportValueMapping.objects.create(
            bureau=bureau, ledger="cases", column="责任单位", raw=f"{tag}局", value=unit.name
        ),
        Unit: unit,
        Bureau: bureau,
    }
    with scope(bureau=[bureau.pk], unit=None, org=[bureau.pk], _bureau=bureau, _unit=None):
        report, _ = report_get_or_create(bureau=bureau, year=2024, user=writer)
        report.title = f"{tag}法治政府建设报告"
        report.save()
        report_publish(report=report, user=writer)
    objs["report"] = report
    objs["section"] = report.sections.first()
    objs[AuditEntry] = log_action(cases[0], user=writer, action="update", changes={"summary": ["", "补充"]})
    objs["cases"] = cases
    return objs


PHONES = {"甲": "13800000001", "乙": "13900000002"}


def unit_officer(username: str, bureau: Bureau, unit: Unit):
    """A responsible unit's officer, as accounts are made: not staff, their desk is /unit/."""
    user = _user(username, roles.UNIT, bureau, unit)
    user.is_staff = False
    user.save()
    return user


@pytest.fixture
def world(bureau):
    """A and B with their ledgers; A's users of every role, and a unit user in each bureau."""
    other = Bureau.objects.create(name="乙县信访局", county="乙县", short_county="乙县")
    b_units = [
        Unit.objects.create(bureau=other, name=name, kind=Unit.Kind.TOWNSHIP, sort_order=i)
        for i, name in enumerate(B_UNITS)
    ]
    a_unit = Unit.objects.get(bureau=bureau, name="温泉街道")
    a_other = Unit.objects.get(bureau=bureau, name="太行街道")
    a = ledger(bureau, "甲", a_unit, a_other)
    b = ledger(other, "乙", b_units[0], b_units[1])
    users = {key: _user(f"a-{key}", role, bureau) for key, role in ROLES.items()}
    users["unit"] = unit_officer("a-unit", bureau, a_unit)
    users["b-unit"] = unit_officer("b-unit", other, b_units[0])
    return {"A": bureau, "B": other, "a": a, "b": b, "users": users}


def b_record_urls(world):
    """(url, permissions that open it) of every admin change, history and delete page of B's
    records: the URL walk's own list (tests/accounts/test_url_permissions.py), given B's objects."""
    b = world["b"]
    own = {f"/admin/{m._meta.app_label}/{m._meta.model_name}/{obj.pk}/" for m, obj in b.items() if isinstance(m, type)}
    return [
        (url, opening)
        for url, opening in admin_urls(b)
        if url.endswith(("/change/", "/history/", "/delete/", "/void/")) and url.rsplit("/", 2)[0] + "/" in own
    ]


# Another bureau's record is as good as missing (cases/admin/guarded.py): 404, as for a pk never
# used — except that a role without the page's permission is refused (403) before any lookup, by
# Django's change and delete views and the records' 历史 page. Django's own history view (of the
# two logs) looks the record up first, so it answers 404 to every role.
DJANGO_HISTORY = {"importlog", "auditentry", "importvaluemapping"}


def expected_status(url: str, allowed: bool) -> int:
    parts = url.strip("/").split("/")
    model, kind = parts[2], parts[-1]
    if kind == "history" and model in DJANGO_HISTORY:
        return 404
    return 404 if allowed else 403


@pytest.mark.parametrize("role", sorted(ROLES))
def test_another_bureaus_record_pages_are_not_found_for_every_role(client, world, role):
    user = world["users"][role]
    client.force_login(user)
    walked = 0
    for url, opening in b_record_urls(world):
        response = client.get(url)
        status = expected_status(url, any(user.has_perm(p) for p in opening))
        assert response.status_code == status, f"{role} {url}: {response.status_code}, not {status}"
        walked += 1
    # change, history and delete of sixteen kinds of record, the bureau too; 作废 of the ten
    # ledgers (the 积案 list among them) and of a petitioner (a person entered by mistake)
    assert walked == 3 * 16 + 11


def test_a_missing_record_is_answered_as_another_bureaus_is(client, world):
    """The statuses above are simply those of a record that does not exist."""
    client.force_login(world["users"]["admin"])
    b_case = world["b"][PetitionCase]
    for kind in ("change", "history", "delete"):
        theirs = client.get(reverse(f"admin:cases_petitioncase_{kind}", args=[b_case.pk]))
        missing = client.get(reverse(f"admin:cases_petitioncase_{kind}", args=[10**9]))
        assert theirs.status_code == missing.status_code == 404, kind
        assert "乙-1" not in theirs.content.decode() and "乙事项1" not in theirs.content.decode()


def test_another_bureaus_records_cannot_be_changed_or_deleted_by_post(client, world):
    """A POST is answered the same way, and B's rows stay as they were."""
    client.force_login(world["users"]["admin"])
    b_case = world["b"][PetitionCase]
    change = reverse("admin:cases_petitioncase_change", args=[b_case.pk])
    delete = reverse("admin:cases_petitioncase_delete", args=[b_case.pk])

    for url, data in ((change, {"number": "改掉", "summary": "改掉"}), (delete, {"post": "yes"})):
        assert client.post(url, data).status_code == 404, url

    b_case.refresh_from_db()
    assert (b_case.number, b_case.summary) == ("乙-1", "乙事项1")


@pytest.mark.parametrize("role", sorted(ROLES))
def test_a_bureaus_users_see_only_their_own_bureau(client, world, role):
    client.force_login(world["users"][role])
    response = client.get(reverse("admin:cases_bureau_changelist"))
    assert response.status_code == 200
    assert [b.pk for b in response.context["cl"].result_list] == [world["A"].pk]
    assert client.get(reverse("admin:cases_bureau_change", args=[world["B"].pk])).status_code == 404


def rows_of(bureau, model) -> set[int]:
    """The pks of `bureau`'s rows of `model` (every admin-listed ledger has a `bureau` field)."""
    return set(model._base_manager.filter(bureau=bureau).values_list("pk", flat=True))


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_changelist_shows_none_of_another_bureaus_rows(client, world, role):
    user = world["users"][role]
    client.force_login(user)
    seen = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "cases" or model in (Bureau, Holiday):
            continue  # Bureau: see below; Holiday: the nation's, every bureau's
        response = client.get(reverse(f"admin:cases_{model._meta.model_name}_changelist"))
        if response.status_code == 403:
            assert not model_admin.has_view_permission(_request(user)), f"{role} {model.__name__}"
            continue
        assert response.status_code == 200, f"{role} {model.__name__}: {response.status_code}"
        shown = {obj.pk for obj in response.context["cl"].queryset}
        theirs, ours = rows_of(world["B"], model), rows_of(world["A"], model)
        assert theirs and ours, model.__name__  # both bureaus have rows of this kind
        assert len(shown & theirs) == 0, f"{role} {model.__name__}: {sorted(shown & theirs)}"
        assert shown == ours, f"{role} {model.__name__}"
        seen += 1
    assert seen == {"admin": 15, "clerk": 14, "head": 15, "staff": 14}[role]


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_case_changelist_counts_exactly_a_bureaus_own_cases(client, world):
    client.force_login(world["users"]["clerk"])
    response = client.get(reverse("admin:cases_petitioncase_changelist"))
    assert response.context["cl"].result_count == 3
    html = response.content.decode()
    assert "甲-1" in html and "乙-1" not in html and "乙-3" not in html


@pytest.mark.parametrize("role", sorted(ROLES))
def test_pages_by_year_show_only_the_bureaus_own_data(client, world, role):
    user = world["users"][role]
    client.force_login(user)
    pages = [
        ("indicators:dashboard", {}),
        ("indicators:records", {"key": "cases_received"}),
        ("indicators:records", {"key": "disputes_screened"}),
        ("indicators:dashboard_print", {}),
        ("reports:index", {}),
        ("reports:detail", {"year": 2024}),
        ("reports:check", {"year": 2024}),
        ("reports:history", {"year": 2024}),
    ]
    opened = 0
    for name, kwargs in pages:
        url = reverse(name, kwargs=kwargs)
        if name.startswith("indicators:"):
            url += "?year=2024"  # (the bare root sends a clerk on to the case list: cases.landing)
        response = client.get(url)
        assert response.status_code in (200, 403), f"{role} {url}: {response.status_code}"
        if response.status_code == 403:
            continue
        html = response.content.decode()
        assert "乙法治政府建设报告" not in html and "乙县信访局" not in html, f"{role} {url}"
        assert "乙-1" not in html and "乙纠纷" not in html, f"{role} {url}"
        opened += 1
    assert opened >= 4


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_person_lookup_finds_none_of_another_bureaus_persons(client, world, role):
    client.force_login(world["users"][role])
    for term in (PHONES["乙"], "乙", PHONES["甲"]):
        response = client.get(reverse("people:lookup"), {"q": term, "format": "json"})
        assert response.status_code == 200
        persons = response.json()["persons"]
        assert all("乙" not in p["name"] for p in persons), f"{role} {term}"
    mine = client.get(reverse("people:lookup"), {"q": PHONES["甲"], "format": "json"}).json()["persons"]
    assert len(mine) == 1


def test_the_drilldown_counts_only_the_bureaus_cases(client, world):
    client.force_login(world["users"]["head"])
    html = client.get(reverse("indicators:records", kwargs={"key": "cases_received"}) + "?year=2024").content.decode()
    assert all(f"甲-{n}" in html for n in (1, 2, 3))
    assert not any(f"乙-{n}" in html for n in (1, 2, 3))


def test_the_report_and_its_files_are_the_bureaus_own(client, world):
    client.force_login(world["users"]["admin"])
    detail = client.get(reverse("reports:detail", kwargs={"year": 2024})).content.decode()
    assert "甲法治政府建设报告" in detail and "乙法治政府建设报告" not in detail

    docx = client.get(reverse("reports:export", kwargs={"year": 2024, "fmt": "docx"}))
    assert docx.status_code == 200
    import io
    import zipfile

    text = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
    assert "甲法治政府建设报告" in text and "乙法治政府建设报告" not in text

    pdf = client.get(reverse("reports:revision_pdf", kwargs={"year": 2024, "number": 1}))
    assert pdf.status_code == 200
    assert pdf.content == bytes(world["a"]["report"].revisions.get(number=1).pdf)


def xlsx_cells(data: bytes) -> list[str]:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    return [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("role", ["clerk", "head"])
def test_every_ledger_export_holds_only_the_bureaus_own_rows(client, world, role):
    """The Excel export of each ledger: A's rows (marked 甲), none of B's (marked 乙)."""
    client.force_login(world["users"][role])
    exported = 0
    for model in admin.site._registry:
        try:
            url = reverse(f"admin:cases_{model._meta.model_name}_export")
        except NoReverseMatch:  # no Excel export for this admin
            continue
        response = client.get(url)
        assert response.status_code == 200, f"{role} {url}: {response.status_code}"
        cells = xlsx_cells(response.content)
        assert not [c for c in cells if "乙" in c], f"{role} {url}"
        assert [c for c in cells if "甲" in c], f"{role} {url}"
        exported += 1
    assert exported == 7  # cases, screenings, accountability, order, outreach, volunteers, backlog


def test_a_section_of_another_bureaus_report_is_not_found(client, world):
    client.force_login(world["users"]["staff"])
    b_section = world["b"]["section"]
    for name in ("reports:edit_section", "reports:preview_section"):
        url = reverse(name, kwargs={"year": 2024, "pk": b_section.pk})
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"title": "改掉"}).status_code == 404, url
    b_section.refresh_from_db()
    assert b_section.title != "改掉"


def test_another_bureaus_report_cannot_be_written_in_the_whole_document_editor(client, world):
    """B has a 2023 report, A none: A's staff get 404 for the write page and its preview, and a
    POST changes nothing of B's text."""
    from reports.models import Report
    from reports.services import report_get_or_create

    with scope(bureau=[world["B"].pk], unit=None, org=[world["B"].pk], _bureau=world["B"], _unit=None):
        b_report, _ = report_get_or_create(bureau=world["B"], year=2023)
    client.force_login(world["users"]["staff"])
    document = "<h2>改掉</h2><p>改掉</p>"
    for name in ("reports:write", "reports:write_preview"):
        url = reverse(name, kwargs={"year": 2023})
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"title": "改掉", "document": document}).status_code == 404, url
    assert Report.objects.get(pk=b_report.pk).title != "改掉"


def test_another_bureaus_review_is_not_found(client, world):
    """A's staff cannot submit or resolve B's report's comments, A's head cannot review B's: 404
    for every review URL given B's objects, and B's report is unchanged. (A has a 2024 report of its
    own, so these pages exist for A: B's comment's number is what is not found.)"""
    from reports.models import Report, ReviewComment

    b_section = world["b"]["section"]
    b_report = b_section.report
    b_comment = ReviewComment.objects.create(
        report=b_report, section=b_section, section_title=b_section.title, text="乙的意见"
    )
    client.force_login(world["users"]["staff"])
    url = reverse("reports:resolve_comment", kwargs={"year": 2024, "pk": b_comment.pk})
    assert client.post(url).status_code == 404
    b_comment.refresh_from_db()
    assert b_comment.resolved_at is None
    client.force_login(world["users"]["head"])
    review = client.get(reverse("reports:review", kwargs={"year": 2024})).content.decode()
    assert "乙的意见" not in review and f"comment-{b_section.pk}" not in review
    assert Report.objects.get(pk=b_report.pk).status == Report.Status.PUBLISHED  # as B published it


def test_a_bureau_without_the_year_gets_not_found_not_another_bureaus_report(client, world):
    """B has a 2023 report, A none: A's 2023 pages are 404."""
    from reports.services import report_get_or_create

    with scope(bureau=[world["B"].pk], unit=None, org=[world["B"].pk], _bureau=world["B"], _unit=None):
        report_get_or_create(bureau=world["B"], year=2023)
    client.force_login(world["users"]["admin"])
    for name in ("reports:detail", "reports:check", "reports:history", "reports:review", "reports:publish"):
        assert client.get(reverse(name, kwargs={"year": 2023})).status_code == 404, name
    assert client.post(reverse("reports:submit", kwargs={"year": 2023})).status_code == 404
    assert client.get(reverse("reports:revision_pdf", kwargs={"year": 2023, "number": 1})).status_code == 404
    # Saving B's 2023 text as A's template: not found, and no template made.
    assert client.post(reverse("reports:save_template", kwargs={"year": 2023})).status_code == 404
    from reports.models import BureauTemplate

    assert not BureauTemplate.objects.exists()


# A unit's user ------------------------------------------------------------------------------


def desk_numbers(client) -> list[str]:
    response = client.get(reverse("cases:desk"))
    assert response.status_code == 200
    return sorted(re.findall(r">([甲乙]-\d)</a>", response.content.decode()))


def test_a_unit_user_sees_exactly_their_units_cases(client, world):
    client.force_login(world["users"]["unit"])
    assert desk_numbers(client) == ["甲-1", "甲-2"]


def test_a_unit_user_cannot_open_another_units_case(client, world):
    client.force_login(world["users"]["unit"])
    own, other_unit, b_case = world["a"]["cases"][0], world["a"]["cases"][2], world["b"]["cases"][0]
    assert client.get(reverse("cases:desk_case", args=[own.pk])).status_code == 200
    assert client.get(reverse("cases:desk_case", args=[other_unit.pk])).status_code == 404
    assert client.get(reverse("cases:desk_case", args=[b_case.pk])).status_code == 404
    for name in ("cases:desk_accept", "cases:desk_reply", "cases:desk_close"):
        assert client.post(reverse(name, args=[other_unit.pk]), {"reply": "改掉"}).status_code == 404, name
        assert client.post(reverse(name, args=[b_case.pk]), {"reply": "改掉"}).status_code == 404, name
    other_unit.refresh_from_db()
    assert (other_unit.unit_accepted_on, other_unit.unit_reply) == (None, "")


@pytest.mark.parametrize("role", sorted(ROLES))
def test_another_bureaus_case_page_and_its_stages_are_not_found(client, world, role):
    """The case page (/cases/<pk>/) and its stages: B's case is as good as missing for A's every
    role (a role that may not act is refused before any lookup), and B's row stays as it was."""
    user = world["users"][role]
    client.force_login(user)
    b_case = world["b"][PetitionCase]
    assert client.get(reverse("casework:case", args=[b_case.pk])).status_code == 404
    acting = user.has_perm("cases.change_petitioncase")
    for stage in ("accept", "route", "close", "extend", "review"):
        response = client.post(reverse("casework:act", args=[b_case.pk, stage]), {"on": "2024-03-02"})
        assert response.status_code == (404 if acting else 403), f"{role} {stage}"
    b_case.refresh_from_db()
    assert (b_case.accepted_on, b_case.routing, b_case.closed_on) == (None, "", None)


def test_a_unit_user_finds_no_case_page(client, world):
    client.force_login(world["users"]["unit"])
    own = world["a"]["cases"][0]
    assert client.get(reverse("casework:case", args=[own.pk])).status_code == 404
    assert client.post(reverse("casework:act", args=[own.pk, "accept"]), {"on": "2024-03-02"}).status_code == 404


def _attachment(case, tag: str):
    from django.core.files.base import ContentFile

    from cases.models import Attachment

    attachment = Attachment(
        bureau=case.bureau,
        case=case,
        original_name=f"{tag}来信.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
    )
    attachment.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return attachment


@pytest.fixture
def attachments_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        },
    }


@pytest.mark.parametrize("role", [*sorted(ROLES), "unit"])
def test_another_bureaus_attachments_and_notices_are_not_found(client, world, role, attachments_in_tmp):
    """B's attachment, B's case's notice and an upload to B's case: 404 to every role of A that
    may open such a page at all (403 before any lookup for the others); the same for a unit
    user and another unit's case of their own bureau."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import Attachment

    user = world["users"][role]
    client.force_login(user)
    b_case, other_unit_case = world["b"]["cases"][0], world["a"]["cases"][2]
    theirs = [b_case] + ([other_unit_case] if role == "unit" else [])
    for case in theirs:
        attachment = _attachment(case, "乙")
        download = client.get(reverse("attachments:download", args=[attachment.pk]))
        assert download.status_code == (404 if user.has_perm("cases.view_personal_data") else 403), role
        assert "乙来信" not in download.content.decode(errors="replace")
        notice = client.get(reverse("notices:pdf", kwargs={"pk": case.pk, "kind": "refusal"}))
        assert notice.status_code == (404 if user.has_perm("cases.view_personal_data") else 403), role
        upload = client.post(
            reverse("attachments:upload", args=[case.pk]),
            {"stage": "", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n")},
        )
        assert upload.status_code == (404 if user.has_perm("cases.change_petitioncase") else 403), role
        assert Attachment.objects.filter(case=case).count() == 1


def test_a_unit_user_has_no_workbench(client, world):
    """Not staff: the admin's pages send them to log in as staff, never show a case."""
    client.force_login(world["users"]["unit"])
    for url in (
        reverse("admin:cases_petitioncase_changelist"),
        reverse("admin:cases_petitioncase_change", args=[world["a"]["cases"][2].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url


def test_another_bureaus_unit_user_sees_only_their_own_units_cases(client, world):
    client.force_login(world["users"]["b-unit"])
    assert desk_numbers(client) == ["乙-1", "乙-2"]


# Every model with records carries its organization ------------------------------------------

# Models without a bureau's scope, and why.
UNSCOPED = {
    "cases.Bureau": "the organizations themselves: a tree every bureau's pages name (上级信访局)",
    "cases.Holiday": "national holidays and make-up days, the same for every bureau",
    "cases.HolidayYear": "whether a year's national holidays are all entered, the same for every bureau",
    "indicators.Dashboard": "no table (unmanaged): it only carries the dashboard's permission",
}


def test_every_model_with_records_is_scoped_to_its_bureau():
    unscoped = []
    for app in ("cases", "reports", "indicators", "notices"):
        for model in apps.get_app_config(app).get_models():
            if model._meta.label in UNSCOPED:
                continue
            manager = model.objects
            if type(manager).__module__ != "django_scopes.manager":
                unscoped.append(model._meta.label)
                continue
            # The manager's path to the bureau resolves to a Bureau (through any relation).
            dimensions = inspect.getclosurevars(type(manager).get_queryset).nonlocals["scopes"]
            path = dimensions.get("bureau") or dimensions.get("org")
            assert path, model._meta.label
            target = model
            for part in path.split("__"):
                target = target._meta.get_field(part).related_model
            assert target is Bureau, f"{model._meta.label}: {path}"
    assert unscoped == []


def test_the_allow_list_names_real_models_and_dashboard_has_no_rows(db):
    from indicators.models import Dashboard

    assert all(apps.get_model(label) for label in UNSCOPED)
    assert Dashboard._meta.managed is False


def test_a_query_outside_any_scope_fails(db):
    with _scopes_enabled():
        with pytest.raises(ScopeError):
            PetitionCase.objects.count()
        with pytest.raises(ScopeError):
            Membership.objects.count()
        with scope(), pytest.raises(ScopeError):
            PetitionCase.objects.count()


class _scopes_enabled:
    """Undo the suite's autouse `_unscoped` for a moment: no scope at all, as a request or a
    command starts."""

    def __enter__(self):
        self._token = scope_state.state.set({})

    def __exit__(self, *exc):
        scope_state.state.reset(self._token)


def test_groups_are_not_a_bureaus_records(db):
    """auth.Group rows are the roles, shared by every bureau (accounts.roles)."""
    assert set(Group.objects.values_list("name", flat=True)) >= {roles.CLERK, roles.HEAD, roles.STAFF, roles.ADMIN}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_another_bureaus_background_jobs_are_not_found(client, world, role, settings, tmp_path):
    """B's report export (cases.jobs): its page, status and file answer 404 to every role of A,
    and A's own list of jobs does not name it."""
    from django.core.files.base import ContentFile

    from cases.models import Job

    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    b_admin = _user("b-admin", roles.ADMIN, world["B"])
    job = Job(
        bureau=world["B"],
        user=b_admin,
        kind=Job.Kind.REPORT_EXPORT,
        title="乙2024年报告（PDF）",
        work="reports.jobs.export_report",
        permission="reports.export_report",
        state=Job.State.DONE,
        result_name="乙.pdf",
    )
    job.result_file.save("b.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    check = Job.objects.create(  # the check of an upload whose preview B's administrator opens
        bureau=world["B"],
        user=b_admin,
        kind=Job.Kind.LEDGER_CHECK,
        title="检查乙的台账",
        work="cases.jobs.imports.check_in_background",
        arguments={"kind": "cases", "token": "b" * 32},
        permission="cases.add_petitioncase",
        state=Job.State.DONE,
    )
    client.force_login(world["users"][role])
    for url in (
        f"/jobs/{job.pk}/",
        f"/jobs/{job.pk}/status/",
        f"/jobs/{job.pk}/download/",
        f"/jobs/{check.pk}/preview/",
    ):
        assert client.get(url).status_code == 404, url
    assert "乙2024年报告" not in client.get("/jobs/").content.decode()
    client.force_login(b_admin)
    assert client.get(f"/jobs/{job.pk}/").status_code == 200


def test_the_dashboard_export_and_print_hold_only_the_bureaus_own_figures(client, world):
    """A's head exports and prints A's dashboard: A's units and A's count of cases, none of B's."""
    import io

    import openpyxl

    from indicators.dashboard import dashboard_data

    client.force_login(world["users"]["head"])
    response = client.get(reverse("indicators:dashboard_export") + "?year=2024")
    assert response.status_code == 200
    cells = xlsx_cells(response.content)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["指标"]
    received = next(r[2] for r in sheet.iter_rows(values_only=True) if r[1] == "受理信访事项")
    own = dashboard_data(world["A"], 2024).figures["cases_received"][0]
    assert received == own and own > 0
    assert "甲县信访局" not in " ".join(cells) and "乙县信访局" not in " ".join(cells)
    assert "温泉街道" in cells and not any(name in cells for name in B_UNITS)
    printed = client.get(reverse("indicators:dashboard_print") + "?year=2024").content.decode()
    assert "温泉街道" in printed and not any(name in printed for name in B_UNITS)
    assert "乙-1" not in printed and "乙县信访局" not in printed


def test_another_bureaus_reference_figures_are_not_found(client, world):
    """Reference figures (indicators.references): B's cannot be opened, changed or deleted by A's
    staff, and A's list of the year shows none of them."""
    from indicators.models import ReferenceFigure

    theirs = ReferenceFigure.objects.create(bureau=world["B"], year=2024, kind="rank", value=3, source="乙省通报")
    client.force_login(world["users"]["staff"])
    url = reverse("indicators:reference_edit", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"delete": "1"}).status_code == 404
    assert client.post(url, {"kind": "rank", "value": "1", "source": "改掉"}).status_code == 404
    assert "乙省通报" not in client.get(reverse("indicators:references") + "?year=2024").content.decode()
    theirs.refresh_from_db()
    assert (theirs.value, theirs.source, theirs.voided_at) == (3, "乙省通报", None)
