"""What a briefing says, shared by the renderers (.docx, .md, .json): labels, lines and table rows."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path

from ..spill import tally
from ..text import CLAUSE_MARKS, close_quotes, split_clauses, word_bounds
from ..types import (
    FALLBACK_WORDING,
    NOTABLE_LOSS,
    Article,
    Briefing,
    BriefingItem,
    CitySection,
    KeyFigure,
    Overview,
    Period,
    ProvinceSection,
    SkippedFile,
    Summary,
)

OVERVIEW = "综述"
APPENDIX = "附录"
SOURCES = "一、来源列表"
SKIPPED = "二、未能读取的文件"
REGION_TABLE = "表1　各地区新闻篇数"
SEE_ALSO = "另见："
RELATED = "相关报道"
REGION_HEADER = ("地区", "城市", "篇数")
SOURCE_HEADER = ("序号", "标题", "来源", "日期", "文件或链接")
FIGURES = "关键数据："
KEYWORDS = "关键词："
NONE = "无。"
EXTRACTIVE = "抽取式摘要"
LOW_CONFIDENCE = 0.5
EXCERPT_CHARS = 24  # context either side of a key figure in its quoted sentence, at most
TOC_MAX_ENTRIES = 30  # beyond this the 目录 lists provinces only, so it stays about a page


def chinese_date(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def issue_label(issue: str) -> str:
    """``12`` → 第12期; a label that already says 第…期 (or 总第…期) is kept as written."""
    return issue if "期" in issue else f"第{issue}期"


def city_heading(section: ProvinceSection, city: CitySection) -> str | None:
    """The Heading 2 for ``city``: None for no city, or a municipality's repeat (北京市 under 北京市)."""
    return city.name if city.name and city.name != section.name else None


def headings(briefing: Briefing) -> list[tuple[int, str]]:
    """(level, text) of the headings at outline levels 1 and 2 (Part Heading and Heading 1; Heading 2), in order."""
    out = [(1, OVERVIEW)]
    for section in briefing.sections:
        out.append((1, section.name))
        out.extend((2, name) for city in section.cities if (name := city_heading(section, city)))
    return [*out, (1, APPENDIX), (2, SOURCES), (2, SKIPPED)]


def toc_levels(briefing: Briefing) -> int:
    """How many heading levels the 目录 lists: 2, or 1 when that would make it longer than a page."""
    return 2 if len(headings(briefing)) <= TOC_MAX_ENTRIES else 1


def toc_entries(briefing: Briefing) -> list[tuple[int, str]]:
    levels = toc_levels(briefing)
    return [(level, text) for level, text in headings(briefing) if level <= levels]


def overview_note(overview: Overview) -> str:
    """Who wrote the 综述, and why without a model when one was asked for (the reason is Chinese)."""
    if overview.method.startswith("model-free"):
        note = "综述：由各篇摘要和关键数据汇总，未使用模型"
        reason = overview.method.partition("fallback: ")[2]
        return note + (f"（{reason}）" if reason else "")
    return f"综述：由模型撰写（{model_label(overview.model)}）" if overview.model else "综述：由模型撰写"


@cache  # asked for every summary of a briefing; the answer looks at the disk
def model_label(model: str) -> str:
    """A model as a reader knows it: a hub id as given (Qwen/Qwen2.5-1.5B-Instruct), a local folder or
    file by its name (qwen2.5-0.5b.gguf), not by the path on one machine."""
    path = Path(model)
    return path.name if path.is_absolute() or model.startswith((".", "~")) or path.exists() else model


def method_name(summary: Summary) -> str:
    """抽取式摘要, or 模型摘要（model）."""
    if summary.engine == "extractive":
        return EXTRACTIVE
    return f"模型摘要（{model_label(summary.model)}）" if summary.model else "模型摘要"


def period_note(period: Period | None) -> str | None:
    """时段：…至…（按文章日期）, with the articles left out and the undated ones kept; None without a period."""
    if period is None or (period.since is None and period.until is None):
        return None
    since, until = (chinese_date(d) if d else None for d in (period.since, period.until))
    span = f"{since}至{until}" if since and until else f"{since}起" if since else f"至{until}"
    note = f"时段：{span}（按文章日期）"
    if period.excluded:
        note += f"；不在时段内、未收录{period.excluded}篇"
    if period.undated:
        note += f"；未注明日期、已保留{period.undated}篇"
    return note


