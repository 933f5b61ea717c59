"""The shipped template names no place: the bureau's settings supply every place word."""

from cases.models import Bureau
from reports.defaults import PATH
from reports.render.context import build_document
from reports.services import report_get_or_create


def _text(doc) -> str:
    return doc.intro_text + "".join(s.heading + "".join(p.text for p in s.paragraphs) for s in doc.sections)


def test_the_shipped_text_names_no_place():
    shipped = PATH.read_text(encoding="utf-8")
    for word in ("河南", "温县", "我县", "我市", "县直", "县级", "县信访"):
        assert word not in shipped, word


def test_a_city_under_a_province_speaks_of_itself_as_a_city(db):
    province = Bureau.objects.create(name="河南省信访局", county="河南省", short_county="河南", level="province")
    city = Bureau.objects.create(name="长治市信访局", county="长治市", level=Bureau.Level.CITY, parent=province)
    text = _text(build_document(report_get_or_create(bureau=city, year=2024)[0]))
    assert "结合我市信访工作实际" in text and "我县" not in text
    assert "中央、省、市关于法治政府建设" in text
    assert "由市信访局党组书记" in text and "、市直单位按" in text and "在市信访接待服务中心" in text
    assert "积极做好河南信访信息平台" in text  # the province's short name, from the bureau above
    assert "平安长治市建设" in text


def test_a_district_sets_its_own_words(db):
    district = Bureau.objects.create(
        name="解放区信访局", county="解放区", short_county="解放", level_word="区", province="河南"
    )
    text = _text(build_document(report_get_or_create(bureau=district, year=2024)[0]))
    assert "结合我区信访工作实际" in text and "中央、省、市、区关于" in text and "区直单位" in text
    assert "平安解放建设" in text and "河南信访信息平台" in text


def test_no_province_known_prints_a_dash_the_readiness_check_reports(db):
    from indicators.compute import compute
    from indicators.registry import Period
    from reports import readiness
    from reports.render.context import values_for

    county = Bureau.objects.create(name="某县信访局", county="某县")
    report = report_get_or_create(bureau=county, year=2024)[0]
    values = values_for(report, compute(county.pk, Period.year(2024)))
    assert values["province"] == "—" and values["self_reference"] == "我县" and values["levels"] == "中央、省、市、县"
    issues = readiness.check(report, values)
    assert any(
        "省份" in " ".join(label for label, _link in issue.items) or "省份" in issue.explanation for issue in issues
    )


def test_the_bureaus_administrator_sets_the_place_words_where_the_settings_are_edited(client, bureau, adam):
    client.force_login(adam)
    url = f"/admin/cases/bureau/{bureau.pk}/change/"
    form = client.get(url).content.decode()
    assert 'name="province"' in form and 'name="level_word"' in form
    response = client.post(
        url,
        {
            "county": "测试县",
            "short_county": "测试",
            "self_reference": "我区",
            "level_word": "区",
            "province": "山西",
            "roll_forward_holidays": "on",
            "due_soon_working_days": "3",
            "case_number_pattern": "{year}-{seq:04d}",
            "percent_whole": "plain",
            "percent_rounding": "half_up",
        },
    )
    assert response.status_code == 302
    bureau.refresh_from_db()
    words = bureau.place_words()
    assert (words["province"], words["level_word"], words["self_reference"]) == ("山西", "区", "我区")
    text = _text(build_document(report_get_or_create(bureau=bureau, year=2024)[0]))
    assert "山西信访信息平台" in text and "区直单位" in text and "结合我区信访工作实际" in text
