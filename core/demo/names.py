"""Name pools for the demo generator: people's names and invented place names.

Everything here is plain data and pure functions of a `random.Random`, so a seed always gives the
same names. The place names are invented (a fictional province with the code 14); they only need
to read like real northern-Chinese names, never to match a real place.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

# Surnames with approximate frequencies (per cent of the population, 2020 census order). Drawing
# by weight keeps 王李张刘陈 common while the long tail gives variety.
_SURNAME_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("王", 7.1), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 4.6), ("杨", 3.2), ("黄", 2.5), ("赵", 2.3),
    ("吴", 2.0), ("周", 1.9), ("徐", 1.5), ("孙", 1.5), ("马", 1.5), ("朱", 1.3), ("胡", 1.3), ("郭", 1.4),
    ("何", 1.2), ("林", 1.0), ("高", 1.2), ("罗", 1.0), ("郑", 1.0), ("梁", 0.9), ("谢", 0.8), ("宋", 0.8),
    ("唐", 0.8), ("许", 0.7), ("韩", 0.8), ("邓", 0.7), ("冯", 0.7), ("曹", 0.7), ("彭", 0.6), ("曾", 0.5),
    ("肖", 0.6), ("田", 0.6), ("董", 0.6), ("潘", 0.5), ("袁", 0.5), ("蔡", 0.5), ("蒋", 0.5), ("余", 0.5),
    ("于", 0.5), ("杜", 0.5), ("叶", 0.4), ("程", 0.5), ("魏", 0.5), ("苏", 0.4), ("吕", 0.4), ("丁", 0.4),
    ("任", 0.5), ("卢", 0.4), ("姚", 0.4), ("沈", 0.4), ("钟", 0.3), ("姜", 0.4), ("崔", 0.4), ("谭", 0.3),
    ("陆", 0.3), ("范", 0.3), ("汪", 0.3), ("廖", 0.3), ("石", 0.3), ("金", 0.3), ("韦", 0.2), ("贾", 0.5),
    ("夏", 0.3), ("付", 0.3), ("方", 0.3), ("邹", 0.3), ("熊", 0.3), ("白", 0.4), ("孟", 0.3), ("秦", 0.3),
    ("邱", 0.3), ("侯", 0.3), ("江", 0.3), ("尹", 0.3), ("薛", 0.4), ("闫", 0.4), ("段", 0.2), ("雷", 0.2),
    ("龙", 0.2), ("史", 0.3), ("陶", 0.2), ("贺", 0.2), ("毛", 0.2), ("郝", 0.4), ("顾", 0.2), ("龚", 0.2),
    ("邵", 0.2), ("万", 0.2), ("武", 0.4), ("钱", 0.2), ("戴", 0.2), ("严", 0.2), ("孔", 0.2), ("向", 0.1),
    ("常", 0.3), ("汤", 0.2), ("康", 0.2), ("易", 0.1), ("乔", 0.3), ("文", 0.2), ("樊", 0.2), ("牛", 0.2),
    ("申", 0.2), ("温", 0.2), ("霍", 0.2), ("左", 0.1), ("裴", 0.1), ("聂", 0.1), ("柴", 0.2), ("岳", 0.1),
    ("耿", 0.1), ("翟", 0.1), ("解", 0.05), ("单", 0.05), ("景", 0.1), ("庞", 0.1), ("兰", 0.1),
    ("成", 0.1), ("冀", 0.1), ("阎", 0.1), ("安", 0.1), ("卫", 0.1), ("焦", 0.1), ("赫", 0.05),
)
SURNAMES: tuple[str, ...] = tuple(s for s, w in _SURNAME_WEIGHTS if w > 0)
_SURNAME_CUM: list[float] = list(accumulate(w for _, w in _SURNAME_WEIGHTS if w > 0))

# Given-name characters. The first character of a two-character name is drawn from a shared
# pool plus the gender's pool; the last from the gender's pool, so names read as male or female.
_FEMALE = ("丽华芳娟敏静燕艳霞玲红梅琳婷雪颖洁慧倩佳欣悦怡琪瑶璐晶岚蕾莉萍琴彤薇雯妍媛嘉淑秀英凤兰云翠"
           "晓美雅诗梦思雨露月春秋青清然宁涵菲茜蓉荣虹莹瑞珊珍丹娜妮茹婧婉馨楠曼蓓菁佩卉晨文惠桂玉香亚"
           "凡妙琼晴畅冉韵依可心怡蕊晗璇钰")
_MALE = ("伟强军磊勇杰涛明超刚平辉鹏斌浩宇波峰健俊凯亮林东龙飞建国华文志海新兵江旭阳晨博鑫豪帅宁康毅锋"
         "昊哲睿轩然航翔钢铭森彬松柏振伦盛荣达福庆祥永德成忠学进胜利卫民义光武晖震雷坤洋岩钧源泽力立"
         "维炜远弘嘉辰宏鸿虎奇琦骏晋山川智勤耀")
_SHARED_FIRST = "晓小文子一心思嘉佳雨春秋宇安明新永建志海天泽家金正少云立宏俊亚玉秀红丽国卫雅梦欣"
FEMALE_CHARS: tuple[str, ...] = tuple(dict.fromkeys(_FEMALE))
MALE_CHARS: tuple[str, ...] = tuple(dict.fromkeys(_MALE))
SHARED_FIRST_CHARS: tuple[str, ...] = tuple(dict.fromkeys(_SHARED_FIRST))


def surname(rng: random.Random) -> str:
    return SURNAMES[bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]


def given_name(rng: random.Random, gender: str) -> str:
    """One or two characters appropriate to the gender ('m' or 'f'); one character in ~10%."""
    pool = MALE_CHARS if gender == "m" else FEMALE_CHARS
    last = rng.choice(pool)
    if rng.random() < 0.10:
        return last
    first = rng.choice(SHARED_FIRST_CHARS) if rng.random() < 0.35 else rng.choice(pool)
    if first == last:
        first = rng.choice(SHARED_FIRST_CHARS)
    return first + last


def person_name(rng: random.Random, gender: str, taken: set[str]) -> str:
    """A full name, redrawn a few times if the name is already used nearby (`taken`), so a county's
    staff lists rarely show the same name twice; the set is updated."""
    name = ""
    for _ in range(6):
        name = surname(rng) + given_name(rng, gender)
        if name not in taken:
            break
    taken.add(name)
    return name


# ---------------------------------------------------------------- places

PROVINCE_NAME = "晋原省"
CITY_NAMES: tuple[str, ...] = ("并州", "云中", "潞安", "泽源", "雁门", "汾州", "平阳", "河东", "绛州", "忻原", "石州")
_PLACE_FIRST = ("清", "平", "安", "阳", "汾", "云", "泉", "宁", "和", "兴", "定", "怀", "静", "寿", "襄", "古", "介",
                "灵", "沁", "长", "武", "昔", "左", "太", "岚", "繁", "代", "偏", "神", "保", "蒲", "永", "临", "稷",
                "芮", "夏", "晋", "高", "壶", "屯", "黎", "陵", "浮", "隰", "汉", "乡", "交", "孝", "文", "方", "柳",
                "中", "石", "榆", "原", "新", "东", "西", "南", "北", "龙", "凤", "金", "水", "白", "青", "马", "杨")
_PLACE_SECOND = ("阳", "水", "源", "城", "川", "山", "平", "安", "宁", "泉", "丰", "河", "谷", "关", "州", "原", "曲",
                 "石", "泽", "沟", "峪", "坪", "庄", "口", "湾", "岭", "店", "屯", "寨", "堡", "营", "乐", "义",
                 "和", "兴", "林", "池", "陵", "治", "留")
_ROAD_WORDS = ("迎泽", "建设", "解放", "人民", "和平", "府西", "府东", "新华", "文化", "育才", "学府", "滨河", "长风",
               "胜利", "五一", "南华", "朝阳", "青年", "振兴", "光明", "龙城", "锦绣", "并州", "汾河")


def place_name(rng: random.Random, taken: set[str]) -> str:
    """A two-character place name not yet in `taken` (which is updated)."""
    while True:
        a, b = rng.choice(_PLACE_FIRST), rng.choice(_PLACE_SECOND)
        if a != b and a + b not in taken:
            taken.add(a + b)
            return a + b


def road_name(rng: random.Random) -> str:
    return rng.choice(_ROAD_WORDS) + rng.choice(("路", "街", "大街", "东路", "西路", "南路", "北路"))
