"""Articles + summaries → Briefing: grouped by province and city, in division-code order."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

from .. import facts
from ..errors import ConfigError
from ..spill import Held, Spill
from ..text import safe_value
from ..types import (
    Article,
    Briefing,
    BriefingItem,
    CitySection,
    KeyFigure,
    Period,
    ProvinceSection,
    SkippedFile,
    Story,
    Summary,
)
from .keywords import chosen, document_counts, text_terms
from .overview import Completer, compose_overview

if TYPE_CHECKING:
    from ..dedup import Plan  # numpy: imported where reprints are merged

OTHER_REGION = "其他地区"
NO_CITY = "未注明城市"
# Stories spread over several provinces, or national ones, come after the provinces, before 其他地区.
SCOPE_SECTIONS = {"multi": ("97", "多地"), "national": ("98", "全国")}
OTHER_KEY = "99"
# How the stories of a city are ordered: by date, newest (the default) or oldest first, undated ones
# last; or as the input gave them.
ORDERS = ("newest", "oldest", "input")


def check_order(order: str, name: str = "order") -> None:
    """Raise ``ConfigError`` (a ValueError) unless ``order`` is one of ``ORDERS``; ``name`` is how the
    caller's user wrote the setting (``order``, the config key ``sort``, the option ``--sort``)."""
    if order not in ORDERS:
        raise ConfigError(f"{name} must be one of {', '.join(ORDERS)}, got {order!r}")


# What the briefing finds in one article's text: its candidate keywords (``keywords.text_terms``, to be
# weighed against the other articles') and its key figures.
ArticleFacts = tuple[dict[str, int], tuple[KeyFigure, ...]]


def in_period(articles: Sequence[Article], since: dt.date | None, until: dt.date | None
              ) -> tuple[list[Article], Period]:
    """The articles dated within ``since``–``until`` (both included, either open), and those without a
    date: a reader is better served by an undated article than by its silent loss. The ``Period``
    says how many dated articles fell outside and how many undated ones were kept.
    """
    kept = [a for a in articles if within(a, since, until)]
    return kept, Period(since, until, excluded=len(articles) - len(kept), undated=sum(a.date is None for a in kept))


def within(article: Article, since: dt.date | None, until: dt.date | None) -> bool:
    """Whether ``in_period`` keeps ``article``: undated, or dated ``since``–``until`` (both included)."""
    return article.date is None or (since or article.date) <= article.date <= (until or article.date)


def _ordered(entries: list[tuple[dt.date | None, int]], order: str) -> list[tuple[dt.date | None, int]]:
    """(date, position) entries of a city's items in ``order`` (``ORDERS``)."""
    if order == "input":
        return entries
    sign = -1 if order == "newest" else 1
    return sorted(entries, key=lambda e: (e[0] is None, sign * (e[0] or dt.date.min).toordinal()))


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
    stories: Sequence[Story] | None = None,
    period: Period | None = None,
    order: str = "newest",
    found: Sequence[ArticleFacts | None] | None = None,
) -> Briefing:
    """Group items by province (code order; then 多地, 全国, 其他地区), then city (code order).

    Args:
        articles, summaries: one summary per article, in the same order.
        stories: the stories (``dedup.find_stories``) whose primaries ``articles`` are, in the same
            order: an item lists its story's reprints (另见), and a story related to another is shown
            under it (相关报道) instead of in a section of its own. None: every article is a story.
        title, date, issue, unit: the masthead (简报名称, 日期, 期号, 编印单位).
        skipped: files that could not be read, listed in the appendix.
        overview_engine: an object with ``complete(prompt, *, max_chars)`` that writes the 综述;
            None composes it without a model.
        prompts: a directory holding ``overview.txt`` (default: the packaged prompts).
        period: the dates the articles were chosen by (``in_period``), shown under the 综述.
        order: ``ORDERS``: the stories of a city by date, newest or oldest first (undated last), or
            in input order.
        found: ``article_facts`` of each article where already found (by the workers that read it),
            in the same order; the others (None, or all without it) are found here.

    Raises:
        ConfigError: ``order`` is not one of ``ORDERS`` (``check_order``).
        ValueError: ``stories`` does not match ``articles``.
    """
    check_order(order)
    return _briefing(_items(articles, summaries, stories, found), order=order, title=title, date=date,
                     skipped=skipped, issue=issue, unit=unit, overview_engine=overview_engine, prompts=prompts,
                     period=period)


class Record(NamedTuple):
    """One article as ``briefing_on_disk`` takes it: without its body, with its summary and its facts."""

    article: Article
    summary: Summary
    facts: ArticleFacts


