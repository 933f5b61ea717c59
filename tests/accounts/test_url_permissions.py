"""Every URL against every role, so that a new page cannot escape the permission rules.

Admin pages follow the model permissions of accounts.roles; every other named URL must be listed
in PAGES with the roles allowed to open it, or the walk fails.
"""

import contextlib
import datetime

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from accounts import roles
from cases.models import (
    AccountabilityAction,
    AccountablePerson,
    BacklogEntry,
    DisputeScreening,
    Holiday,
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

ROLE_NAMES = {"clerk": roles.CLERK, "head": roles.HEAD, "staff": roles.STAFF, "admin": roles.ADMIN}
EVERY_ROLE = set(ROLE_NAMES)  # the bureau's own roles
UNIT = "unit"  # 责任单位经办人 of 温泉街道: their desk only
PUBLIC = "public"

# url name → (kwargs builder, roles allowed; PUBLIC for pages without login)
READERS = EVERY_ROLE  # reports.view_report: every role reads the draft
EDITORS = {"staff", "admin"}  # reports.change_report
EXPORTERS = {"head", "staff", "admin"}  # reports.export_report
PUBLISHERS = {"head", "admin"}  # reports.publish_report
IMPORTERS = {"clerk", "admin"}  # cases.add_petitioncase: the case ledger's import


def year(objs):
    return {"year": 2024}


def section(objs):
    return {"year": 2024, "pk": objs["section"].pk}


def revision(objs):
    return {"year": 2024, "number": 1}


def comment(objs):
    """A comment of the head on the report's first section (reports.ReviewComment)."""
    from reports.models import ReviewComment

    section = objs["section"]
    found = ReviewComment.objects.filter(section=section).first() or ReviewComment.objects.create(
        report=section.report, section=section, section_title=section.title, text="请核对数字"
    )
    return {"year": 2024, "pk": found.pk}


def unit_case(objs):
    return {"pk": objs["unit_case"].pk}


def case(objs):
    return {"pk": objs[PetitionCase].pk}


def case_stage(objs):
    return {"pk": objs[PetitionCase].pk, "stage": "accept"}


def below(objs):
    """A bureau below the users' own: the roll-up pages are not found for a bureau with none."""
    from cases.models import Bureau

    child, _ = Bureau.objects.get_or_create(
        name="下级县信访局", defaults={"county": "下级县", "parent": objs["bureau"]}
    )
    return child


def attachment(objs):
    """A file attached to the unit's case (in the test's own attachments folder)."""
    from django.core.files.base import ContentFile

    from cases.models import Attachment

    found = Attachment.objects.filter(case=objs["unit_case"]).first()
    if found is None:
        found = Attachment(
            bureau=objs["bureau"],
            case=objs["unit_case"],
            original_name="来信.pdf",
            content_type="application/pdf",
            size=9,
            sha256="0" * 64,
        )
        found.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return found


def job(objs):
    """A finished report export of another user of the bureau (cases.jobs): its page, status and
    file open for holders of its permission (reports.export_report)."""
    from django.core.files.base import ContentFile

    from cases.models import Job

    found = Job.objects.filter(bureau=objs["bureau"]).first()
    if found is None:
        found = Job(
            bureau=objs["bureau"],
            user=objs["publisher"],
            kind=Job.Kind.REPORT_EXPORT,
            title="2024年报告（Word）",
            work="reports.jobs.export_report",
            permission="reports.export_report",
            state=Job.State.DONE,
            result_name="报告.docx",
            result_type="application/octet-stream",
        )
        found.result_file.save("job.docx", ContentFile(b"PK\x03\x04"), save=True)
    return {"pk": found.pk}


def check_job(objs):
    """A finished background check of another user's case ledger upload (cases.jobs.imports), its
    stored preview beside the kept upload: open for those who may import cases."""
    from cases.ledgers import kept, preview
    from cases.ledgers.results import ImportResult
    from cases.models import Job

    found = Job.objects.filter(bureau=objs["bureau"], kind=Job.Kind.LEDGER_CHECK).first()
    if found is None:
        token = "c" * 32
        kept.save_preview(token, preview.snapshot(ImportResult("cases", "信访事项", "台账.xlsx", True, rows=1), {}))
        found = Job.objects.create(
            bureau=objs["bureau"],
            user=objs["publisher"],
            kind=Job.Kind.LEDGER_CHECK,
            title="检查信访事项（台账.xlsx）",
            work="cases.jobs.imports.check_in_background",
            arguments={"kind": "cases", "token": token, "file_name": "台账.xlsx"},
            permission="cases.add_petitioncase",
            state=Job.State.DONE,
        )
    return {"pk": found.pk}


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.LEDGER_IMPORT_KEPT_DIR = str(tmp_path / "kept")
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        },
        "jobs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "jobs")},
        },
    }


