"""The names a text may use for a division, and finding them in a text.

Each division is known by its full name (秀英区), its short name (秀英), old names (襄樊) and, for
a few, a nickname (冰城, 三秦); landmarks and universities (故宫, 哈工大; ``landmarks.py``) stand for
the division they lie in. Names that are often something else are *gated*: they count only
where the article supports them otherwise. Nicknames and short city names that are ordinary words
(白银, 来宾, 长治) need their province named; county-level names that are words (short names such as
平安, 南部, 合作; 东区 in 小区 names; the districts of Taiwan/Hong Kong/Macau such as 大社区) and
towns need their city named, since a province has many counties and one word matches somewhere.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

from .data import (
    ABROAD,
    CITY,
    COUNTY,
    MUNICIPALITIES,
    PROVINCE,
    SARS,
    TOWN,
    Division,
    by_full_name,
    divisions,
    foreign,
    renamed,
)
from .landmarks import landmarks

# Suffixes removed to form short names, longest first.
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "省", "市", "区", "县", "盟", "旗")
# The 55 ethnic groups besides the Han, as autonomous divisions name them (广西壮族自治区 → 广西;
# Xinjiang's names leave out 族: 新疆维吾尔自治区, 伊犁哈萨克自治州). Longest first, so that 黔东南苗族侗族
# is 黔东南, not 黔东 + 南苗族.
_ETHNIC = sorted((
    "壮", "回", "维吾尔", "苗", "彝", "土家", "藏", "蒙古", "布依", "侗", "瑶", "白",
    "哈尼", "哈萨克", "黎", "傣", "畲", "傈僳", "仡佬", "东乡", "拉祜", "水", "佤", "纳西",
    "羌", "土", "仫佬", "锡伯", "柯尔克孜", "达斡尔", "景颇", "毛南", "撒拉", "布朗", "塔吉克", "阿昌",
    "普米", "鄂温克", "怒", "京", "基诺", "德昂", "保安", "俄罗斯", "裕固", "乌孜别克", "门巴", "鄂伦春",
    "独龙", "塔塔尔", "赫哲", "高山", "珞巴", "朝鲜", "满"), key=len, reverse=True)
_ETHNIC_RE = re.compile(rf"^(.{{2,}}?)(?:(?:{'|'.join(_ETHNIC)})族?)+(?:自治区|自治州|自治县|自治旗)$")
# Short names of cities that are ordinary words, brands or people more often than places
# (长治久安, 白银, 来宾, 三明治, 中山路, 阿里巴巴): they count only with other support.
WORDLIKE_SHORT = {"东方", "白银", "来宾", "安康", "长治", "大同", "三明", "中山", "黄山", "普洱", "阿里",
                  "玉树", "海东", "和田", "永康", "吉安", "开封", "通化", "金华", "江门", "南平", "丽江",
                  "清远", "长春", "平安", "武威", "新余", "辽源", "双鸭山", "七台河", "鹤岗"}
# Full names that are also ordinary words or parts of estate names (XX小区东区, 高铁新城区域).
GENERIC_FULL = {"东区", "西区", "南区", "北区", "城区", "郊区", "新区", "矿区", "中区", "城中区", "城东区",
                "城西区", "城南区", "城北区", "市中区", "开发区", "高新区", "和平区", "新华区", "新城区"}
# Words for a part of a place (四川南部 is the south of Sichuan), never a county's short name (南部县).
DIRECTIONS = {"东部", "西部", "南部", "北部", "中部"}
# Nicknames of cities and provinces, and the abbreviations of Taiwanese news; gated.
NICKNAMES = {"水城": "聊城市", "江城": "武汉市", "北市": "台北市", "中市": "台中市", "高市": "高雄市",
             "桃市": "桃园市", "南市": "台南市", "竹市": "新竹市", "鹏城": "深圳市", "榕城": "福州市",
             "羊城": "广州市", "蓉城": "成都市", "泉城": "济南市", "冰城": "哈尔滨市", "鹭岛": "厦门市",
             "星城": "长沙市", "申城": "上海市", "沪上": "上海市", "津城": "天津市", "京城": "北京市",
             "金陵": "南京市", "雾都": "重庆市",
             "三秦": "陕西省", "齐鲁": "山东省", "荆楚": "湖北省", "潇湘": "湖南省", "三湘": "湖南省",
             "燕赵": "河北省", "八闽": "福建省", "三晋": "山西省", "巴蜀": "四川省", "八桂": "广西壮族自治区",
             "龙江": "黑龙江省", "陇原": "甘肃省", "彩云之南": "云南省"}
# News outlets whose names hold no place, with the place they serve (a list of facts, like the
# nicknames): 新民晚报讯 opens a Shanghai report. Outlets named after their place (湖北日报, 深圳新闻网)
# need no entry. National outlets (人民日报, 澎湃新闻, 财联社) have none.
OUTLETS = {"新京报": "北京市", "北青报": "北京市", "新民晚报": "上海市", "解放日报": "上海市", "文汇报": "上海市",
           "东方网": "上海市", "上观新闻": "上海市", "看看新闻": "上海市", "红网时刻": "湖南省", "潇湘晨报": "湖南省",
           "荆楚网": "湖北省", "极目新闻": "湖北省", "楚天都市报": "湖北省", "长江日报": "武汉市", "华商报": "陕西省",
           "扬子晚报": "江苏省", "现代快报": "江苏省", "新华日报": "江苏省", "钱江晚报": "浙江省", "都市快报": "杭州市",
           "大众日报": "山东省", "大众网": "山东省", "半岛都市报": "青岛市", "大河报": "河南省", "大河网": "河南省",
           "东南网": "福建省", "海峡导报": "厦门市", "南方日报": "广东省", "南方都市报": "广东省", "新快报": "广州市",
           "信息时报": "广州市", "大洋网": "广州市", "南海网": "海南省", "南国都市报": "海南省", "华西都市报": "四川省",
           "封面新闻": "四川省", "红星新闻": "四川省", "川观新闻": "四川省", "上游新闻": "重庆市", "华龙网": "重庆市",
           "大皖新闻": "安徽省", "大江新闻": "江西省", "春城晚报": "昆明市", "辽沈晚报": "辽宁省", "半岛晨报": "大连市"}
_TOWN_SUFFIXES = ("镇", "乡", "街道", "苏木")
# Districts outside the mainland's system share names with mainland ones and with words.
OUTSIDE = {"台湾省", *SARS}


OPEN, NEEDS_PROVINCE, NEEDS_CITY = 0, 1, 2  # what support a name needs before it counts


@dataclass(frozen=True, slots=True)
class Name:
    division: Division
    gate: int  # OPEN, NEEDS_PROVINCE or NEEDS_CITY
    outlet: bool = False  # the name of a news outlet serving the division
    landmark: str = ""  # the kind of landmark (landmarks.py) the name stands for; "" for a division

    @property
    def gated(self) -> bool:
        return self.gate != OPEN


def short_name(name: str) -> str | None:
    """内江市 → 内江, 广西壮族自治区 → 广西, 秀英区 → 秀英; None when too short to be safe."""
    if m := _ETHNIC_RE.match(name):
        short = m.group(1)
    else:
        short = next((name[: -len(s)] for s in _SUFFIXES if name.endswith(s)), name)
    if len(short) < 2 or short == name or name in GENERIC_FULL or short in DIRECTIONS:
        return None
    return short


@cache
def _index() -> tuple[dict[str, tuple[Name, ...]], dict[str, tuple[int, ...]]]:
    """Name → candidates, and per 2-character prefix the lengths of the names it starts, longest first."""
    index: dict[str, list[Name]] = defaultdict(list)

    def add(name: str, div: Division, gate: int) -> None:
        if all(n.division is not div for n in index[name]):
            index[name].append(Name(div, gate))

    for div in divisions():
        if div.level == CITY and div.name in MUNICIPALITIES:
            continue  # the municipality's city row repeats the province
        if div.level == TOWN:
            if len(div.name) >= 3 and div.name.endswith(_TOWN_SUFFIXES):
                add(div.name, div, NEEDS_CITY)
                if div.name.endswith("街道") and len(div.name) >= 4:
                    add(div.name[:-1], div, NEEDS_CITY)  # 红旗街 for 红旗街道: the street it is named after
            continue
        outside = div.level == COUNTY and div.province in OUTSIDE
        add(div.name, div, NEEDS_CITY if div.name in GENERIC_FULL or outside else OPEN)
        if short := short_name(div.name):
            add(short, div, NEEDS_CITY if div.level == COUNTY else NEEDS_PROVINCE if short in WORDLIKE_SHORT else OPEN)
            if div.name.endswith("自治州"):
                add(short + "州", div, OPEN)  # 延边州, 凉山州: how texts name an autonomous prefecture
    # A province's or city's short name means it, not a smaller division of that name elsewhere or
    # inside it (河北 is not 天津市河北区, 海南 not 青海's 海南州, 吉林 not 吉林市, 长沙 not 长沙县),
    # which texts name in full.
    for div in divisions():
        if div.level == PROVINCE and (short := short_name(div.name)):
            index[short] = [n for n in index[short] if n.division is div]
        elif div.level == CITY and (short := short_name(div.name)):
            index[short] = [n for n in index[short] if n.division.level < COUNTY or n.division.city != div.name]
    for old, divs in renamed().items():
        for div in divs:
            add(old, div, OPEN)
            if (short := short_name(old)) and short not in index:
                add(short, div, NEEDS_CITY if div.level == COUNTY else NEEDS_PROVINCE)
    for nick, name in NICKNAMES.items():
        for div in _highest(name):
            add(nick, div, NEEDS_PROVINCE)
    for outlet, name in OUTLETS.items():
        index[outlet].extend(Name(div, OPEN, outlet=True) for div in _highest(name))
    # Landmarks and institutions (故宫, 哈工大, 萧山机场); a division's or an outlet's name of the same
    # spelling says as much (峨眉山, 黄山), and keeps its own reading.
    taken = set(index)
    for mark in landmarks():
        for name, gated in mark.names:
            if name not in taken:
                index[name].append(Name(mark.division, NEEDS_CITY if gated else OPEN, landmark=mark.kind))
    for name, country in foreign().items():
        # Foreign places only make a story "abroad"; a Chinese division of the same name wins.
        if name not in index:
            add(name, Division(-1, name, ABROAD, None, country), OPEN)
    frozen = {k: tuple(v) for k, v in index.items()}
    lengths: dict[str, set[int]] = defaultdict(set)
    for name in frozen:
        lengths[name[:2]].add(len(name))
    # Only the lengths some name has are tried: 中国 starts 中国人民大学 and 中国科学技术大学, nothing between.
    return frozen, {prefix: tuple(sorted(ns, reverse=True)) for prefix, ns in lengths.items()}


def _highest(name: str) -> list[Division]:
    """The divisions of a full name at its highest level (北京市 the municipality, not its city row)."""
    divs = by_full_name().get(name, [])
    top = min((d.level for d in divs), default=0)
    return [d for d in divs if d.level == top]


def mentions(text: str) -> list[tuple[str, int, tuple[Name, ...]]]:
    """Division names in ``text`` (longest match, left to right): (name, end offset, candidates)."""
    index, lengths = _index()
    out = []
    n, end = len(text), 0  # end: where the last name found ends (a name is not looked for inside it)
    for i in _prefix_starts(text):
        if i < end:
            continue
        for size in lengths[text[i : i + 2]]:
            if i + size <= n and (cands := index.get(text[i : i + size])) is not None:
                out.append((text[i : i + size], i + size, cands))
                end = i + size
                break
    return out


_BITS = 21  # of a code point: two of them make one key


@cache
def _prefix_keys() -> np.ndarray:
    """The 2-character prefixes of the names (``_index``), each as its two code points in one sorted key."""
    import numpy as np  # not at import: a worker imports this module before it gives BLAS one thread (parallel._warm)

    return np.array(sorted((ord(p[0]) << _BITS) | ord(p[1]) for p in _index()[1] if len(p) == 2), dtype=np.uint64)


def _prefix_starts(text: str) -> list[int]:
    """Offsets in ``text`` where the prefix of some name starts: one in twenty characters of news. Found
    for all offsets at once (a sorted search of the text's character pairs), not by a look-up at each."""
    if len(text) < 2:
        return []
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    pairs = (codes[:-1] << np.uint64(_BITS)) | codes[1:]
    keys = _prefix_keys()
    at = np.minimum(np.searchsorted(keys, pairs), len(keys) - 1)
    return np.flatnonzero(keys[at] == pairs).tolist()


def names_place(text: str) -> bool:
    """Whether ``text`` names a place with a name that counts on its own."""
    return any(not c.gated for _, _, cands in mentions(text) for c in cands)


def names_province(text: str, province: str) -> bool:
    return any(c.division.province == province for _, _, cands in mentions(text) for c in cands)


def under(child: Division, parent: Division) -> bool:
    """Whether ``child`` lies inside ``parent`` (吉林省 ⊃ 长春市 ⊃ 朝阳区; 巴西 ⊃ 圣保罗)."""
    if child.province != parent.province:
        return False
    if ABROAD in (child.level, parent.level):
        return child.level == parent.level and child.name != parent.name
    if child.level <= parent.level:
        return False
    same_city = child.city == parent.city
    return parent.level == PROVINCE or (same_city and (parent.level == CITY or child.county == parent.county))