def overview_notes(briefing: Briefing) -> list[str]:
    """The grey notes under the 综述: who wrote it, how the summaries were written, the period."""
    notes = [overview_note(briefing.overview) if briefing.overview else None, methods_note(briefing),
             period_note(briefing.period)]
    return [n for n in notes if n]


def _summaries(briefing: Briefing) -> Iterator[Summary]:
    return (i.summary for head in briefing.items for i in (head, *head.related))


def mixed_methods(briefing: Briefing) -> bool:
    """Whether the stories' summaries were written in more than one way (each item then says which)."""
    return len({method_name(s) for s in _summaries(briefing)}) > 1


def methods_note(briefing: Briefing) -> str | None:
    """How the summaries were written, once for the whole briefing: each way with its count, and why
    the extractive engine stood in for a model, with counts (摘要：模型摘要（X）12篇，抽取式摘要3篇；…)."""
    ways: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for summary in _summaries(briefing):  # one pass: a month's stories are read from disk
        ways[method_name(summary)] += 1
        if summary.fallback_kind:
            reasons[FALLBACK_WORDING[summary.fallback_kind]] += 1
    if not ways:
        return None
    if len(ways) == 1:
        (way,) = ways
        note = f"摘要：均为{way}" + ("（从原文中选取语句，未使用模型）" if way == EXTRACTIVE else "")
    else:
        note = "摘要：" + "，".join(f"{way}{n}篇" for way, n in ways.most_common())
    if reasons:
        note += "；改用抽取式摘要的原因：" + "、".join(f"{why}{n}篇" for why, n in reasons.most_common())
    return note


def story_count(items: Iterable[BriefingItem]) -> int:
    """Stories among ``items``: each item, and each related report under it (reprints are not counted)."""
    return tally(items, _stories)  # items on disk are counted once (spill.tally)


def reprint_count(items: Iterable[BriefingItem]) -> int:
    """Reprints merged into ``items`` and into the related reports under them."""
    return tally(items, _reprints)


def _stories(item: BriefingItem) -> int:
    return 1 + len(item.related)


def _reprints(item: BriefingItem) -> int:
    return len(item.reprints) + sum(len(r.reprints) for r in item.related)


def merged_note(briefing: Briefing) -> str | None:
    """How the counts count: 按报道计, and how many reprints were merged — None when none were."""
    merged = reprint_count(briefing.items)
    return f"按报道计，同一报道的转载只计一次（已合并转载{merged}篇）" if merged else None


def region_rows(briefing: Briefing) -> list[tuple[str, str, str]]:
    """(region, city, stories) rows, province name on its first row only, and a 合计 row."""
    rows = []
    for section in briefing.sections:
        named = [c for c in section.cities if c.name]
        if not named:
            rows.append((section.name, "—", str(story_count(section.items))))
        for i, city in enumerate(named):
            rows.append((section.name if i == 0 else "", city.name, str(story_count(city.items))))
    if rows:
        rows.append(("合计", "", str(story_count(briefing.items))))
    return rows


def province_sections(sections: Sequence[ProvinceSection]) -> list[ProvinceSection]:
    """The sections that are one province (not 多地, 全国, 其他地区), in division-code order."""
    return [s for s in sections if s.scope == "local"]


def province_counts(briefing: Briefing) -> list[tuple[str, int]]:
    """(province, stories) for the sections that are one province, in division-code order."""
    return [(s.name, story_count(s.items)) for s in province_sections(briefing.sections)]


def counts(sections: Sequence[ProvinceSection]) -> tuple[int, int, int]:
    """(stories, provinces, cities) — only sections of one province count as provinces."""
    local = province_sections(sections)
    cities = sum(1 for s in local for c in s.cities if c.name and c.items)
    return sum(story_count(s.items) for s in sections), len(local), cities


def item_title(item: BriefingItem) -> str:
    return item.article.title + ("（标题由系统生成）" if item.article.title_derived else "")


def meta_line(item: BriefingItem) -> str:
    """source · date · district (or the whole region, for 多地/全国 stories) · file or URL."""
    a = item.article
    place = a.region.county if a.region.scope in ("local", "unknown") else a.region.label()
    parts = [a.source, chinese_date(a.date) if a.date else None, place, a.url or a.name]
    return " · ".join(p for p in parts if p)


def excerpt(figure: KeyFigure) -> str:
    """The source sentence around the figure, ``EXCERPT_CHARS`` either side at most, in 「」."""
    quote = quote_around(figure.sentence, figure.text, EXCERPT_CHARS)
    return f"「{quote}」" if quote else ""


