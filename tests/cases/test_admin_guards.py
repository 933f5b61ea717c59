"""Every list of the workbench answers only its declared filters, and no page, inline, export,
drill-down or history of any ledger shows a personal field in full to a role without
`cases.view_personal_data` (issue: masked means masked).

The walks go over every ModelAdmin registered on the admin site and every field of its model, so
a new ledger, field or filter is covered without being named here."""

import io

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import NoReverseMatch, reverse

from cases import privacy
from cases.admin.guarded import GuardedAdmin
from cases.models import (
    AccountabilityAction,
    AccountablePerson,
    AuditEntry,
    OrderCase,
    OrderPerson,
    PetitionCase,
    Volunteer,
)
from cases.validators import validate_id_number, validate_phone
from tests.conftest import day

ID = "410825199003071234"
PHONE = "13812345678"
NAMES = {"petition": "张三丰", "order": "欧阳修文", "accountable": "司马光明", "volunteer": "诸葛亮亮"}
OUR_APPS = {"cases", "reports", "indicators", "accounts", "notices"}
# Third-party screens reached by the administrator only (tests/accounts/test_url_permissions.py).
THIRD_PARTY = {"auth", "axes"}


@pytest.fixture
def records(bureau, unit, alice):
    case = PetitionCase.objects.create(
        bureau=bureau,
        number="P-1",
        received_on=day("2024-03-01"),
        channel="visit",
        petitioner_name=NAMES["petition"],
        petitioner_id_number=ID,
        petitioner_phone=PHONE,
        category="claim",
        responsible_unit=unit,
    )
    order = OrderCase.objects.create(bureau=bureau, occurred_on=day("2024-04-02"), place="县政府门口", conduct="滞留")
    OrderPerson.objects.create(case=order, name=NAMES["order"], id_number=ID, measure="warning")
    action = AccountabilityAction.objects.create(bureau=bureau, decided_on=day("2024-05-03"), unit=unit)
    AccountablePerson.objects.create(action=action, name=NAMES["accountable"], position="科长")
    volunteer = Volunteer.objects.create(
        bureau=bureau, name=NAMES["volunteer"], phone=PHONE, joined_on=day("2024-01-02")
    )
    # An audit entry for each, with old and new values, as a clerk's form and an import write them.
    for obj, fields in (
        (
            case,
            {
                "petitioner_id_number": ["", ID],
                "petitioner_phone": ["", PHONE],
                "petitioner_name": ["", NAMES["petition"]],
            },
        ),
        (order, {"被处理人·新增": ["", NAMES["order"] + "；"]}),
        (volunteer, {"phone": ["", PHONE], "name": ["", NAMES["volunteer"]]}),
    ):
        from cases.audit import log_action

        log_action(obj, user=alice, action=AuditEntry.Action.CREATE, changes=fields)
    return {"case": case, "order": order, "action": action, "volunteer": volunteer}


def our_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label not in THIRD_PARTY
    ]


def test_every_admin_of_ours_is_guarded():
    apps = {model._meta.app_label for model, _a in admin.site._registry.items()}
    assert apps <= OUR_APPS | THIRD_PARTY, apps
    unguarded = [type(a).__name__ for _m, a in our_admins() if not isinstance(a, GuardedAdmin)]
    assert unguarded == []
    assert len(our_admins()) >= 14


def test_every_field_holding_an_id_number_or_a_phone_is_declared_personal():
    from django.apps import apps

    found = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if validate_id_number in field.validators or validate_phone in field.validators:
                found.add((model._meta.label_lower, field.name))
            if field.name.endswith("name") and str(field.verbose_name) in ("姓名", "信访人"):
                found.add((model._meta.label_lower, field.name))
            if str(field.verbose_name) == "住址":  # a petitioner's home address
                found.add((model._meta.label_lower, field.name))
    declared = {(label, name) for label, fields in privacy.PERSONAL_FIELDS.items() for name in fields}
    assert found == declared


def _list_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _export_url(model):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
    except NoReverseMatch:
        return None


def _undeclared_lookups(model, model_admin, request):
    allowed = model_admin.allowed_lookups(request)
    lookups = []
    for field in model._meta.get_fields():
        if field.is_relation and (field.one_to_many or field.many_to_many) and not field.concrete:
            related = field.related_model
            for inner in related._meta.concrete_fields:
                lookups.append(f"{field.name}__{inner.name}__startswith")
            continue
        if not getattr(field, "concrete", False):
            continue
        for lookup in (field.name, f"{field.name}__startswith", f"{field.name}__regex"):
            if lookup not in allowed:
                lookups.append(lookup)
    return lookups


