"""The notices the 条例 requires, printed from a case: each PDF's text (pdftotext) holds the
bureau's name, the case's number, the petitioner and its statutory sentences; the bureau's own
wording replaces the shipped one; an unknown placeholder is refused on save; only those who may
see personal data print them (403), within their bureau or unit (404); a notice that does not fit
the case's state is refused with the reason; every print is logged."""

import datetime
import re
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import roles
from cases.models import AuditEntry, Bureau, PetitionCase, Unit
from notices.models import NoticeTemplate
from tests.conftest import _user

D = datetime.date


def text_of(pdf: bytes) -> str:
    """The PDF's text with every space and line break taken out (CJK lines break anywhere)."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return re.sub(r"\s+", "", out.decode())


@pytest.fixture
def world(bureau, unit):
    other = Bureau.objects.create(name="乙县信访局", county="乙县")
    case = PetitionCase.objects.create(
        bureau=bureau,
        number="温信2024-0186",
        received_on=D(2024, 3, 1),
        channel="letter",
        petitioner_name="王秀英",
        category="claim",
        summary="要求解决宅基地确权问题",
        responsible_unit=unit,
        routing="transfer",
        routed_on=D(2024, 3, 5),
        unit_accepted_on=D(2024, 3, 8),
        unit_replied_on=D(2024, 4, 20),
        unit_reply="经调查核实，你反映的情况属实，已为你办理确权登记。",
    )
    fresh = PetitionCase.objects.create(
        bureau=bureau,
        number="温信2024-0187",
        received_on=D(2024, 3, 2),
        channel="visit",
        petitioner_name="李建国",
        category="claim",
        summary="要求撤销法院判决",
        handling_path="legal",
    )
    return {
        "case": case,
        "fresh": fresh,
        "clerk": _user("clerk", roles.CLERK, bureau),
        "head": _user("head", roles.HEAD, bureau),
        "staff": _user("staff", roles.STAFF, bureau),
        "admin": _user("admin", roles.ADMIN, bureau),
        "unit": _user("uma", roles.UNIT, bureau, unit),
        "other-unit": _user("olga", roles.UNIT, bureau, Unit.objects.get(bureau=bureau, name="太行街道")),
        "other-clerk": _user("bob", roles.CLERK, other),
    }


def url(case, kind):
    return reverse("notices:pdf", kwargs={"pk": case.pk, "kind": kind})


def pdf(client, case, kind) -> str:
    response = client.get(url(case, kind))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    return text_of(response.content)


COMMON = ["测试县信访局", "温信2024-0186", "王秀英"]


@pytest.mark.parametrize(
    ("kind", "sentences"),
    [
        (
            "acceptance",
            [
                "受理告知书",
                "王秀英：",
                "你（们）于2024年3月1日以来信形式提出的信访事项（信访件编号：温信2024-0186）",
                "要求解决宅基地确权问题",
                "根据《信访工作条例》第二十三条的规定",
                "本机关已于2024年3月8日依法予以受理",
                "第三十四条的规定，自受理之日起六十日内办结",
                "2024年3月8日",
            ],
        ),
        (
            "routing",
            [
                "信访事项转送交办单",
                "温泉街道：",
                "现将王秀英于2024年3月1日以来信形式提出的信访事项（信访件编号：温信2024-0186）转送你单位",
                "《信访工作条例》第二十二条、第二十三条",
                "十五日内决定是否受理",
                "转送交办日期：2024年3月5日",
            ],
        ),
        (
            "opinion",
            [
                "信访处理意见书",
                "由温泉街道于2024年3月8日受理",
                "根据《信访工作条例》第三十二条的规定，提出处理意见如下：经调查核实，你反映的情况属实，已为你办理确权登记。",
                "依照《信访工作条例》第三十五条的规定，自收到本处理意见书之日起三十日内，向原办理机关、单位的上一级机关、单位请求复查",
                "答复日期：2024年4月20日",
            ],
        ),
    ],
)
def test_each_notice_is_filled_from_the_case(client, world, kind, sentences):
    client.force_login(world["clerk"])
    text = pdf(client, world["case"], kind)
    for sentence in [*COMMON, *sentences]:
        assert sentence in text, sentence
    assert "{" not in text and "—" not in text.replace("—1—", "")  # every placeholder filled


def test_the_refusal_notice(client, world):
    client.force_login(world["clerk"])
    text = pdf(client, world["fresh"], "refusal")
    for sentence in [
        "不予受理告知书",
        "测试县信访局",
        "温信2024-0187",
        "李建国：",
        "你（们）于2024年3月2日以来访形式提出的信访事项",
        "要求撤销法院判决",
        "根据《信访工作条例》第二十三条、第三十一条的规定，本机关不予受理",
        "向有权处理的机关、单位提出",
    ]:
        assert sentence in text, sentence


def test_the_opinion_is_signed_by_the_unit_and_the_others_by_the_bureau(client, world):
    client.force_login(world["clerk"])
    opinion = pdf(client, world["case"], "opinion")
    acceptance = pdf(client, world["case"], "acceptance")
    assert opinion.endswith("温泉街道2024年4月20日—1—")
    assert acceptance.endswith("测试县信访局2024年3月8日—1—")


def test_the_bureaus_own_wording_is_used(client, world, bureau):
    NoticeTemplate.objects.create(
        bureau=bureau,
        kind="acceptance",
        title="{本机关}受理通知",
        body="{信访人}同志：\n你于{登记日期}反映的{主要诉求}一事（{编号}），我局已受理，特此通知。",
    )
    client.force_login(world["clerk"])
    text = pdf(client, world["case"], "acceptance")
    assert "测试县信访局受理通知" in text
    assert (
        "王秀英同志：你于2024年3月1日反映的要求解决宅基地确权问题一事（温信2024-0186），我局已受理，特此通知。"
    ) in text
    assert "第二十三条" not in text  # the shipped wording is gone


def test_an_unknown_placeholder_is_refused_on_save(bureau):
    notice = NoticeTemplate(bureau=bureau, kind="refusal", title="不予受理告知书", body="{信访人}：{身份证号}，{编号}")
    with pytest.raises(ValidationError) as caught:
        notice.full_clean()
    [message] = caught.value.message_dict["body"]
    assert message.startswith("未知的占位符：{身份证号}。可用的占位符有：{本机关}、{编号}")
    notice.body = "{信访人}：一个花括号{"
    with pytest.raises(ValidationError, match="不成对"):
        notice.full_clean()


def test_the_administrator_edits_the_wording_in_the_admin(client, world, bureau):
    client.force_login(world["admin"])
    add = reverse("admin:notices_noticetemplate_add")
    page = client.get(add + "?kind=opinion")
    assert page.status_code == 200
    assert "第三十五条" in page.content.decode()  # starts from the shipped wording
    refused = client.post(add, {"kind": "opinion", "title": "信访处理意见书", "body": "{信访人}：{电话}"})
    assert refused.status_code == 200 and NoticeTemplate.objects.count() == 0
    assert "未知的占位符：{电话}" in refused.content.decode()
    saved = client.post(add, {"kind": "opinion", "title": "处理意见书", "body": "{信访人}：{处理意见}"})
    assert saved.status_code == 302
    notice = NoticeTemplate.objects.get()
    assert (notice.bureau, notice.kind, notice.title) == (bureau, "opinion", "处理意见书")
    assert AuditEntry.objects.filter(object_id=notice.pk, action="create").count() == 1
    again = client.post(add, {"kind": "opinion", "title": "重复", "body": "{信访人}"})
    assert again.status_code == 200 and NoticeTemplate.objects.count() == 1
    assert "本局已有这种告知书的文本" in again.content.decode()


@pytest.mark.parametrize("who", ["head", "staff"])
def test_those_who_may_not_see_personal_data_are_refused(client, world, who):
    client.force_login(world[who])
    assert client.get(url(world["case"], "acceptance")).status_code == 403


@pytest.mark.parametrize("who", ["other-clerk", "other-unit"])
def test_another_bureaus_or_units_case_is_not_found(client, world, who):
    client.force_login(world[who])
    assert client.get(url(world["case"], "acceptance")).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.NOTICE_PRINTED).exists()


def test_the_cases_unit_prints_its_opinion(client, world):
    client.force_login(world["unit"])
    assert "温信2024-0186" in pdf(client, world["case"], "opinion")


def test_an_unknown_kind_is_not_found(client, world):
    client.force_login(world["clerk"])
    assert client.get(url(world["case"], "summons")).status_code == 404


@pytest.mark.parametrize(
    ("case", "kind", "message"),
    [
        ("fresh", "opinion", "责任单位尚未答复（没有处理意见），不能出具信访处理意见书。"),
        ("fresh", "routing", "该事项尚未转送或交办给责任单位，不能出具转送交办单。"),
        ("fresh", "acceptance", "该事项尚未受理（没有受理告知日期或责任单位受理日期），不能出具受理告知书。"),
        ("case", "refusal", "该事项已于2024-03-08受理，不能出具不予受理告知书。"),
    ],
)
def test_a_notice_that_does_not_fit_the_case_is_refused(client, world, case, kind, message):
    client.force_login(world["clerk"])
    response = client.get(url(world[case], kind))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:cases_petitioncase_change", args=[world[case].pk])
    assert [str(m) for m in response.wsgi_request._messages] == [message]
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.NOTICE_PRINTED).exists()


def test_each_print_is_logged(client, world):
    client.force_login(world["clerk"])
    pdf(client, world["case"], "routing")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.NOTICE_PRINTED)
    assert (entry.user, entry.object_id, entry.detail) == (world["clerk"], world["case"].pk, "转送交办单")


def test_the_case_page_links_its_notices_for_those_who_may_print_them(client, world):
    page = reverse("admin:cases_petitioncase_change", args=[world["case"].pk])
    client.force_login(world["clerk"])
    html = client.get(page).content.decode()
    for kind in ("acceptance", "refusal", "routing", "opinion"):
        assert url(world["case"], kind) in html, kind
    client.force_login(world["head"])
    assert url(world["case"], "acceptance") not in client.get(page).content.decode()
