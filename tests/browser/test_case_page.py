"""The case page in Chromium: no horizontal scrolling on an office screen (1366×768) or a phone
(390 px wide), screenshots of both, and 受理 recorded through its form."""

import datetime

import pytest

from cases import stages
from cases.models import PetitionCase, Unit

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date(2026, 9, 28)
WIDTHS = {"office": (1366, 768), "phone": (390, 844)}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("cases.casework.views.local_today", lambda: TODAY)
    monkeypatch.setattr("cases.stages.local_today", lambda: TODAY)


def test_the_case_page_fits_both_widths_and_a_clerk_accepts_the_case(page, alice, bureau, tmp_path):
    case = PetitionCase(
        bureau=bureau,
        number="温信2026-0186",
        received_on=datetime.date(2026, 9, 25),
        channel="visit",
        petitioner_name="欧阳某某、司马某某、诸葛某某",
        petitioner_id_number="410825199001011237",
        petitioner_phone="13800138000",
        head_count=3,
        category="claim",
        subject_area="城乡建设",
        summary="反映小区供暖问题" * 30 + "https://example.invalid/" + "a" * 80,
        responsible_unit=Unit.objects.get(bureau=bureau, name="温泉街道"),
    )
    case.refresh_due_dates(bureau.calendar())
    case.save()
    login(page, "alice", "pw-alice")

    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/cases/{case.pk}/")
        assert page.locator("h1").inner_text() == "信访事项 温信2026-0186"
        assert "还剩 5 个工作日" in page.locator(".next-due").inner_text()
        scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{name}: {scroll} > {inner}"
        page.screenshot(path=str(tmp_path / f"case-{name}.png"), full_page=True)
        assert (tmp_path / f"case-{name}.png").stat().st_size > 0

    # 受理 through its form (the first one, open), at the phone's width
    form = page.locator("form[action$='/accept/']")
    form.locator("input[name=on]").fill("2026-09-27")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "已记录告知/受理（本机关直接受理）（2026-09-27）" in page.locator(".messages").inner_text()
    assert "2026-09-27" in page.locator(".timeline li").nth(1).inner_text()
    case.refresh_from_db()
    assert (case.accepted_on, case.routing) == (datetime.date(2026, 9, 27), "direct")
    scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner


def test_a_long_case_life_fits_both_widths(page, alice, bureau, tmp_path):
    """Every kind of row at once: routed, accepted and answered for the unit (代录), extended with
    a long reason, closed, 复查 requested; a long reply."""
    d = datetime.date.fromisoformat
    case = PetitionCase(
        bureau=bureau,
        number="温信2026-0100",
        received_on=d("2026-08-01"),
        channel="letter",
        petitioner_name="张某",
        category="complaint",
    )
    case.refresh_due_dates(bureau.calendar())
    case.save()
    township = Unit.objects.get(bureau=bureau, name="温泉街道")
    stages.route(case, user=alice, on=d("2026-08-03"), unit=township, routing="assign")
    stages.unit_accept(case, user=alice, on=d("2026-08-05"))
    stages.extend(case, user=alice, on=d("2026-08-10"), days=30, reason="需会同多个部门现场核查" * 10)
    stages.reply(case, user=alice, on=d("2026-09-01"), text="经核查，" + "相关补偿已按标准发放完毕" * 40)
    stages.close(case, user=alice, on=d("2026-09-02"), outcome="explain")
    stages.review(case, user=alice, on=d("2026-09-05"))
    login(page, "alice", "pw-alice")

    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/cases/{case.pk}/")
        rows = page.locator(".timeline li")
        assert rows.count() == 8  # 登记 交办 单位受理 延期 答复 办结 申请复查 复查决定
        assert "经办：alice（代录）" in rows.nth(2).inner_text()
        due = " ".join(page.locator(".next-due").inner_text().split())
        assert due == "下一阶段：复查 期限 2026-10-08 还剩 3 个工作日 即将到期"  # 09-29, 09-30, 10-08
        scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{name}: {scroll} > {inner}"
        page.screenshot(path=str(tmp_path / f"long-case-{name}.png"), full_page=True)