@pytest.mark.parametrize("who", ["alice", "henry", "sarah", "adam"])
def test_no_list_or_export_answers_a_lookup_it_does_not_declare(client, rf, request, records, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    fake = rf.get("/")
    fake.user = user
    walked = 0
    for model, model_admin in our_admins():
        if not model_admin.has_view_permission(fake):
            continue
        urls = [u for u in (_list_url(model), _export_url(model)) if u]
        for lookup in _undeclared_lookups(model, model_admin, fake):
            for url in urls:
                response = client.get(url, {lookup: "4"})
                assert response.status_code == 302, (url, lookup, response.status_code)
                assert response["Location"] == _list_url(model), (url, lookup)
                messages = [str(m) for m in get_messages(response.wsgi_request)]
                assert any("不支持条件" in m and lookup in m for m in messages), (url, lookup, messages)
                walked += 1
    assert walked > 300, walked


@pytest.mark.parametrize("who", ["henry", "sarah"])
def test_a_masked_role_learns_nothing_from_personal_lookups(client, request, records, who):
    """The probe's attacks, as they were run: the answer is the same redirect for the right and the
    wrong value, and the page it leads to lists every case."""
    client.force_login(request.getfixturevalue(who))
    url = _list_url(PetitionCase)
    attempts = [
        {"petitioner_id_number": ID},
        {"petitioner_id_number": "410825199003071235"},
        {"number": "P-1", "petitioner_id_number__startswith": ID[:7]},
        {"number": "P-1", "petitioner_phone__startswith": PHONE[:4]},
        {"petitioner_name__regex": "^张三丰$"},
        {"petitioner_id_number__regex": "["},
        {"q": "张三丰"},
        {"o": "3"},
    ]
    answers = set()
    for params in attempts:
        response = client.get(url, params)
        if "q" in params or "o" in params:
            assert response.status_code == 200
            cl = response.context["cl"]
            assert ("q" not in params) or len(cl.result_list) == 0  # names are not searched
            ordering = [str(o) for o in cl.result_list.query.order_by]
            assert not any("petitioner" in o for o in ordering), ordering  # nor sorted by
            continue
        answers.add((response.status_code, response["Location"]))
    assert answers == {(302, url)}
    export = client.get(_export_url(PetitionCase), {"petitioner_id_number": ID})
    assert export.status_code == 302 and export["Location"] == url


def test_the_audit_trail_answers_no_lookup_into_its_values(client, henry, records):
    client.force_login(henry)
    url = _list_url(AuditEntry)
    entry = AuditEntry.objects.get(content_type__model="petitioncase")
    for params in (
        {"object_id": entry.object_id, "changes__petitioner_phone__1__startswith": PHONE[:3]},
        {"object_id": entry.object_id},
        {"changes__icontains": PHONE},
    ):
        response = client.get(url, params)
        assert (response.status_code, response["Location"]) == (302, url)
    # The declared filters still work.
    listed = client.get(url, {"action__exact": "create"}).context["cl"].result_list
    assert len(listed) == 3


def test_declared_filters_and_a_bad_value_of_one(client, alice, records, bureau):
    client.force_login(alice)
    url = _list_url(PetitionCase)
    assert len(client.get(url, {"channel__exact": "visit"}).context["cl"].result_list) == 1
    assert len(client.get(url, {"channel__exact": "letter"}).context["cl"].result_list) == 0
    # A declared date filter with a value that is no date: the list again, with a message.
    response = client.get(_list_url(Volunteer), {"joined_on__gte": "明天"})
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 200
    assert "筛选条件的值无效" in follow.content.decode()


def test_paging_search_and_popups_are_not_lookups(client, alice, records):
    client.force_login(alice)
    response = client.get(_list_url(PetitionCase), {"p": "1", "q": "P-1", "o": "1", "all": ""})
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 1
    # The related-object popup a form opens for a unit keeps working.
    popup = client.get(reverse("admin:cases_unit_changelist"), {"_popup": "1", "_to_field": "id"})
    assert popup.status_code == 200 and len(popup.context["cl"].result_list) == 15


def _pages(model_admin, model, obj):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    yield reverse(f"{prefix}_changelist")
    for view in ("change", "history", "delete"):
        yield reverse(f"{prefix}_{view}", args=[obj.pk])


def _xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c)


PERSONAL_VALUES = (ID, PHONE, *NAMES.values())