def public(builder):
    return lambda objs: {"bureau": objs["bureau"].pk, **builder(objs)}


PAGES = {
    "login": (lambda objs: {}, PUBLIC),
    "indicators:dashboard": (lambda objs: {}, EVERY_ROLE),
    "indicators:records": (lambda objs: {"key": "disputes_screened"}, EVERY_ROLE),
    "indicators:dashboard_print": (lambda objs: {}, EVERY_ROLE),
    "indicators:dashboard_export": (lambda objs: {}, EVERY_ROLE),  # written to the activity log
    "indicators:rollup": (lambda objs: below(objs) and {}, EVERY_ROLE),
    "indicators:rollup_bureau": (lambda objs: {"bureau_id": below(objs).pk}, EVERY_ROLE),
    "indicators:rollup_export": (lambda objs: below(objs) and {}, EVERY_ROLE),  # written to the activity log
    "reports:index": (lambda objs: {}, READERS),
    "reports:create": (lambda objs: {}, EDITORS),
    "reports:template": (lambda objs: {}, EDITORS),
    "reports:propose": (lambda objs: {}, EDITORS),
    "reports:save_template": (year, EDITORS),  # POST only
    "reports:detail": (year, READERS),
    "reports:check": (year, READERS),
    "reports:history": (year, READERS),
    "reports:export": (lambda objs: {"year": 2024, "fmt": "docx"}, EXPORTERS),
    "reports:edit": (year, EDITORS),
    "reports:write": (year, EDITORS),
    "reports:write_preview": (year, EDITORS),  # POST only
    "reports:add_section": (year, EDITORS),
    "reports:edit_section": (section, EDITORS),
    "reports:preview_section": (section, EDITORS),
    "reports:move_section": (section, EDITORS),
    "reports:delete_section": (section, EDITORS),
    "reports:submit": (year, EDITORS),  # POST only
    "reports:review": (year, PUBLISHERS),  # the head returns or approves
    "reports:resolve_comment": (comment, EDITORS),  # POST only
    "reports:publish": (year, PUBLISHERS),
    "reports:revision_pdf": (revision, READERS),
    "reports:public_index": (lambda objs: {}, PUBLIC),
    "reports:public_bureau": (public(lambda objs: {}), PUBLIC),
    "reports:public": (public(year), PUBLIC),
    "reports:public_pdf": (public(year), PUBLIC),
    "reports:public_revision": (public(revision), PUBLIC),
    "reports:public_revision_pdf": (public(revision), PUBLIC),
    "people:lookup": (lambda objs: {}, EVERY_ROLE),  # personal data masked without the permission
    "people:register": (lambda objs: {}, {"clerk", "admin"}),  # cases.add_petitioncase
    "cases:desk": (lambda objs: {}, {UNIT}),
    "cases:desk_case": (unit_case, {UNIT}),
    "cases:desk_accept": (unit_case, {UNIT}),
    "cases:desk_reply": (unit_case, {UNIT}),
    "cases:desk_close": (unit_case, {UNIT}),
    # The case page: every bureau role reads it; a stage (POST) is the clerk's (change_petitioncase).
    "casework:case": (case, EVERY_ROLE),
    "casework:act": (case_stage, {"clerk", "admin"}),
    # POST only (a GET is answered 405 to those allowed): who may change the case, in scope.
    "attachments:upload": (lambda objs: {"case_pk": objs["unit_case"].pk}, {"clerk", "admin", UNIT}),
    # Attachments and notices name the petitioner: cases.view_personal_data.
    "attachments:download": (lambda objs: {"pk": attachment(objs).pk}, {"clerk", "admin", UNIT}),
    "notices:pdf": (lambda objs: {"pk": objs["unit_case"].pk, "kind": "refusal"}, {"clerk", "admin", UNIT}),
    # Background jobs (cases.jobs): the list of one's own jobs for anyone in a bureau; a job of
    # another user for holders of its permission (here a report export: reports.export_report).
    "reports:export_background": (lambda objs: {"year": 2024, "fmt": "pdf"}, EXPORTERS),  # POST only
    "jobs:index": (lambda objs: {}, {*EVERY_ROLE, UNIT}),
    "jobs:detail": (job, EXPORTERS),
    "jobs:status": (job, EXPORTERS),
    "jobs:download": (job, EXPORTERS),
    "jobs:preview": (check_job, IMPORTERS),
    # Reference figures (全省平均, 全省排名): typed in by staff or the head (indicators.change_referencefigure).
    "indicators:references": (lambda objs: {}, {"head", "staff", "admin"}),
    "indicators:reference_edit": (lambda objs: {"pk": objs["reference"].pk}, {"head", "staff", "admin"}),
}
# The site's root is the bureau's dashboard; it sends a unit's officer to their desk.
SENT_TO_DESK = {(UNIT, "indicators:dashboard")}
# A unit's officer has their desk (/unit/); the bureau's case page is not found for them.
NOT_FOUND = {(UNIT, "casework:case"), (UNIT, "casework:act")}
# Names that only accept POST or redirect by design, checked elsewhere.
NOT_WALKED = {"logout"}


