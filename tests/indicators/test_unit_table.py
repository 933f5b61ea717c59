"""The per-unit table shows every kind of unit, named as the bureau's level names it."""

import datetime

from accounts import roles
from cases.models import Bureau, Unit
from tests.conftest import _user
from tests.indicators.test_compute import closed_case, make_case


def test_a_city_sees_its_counties_and_its_departments(client, db):
    city = Bureau.objects.create(name="测试市信访局", county="测试市", level=Bureau.Level.CITY)
    wen = Unit.objects.create(bureau=city, name="温县", kind=Unit.Kind.DISTRICT, sort_order=1)
    Unit.objects.create(bureau=city, name="孟州市", kind=Unit.Kind.DISTRICT, sort_order=0)
    Unit.objects.create(bureau=city, name="市住建局", kind=Unit.Kind.DEPARTMENT)
    Unit.objects.create(bureau=city, name="测试市（市级）", kind=Unit.Kind.COUNTY)  # no records: not shown
    closed_case(city, "C-1", unit=wen)
    client.force_login(_user("cityhead", roles.HEAD, city))

    html = client.get("/?year=2024").content.decode()

    table = html[html.index('id="units"') :]
    table = table[: table.index("</table>")]
    assert "<h2>各县（市、区）和市直部门</h2>" in table
    rows = [line for line in table.splitlines() if '<th scope="row">' in line]
    assert [r.split('<th scope="row">')[1].split("<small>")[0] for r in rows] == ["温县", "孟州市", "市住建局"]
    assert "<small>县（市、区）</small>" in table and "<small>市直部门</small>" in table
    assert "测试市（市级）" not in table
    assert f'<a href="/indicators/cases_received/?year=2024&amp;part=numerator&amp;unit={wen.pk}">1</a>' in table


def test_the_bureaus_own_level_shows_once_a_record_names_it(client, bureau, henry):
    county = Unit.objects.create(bureau=bureau, name="测试县（县级）", kind=Unit.Kind.COUNTY)
    make_case(bureau, "X-1", datetime.date(2024, 3, 1), unit=county)
    client.force_login(henry)

    html = client.get("/?year=2024").content.decode()

    table = html[html.index('id="units"') : html.index("</table>")]
    assert "<h2>各乡镇（街道）和县直部门</h2>" in table
    assert "测试县（县级）<small>县级</small>" in table
