"""Articles + summaries → Briefing: grouped by province and city, in division-code order."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from .. import facts
from ..types import Article, Briefing, BriefingItem, CitySection, ProvinceSection, SkippedFile, Summary
from .keywords import keywords
from .overview import Completer, compose_overview

OTHER_REGION = "其他地区"
NO_CITY = "未注明城市"
# Stories spread over several provinces, or national ones, come after the provinces, before 其他地区.
SCOPE_SECTIONS = {"multi": ("97", "多地"), "national": ("98", "全国")}
OTHER_KEY = "99"


def _province_key(article: Article) -> tuple[str, str, str]:
    """(sort key, section name, scope). Division codes order provinces: 黑龙江 23 … 山东 37 … 四川 51."""
    region = article.region
    if region.scope in SCOPE_SECTIONS:
        return (*SCOPE_SECTIONS[region.scope], region.scope)
    if region.code and region.province:
        return region.code[:2], region.province, "local"
    return OTHER_KEY, OTHER_REGION, "unknown"


def build_briefing(
    articles: Sequence[Article],
    summaries: Sequence[Summary],
    *,
    title: str,
    date: dt.date,
    skipped: Sequence[SkippedFile] = (),
    issue: str | None = None,
    unit: str | None = None,
    overview_engine: Completer | None = None,
    prompts: str | Path | None = None,
) -> Briefing:
    """Group items by province (code order; then 多地, 全国, 其他地区), then city (code order).

    Args:
        articles, summaries: one summary per article, in the same order.
        title, date, issue, unit: the masthead (简报名称, 日期, 期号, 编印单位).
        skipped: files that could not be read, listed in the appendix.
        overview_engine: an object with ``complete(prompt, *, max_chars)`` that writes the 综述;
            None composes it without a model.
        prompts: a directory holding ``overview.txt`` (default: the packaged prompts).
    """
    tree: dict[str, dict[str, list[BriefingItem]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    scopes: dict[str, str] = {}
    city_codes: dict[tuple[str, str], str] = {}
    words = keywords([f"{a.title}\n{a.text}" for a in articles])
    for article, summary, kw in zip(articles, summaries, words, strict=True):
        key, names[key], scopes[key] = _province_key(article)
        local = scopes[key] == "local"
        city = (article.region.city or NO_CITY) if local else ""
        code = article.region.code or ""
        city_codes[(key, city)] = code[:4] if local and article.region.city else "9999"
        item = BriefingItem(article, summary, tuple(facts.key_figures(article.text)), tuple(kw))
        tree[key][city].append(item)
    sections = []
    for key in sorted(tree):
        cities = tuple(
            CitySection(city, tuple(items))
            for city, items in sorted(tree[key].items(), key=lambda kv: city_codes[(key, kv[0])])
        )
        local = scopes[key] == "local"
        sections.append(ProvinceSection(names[key], key + "0000" if local else None, cities, scopes[key]))
    return Briefing(
        title=title, date=date, sections=tuple(sections), skipped=tuple(skipped), issue=issue, unit=unit,
        overview=compose_overview(sections, overview_engine, prompts=prompts, title=title),
    )