@pytest.mark.parametrize("who", ["henry", "sarah"])
def test_no_page_of_any_ledger_shows_a_personal_field_in_full(client, request, records, who):
    client.force_login(request.getfixturevalue(who))
    shown = []
    for key, model in (
        ("case", PetitionCase),
        ("order", OrderCase),
        ("action", AccountabilityAction),
        ("volunteer", Volunteer),
    ):
        model_admin = admin.site._registry[model]
        for url in _pages(model_admin, model, records[key]):
            response = client.get(url)
            if response.status_code != 200:
                assert response.status_code in (302, 403), (url, response.status_code)
                continue
            page = response.content.decode()
            shown += [(url, v) for v in PERSONAL_VALUES if v in page]
        export = _export_url(model)
        response = client.get(export)
        assert response.status_code == 200
        text = _xlsx_text(response.content)
        shown += [(export, v) for v in PERSONAL_VALUES if v in text]
    trail = client.get(_list_url(AuditEntry))
    if trail.status_code == 200:
        shown += [("trail", v) for v in PERSONAL_VALUES if v in trail.content.decode()]
    drilled = []
    for key in ("cases_received", "order_persons", "volunteers", "accountability_persons"):
        response = client.get(reverse("indicators:records", args=[key]), {"year": 2024, "part": "numerator"})
        assert response.status_code == 200, key
        page = response.content.decode()
        shown += [(key, v) for v in PERSONAL_VALUES if v in page]
        drilled += [m for m in ("张**", "欧***", "诸***", "司***") if m in page]
    assert shown == []
    assert sorted(drilled) == sorted(["张**", "欧***", "诸***", "司***"])


def test_masks_are_what_a_masked_role_sees(client, henry, records):
    client.force_login(henry)
    order = records["order"]
    page = client.get(reverse("admin:cases_ordercase_change", args=[order.pk])).content.decode()
    assert "410825********1234" in page and "欧***" in page
    # Each personal field once, as its masked twin: not the field and its twin side by side.
    assert page.count("410825********1234") == 1 and page.count("column-masked_id_number") == 1
    page = client.get(reverse("admin:cases_volunteer_change", args=[records["volunteer"].pk])).content.decode()
    assert "138****5678" in page and "诸***" in page
    assert page.count("138****5678") == 1
    history = client.get(reverse("admin:cases_volunteer_history", args=[records["volunteer"].pk])).content.decode()
    assert "138****5678" in history
    history = client.get(reverse("admin:cases_ordercase_history", args=[order.pk])).content.decode()
    assert "欧***" in history


def test_the_clerk_sees_every_personal_field_in_full(client, alice, records):
    client.force_login(alice)
    page = client.get(reverse("admin:cases_ordercase_change", args=[records["order"].pk])).content.decode()
    assert ID in page and NAMES["order"] in page
    page = client.get(reverse("admin:cases_volunteer_change", args=[records["volunteer"].pk])).content.decode()
    assert PHONE in page and NAMES["volunteer"] in page
    text = _xlsx_text(client.get(_export_url(OrderCase)).content)
    assert NAMES["order"] in text and ID in text


def test_the_audit_trail_list_is_not_searched_by_a_persons_name(client, henry, adam, records):
    url = _list_url(AuditEntry)
    client.force_login(henry)
    assert len(client.get(url, {"q": "诸"}).context["cl"].result_list) == 0
    assert len(client.get(url, {"q": "P-1"}).context["cl"].result_list) == 1
    # The administrator, who may read names, searches the trail by a person's record too.
    client.force_login(adam)
    assert len(client.get(url, {"q": "诸"}).context["cl"].result_list) == 1


def test_an_import_logs_errors_do_not_quote_personal_cells_to_a_masked_role(client, henry, adam, bureau):
    from cases.models import ImportLog

    log = ImportLog.objects.create(
        bureau=bureau,
        ledger="order",
        file_name="扰序.xlsx",
        outcome=ImportLog.Outcome.REJECTED,
        message="第 3 行 · 被处理人 · 请在“欧阳修文”后的括号内填写处理措施\n第 4 行 · 发生日期 · 不是有效的日期",
    )
    url = reverse("admin:cases_importlog_change", args=[log.pk])
    client.force_login(henry)
    page = client.get(url).content.decode()
    assert "欧阳修文" not in page
    assert "第 3 行 · 被处理人 · （含个人信息，此处不显示）" in page and "第 4 行 · 发生日期 · 不是有效的日期" in page
    client.force_login(adam)
    assert "欧阳修文" in client.get(url).content.decode()
