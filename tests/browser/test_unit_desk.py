"""The unit's desk and the assignment page in Chromium, under the Content-Security-Policy: a unit's
officer logs in, lands on the desk, accepts, answers and closes a case; a city's clerk assigns a
case to a county below."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts import roles
from cases.models import Bureau, PetitionCase, Unit
from cases.models.base import local_today
from tests.browser.conftest import login
from tests.browser.test_csp import Watch
from tests.conftest import _user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_case(bureau, number, unit=None, **extra):
    received = local_today() - datetime.timedelta(days=3)
    case = PetitionCase(
        bureau=bureau,
        number=number,
        received_on=received,
        channel="visit",
        petitioner_name="张三",
        petitioner_phone="13800138000",
        category="claim",
        summary="讨要工资",
        responsible_unit=unit,
        **extra,
    )
    case.refresh_due_dates(bureau.calendar())
    case.save()
    return case


def test_a_units_officer_accepts_answers_and_closes_at_the_desk(page, bureau, unit):
    watch = Watch(page)
    _user("uma", roles.UNIT, bureau, unit)
    case = make_case(bureau, "U-1", unit, routing="transfer", routed_on=local_today() - datetime.timedelta(days=2))
    login(page, "uma", "pw-uma")
    assert page.url.endswith("/unit/")
    watch.check()
    page.click("text=U-1")
    watch.check()
    page.click("button:has-text('记录受理')")
    expect(page.locator(".messages")).to_contain_text("已记录本单位受理")
    page.fill("#reply", "经核查，已督促用人单位支付工资。")
    page.click("button:has-text('提交处理意见')")
    expect(page.locator(".messages")).to_contain_text("已记录处理意见")
    page.select_option("#outcome", "support")
    page.click("button:has-text('办结')")
    expect(page.locator(".messages")).to_contain_text("已办结")
    watch.check()
    case.refresh_from_db()
    today = local_today()
    assert (case.unit_accepted_on, case.unit_replied_on, case.closed_on, case.outcome) == (
        today,
        today,
        today,
        "support",
    )


def test_a_city_clerk_assigns_a_case_to_a_county_below(page):
    watch = Watch(page)
    city = Bureau.objects.create(name="测试市信访局", county="测试市", level=Bureau.Level.CITY)
    county = Bureau.objects.create(name="甲县信访局", county="甲县", parent=city)
    Unit.objects.create(bureau=county, name="城关镇")
    _user("cathy", roles.CLERK, city)
    case = make_case(city, "市信-1")
    login(page, "cathy", "pw-cathy")
    watch.goto(f"/admin/cases/petitioncase/{case.pk}/change/")
    page.click("text=交办下级")
    watch.check()
    page.check("input[name=target]")
    page.click("input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("已交办甲县信访局")
    watch.check()
    assert PetitionCase.objects.get(bureau=county).source == PetitionCase.Source.CITY