def quote_around(sentence: str, focus: str, reach: int) -> str:
    """The words of ``sentence`` around ``focus``: the clauses that lie within ``reach`` characters
    either side of it, or, where its own clause reaches further, the words that do, cut between words
    and never inside a number (…70米 of 770米 would misquote); … marks a cut, quotation marks are paired.
    """
    sentence = sentence.strip()
    at = sentence.find(focus)
    if at < 0:
        return close_quotes(sentence)
    lo, hi = at - reach, at + len(focus) + reach
    edges = _clause_edges(sentence)
    start = min((e for e in edges if lo <= e <= at), default=None)
    end = max((e for e in edges if at + len(focus) <= e <= hi), default=None)
    if start is None or end is None:  # segmenting is the cost of rendering a figure: only when needed (1 in 7)
        bounds = word_bounds(sentence)
        start = min(b for b in bounds if b >= lo) if start is None else start
        end = max(b for b in bounds if b <= hi) if end is None else end
    text = sentence[start:end]
    if end < len(sentence):
        text = text.rstrip(CLAUSE_MARKS + " ") + "…"
    return close_quotes(("…" if start else "") + text.lstrip(" "))


def _clause_edges(sentence: str) -> list[int]:
    """Offsets where the clauses of ``sentence`` start and end."""
    edges, pos = [0], 0
    for clause in split_clauses(sentence):
        pos = sentence.find(clause, pos) + len(clause)
        edges.append(pos)
    return edges


# The engines' notes that are written in English (for the CLI and logs), as the briefing says them.
_NOTE_WORDING = (
    (re.compile(r"long article \(([\d,]+) characters\): summarised from its first ([\d,]+)"),
     "原文较长（{0}字），摘要依据前{1}字"),
)


def note_zh(note: str) -> str:
    """An engine's note in Chinese (``_NOTE_WORDING``); a note already in Chinese is kept as written."""
    for pattern, wording in _NOTE_WORDING:
        if m := pattern.fullmatch(note.strip()):
            return wording.format(*(g.replace(",", "") for g in m.groups()))
    return note


def engine_note(item: BriefingItem, *, method: bool = False) -> str:
    """The grey note under a story: how its summary was written (when ``method``: the briefing mixes
    ways), the engine's notes (in Chinese), a low region confidence, a notable loss at cleaning; '' when
    nothing."""
    parts = [f"摘要：{method_name(item.summary)}"] if method else []
    parts += map(note_zh, item.summary.notes)
    region = item.article.region
    if region.known and region.confidence < LOW_CONFIDENCE:
        parts.append(f"地区判断置信度低（{region.confidence:.0%}）")
    if item.article.cleaning_loss > NOTABLE_LOSS:
        parts.append(f"读取时清理掉了原文{item.article.cleaning_loss:.0%}的文字，请核对原文")
    return "；".join(parts)


def outlet(article: Article) -> str:
    """The outlet a reader knows an article by: its source, else its link or file."""
    return article.source or article.url or article.name


def see_also(item: BriefingItem) -> str | None:
    """另见：新京报 2023年8月10日、…（N 家转载） — the other copies of the story; None when there are none."""
    if not item.reprints:
        return None
    copies = [" ".join(p for p in (outlet(a), chinese_date(a.date) if a.date else None) if p) for a in item.reprints]
    outlets = len({outlet(a) for a in item.reprints})
    return f"{SEE_ALSO}{'、'.join(copies)}（{outlets} 家转载）"


def source_rows(briefing: Briefing) -> Iterator[tuple[str, str, str, str, str]]:
    """Every article in the briefing, numbered: each story (related reports after the story they are
    shown under), then its reprints, marked with the number of the story they were merged into.
    Made as they are read: a month's list is written row by row."""
    number = 0

    def row(article: Article, title: str) -> tuple[str, str, str, str, str]:
        return (str(number), title, article.source or "—", chinese_date(article.date) if article.date else "—",
                article.url or article.name)

    for head in briefing.items:
        for item in (head, *head.related):
            number += 1
            story = number
            yield row(item.article, item_title(item) + (f"（{RELATED}）" if item is not head else ""))
            for copy in item.reprints:
                number += 1
                yield row(copy, f"{copy.title}（转载，已并入第{story}条）")


def skipped_line(skipped: SkippedFile) -> str:
    return f"{skipped.name}：{skipped.reason_zh}"
