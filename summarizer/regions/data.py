"""The division table: provinces, cities, counties and towns with their names and codes.

Source: the location tree that jionlp ships (``jionlp/dictionary/china_location.zip``, the 2025
edition in jionlp 1.5.31, Apache-2.0), read as a file: importing jionlp would load its segmenter
and dictionaries for nothing. Unlike the GB/T 2260 table in cpca 0.5.5 (2021) it has the
divisions renamed since (杭州市临平区, 长治市潞州区), the cities and districts of Taiwan and Hong
Kong, the towns and sub-districts (南京东路街道 is in 黄浦区), and a list of renamings
(``china_location_change.txt``: 襄樊市 → 襄阳市) that gives old names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from ..lexicon import jionlp_lines

# Levels; ABROAD marks a foreign country or city in the name index.
ABROAD, PROVINCE, CITY, COUNTY, TOWN = 0, 1, 2, 3, 4
# Grouping rows of the tree that are not places: their children move up one level.
_PLACEHOLDERS = {"省直辖行政区划", "市直辖行政区划", "自治区直辖县级行政区划", "省直辖县级行政区划", "市辖区"}
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
# Hong Kong and Macau: the tree repeats the region as a "city" (香港); we give no city.
SARS = {"香港特别行政区", "澳门特别行政区"}
# Where the tree is wrong. Under 桃园市 (a municipality since 2014) it has six old names instead of
# its 13 districts; it spells 苗栗县 苗粟县; and it lists 金门县 and 连江县 under Taiwan as well as
# under Fujian (泉州市, 福州市), where the mainland's table has them — one home is kept, Fujian's.
_DISTRICTS = {"桃园市": ("桃园区", "中坜区", "平镇区", "八德区", "杨梅区", "芦竹区", "大溪区", "龙潭区",
                         "龟山区", "大园区", "观音区", "新屋区", "复兴区")}
_SPELLING = {"苗粟县": "苗栗县"}
_DUPLICATES = {("台湾省", "金门县"), ("台湾省", "连江县")}


@dataclass(frozen=True, slots=True)
class Division:
    """One division; ``province``/``city``/``county`` are the full names of it and its parents."""

    key: int
    name: str
    level: int
    code: str | None
    province: str
    city: str | None = None
    county: str | None = None


@cache
def divisions() -> tuple[Division, ...]:
    """Every province, city, county and town (villages are left out), in tree order."""
    out: list[Division] = []
    path: list[str | None] = [None, None, None]  # current province, city, county
    for line in jionlp_lines("china_location.zip"):
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 3:
            continue  # villages and communities: too many, too generic
        name, *rest = line.strip().split("\t")
        name = _SPELLING.get(name, name)
        code = rest[0] if rest and rest[0].isdigit() else None
        level = depth + 1
        if depth < 3:
            path[depth:] = [name] + [None] * (2 - depth)
        if name in _PLACEHOLDERS:
            continue
        prov, city, county = path
        if city in _PLACEHOLDERS and level >= COUNTY:
            # 济源市, 仙桃市 under 省直辖行政区划: county-level cities administered by the province,
            # which the briefing shows as cities; their towns hang under them.
            level, city, county = (CITY, name, None) if level == COUNTY else (level, county, None)
        elif level == TOWN and county in _PLACEHOLDERS:
            county = None  # towns of 儋州市 and 东莞市 hang directly under the city
        if (prov in SARS and level == CITY) or (prov, city) in _DUPLICATES or (city in _DISTRICTS and level > CITY):
            continue
        if prov in SARS:
            city = None
        out.append(Division(len(out), name, level, code if level < TOWN else None, prov or name,
                            city if level >= CITY else None,
                            county if level >= COUNTY else None))
    for city, names in _DISTRICTS.items():
        prov = next(d.province for d in out if d.name == city)
        for name in names:
            out.append(Division(len(out), name, COUNTY, None, prov, city, name))
    return tuple(out)


@cache
def by_full_name() -> dict[str, list[Division]]:
    """Full names (秀英区, 古楼街道) to the divisions that carry them."""
    index: dict[str, list[Division]] = defaultdict(list)
    for div in divisions():
        index[div.name].append(div)
    return dict(index)


@cache
def renamed() -> dict[str, list[Division]]:
    """Old full names of renamed divisions → the divisions they are now (襄樊市 → 襄阳市)."""
    out: dict[str, list[Division]] = defaultdict(list)
    index = by_full_name()
    for line in jionlp_lines("china_location_change.txt"):
        old, _, new = line.partition("=>")
        before, after = old.split("\t")[2::2], [n.strip() for n in new.split("\t")]
        if len(before) != len(after) or before[-1] == after[-1] or before[-1] in index:
            continue  # same name, or the old name is still a current division elsewhere
        parents = set(after[:-1])
        for div in index.get(after[-1], []):
            if {div.province, div.city or div.province} >= parents and div not in out[before[-1]]:
                out[before[-1]].append(div)
    return dict(out)


@cache
def foreign() -> dict[str, str]:
    """Names of foreign countries, their capitals and big cities → the country (东京 → 日本)."""
    out: dict[str, str] = {}
    for line in jionlp_lines("world_location.txt"):
        parts = line.strip().split("\t")
        if len(parts) < 2 or parts[0] == "中国":
            continue  # continent headings, and China itself
        country = parts[0]
        for name in [*parts[:3], *(parts[3].split("/") if len(parts) > 3 else [])]:
            if len(name) >= 2:
                out.setdefault(name, country)
    return out