def named_urls(patterns=None, prefix=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from named_urls(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}"


@pytest.fixture
def records(bureau):
    d = datetime.date(2024, 3, 1)
    unit = Unit.objects.get(name="温泉街道")
    case = PetitionCase.objects.create(
        bureau=bureau, number="P-1", received_on=d, channel="visit", petitioner_name="张三", category="claim"
    )
    action = AccountabilityAction.objects.create(bureau=bureau, decided_on=d, unit=unit)
    order = OrderCase.objects.create(bureau=bureau, occurred_on=d, place="县委门口", conduct="拦车")
    objs = {
        "unit_case": PetitionCase.objects.create(
            bureau=bureau,
            number="P-2",
            received_on=d,
            channel="visit",
            petitioner_name="钱七",
            category="claim",
            responsible_unit=unit,
        ),
        PetitionCase: case,
        BacklogEntry: BacklogEntry.objects.create(bureau=bureau, case=case, listed_on=d),
        DisputeScreening: DisputeScreening.objects.create(bureau=bureau, found_on=d, unit=unit, kind="土地"),
        AccountabilityAction: action,
        AccountablePerson: AccountablePerson.objects.create(action=action, name="李四"),
        OrderCase: order,
        OrderPerson: OrderPerson.objects.create(case=order, name="王五", measure="warning"),
        OutreachEvent: OutreachEvent.objects.create(bureau=bureau, held_on=d, kind="campaign", title="宣传"),
        Volunteer: Volunteer.objects.create(bureau=bureau, name="赵六", joined_on=d),
        RoadmapPosting: RoadmapPosting.objects.create(bureau=bureau, unit=unit, roadmap_posted=True),
        SupervisionItem: SupervisionItem.objects.create(bureau=bureau, kind="npc", title="建议", received_on=d),
        NormativeDocument: NormativeDocument.objects.create(bureau=bureau, title="文件", issued_on=d),
        Petitioner: Petitioner.objects.create(bureau=bureau, name="孙八"),
        Holiday: Holiday.objects.create(date=datetime.date(2030, 1, 1), name="元旦"),
        Unit: unit,
        type(bureau): bureau,
    }
    from django.contrib.auth.models import User

    from reports.services import report_get_or_create, report_publish

    publisher = User.objects.create_user("publisher")
    report, _ = report_get_or_create(bureau=bureau, year=2024, user=publisher)
    report_publish(report=report, user=publisher)
    objs["section"] = report.sections.first()
    objs["bureau"] = bureau
    objs["publisher"] = publisher
    from indicators.models import ReferenceFigure

    objs["reference"] = ReferenceFigure.objects.create(
        bureau=bureau, year=2024, kind="rank", value=7, source="省信访局通报"
    )
    from cases.audit import log_action
    from cases.models import AuditEntry

    objs[AuditEntry] = log_action(case, user=publisher, action="update", changes={"summary": ["", "补充"]})
    return objs


# Logs written by the system itself: nobody adds or changes their rows by hand.
READ_ONLY_ADMINS = {
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "cases.importlog",
    "cases.auditentry",
    "cases.importvaluemapping",  # set by confirming an import; the administrator may delete one
}
# The product's own logs cannot be deleted, not even by the administrator.
KEPT_FOREVER = {"cases.importlog", "cases.auditentry"}
# Bureaus are created and removed by the site administrator (a superuser in no bureau), never by
# a bureau's own administrator (tests/cases/test_organization_admin.py).
SITE_ADMIN_ONLY = {"cases.bureau"}
AUDITED = "cases"  # record admins whose history page is the audit trail (局长, 管理员)


def admin_urls(objs):
    """(url, permission that opens it) for every registered model admin."""
    for model in admin.site._registry:
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"

        def perm(action, meta=meta):
            return f"{meta.app_label}.{action}_{meta.model_name}"

        yield reverse(f"{base}_changelist"), {perm("view"), perm("change")}
        not_added = meta.label_lower in READ_ONLY_ADMINS | SITE_ADMIN_ONLY
        yield reverse(f"{base}_add"), set() if not_added else {perm("add")}
        # The Excel buttons: import with the add permission, export and template with view.
        for suffix, opening in (
            ("import", {perm("add")}),
            ("process_import", {perm("add")}),  # POST only: walked with a POST
            ("import_template", {perm("view")}),
            ("export", {perm("view")}),
        ):
            with contextlib.suppress(NoReverseMatch):
                yield reverse(f"{base}_{suffix}"), opening
        obj = objs.get(model) or model._default_manager.first()
        if obj is not None:
            yield reverse(f"{base}_change", args=[obj.pk]), {perm("view"), perm("change")}
            history = {"cases.view_auditentry"} if meta.app_label == AUDITED else {perm("view"), perm("change")}
            yield reverse(f"{base}_history", args=[obj.pk]), history
            # 作废 (a ledger's record): opens for those who may change it; only its enterer may send it.
            with contextlib.suppress(NoReverseMatch):
                yield reverse(f"{base}_void", args=[obj.pk]), {perm("change")}
            kept = meta.label_lower in KEPT_FOREVER | SITE_ADMIN_ONLY
            yield reverse(f"{base}_delete", args=[obj.pk]), set() if kept else {perm("delete")}
    # A year's holidays at once (cases/admin/bureau.py): who may add and delete holidays.
    yield reverse("admin:cases_holiday_year"), {"cases.add_holiday"}


def test_every_named_url_is_in_the_table():
    missing = set(named_urls()) - set(PAGES) - NOT_WALKED
    assert not missing, f"URLs without a permission rule in this test: {sorted(missing)}"


@pytest.mark.parametrize("role", sorted(ROLE_NAMES))
def test_each_role_reaches_exactly_its_admin_pages(client, role, role_users, records):
    user = role_users[role]
    client.force_login(user)
    checked = 0
    for url, opening in admin_urls(records):
        allowed = any(user.has_perm(p) for p in opening)
        if url.endswith("/process_import/"):
            status = client.post(url, {}).status_code  # an empty confirmation: refused or sent back
            assert (status not in (403, 500)) if allowed else status == 403, f"{role} {url}: {status}"
            continue
        status = client.get(url).status_code
        assert status == (200 if allowed else 403), f"{role} {url}: {status}"
        checked += 1
    assert checked >= 60


def test_anonymous_visitors_and_users_without_a_role_are_sent_to_log_in(client, charlie, records):
    urls = [u for u, _ in admin_urls(records)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    client.force_login(charlie)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


@pytest.fixture
def unit_officer(bureau):
    from tests.conftest import _user

    return _user("uma", roles.UNIT, bureau, Unit.objects.get(bureau=bureau, name="温泉街道"))


@pytest.mark.parametrize("role", [*sorted(ROLE_NAMES), UNIT, "anonymous", "charlie"])
def test_each_page_opens_only_for_its_roles(client, role, role_users, charlie, unit_officer, records):
    users = {**role_users, "charlie": charlie, UNIT: unit_officer}
    user = users.get(role)
    if user is not None:
        client.force_login(user)
    for name, (kwargs, allowed) in PAGES.items():
        url = reverse(name, kwargs=kwargs(records))
        response = client.get(url)
        status = response.status_code
        if (role, name) in SENT_TO_DESK:
            assert status == 302 and response["Location"] == reverse("cases:desk"), f"{role} {name}: {status}"
        elif (role, name) in NOT_FOUND:
            assert status == 404, f"{role} {name}: {status}"
        elif allowed == PUBLIC:
            assert status == 200, f"{role} {name}: {status}"
        elif user is None:
            assert status == 302, f"{role} {name}: {status}"
        elif role in allowed:
            # POST-only actions (move, delete, preview) answer a GET with 405, never with 403.
            assert status in (200, 302, 405), f"{role} {name}: {status}"
        else:
            assert status == 403, f"{role} {name}: {status}"
