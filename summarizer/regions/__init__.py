"""Article → Region: which province, city and county a story is about.

Every mention of a division (full name 秀英区, short name 秀英, old name 襄樊, a town such as
古楼街道) adds a weight that depends on where it appears — front-matter ``region`` wins outright;
then dateline, headline, lead, body, and the outlet name as weak evidence — to the division and
every level above it. The best province is chosen first, then the best city inside it, then the
best county inside that city. A story spread over several provinces is ``multi`` (or ``national``
when it speaks of the whole country), never forced into one province.

Names that are often something else only count where the article supports their province
otherwise: short county names (平安, 南部, 合作 are ordinary words), town names, nicknames (水城 for
聊城, 北市 for 台北市) and words such as 东区 in 小区 names. A mention inside an outlet or company
name (东方今报, 宁波远洋), a street name (南京东路), or a person's name (宁波同志) is dropped or weakened;
so is a person's birthplace or hometown, and a digest of separate items has no single place
unless half its items name it (``context.py``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from ..text import paragraphs
from ..types import Article, Region
from .context import biographical, digest_items, person_notes
from .data import ABROAD, CITY, COUNTY, MUNICIPALITIES, SARS, TOWN, Division, by_full_name, divisions, foreign, renamed

__all__ = ["Division", "divisions", "mentions", "resolve", "short_name"]

WEIGHTS = {"region": 100.0, "alias": 3.0, "title": 3.0, "dateline": 3.0, "lead": 2.0, "body": 1.0, "source": 0.5,
           "aside": 0.2}
MENU_CHARS, ASIDE_CHARS = 16, 40  # lines without punctuation shorter than these: menus, headlines
LEAD_CHARS = 150  # the lead is the first paragraph, at most this long; the rest is body
BODY_HALF_WEIGHT_AT = 2000  # a body mention this many characters in weighs half

# Suffixes removed to form short names, longest first.
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "省", "市", "区", "县", "盟", "旗")
_ETHNIC_RE = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,6}族)+(?:自治区|自治州|自治县|自治旗)$")
# Short names of cities that are ordinary words, brands or people more often than places
# (长治久安, 白银, 来宾, 三明治, 中山路, 阿里巴巴): they count only with other support.
_WORDLIKE_SHORT = {"东方", "白银", "来宾", "安康", "长治", "大同", "三明", "中山", "黄山", "普洱", "阿里",
                   "玉树", "海东", "和田", "永康", "吉安", "开封", "通化", "金华", "江门", "南平", "丽江",
                   "清远", "长春", "平安", "武威", "新余", "辽源", "双鸭山", "七台河", "鹤岗"}
# Full names that are also ordinary words or parts of estate names (XX小区东区).
_GENERIC_FULL = {"东区", "西区", "南区", "北区", "城区", "郊区", "新区", "矿区", "中区", "城中区", "城东区",
                 "城西区", "城南区", "城北区", "市中区", "开发区", "高新区", "和平区", "新华区"}
# Nicknames and the abbreviations of Taiwanese news; they count only with other support.
NICKNAMES = {"水城": "聊城市", "江城": "武汉市", "北市": "台北市", "中市": "台中市", "高市": "高雄市",
             "桃市": "桃园市", "南市": "台南市", "竹市": "新竹市", "鹏城": "深圳市", "榕城": "福州市",
             "羊城": "广州市", "蓉城": "成都市", "泉城": "济南市", "冰城": "哈尔滨市", "鹭岛": "厦门市"}
# What follows a name when it is part of an outlet, company, street or person (东方今报, 宁波远洋,
# 南京东路, 宁波同志): the mention is then not about the place.
_NOT_PLACE_AFTER = re.compile(
    r"(?:今报|日报|晚报|晨报|早报|商报|时报|都市报|青年报|电视台|卫视|广播|远洋|集团|银行|航空|证券|控股|股份"
    r"|巴巴|大学|(?:新闻)?网|[东西南北中]?路(?!段)|大道|大街|街(?!道)|巷|同志|先生|女士"
    r"|时间)")  # 北京时间 is a time zone
# The commonest surnames: a word-like short name right after one is a person's given name.
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡杜叶程苏魏吕丁"
                "沈姚卢姜崔钟谭陆汪范廖贾夏韦邹孟熊秦邱尹薛闫段雷侯史陶黎贺顾毛郝龚邵钱严覃戴莫孔汤")
_NATIONAL = re.compile(r"全国|我国|国务院|中央|各省|多地|各地|多个省份")
# Datelines near the start: 新华社福州8月1日电, 中新网陕西汉中8月4日电, 本报上海讯.
_DATELINE = re.compile(
    r"(?:新华社|中新社|中新网|[\u4e00-\u9fff]{1,6}(?:社|网|报|台))([\u4e00-\u9fff]{2,8}?)\s?"
    r"(?:\d{1,2}月\d{1,2}日\s?电|讯)")
DATELINE_WITHIN = 80  # characters from the start of the lead

_TOWN_SUFFIXES = ("镇", "乡", "街道", "苏木")
_SENTENCE_PUNCT = re.compile(r"[。，！？；：,.!?;]")
_OUTSIDE = {"台湾省", *SARS}
MULTI_SHARE = 0.5  # below this share of the province evidence, with a strong second: several provinces
COUNTY_FLOOR = 0.5  # a county needs at least one early body mention (or a gated one twice)
DIGEST_SHARE = 0.5  # share of a digest's items that must name the province
MIN_TEXT_SCORE = 2.0  # less text evidence than one lead mention: a passing mention, not the story's place


@dataclass(frozen=True, slots=True)
class _Name:
    division: Division
    gated: bool  # counts only when its province has other support


def short_name(name: str) -> str | None:
    """内江市 → 内江, 广西壮族自治区 → 广西, 秀英区 → 秀英; None when too short to be safe."""
    if m := _ETHNIC_RE.match(name):
        short = m.group(1)
    else:
        short = next((name[: -len(s)] for s in _SUFFIXES if name.endswith(s)), name)
    if len(short) < 2 or short == name or name in _GENERIC_FULL:
        return None
    return short


@cache
def _index() -> tuple[dict[str, tuple[_Name, ...]], frozenset[str], int]:
    """Name → candidates, the set of 2-character prefixes (to skip fast), the longest name."""
    index: dict[str, list[_Name]] = defaultdict(list)

    def add(name: str, div: Division, gated: bool) -> None:
        if all(n.division is not div for n in index[name]):
            index[name].append(_Name(div, gated))

    for div in divisions():
        if div.level == CITY and div.name in MUNICIPALITIES:
            continue  # the municipality's city row repeats the province
        if div.level == TOWN:
            if len(div.name) >= 3 and div.name.endswith(_TOWN_SUFFIXES):
                add(div.name, div, gated=True)
            continue
        # Districts of Taiwan, Hong Kong and Macau (大社区, 中山区, 东区) are words or share names
        # with mainland districts; they count once the article names their region.
        outside = div.level == COUNTY and div.province in _OUTSIDE
        add(div.name, div, gated=div.name in _GENERIC_FULL or outside)
        if short := short_name(div.name):
            add(short, div, gated=div.level == COUNTY or short in _WORDLIKE_SHORT)
    for old, divs in renamed().items():
        for div in divs:
            add(old, div, gated=False)
            if (short := short_name(old)) and short not in index:
                add(short, div, gated=True)
    full = by_full_name()
    for nick, name in NICKNAMES.items():
        for div in full.get(name, []):
            add(nick, div, gated=True)
    for name, country in foreign().items():
        # Foreign places only make a story "abroad"; a Chinese division of the same name wins.
        if name not in index:
            add(name, Division(-1, name, ABROAD, None, country), gated=False)
    frozen = {k: tuple(v) for k, v in index.items()}
    return frozen, frozenset(k[:2] for k in frozen), max(map(len, frozen))


def mentions(text: str) -> list[tuple[str, int, tuple[_Name, ...]]]:
    """Division names in ``text`` (longest match, left to right): (name, end offset, candidates)."""
    index, prefixes, longest = _index()
    out = []
    i, n = 0, len(text)
    while i < n - 1:
        if text[i : i + 2] not in prefixes:
            i += 1
            continue
        for j in range(min(n, i + longest), i + 1, -1):
            if (cands := index.get(text[i:j])) is not None:
                out.append((text[i:j], j, cands))
                i = j
                break
        else:
            i += 1
    return out


def _kind(line: str) -> str:
    """``menu`` (a menu item), ``aside`` (a link or headline of another story) or ``prose``.

    Web pages leave menus and lists of other stories' headlines in the text; neither has
    sentence punctuation, and neither is about this story.
    """
    if _SENTENCE_PUNCT.search(line):
        return "prose"
    return "menu" if len(line) < MENU_CHARS else "aside" if len(line) < ASIDE_CHARS else "prose"


def _names_place(text: str) -> bool:
    return any(not c.gated for _, _, cands in mentions(text) for c in cands)


def _names_province(text: str, province: str) -> bool:
    return any(c.division.province == province for _, _, cands in mentions(text) for c in cands)


def _fields(article: Article) -> list[tuple[str, str]]:
    paras = paragraphs(article.text)
    kinds = [_kind(p) for p in paras]
    prose = [p for p, k in zip(paras, kinds, strict=True) if k == "prose"] or paras
    # A feature may open with a quote that names no place; then its second paragraph, which
    # says where it happened, serves as the lead.
    quote_led = len(prose) > 1 and prose[0].startswith(("“", "「", '"'))
    first = 1 if quote_led and not _names_place(prose[0][:LEAD_CHARS]) else 0
    lead = prose[first][:LEAD_CHARS] if prose else ""
    body = "\n".join([*prose[:first], prose[first][LEAD_CHARS:], *prose[first + 1:]]) if prose else ""
    aside = "\n".join(p for p, k in zip(paras, kinds, strict=True) if k == "aside")
    out = [("title", article.title), ("lead", lead), ("body", body), ("aside", aside)]
    if m := _DATELINE.search(lead[:DATELINE_WITHIN]):
        out.append(("dateline", m.group(1)))
    if article.source:
        out.append(("source", article.source))
    if hint := article.meta.get("region"):
        out.append(("region", hint))
    return out


def _alias_divisions(value: str) -> list[Division]:
    """The most specific division named in an alias target such as 山东省聊城市东昌府区."""
    found = [c.division for _, _, cands in mentions(value) for c in cands if not c.gated]
    if not found:
        return []
    deepest = max(d.level for d in found)
    return [d for d in found if d.level == deepest]


def _scan(article: Article, aliases: Mapping[str, str]) -> list[tuple[str, str, float, tuple[_Name, ...]]]:
    """Every mention as (where, name, weight, candidates), with aliases applied first."""
    out = []
    for where, text in _fields(article):
        for alias, target in aliases.items():
            if alias in text:
                divs = _alias_divisions(target)
                if divs and where != "region":
                    out.append(("alias", alias, WEIGHTS["alias"] * text.count(alias),
                                tuple(_Name(d, False) for d in divs)))
                text = text.replace(alias, "〇")  # an alias (with an empty target) hides a name
        notes = person_notes(text)
        for name, end, cands in mentions(text):
            weight = WEIGHTS[where]
            start = end - len(name)
            if start and text[start - 1] in _SURNAMES and all(c.gated for c in cands):
                continue  # 郑板桥, 王平安: a person's given name, not the district
            if where != "region" and biographical(text, start, end, notes):
                continue  # 生于上海, （男，39岁，太原市人）: where a person comes from, not the event
            if where == "body":
                # Later mentions count less: the story's own place comes early, passing
                # mentions and related-story links late.
                weight /= 1 + end / BODY_HALF_WEIGHT_AT
            if where not in ("source", "region") and _NOT_PLACE_AFTER.match(text, end):
                continue
            out.append((where, name, weight, cands))
    return out


def resolve(article: Article, *, aliases: Mapping[str, str] | None = None) -> Region:
    """The region an article is about, with confidence and human-readable evidence.

    Args:
        article: the article; ``article.meta["region"]`` (front matter, a JSON column) wins.
        aliases: extra names → the region they stand for, e.g. ``{"铁塔社区": "聊城市东昌府区"}``;
            an empty target means the name is not a place (``{"东方今报": ""}``).

    Returns:
        A ``Region``: ``scope`` is ``local`` (one province), ``multi`` (several), ``national``
        (the whole country) or ``unknown`` (no place found).
    """
    found = _scan(article, aliases or {})
    live = _live(found)
    # Two passes: first every candidate of a shared name (朝阳区 in Beijing and Changchun) gets an
    # equal share; then the share follows the support the article gives each candidate's city.
    first = _tally(found, live, None)
    prov, city, county, text_score, evidence, abroad = _tally(found, live, first[1])
    if not prov:
        return Region(scope="unknown", evidence=("no place name found",))
    total = sum(prov.values())
    ranked = sorted(prov, key=lambda p: (-prov[p], p))
    top = ranked[0]
    share = prov[top] / total
    hinted = any(w in ("region", "alias") for w, *_ in found)
    if not hinted and text_score:
        text_total = sum(text_score.values())
        shares = sorted((v / text_total for v in text_score.values()), reverse=True)
        where = max(abroad, key=lambda c: abroad[c], default="")
        if where and abroad[where] > text_score.get(top, 0.0):
            # One foreign country named more than any province: a story abroad.
            return Region(scope="unknown", confidence=round(share, 3), evidence=(f"story abroad: {where}",))
        # Several provinces: a strong second, or three or more with a real share each.
        spread = (len(shares) > 1 and shares[1] >= 0.25) or sum(x >= 0.1 for x in shares) >= 3
        if prov[top] < MULTI_SHARE * total and spread:
            scope = "national" if len(_national_cues(article)) >= 2 else "multi"
            return Region(scope=scope, confidence=round(1 - share, 3), evidence=_summary(ranked, prov))
        if text_score.get(top, 0.0) < MIN_TEXT_SCORE:
            return Region(scope="unknown", confidence=round(share, 3),
                          evidence=(f"only passing mentions: {', '.join(_summary(ranked, prov))}",))
        if items := digest_items(article.text):
            # A digest of separate items is about a place only if at least half of its items name it.
            naming = sum(_names_province(item, top) for item in items)
            if naming < DIGEST_SHARE * len(items):
                return Region(scope="unknown", confidence=round(share, 3),
                              evidence=(f"digest of {len(items)} items, {naming} name {top}",))
    best_city = _best({c: s for c, s in city.items() if c[0] == top})
    city_name = best_city[1] if best_city else None
    best_county = _best({c: s for c, s in county.items() if c[:2] == (top, city_name)}, floor=COUNTY_FLOOR)
    county_name = best_county[2] if best_county else None
    if top in MUNICIPALITIES:
        city_name = top
    return Region(
        province=top, city=city_name, county=county_name, confidence=round(share, 3),
        evidence=tuple(dict.fromkeys(evidence[top]))[:8],
        code=_code(top, city_name, county_name), scope="local",
    )


K = TypeVar("K", bound=tuple)  # type: ignore[type-arg]
Tally = tuple[dict[str, float], dict[tuple[str, str], float], dict[tuple[str, str | None, str], float],
              dict[str, float], dict[str, list[str]], dict[str, float]]


def _live(found: list[tuple[str, str, float, tuple[_Name, ...]]]) -> list[list[Division]]:
    """Per mention, the candidates that count: gated ones only where the article supports them.

    A province is supported by any ungated mention, or by two different gated names that agree
    on the city (北市 and 士林区 in a Taiwanese story that never says 台湾).
    """
    supported = {c.division.province for _, _, _, cands in found for c in cands if not c.gated}
    names_by_city: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for _, name, _, cands in found:
        if name in _GENERIC_FULL:
            continue  # 东区 and 西区 of one estate must not vouch for 台中市东区/西区
        for c in cands:
            if c.gated:
                names_by_city[(c.division.province, c.division.city)].add(name)
    supported |= {p for (p, c), names in names_by_city.items() if c and len(names) >= 2}
    return [[c.division for c in cands if not c.gated or c.division.province in supported]
            for _, _, _, cands in found]


def _tally(found: list[tuple[str, str, float, tuple[_Name, ...]]], live: list[list[Division]],
           prior: Mapping[tuple[str, str], float] | None) -> Tally:
    prov: dict[str, float] = defaultdict(float)
    city: dict[tuple[str, str], float] = defaultdict(float)
    county: dict[tuple[str, str | None, str], float] = defaultdict(float)
    text_score: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[str]] = defaultdict(list)
    abroad: dict[str, float] = defaultdict(float)
    for (where, name, weight, _), divs in zip(found, live, strict=True):
        if not divs:
            continue
        if prior is not None and len(divs) > 1:
            support = [prior.get((d.province, d.city or ""), 0.0) + 0.01 for d in divs]
        else:
            support = [1.0] * len(divs)
        for div, part in zip(divs, support, strict=True):
            share = weight * part / sum(support)
            if div.level == ABROAD:
                if where not in ("source", "region"):
                    abroad[div.province] += share
                continue
            prov[div.province] += share
            if where not in ("source", "region"):
                text_score[div.province] += share
            if div.city:
                city[(div.province, div.city)] += share
            if div.county:
                county[(div.province, div.city, div.county)] += share
            evidence[div.province].append(f"{where}:{name}")
    return prov, city, county, text_score, evidence, abroad


def _best(scores: Mapping[K, float], floor: float = 0.0) -> K | None:
    """The key with the highest score (ties by name), if it holds enough of the mass below its parent."""
    if not scores:
        return None
    key = min(scores, key=lambda k: (-scores[k], k))
    second = max((v for k, v in scores.items() if k != key), default=0.0)
    # Enough of the mass below the parent, or clearly ahead of the runner-up.
    if scores[key] < floor or (scores[key] < 0.4 * sum(scores.values()) and scores[key] < 2 * second):
        return None
    return key


def _national_cues(article: Article) -> list[str]:
    return _NATIONAL.findall(article.title + "\n" + article.text)


def _summary(ranked: Iterable[str], scores: Mapping[str, float]) -> tuple[str, ...]:
    return tuple(f"{p} {scores[p]:.1f}" for p in list(ranked)[:5])


@cache
def _codes() -> dict[tuple[str, str | None, str | None], str]:
    out = {}
    for d in divisions():
        if d.code and d.level <= COUNTY:
            out[(d.province, d.city if d.level >= CITY else None, d.county if d.level == COUNTY else None)] = d.code
    return out


def _code(province: str, city: str | None, county: str | None) -> str | None:
    """The code of the most specific level known (Taiwan's districts have none in the tree)."""
    codes = _codes()
    return codes.get((province, city, county)) or codes.get((province, city, None)) or codes.get(
        (province, None, None))

