"""The words the tools make records from, written once: the county's townships and departments,
people's names, resident ID numbers and mobile phone numbers.

Two generators draw on them. The demo (`devtools.demo`) is 温县 itself: its villages, its
commonest surnames weighted by frequency, its ID-number areas, real mobile prefixes. The
synthetic generator (`devtools.synthetic`) makes a bureau of any size from plainer lists. Where
the two differ the lists are named for it; they stay different because each generator's output
is pinned (the demo's fixtures/demo.json byte for byte, the synthetic data per seed: see
tests/devtools/), and a changed list would change every record drawn after it.

Plain Python and no models: the load test imports this before Django is set up.
"""

from __future__ import annotations

import datetime

from cases.validators import id_check_char

# Places ---------------------------------------------------------------------------------------

# 温县's townships and sub-districts, in the county's order.
TOWNSHIPS = (
    "温泉街道",
    "太行街道",
    "岳村街道",
    "张羌街道",
    "祥云镇",
    "番田镇",
    "黄庄镇",
    "武德镇",
    "赵堡镇",
    "招贤乡",
    "北冷乡",
)
# Villages and communities of each township: the demo's addresses and dispute descriptions.
VILLAGES = {
    "温泉街道": ("东关社区", "西关社区", "南韩村", "慈胜村"),
    "太行街道": ("太行社区", "上苑村", "苏王村", "西留石村"),
    "岳村街道": ("岳村", "徐堡村", "西张计村", "李顺井村"),
    "张羌街道": ("南张羌村", "北张羌村", "东南王村", "马里村"),
    "祥云镇": ("大吴村", "杨磊村", "安乐寨村", "南韩原村"),
    "番田镇": ("番田村", "东平滩村", "林召村", "古贤村"),
    "黄庄镇": ("黄庄村", "南保丰村", "西平滩村", "吕村"),
    "武德镇": ("武德村", "东亢村", "汜水滩村", "王村"),
    "赵堡镇": ("陈家沟村", "赵堡村", "东沟村", "北平皋村"),
    "招贤乡": ("招贤村", "南冷村", "大尚村", "三家庄村"),
    "北冷乡": ("北冷村", "大玉兰村", "西南冷村", "周庄村"),
}
# The county's departments that petitions go to (the demo has them all).
DEPARTMENTS = (
    "县住建局",
    "县人社局",
    "县自然资源局",
    "县公安局",
    "县教育局",
    "县卫健委",
    "县民政局",
    "县农业农村局",
    "县市场监管局",
    "县城管局",
    "县交通运输局",
    "县水利局",
    "县司法局",
    "县财政局",
)
# 武陟县's townships and sub-districts: the demo's second county.
WUZHI_TOWNSHIPS = (
    "木城街道",
    "龙源街道",
    "龙泉街道",
    "大虹桥乡",
    "谢旗营镇",
    "詹店镇",
    "西陶镇",
    "大封镇",
    "乔庙镇",
    "宁郭镇",
    "三阳乡",
    "北郭乡",
    "小董乡",
    "圪垱店乡",
    "嘉应观乡",
)
# 焦作市's counties, county-level cities and districts (a city's units of kind 县（市、区）), and a
# few of its departments (市直部门): the demo's city.
JIAOZUO_DISTRICTS = ("解放区", "中站区", "马村区", "山阳区", "修武县", "博爱县", "武陟县", "温县", "沁阳市", "孟州市")
CITY_DEPARTMENTS = ("市住建局", "市人社局", "市自然资源和规划局", "市公安局", "市教育局")
# The seven of them that most petitions go to, in the same order: a synthetic bureau's departments.
MAIN_DEPARTMENTS = ("县住建局", "县人社局", "县自然资源局", "县公安局", "县教育局", "县卫健委", "县农业农村局")

# Names ----------------------------------------------------------------------------------------

# Common surnames nationwide, each as likely as the next: the synthetic generator's.
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈"
    "曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭"
)
# 温县's surnames, the commonest written several times to weigh them: the demo's.
LOCAL_SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨赵赵郭郭孙马徐朱胡高周吴宋郑孟范乔原史薛程韩冯司秦许段崔苗闫牛贾田任卢董袁吕魏侯付黄"
)
# Characters of given names, drawn one or two at a time: the synthetic generator's.
GIVEN_NAME_CHARACTERS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华玉兰国庆志红春梅海燕小红德胜文博子涵宇轩"
)
# Whole given names of men and of women, of the generations that petition: the demo's.
MALE_GIVEN_NAMES = (
    *("建国", "建军", "国强", "志强", "卫东", "红军", "振华", "保国", "海涛", "东升", "俊峰", "永刚"),
    *("春生", "文斌", "新民", "学军", "长青", "金山", "宏伟", "小龙", "庆林", "书明", "满仓", "德胜"),
    *("世杰", "二军", "宝山", "磊", "鹏", "伟", "强", "军", "涛", "斌", "亮", "浩"),
)
FEMALE_GIVEN_NAMES = (
    *("秀英", "桂英", "玉兰", "秀兰", "淑芬", "丽娟", "红霞", "艳玲", "翠花", "春梅", "凤霞", "素珍"),
    *("小红", "爱琴", "月娥", "巧云", "静", "丽", "敏", "娜", "芳", "燕", "霞", "婷"),
)

# Identifiers ----------------------------------------------------------------------------------

# Area codes (an ID number's first six digits) of the demo's people: 温县 (410825) mostly, and
# its neighbours. The synthetic generator draws any area of Henan ("41" and four digits).
LOCAL_ID_AREAS = ("410825",) * 12 + ("410882", "410883", "410823", "410822", "410811")


def id_number(area: str, born: datetime.date, sequence: int) -> str:
    """A resident ID number (GB 11643): area, birth date, three-digit sequence (odd for men), and
    the check character the product's validator computes."""
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


# Mobile prefixes (the first three digits) of the demo's people: real ones of the three carriers.
MOBILE_PREFIXES = (
    *("130", "131", "132", "134", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156"),
    *("157", "158", "159", "166", "176", "177", "182", "183", "185", "186", "187", "188", "189", "198"),
    "199",
)
# The synthetic generator's prefixes are "1" and one of these: 13x, 15x, 17x, 18x.
MOBILE_SECOND_DIGITS = "3578"


def mobile_phone(prefix: str, subscriber: int) -> str:
    """An 11-digit mobile number: `prefix`, then `subscriber` zero-padded to the rest."""
    return f"{prefix}{subscriber:0{11 - len(prefix)}d}"
