"""Article → Region: which province, city and county a story is about.

Every mention of a division (``scan.py``: full name 秀英区, short name 秀英, old name 襄樊, a town such as
古楼街道, a nickname such as 冰城 — ``names.py``; a landmark such as 故宫 or 萧山机场 — ``landmarks.py``)
adds a weight that depends on where it appears and on the words around it (``context.py``) —
front-matter ``region`` wins outright; then dateline, headline, lead, body, and outlets and the
homes of organisations as weak evidence — to the division and every level above it. Names that are
often words count only where the article supports them otherwise. The best province is chosen first,
then the best city inside it, then the best county inside that city. A story spread over several
provinces is ``multi`` (or ``national`` when it speaks of the whole country), never forced into one
province; a story abroad, or naming places only in passing, has none.

``Region.reason`` quotes the winning evidence for people: ``电头：中新网新疆新闻8月16日电``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TypeVar

from ..types import Article, Region
from .context import digest_items, local_voice, national_cues
from .data import ABROAD, COUNTY, MUNICIPALITIES, Division, divisions
from .names import GENERIC_FULL, NEEDS_CITY, OPEN, Name, mentions, names_province, short_name, under
from .scan import Mention, scan

__all__ = ["Division", "divisions", "mentions", "resolve", "short_name"]

# How a field is named when the evidence is quoted for people.
LABELS = {"region": "元数据", "alias": "别名", "title": "标题", "dateline": "电头", "lead": "导语", "body": "正文",
          "source": "来源", "outlet": "媒体", "home": "机构", "aside": "旁注"}
_WEAK = {"source", "outlet", "region"}  # evidence that is not the story's own text
_OWN = {"title", "dateline", "lead", "body"}  # the story's own words, not asides, homes or outlets
MULTI_SHARE = 0.5  # below this share of the text's province evidence: several provinces
CITY_SHARE = 0.2  # of its province's evidence, at least, for a city to be named
COUNTY_FLOOR = 0.5  # a county needs at least one early body mention (or a gated one twice)
DIGEST_SHARE = 0.5  # share of a digest's items that must name the province
MIN_TEXT_SCORE = 2.0  # less text evidence than one lead mention: a passing mention, not the story's place
NATIONAL_CUES = 2  # different cues such as 全国, 国务院 that make a story without one place national
NATIONAL_CUE_WEIGHT = 2.0  # what each different cue weighs against the top province's text evidence


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
    found = scan(article, aliases or {})
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
    counted = [m for m, divs in zip(found, live, strict=True) if divs]
    if not text_score and not abroad and all(m.where == "outlet" for m in counted):
        # A reporter's byline (封面新闻记者) alone: outlets report from everywhere.
        return Region(scope="unknown", confidence=round(share, 3), evidence=_summary(ranked, prov),
                      reason=f"仅有媒体名：{'、'.join(dict.fromkeys(m.name for m in counted))}")
    if not hinted and (text_score or abroad):
        text_total = sum(text_score.values()) or 1.0
        where = max(abroad, key=lambda c: abroad[c], default="")
        titled = any(m.where == "title" and any(d.province == top for d in divs)
                     for m, divs in zip(found, live, strict=True))
        if where and abroad[where] > max(sum(text_score.values()), MIN_TEXT_SCORE) and not titled:
            # One foreign country named more than all of China's places together: a story abroad,
            # unless the headline names the province (a delegation abroad is its province's story).
            return Region(scope="unknown", confidence=round(share, 3), evidence=(f"story abroad: {where}",),
                          reason=f"国外报道：{where}")
        cues = national_cues(article.title + "\n" + article.text)
        national = len(set(cues)) >= NATIONAL_CUES
        if text_score and max(text_score.values()) < MULTI_SHARE * text_total:
            # No province holds half of what the story's own text says (outlets and source aside):
            # several provinces, however many share the rest (a weather round-up names twenty).
            scope = "national" if national else "multi"
            return Region(scope=scope, confidence=round(1 - share, 3), evidence=_summary(ranked, prov),
                          reason=_spread_reason(scope, ranked, prov, cues))
        if national and not titled and not local_voice(article.title + "\n" + article.text) and (
                _in_body_only(found, live, top) or text_score[top] < NATIONAL_CUE_WEIGHT * len(set(cues))):
            # A story that speaks of the whole country — not as a local government, nor with its one
            # province in the headline — and names that province only down in the body (never in the
            # lead, which says where a story is) or in fewer ways than it speaks of the country (each
            # different cue weighs what a lead mention does): the place is an example or a venue (an
            # industry's figures with one outlet mall as the example; a ministry's meeting in Beijing).
            return Region(scope="national", confidence=round(share, 3), evidence=_summary(ranked, prov),
                          reason=_spread_reason("national", ranked, prov, cues))
        if text_score.get(top, 0.0) < MIN_TEXT_SCORE:
            if national:
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
            if div.county and m.where != "home":  # an organisation's home says its city, not the story's district
                county[(div.province, div.city, div.county)] += share
            evidence[div.province].append(f"{m.where}:{m.name}")
    return prov, city, county, text_score, evidence, abroad


def _in_body_only(found: list[Mention], live: list[list[Division]], province: str) -> bool:
    """Whether the story's own words name ``province`` in the body only (not headline, dateline or lead)."""
    return {m.where for m, divs in zip(found, live, strict=True)
            if m.where in _OWN and any(d.province == province for d in divs)} == {"body"}


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
