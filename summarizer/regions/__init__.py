"""Article → Region: which province, city and county a story is about.

Every mention of a division (full name 秀英区, short name 秀英, old name 襄樊, a town such as
古楼街道, a nickname such as 冰城; ``names.py``) adds a weight that depends on where it appears —
front-matter ``region`` wins outright; then dateline, headline, lead, body, and outlets as weak
evidence — to the division and every level above it. An address written out (吉林省长春市朝阳区) is one
mention of its deepest part. The best province is chosen first, then the best city inside it, then
the best county inside that city. A story spread over several provinces is ``multi`` (or
``national`` when it speaks of the whole country), never forced into one province.

What a mention says depends on its words around it (``context.py``): a name inside an outlet's
name (湖北日报) is the outlet's, weak evidence; inside a company's, a street's or a person's name
(宁波远洋, 南京东路, 宁波同志) it is dropped; opening an organisation's or an event's name
(北京师范大学, 成都车展) it counts less; in a photo caption it counts little; where the sentence says
an event took place there (在呼和浩特举行) it counts more. A person's birthplace or hometown counts
nothing, and a digest of separate items has no single place unless half its items name it.

``Region.reason`` quotes the winning evidence for people: ``电头：中新网新疆新闻8月16日电``.
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
from .context import (
    aside_spans,
    biographical,
    digest_items,
    event_place,
    names_event,
    national_cues,
    person_notes,
)
from .data import ABROAD, COUNTY, MUNICIPALITIES, Division, divisions
from .names import GENERIC_FULL, NEEDS_CITY, OPEN, Name, mentions, names_place, names_province, short_name, under

__all__ = ["Division", "divisions", "mentions", "resolve", "short_name"]

WEIGHTS = {"region": 100.0, "alias": 3.0, "title": 3.0, "dateline": 3.0, "lead": 2.0, "body": 1.0, "source": 0.5,
           "outlet": 0.5, "aside": 0.2}
# How a field is named when the evidence is quoted for people.
LABELS = {"region": "元数据", "alias": "别名", "title": "标题", "dateline": "电头", "lead": "导语", "body": "正文",
          "source": "来源", "outlet": "媒体", "aside": "旁注"}
_TEXT_FIELDS = {"title", "lead", "body", "aside"}  # where the words around a name are read
_WEAK = {"source", "outlet", "region"}  # evidence that is not the story's own text
MENU_CHARS, ASIDE_CHARS = 16, 40  # lines without punctuation shorter than these: menus, headlines
LEAD_CHARS = 150  # the lead is the first paragraph, at most this long; the rest is body
BODY_HALF_WEIGHT_AT = 2000  # a body mention this many characters in weighs half
EVENT_NAME_SHARE = 0.5  # what a place opening a named event's name weighs
EVENT_BOOST = 2.0  # what a place where the sentence says the event took place weighs
LIST_ITEMS = 3  # places listed together from which each counts only its share
# What separates the items of a list of places: 、 or 和/及/与/或, after a repeated word (基地、) or a
# figure in brackets (上海（9.7%）、海南), or before a region word (和东北辽宁).
_LIST_GAP = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:[（(][^（）()]{0,12}[）)])?(?:、|和|及|与|以及|或)"
                       r"[\u4e00-\u9fff]{0,2}")
QUOTE_CHARS = 14  # characters quoted on each side of a name
TITLE_CHARS = 40  # a longer title is quoted cut

# What follows a name when it is part of a company, university, street or person (宁波远洋, 北京大学,
# 南京东路, 宁波同志, a listed company's stock code), a time zone (北京时间) or a dialect (北京腔):
# the mention is then not about the place.
_NOT_PLACE_AFTER = re.compile(
    r"(?:远洋|集团|银行|航空|证券|控股|股份|巴巴|大学|[东西南北中]?路(?!段)|大道|大街|街(?!道)|巷|同志|先生|女士"
    r"|时间|腔|口音|方言|话(?![剧题费筒术])"
    r"|[\u4e00-\u9fff]{0,4}[（(]\d{6})")  # 新疆交建（002941）: a listed company
# ... or part of an outlet's name (湖北日报, 深圳新闻网, 江苏广电): the outlet's place, weak evidence.
_OUTLET_AFTER = re.compile(
    r"(?:今报|日报|晚报|晨报|早报|商报|时报|都市报|青年报|特区报|电视台|卫视|广播|广电|融媒|(?:新闻)?网|客户端)")
# The commonest surnames: a word-like short name right after one is a person's given name.
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡杜叶程苏魏吕丁"
                "沈姚卢姜崔钟谭陆汪范廖贾夏韦邹孟熊秦邱尹薛闫段雷侯史陶黎贺顾毛郝龚邵钱严覃戴莫孔汤")
# Datelines near the start: 新华社福州8月1日电, 中新网陕西汉中8月4日电, 本报上海讯; and an outlet's own
# report, 湖北日报讯, 深圳新闻网2023年8月17日讯, 新民晚报讯, whose place is the outlet's.
_DATELINE = re.compile(
    r"(?:新华社|中新社|中新网|[\u4e00-\u9fff]{1,6}(?:社|网|报|台))([\u4e00-\u9fff]{2,8}?)\s?"
    r"(?:\d{1,2}月\d{1,2}日\s?电|(?:\d{1,2}月\d{1,2}日\s?)?讯)"
    r"|([\u4e00-\u9fff]{1,6}(?:报|网|台|客户端|新闻))(?:（[^）]{0,12}）)?\s?(?:\d{4}\s?年\s?)?"
    r"(?:\d{1,2}\s?月\s?\d{1,2}\s?日\s?)?讯")
DATELINE_WITHIN = 80  # characters from the start of the lead
# National and world news of the wires is filed from the capital: a Beijing dateline says where
# the desk is, so it counts only where the text names Beijing too.
CAPITAL = "北京市"

_SENTENCE_PUNCT = re.compile(r"[。，！？；：,.!?;]")
_CLAUSE_END = "。！？；，,;：:\n"
_SPACES = re.compile(r"\s{2,}")
MULTI_SHARE = 0.5  # below this share of the province evidence, with a strong second: several provinces
CITY_SHARE = 0.2  # of its province's evidence, at least, for a city to be named
COUNTY_FLOOR = 0.5  # a county needs at least one early body mention (or a gated one twice)
DIGEST_SHARE = 0.5  # share of a digest's items that must name the province
MIN_TEXT_SCORE = 2.0  # less text evidence than one lead mention: a passing mention, not the story's place
NATIONAL_CUES = 2  # cues such as 全国, 国务院 that make a story without one place national


@dataclass(frozen=True, slots=True)
class Mention:
    """One name found, where, with what weight, and the words around it (for people)."""

    where: str
    name: str
    weight: float
    cands: tuple[Name, ...]
    quote: str


def _kind(line: str) -> str:
    """``menu`` (a menu item), ``aside`` (a link or headline of another story) or ``prose``.

    Web pages leave menus and lists of other stories' headlines in the text; neither has
    sentence punctuation, and neither is about this story.
    """
    if _SENTENCE_PUNCT.search(line):
        return "prose"
    return "menu" if len(line) < MENU_CHARS else "aside" if len(line) < ASIDE_CHARS else "prose"


def _fields(article: Article) -> list[tuple[str, str, str]]:
    """(where, text, quote) for each part of the article; ``quote`` stands for the whole field."""
    paras = [_SPACES.sub(" ", p) for p in paragraphs(article.text)]
    kinds = [_kind(p) for p in paras]
    prose = [p for p, k in zip(paras, kinds, strict=True) if k == "prose"] or paras
    # A feature may open with a quote that names no place; then its second paragraph, which
    # says where it happened, serves as the lead.
    quote_led = len(prose) > 1 and prose[0].startswith(("“", "「", '"'))
    first = 1 if quote_led and not names_place(prose[0][:LEAD_CHARS]) else 0
    lead = prose[first][:LEAD_CHARS] if prose else ""
    body = "\n".join([*prose[:first], prose[first][LEAD_CHARS:], *prose[first + 1:]]) if prose else ""
    aside = "\n".join(p for p, k in zip(paras, kinds, strict=True) if k == "aside")
    out = []
    if m := _DATELINE.search(lead[:DATELINE_WITHIN]):
        out.append(("dateline", m.group(1) or m.group(2), m.group(0)))
        lead = lead[: m.start()] + "〇" * len(m.group(0)) + lead[m.end():]  # counted once, as the dateline
    # A title made from the first sentence repeats the lead: no evidence of its own.
    title = "" if article.title_derived else article.title
    out += [("title", title, title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS] + "…"), ("lead", lead, ""),
            ("body", body, ""), ("aside", aside, "")]
    if article.source:
        out.append(("source", article.source, article.source))
    if hint := article.meta.get("region"):
        out.append(("region", hint, f"region: {hint}"))
    return out


def _alias_divisions(value: str) -> list[Division]:
    """The most specific division named in an alias target such as 山东省聊城市东昌府区."""
    found = [c.division for _, _, cands in mentions(value) for c in cands if not c.gated]
    if not found:
        return []
    deepest = max(d.level for d in found)
    return [d for d in found if d.level == deepest]


def _quote(text: str, start: int, end: int) -> str:
    """The clause around ``text[start:end]``, at most QUOTE_CHARS characters either side."""
    a = start
    while a > max(0, start - QUOTE_CHARS) and text[a - 1] not in _CLAUSE_END:
        a -= 1
    b = end
    while b < min(len(text), end + QUOTE_CHARS) and text[b] not in _CLAUSE_END:
        b += 1
    return ("…" if a and text[a - 1] not in _CLAUSE_END else "") + text[a:b].strip("〇 ") + (
        "…" if b < len(text) and text[b] not in _CLAUSE_END else "")


def _names(where: str, text: str) -> list[tuple[int, int, str, tuple[Name, ...], bool, int]]:
    """The names in one field as (start, end, name, candidates, in an outlet's name).

    Filters what is not a place, and joins an address written out (吉林省长春市, 衡水安平) into one
    mention of its deepest part, whose candidates the address confirms.
    """
    notes = person_notes(text)
    out: list[tuple[int, int, str, tuple[Name, ...], bool, int]] = []
    for name, end, cands in mentions(text):
        start = end - len(name)
        if start and text[start - 1] in _SURNAMES and all(c.gated for c in cands):
            continue  # 郑板桥, 王平安: a person's given name, not the district
        outlet = any(c.outlet for c in cands) or bool(_OUTLET_AFTER.match(text, end))
        if where in _TEXT_FIELDS:
            if biographical(text, start, end, notes):
                continue  # 生于上海, （男，39岁，太原市人）: where a person comes from, not the event
            if not outlet and _NOT_PLACE_AFTER.match(text, end):
                continue
        if where == "dateline":
            cands = tuple(Name(c.division, OPEN, c.outlet) for c in cands)  # a dateline names a place
        if out and out[-1][1] == start and not any(c.outlet for c in out[-1][3]):
            p_start, _, p_name, p_cands, p_outlet, parts = out[-1]
            inner = [c for c in cands if any(under(c.division, p.division) for p in p_cands)]
            if inner:
                sure = any(not p.gated for p in p_cands)
                merged = tuple(Name(c.division, OPEN if sure else c.gate) for c in inner)
                out[-1] = (p_start, end, p_name + name, merged, p_outlet or outlet, parts + 1)
                continue
        out.append((start, end, name, cands, outlet, 1))
    return out


def _scan(article: Article, aliases: Mapping[str, str]) -> list[Mention]:
    """Every mention, weighted, with aliases applied first."""
    out = []
    for where, text, quote in _fields(article):
        for alias, target in aliases.items():
            if alias in text:
                divs = _alias_divisions(target)
                if divs and where != "region":
                    out.append(Mention("alias", alias, WEIGHTS["alias"] * text.count(alias),
                                       tuple(Name(d, False) for d in divs), f"{alias} → {target}"))
                text = text.replace(alias, "〇")  # an alias (with an empty target) hides a name
        asides = aside_spans(text) if where in _TEXT_FIELDS else []
        names = _names(where, text)
        shares = _list_shares(text, [(a, b) for a, b, *_ in names]) if where in _TEXT_FIELDS else [1.0] * len(names)
        for (start, end, name, cands, outlet, parts), share in zip(names, shares, strict=True):
            # An address weighs what its parts did; a list of places weighs what one mention does.
            kind, weight = where, WEIGHTS[where] * parts * share
            if where in _TEXT_FIELDS:
                if outlet:
                    kind, weight = "outlet", WEIGHTS["outlet"]
                elif any(a <= start < b for a, b in asides):
                    kind, weight = "aside", WEIGHTS["aside"]
                else:
                    if where == "body":
                        # Later mentions count less: the story's own place comes early, passing
                        # mentions and related-story links late.
                        weight /= 1 + end / BODY_HALF_WEIGHT_AT
                    if names_event(text, end):
                        weight *= EVENT_NAME_SHARE
                    elif event_place(text, start, end):
                        weight *= EVENT_BOOST
            out.append(Mention(kind, name, weight, cands, quote or _quote(text, start, end)))
    return _capital_dateline(out)


def _list_shares(text: str, spans: list[tuple[int, int]]) -> list[float]:
    """Per name, 1/N when it is one of N ≥ LIST_ITEMS places listed together (天津、济南、上海等方向), else 1."""
    shares = [1.0] * len(spans)
    run = [0]
    for i in range(1, len(spans) + 1):
        if i < len(spans) and _LIST_GAP.fullmatch(text, spans[i - 1][1], spans[i][0]):
            run.append(i)
            continue
        if len(run) >= LIST_ITEMS:
            for j in run:
                shares[j] = 1 / len(run)
        run = [i]
    return shares


def _capital_dateline(found: list[Mention]) -> list[Mention]:
    """A dateline in the capital counts only where the text names the capital too."""
    def capital(m: Mention) -> bool:
        return bool(m.cands) and all(c.division.province == CAPITAL for c in m.cands)

    if any(capital(m) for m in found if m.where in ("title", "lead", "body")):
        return found
    return [Mention("aside", m.name, WEIGHTS["aside"], m.cands, m.quote) if m.where == "dateline" and capital(m)
            else m for m in found]


def resolve(article: Article, *, aliases: Mapping[str, str] | None = None) -> Region:
    """The region an article is about, with confidence and the evidence quoted for people.

    Args:
        article: the article; ``article.meta["region"]`` (front matter, a JSON column) wins.
        aliases: extra names → the region they stand for, e.g. ``{"铁塔社区": "聊城市东昌府区"}``;
            an empty target means the name is not a place (``{"东方今报": ""}``).

    Returns:
        A ``Region``: ``scope`` is ``local`` (one province), ``multi`` (several), ``national``
        (the whole country) or ``unknown`` (no place found); ``reason`` says why in words.
    """
    found = _scan(article, aliases or {})
    live = _live(found)
    # Two passes: first every candidate of a shared name (朝阳区 in Beijing and Changchun) gets an
    # equal share; then the share follows the support the article gives each candidate's city.
    first = _tally(found, live, None)
    prov, city, county, text_score, evidence, abroad = _tally(found, live, first[1])
    if not prov:
        return Region(scope="unknown", evidence=("no place name found",), reason="未提及地名")
    total = sum(prov.values())
    ranked = sorted(prov, key=lambda p: (-prov[p], p))
    top = ranked[0]
    share = prov[top] / total
    hinted = any(m.where in ("region", "alias") for m in found)
    if not text_score and not abroad and all(m.where == "outlet" for m, divs in zip(found, live, strict=True) if divs):
        # A reporter's byline (封面新闻记者) alone: outlets report from everywhere.
        return Region(scope="unknown", confidence=round(share, 3), evidence=_summary(ranked, prov),
                      reason=f"仅有媒体名：{'、'.join(dict.fromkeys(m.name for m in found))}")
    if not hinted and (text_score or abroad):
        text_total = sum(text_score.values()) or 1.0
        shares = sorted((v / text_total for v in text_score.values()), reverse=True)
        where = max(abroad, key=lambda c: abroad[c], default="")
        titled = any(m.where == "title" and any(d.province == top for d in divs)
                     for m, divs in zip(found, live, strict=True))
        if where and abroad[where] > max(sum(text_score.values()), MIN_TEXT_SCORE) and not titled:
            # One foreign country named more than all of China's places together: a story abroad,
            # unless the headline names the province (a delegation abroad is its province's story).
            return Region(scope="unknown", confidence=round(share, 3), evidence=(f"story abroad: {where}",),
                          reason=f"国外报道：{where}")
        # Several provinces: a strong second, or three or more with a real share each.
        spread = (len(shares) > 1 and shares[1] >= 0.25) or sum(x >= 0.1 for x in shares) >= 3
        cues = national_cues(article.title + "\n" + article.text)
        if prov[top] < MULTI_SHARE * total and spread:
            scope = "national" if len(cues) >= NATIONAL_CUES else "multi"
            return Region(scope=scope, confidence=round(1 - share, 3), evidence=_summary(ranked, prov),
                          reason=_spread_reason(scope, ranked, prov, cues))
        if text_score.get(top, 0.0) < MIN_TEXT_SCORE:
            if len(cues) >= NATIONAL_CUES:
                return Region(scope="national", confidence=round(share, 3), evidence=_summary(ranked, prov),
                              reason=_spread_reason("national", ranked, prov, cues))
            return Region(scope="unknown", confidence=round(share, 3),
                          evidence=(f"only passing mentions: {', '.join(_summary(ranked, prov))}",),
                          reason=f"仅顺带提及：{'、'.join(_summary(ranked, prov))}")
        if items := digest_items(article.text):
            # A digest of separate items is about a place only if at least half of its items name it.
            naming = sum(names_province(item, top) for item in items)
            if naming < DIGEST_SHARE * len(items):
                return Region(scope="unknown", confidence=round(share, 3),
                              evidence=(f"digest of {len(items)} items, {naming} name {top}",),
                              reason=f"多条消息汇编：{len(items)} 条中 {naming} 条提及{top}")
    # A city holding a small share of its province's evidence is a passing mention in a story
    # about the province (a provincial campaign naming one county in passing).
    best_city = _best({c: s for c, s in city.items() if c[0] == top}, floor=CITY_SHARE * prov[top])
    city_name = best_city[1] if best_city else None
    best_county = _best({c: s for c, s in county.items() if c[:2] == (top, city_name)}, floor=COUNTY_FLOOR)
    county_name = best_county[2] if best_county else None
    if top in MUNICIPALITIES:
        city_name = top
    return Region(
        province=top, city=city_name, county=county_name, confidence=round(share, 3),
        evidence=tuple(dict.fromkeys(evidence[top]))[:8],
        code=_code(top, city_name, county_name), scope="local",
        reason=_reason(found, live, (top, city_name, county_name)),
    )


K = TypeVar("K", bound=tuple)  # type: ignore[type-arg]
Tally = tuple[dict[str, float], dict[tuple[str, str], float], dict[tuple[str, str | None, str], float],
              dict[str, float], dict[str, list[str]], dict[str, float]]


def _live(found: list[Mention]) -> list[list[Division]]:
    """Per mention, the candidates that count: gated ones only where the article supports them.

    A province or city is supported by an ungated mention of it or of a place inside it (a
    municipality's city by the municipality) that means nothing else (海南 is also 青海's 海南州,
    and vouches for neither), or by two gated names, one inside the other.
    """
    provinces: set[str] = set()
    cities: set[tuple[str, str | None]] = set()
    gated: dict[Division, set[str]] = defaultdict(set)  # gated division → the names that stand for it
    for m in found:
        open_divs = [c.division for c in m.cands if not c.gated and c.division.level != ABROAD]
        if len({d.province for d in open_divs}) == 1:
            provinces.add(open_divs[0].province)
            if len({d.city for d in open_divs}) == 1 and open_divs[0].city:
                cities.add((open_divs[0].province, open_divs[0].city))
        if m.name not in GENERIC_FULL:  # 东区 and 西区 of one estate must not vouch for 台中市东区/西区
            for c in m.cands:
                if c.gated:
                    gated[c.division].add(m.name)
    # Two different gated names, one inside the other, vouch for each other: 青浦 and 盈浦街道,
    # 新余 and 渝水, 北市 and 士林区 (会同县 and 通道县, both in 怀化市 but neither in the other, do not).
    for outer, outer_names in gated.items():
        for inner, inner_names in gated.items():
            if under(inner, outer) and inner_names - outer_names:
                provinces.add(outer.province)
                cities.add((outer.province, outer.city or inner.city))
    cities |= {(p, p) for p in provinces & MUNICIPALITIES}

    def counts(c: Name) -> bool:
        d = c.division
        if c.gate == OPEN:
            return True
        if c.gate == NEEDS_CITY and d.city:
            return (d.province, d.city) in cities
        return d.province in provinces

    return [[c.division for c in m.cands if counts(c)] for m in found]


def _tally(found: list[Mention], live: list[list[Division]], prior: Mapping[tuple[str, str], float] | None) -> Tally:
    prov: dict[str, float] = defaultdict(float)
    city: dict[tuple[str, str], float] = defaultdict(float)
    county: dict[tuple[str, str | None, str], float] = defaultdict(float)
    text_score: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[str]] = defaultdict(list)
    abroad: dict[str, float] = defaultdict(float)
    for m, divs in zip(found, live, strict=True):
        if not divs:
            continue
        if prior is not None and len(divs) > 1:
            support = [prior.get((d.province, d.city or ""), 0.0) + 0.01 for d in divs]
        else:
            support = [1.0] * len(divs)
        for div, part in zip(divs, support, strict=True):
            share = m.weight * part / sum(support)
            if div.level == ABROAD:
                if m.where not in _WEAK:
                    abroad[div.province] += share
                continue
            prov[div.province] += share
            if m.where not in _WEAK:
                text_score[div.province] += share
            if div.city:
                city[(div.province, div.city)] += share
            if div.county:
                county[(div.province, div.city, div.county)] += share
            evidence[div.province].append(f"{m.where}:{m.name}")
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


def _reason(found: list[Mention], live: list[list[Division]], answer: tuple[str, str | None, str | None]) -> str:
    """The strongest mention of the answer's province, quoted; and of its deepest part if that one does not name it."""
    province, city, county = answer

    def depth(divs: list[Division]) -> int:
        """How much of the answer the mention names: 1 province, 2 city, 3 county."""
        d = [x for x in divs if x.province == province]
        if county and any(x.county == county and x.city == city for x in d):
            return 3
        return 2 if city and any(x.city == city for x in d) else 1 if d else 0

    scored = [(depth(divs), m) for m, divs in zip(found, live, strict=True) if divs]
    scored = [(d, m) for d, m in scored if d]
    if not scored:
        return ""
    best = max(scored, key=lambda dm: dm[1].weight)
    deepest = max(d for d, _ in scored)
    parts = [best[1]]
    if best[0] < deepest:
        parts.append(max((m for d, m in scored if d == deepest), key=lambda m: m.weight))
    return "；".join(f"{LABELS[m.where]}：{m.quote}" for m in parts)


def _spread_reason(scope: str, ranked: list[str], prov: Mapping[str, float], cues: list[str]) -> str:
    places = "、".join(_summary(ranked, prov))
    if scope == "national":
        return f"全国性：{'、'.join(dict.fromkeys(cues))}；涉及 {places}"
    return f"涉及多个省份：{places}"


def _summary(ranked: Iterable[str], scores: Mapping[str, float]) -> tuple[str, ...]:
    return tuple(f"{p} {scores[p]:.1f}" for p in list(ranked)[:5])


@cache
def _codes() -> dict[tuple[str, str | None, str | None], str]:
    out = {}
    for d in divisions():
        if d.code and d.level <= COUNTY:
            out[(d.province, d.city if d.level >= 2 else None, d.county if d.level == COUNTY else None)] = d.code
    return out


def _code(province: str, city: str | None, county: str | None) -> str | None:
    """The code of the most specific level known (Taiwan's districts have none in the tree)."""
    codes = _codes()
    return codes.get((province, city, county)) or codes.get((province, city, None)) or codes.get(
        (province, None, None))
