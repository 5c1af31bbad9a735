"""Articles + summaries → Briefing: grouped by province and city, in division-code order."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from .. import facts
from ..types import Article, Briefing, BriefingItem, CitySection, ProvinceSection, SkippedFile, Summary

OTHER_REGION = "其他地区"
NO_CITY = "未注明城市"


def _province_key(article: Article) -> str:
    # Division codes order provinces: 黑龙江 23 … 山东 37 … 河南 41 … 海南 46 … 四川 51.
    code = article.region.code
    return code[:2] if code and article.region.province else "99"


def build_briefing(
    articles: Sequence[Article],
    summaries: Sequence[Summary],
    *,
    title: str,
    date: dt.date,
    skipped: Sequence[SkippedFile] = (),
) -> Briefing:
    """Group items by province (code order; unknown last as 其他地区), then city (code order)."""
    tree: dict[str, dict[str, list[BriefingItem]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    city_codes: dict[tuple[str, str], str] = {}
    for article, summary in zip(articles, summaries, strict=True):
        key = _province_key(article)
        names[key] = article.region.province or OTHER_REGION
        city = article.region.city or (NO_CITY if article.region.province else "")
        code = article.region.code or ""
        city_codes[(key, city)] = code[:4] if article.region.city else "9999"
        item = BriefingItem(article, summary, tuple(facts.key_figures(article.text)))
        tree[key][city].append(item)
    sections = []
    for key in sorted(tree):
        cities = tuple(
            CitySection(city, tuple(items))
            for city, items in sorted(tree[key].items(), key=lambda kv: city_codes[(key, kv[0])])
        )
        sections.append(ProvinceSection(names[key], None if key == "99" else key + "0000", cities))
    return Briefing(title=title, date=date, sections=tuple(sections), skipped=tuple(skipped))
