"""A case's whole life, as a clerk does it in Chromium (issue 10): the person looked up with her
earlier case, the case registered with its automatic number, routed to a township, accepted and
answered for it (代录) with the reply's 处理意见书 attached, closed, the 受理告知书 downloaded — and the
case page without horizontal scrolling at 1366×768 and 390 px wide, with screenshots of both."""

import subprocess

import pytest

from cases.models import Attachment, AuditEntry, PetitionCase, Unit
from cases.models.base import local_today
from cases.people.services import PersonData, case_register
from cases.scoping import acting_for
from tests.cases.test_repeats import id_number

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"office": (1366, 768), "phone": (390, 844)}
PERSON = id_number(7)


@pytest.fixture
def attachments_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        },
    }


def stage(page, action: str, **fields) -> str:
    """Fill the stage's small form on the case page, submit it, and return the page's message."""
    details = page.locator("details", has=page.locator("summary", has_text=action)).first
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    form = details.locator("form.stage-form")
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value) if not value.isdigit() else control.select_option(value)
        else:
            control.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    return page.locator(".messages").inner_text()


def test_a_clerk_walks_a_case_from_the_person_to_the_notice(page, alice, bureau, tmp_path, attachments_folder):
    bureau.case_number_pattern = "测信{year}-{seq:04d}"
    bureau.save()
    township = Unit.objects.get(bureau=bureau, name="温泉街道")
    today = local_today()
    with acting_for(bureau):
        earlier = case_register(
            bureau=bureau,
            user=alice,
            person=PersonData(name="刘翠英", id_number=PERSON, phone="13812345678"),
            received_on=today,
            channel="letter",
            category="claim",
            subject_area="社会保障",
        )
    assert earlier.number == f"测信{today.year}-0001"
    login(page, "alice", "pw-alice")

    # The person: her ID number typed, her earlier case shown at once, picked.
    page.goto("/cases/new/")
    page.fill("#lookup-term", PERSON)
    person = page.locator(".lookup-person")
    person.wait_for()
    assert earlier.number in person.inner_text() and "社会保障" in person.inner_text()
    person.locator(".lookup-pick").click()
    assert page.locator("[name=person-name]").input_value() == "刘翠英"
    assert page.locator("#case-number, [name=case-number]").first.get_attribute("placeholder") == (
        f"保存时自动编号，如 测信{today.year}-0002"
    )

    # The case, number left blank.
    page.select_option("[name=case-channel]", label="来访")
    page.select_option("[name=case-category]", label="申诉求决类")
    page.fill("[name=case-subject_area]", "城乡建设")
    page.select_option("[name=case-responsible_unit]", label="温泉街道")
    page.fill("[name=case-summary]", "反映危房改造补助未发放")
    invalid = page.evaluate(
        "Array.from(document.querySelectorAll('#register-form :invalid')).map(e => e.name + ':' + e.validationMessage)"
    )
    assert invalid == [], invalid
    with page.expect_navigation():
        page.click("#register-form button.primary")
    number = f"测信{today.year}-0002"
    assert not page.locator(".form-errors").count(), page.locator(".form-errors").inner_text()
    assert page.locator("h1").inner_text() == f"信访事项 {number}"
    case = PetitionCase.objects.get(number=number)
    assert (case.petitioner.id_number, case.is_initial) == (PERSON, True)  # another matter: 初次信访

    # Routed to the township, accepted and answered for it, the reply's letter attached, closed.
    on = today.isoformat()
    assert "已记录" in stage(page, "转送/交办责任单位", on=on, routing="交办", unit="温泉街道")
    assert "已记录" in stage(page, "单位受理", on=on)
    assert "已记录" in stage(page, "答复/处理意见", on=on, text="经核查，补助已于本月发放到位。")
    letter = tmp_path / "处理意见书.pdf"
    letter.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    panel = page.locator(".attachments-panel")
    panel.locator("select[name=stage]").select_option(label="答复")
    panel.locator("input[type=file]").set_input_files(str(letter))
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
    assert "处理意见书.pdf" in page.locator(".attachments-panel").inner_text()
    assert "已记录" in stage(page, "办结", on=on, outcome="支持")

    case.refresh_from_db()
    assert (case.routing, case.responsible_unit, case.unit_accepted_on, case.unit_replied_on, case.closed_on) == (
        "assign",
        township,
        today,
        today,
        today,
    )
    assert case.resolved_first_time is True  # derived on closing: no review, no repeat
    attachment = Attachment.objects.get(case=case)
    assert (attachment.stage, attachment.content_type, attachment.original_name) == (
        "replied",
        "application/pdf",
        "处理意见书.pdf",
    )
    actions = list(
        AuditEntry.objects.filter(content_type__model="petitioncase", object_id=case.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "case_route", "case_unit_accept", "case_reply", "attachment_upload", "case_close"]
    timeline = page.locator(".timeline").inner_text()
    for step in ("登记", "交办", "单位受理", "答复", "办结"):
        assert step in timeline

    # The 受理告知书, downloaded from the case page.
    with page.expect_download() as download_info:
        page.locator(".notices-panel").get_by_role("link", name="受理告知书", exact=True).click()
    pdf = download_info.value.path()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert "受理告知书" in text and "刘翠英" in text and number in text and "测试县信访局" in text

    # The whole life on one page, at both widths, without scrolling sideways.
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/cases/{case.pk}/")
        scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{name}: {scroll} > {inner}"
        shot = tmp_path / f"case-life-{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
