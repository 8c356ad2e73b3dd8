"""Chinese place, customer and equipment names for the demo county, picked by a seeded RNG."""

from __future__ import annotations

import random

COMPANY = ("JC", "江川供电公司")
COUNTY = ("QS", "青山县供电公司")
COUNTY_SEAT = (114.48, 36.62)  # longitude, latitude of the county seat

TOWNS = ("城关", "东岭", "柳河", "石桥", "白沙", "龙泉", "桃源", "青石", "马坊", "河口")
SUBSTATIONS = (
    "110kV 青山变",
    "35kV 东岭变",
    "35kV 柳河变",
    "35kV 石桥变",
    "35kV 白沙变",
    "35kV 龙泉变",
)
FEEDER_WORDS = ("东", "西", "南", "北", "中", "新", "兴", "和", "平", "安", "建", "民")
STREETS = ("建设路", "人民路", "解放街", "文化路", "府前街", "新华路", "迎宾大道", "光明街")
ESTATES = ("幸福小区", "阳光花园", "锦绣家园", "翠苑", "金色家园", "和平里", "新村", "电力小区")
VILLAGE_HEADS = ("东", "西", "南", "北", "前", "后", "上", "下", "大", "小", "高", "李")
VILLAGE_TAILS = (
    "王庄",
    "李村",
    "河口",
    "石桥",
    "杨树屯",
    "柳湾",
    "张家寨",
    "刘家坡",
    "马坊",
    "沙河",
    "枣园",
    "槐树岭",
)

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂建华志玉文红英国庆春梅海燕秀云飞鹏辉宇"
SHOPS = ("超市", "饭店", "五金店", "药店", "宾馆", "理发店", "农资店", "副食店", "汽修厂", "诊所")
WORKS = ("机械厂", "面粉厂", "木材加工厂", "砖厂", "纸箱厂", "服装厂", "食品厂", "塑料制品厂")
FARMS = ("机井", "灌溉泵站", "养殖场", "蔬菜大棚", "果园", "鱼塘")


def person(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def village(rng: random.Random) -> str:
    return rng.choice(VILLAGE_HEADS) + rng.choice(VILLAGE_TAILS)


def business(rng: random.Random, customer_class: str, place: str) -> str:
    if customer_class == "commercial":
        return f"{place}{rng.choice(SURNAMES)}记{rng.choice(SHOPS)}"
    if customer_class == "industrial":
        return f"青山县{place}{rng.choice(WORKS)}"
    if customer_class == "agricultural":
        return f"{place}{rng.choice(FARMS)}{rng.randint(1, 9)}号"
    return person(rng)