def briefing_on_disk(records: Sequence[Record], df: Counter[str], *, spill: Spill[BriefingItem],
                     title: str, date: dt.date, skipped: Sequence[SkippedFile] = (), issue: str | None = None,
                     unit: str | None = None, period: Period | None = None, order: str = "newest",
                     stories: Plan | None = None) -> Briefing:
    """``build_briefing`` of articles read one at a time (``records``, a spill's view), each story put in
    ``spill`` as it is made: a month's briefing whose cities hold views of the spill
    (``spill.Spilled``), not its stories. The 综述 is composed without a model.

    ``stories``: the records' stories (``dedup.plan``); None: every record is a story. ``df`` is
    ``keywords.document_counts`` of the keyword candidates of the stories' primaries (every record's
    without ``stories``), counted by the caller a record at a time (``pipeline.brief_paths``).
    """
    check_order(order)
    n = len(records) if stories is None else len(stories.primaries)

    def item(s: int) -> BriefingItem:
        if stories is None:
            return _item(*records[s], df, n)
        reprints = tuple(records[i].article for i in stories.reprints[s])
        return _item(*records[stories.primaries[s]], df, n, reprints)

    found = (item(s) for s in range(n)) if stories is None else _nested(item, stories.related_to)
    # safe_value: the renderers' edge (compose.write_briefing) does not reach into a spill
    items = (safe_value(i.without_bodies()) for i in found)
    return _briefing(items, order=order, store=spill, title=title, date=date, skipped=skipped, issue=issue,
                     unit=unit, period=period)


def _briefing(items: Iterable[BriefingItem], *, order: str, title: str, date: dt.date, skipped: Sequence[SkippedFile],
              issue: str | None, unit: str | None, period: Period | None,
              store: Spill[BriefingItem] | Held[BriefingItem] | None = None, overview_engine: Completer | None = None,
              prompts: str | Path | None = None) -> Briefing:
    """The briefing of ``items``, grouped and ordered (``build_briefing``), each item kept in ``store``
    (default: in memory), each city a view of its items there."""
    store = Held() if store is None else store
    tree: dict[str, dict[str, list[tuple[dt.date | None, int]]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    scopes: dict[str, str] = {}
    city_codes: dict[tuple[str, str], str] = {}
    for item in items:
        article = item.article
        key, names[key], scopes[key] = _province_key(article)
        local = scopes[key] == "local"
        city = (article.region.city or NO_CITY) if local else ""
        code = article.region.code or ""
        city_codes[(key, city)] = code[:4] if local and article.region.city else "9999"
        tree[key][city].append((article.date, store.add(item)))
    sections = []
    for key in sorted(tree):
        cities = tuple(
            CitySection(city, store.view(at for _, at in _ordered(entries, order)))
            for city, entries in sorted(tree[key].items(), key=lambda kv: city_codes[(key, kv[0])])
        )
        local = scopes[key] == "local"
        sections.append(ProvinceSection(names[key], key + "0000" if local else None, cities, scopes[key]))
    return Briefing(
        title=title, date=date, sections=tuple(sections), skipped=tuple(skipped), issue=issue, unit=unit,
        overview=compose_overview(sections, overview_engine, prompts=prompts, title=title), period=period,
    )


def _items(articles: Sequence[Article], summaries: Sequence[Summary], stories: Sequence[Story] | None,
           known: Sequence[ArticleFacts | None] | None) -> list[BriefingItem]:
    """One item per story that heads its own entry, its related stories nested under it."""
    if stories is not None and len(stories) != len(articles):
        raise ValueError(f"stories: one per article expected, got {len(stories)} for {len(articles)}")
    if known is not None and len(known) != len(articles):
        raise ValueError(f"found: one per article expected, got {len(known)} for {len(articles)}")
    from ..parallel import map_ordered  # across processes inside parallel.using (a month's briefing)

    found = known if known is not None else [None] * len(articles)
    todo = [i for i, f in enumerate(found) if f is None]
    fresh = dict(zip(todo, map_ordered(article_facts, [(articles[i].title, articles[i].text) for i in todo]),
                     strict=True))  # each text goes to a worker once

    def facts_of(i: int) -> ArticleFacts:
        return fresh[i] if i in fresh else cast(ArticleFacts, found[i])

    # Passes over the texts (finding those not yet searched, above; counting; choosing), a text's facts
    # in hand one at a time: ``found`` may unpack them as asked (a month's keyword candidates are not
    # all held as dicts, ``parallel.Prepared``).
    df = document_counts(facts_of(i)[0] for i in range(len(articles)))
    items = [_item(article, summary, facts_of(i), df, len(articles), stories[i].reprints if stories else ())
             for i, (article, summary) in enumerate(zip(articles, summaries, strict=True))]
    return list(_nested(items.__getitem__, [s.related_to for s in stories])) if stories else items


def _nested(item: Callable[[int], BriefingItem], related_to: Sequence[int | None]) -> Iterator[BriefingItem]:
    """The item (``item(s)``) of each story that heads its own entry, with the items of the stories
    related to it (``related_to[s]``: the story ``s`` is shown under, or None) nested under it."""
    under: dict[int, list[int]] = defaultdict(list)
    for s, head in enumerate(related_to):
        if head is not None:
            under[head].append(s)
    for s, head in enumerate(related_to):
        if head is None:
            found = item(s)
            yield dataclasses.replace(found, related=tuple(map(item, under[s]))) if under[s] else found


def _item(article: Article, summary: Summary, found: ArticleFacts, df: Counter[str], n: int,
          reprints: tuple[Article, ...] = ()) -> BriefingItem:
    """An article's item: its keywords chosen from its candidates, weighed against the ``n`` texts ``df`` counted."""
    terms, figures = found
    return BriefingItem(article, summary, figures, tuple(chosen(terms, df, n)), reprints)


def article_facts(article: tuple[str, str]) -> ArticleFacts:
    """An article's (title, body) candidate keywords (``text_terms`` of its title and body) and key figures."""
    title, text = article
    return text_terms(f"{title}\n{text}"), tuple(facts.key_figures(text))
