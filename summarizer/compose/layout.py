"""What a briefing says, shared by the renderers (.docx, .md, .json): labels, lines and table rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..types import NOTABLE_LOSS, Briefing, BriefingItem, CitySection, KeyFigure, Overview, ProvinceSection, SkippedFile

OVERVIEW = "综述"
APPENDIX = "附录"
SOURCES = "一、来源列表"
SKIPPED = "二、未能读取的文件"
REGION_TABLE = "表1　各地区新闻篇数"
REGION_HEADER = ("地区", "城市", "篇数")
SOURCE_HEADER = ("序号", "标题", "来源", "日期", "文件或链接")
FIGURES = "关键数据："
KEYWORDS = "关键词："
NONE = "无。"
LOW_CONFIDENCE = 0.5
EXCERPT_CHARS = 24  # context either side of a key figure in its quoted sentence
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
    if overview.method.startswith("model-free"):
        note = "综述：由各篇摘要和关键数据汇总，未使用模型"
        reason = overview.method.partition("fallback: ")[2]
        return note + (f"（{reason}）" if reason else "")
    return f"综述：{overview.method}"


def region_rows(briefing: Briefing) -> list[tuple[str, str, str]]:
    """(region, city, articles) rows, province name on its first row only, and a 合计 row."""
    rows = []
    for section in briefing.sections:
        named = [c for c in section.cities if c.name]
        if not named:
            rows.append((section.name, "—", str(len(section.items))))
        for i, city in enumerate(named):
            rows.append((section.name if i == 0 else "", city.name, str(len(city.items))))
    if rows:
        rows.append(("合计", "", str(len(briefing.items))))
    return rows


def province_sections(sections: Sequence[ProvinceSection]) -> list[ProvinceSection]:
    """The sections that are one province (not 多地, 全国, 其他地区), in division-code order."""
    return [s for s in sections if s.scope == "local"]


def province_counts(briefing: Briefing) -> list[tuple[str, int]]:
    """(province, articles) for the sections that are one province, in division-code order."""
    return [(s.name, len(s.items)) for s in province_sections(briefing.sections)]


def counts(sections: Sequence[ProvinceSection]) -> tuple[int, int, int]:
    """(articles, provinces, cities) — only sections of one province count as provinces."""
    local = province_sections(sections)
    cities = sum(1 for s in local for c in s.cities if c.name and c.items)
    return sum(len(s.items) for s in sections), len(local), cities


def item_title(item: BriefingItem) -> str:
    return item.article.title + ("（标题由系统生成）" if item.article.title_derived else "")


def meta_line(item: BriefingItem) -> str:
    """source · date · district (or the whole region, for 多地/全国 stories) · file or URL."""
    a = item.article
    place = a.region.county if a.region.scope in ("local", "unknown") else a.region.label()
    parts = [a.source, chinese_date(a.date) if a.date else None, place, a.url or a.name]
    return " · ".join(p for p in parts if p)


def excerpt(figure: KeyFigure) -> str:
    """The source sentence around the figure, cut to ``EXCERPT_CHARS`` either side, in 「」."""
    sentence = figure.sentence.strip()
    at = sentence.find(figure.text)
    if at < 0 or len(sentence) <= 2 * EXCERPT_CHARS + len(figure.text):
        return f"「{sentence}」" if sentence else ""
    start, end = max(0, at - EXCERPT_CHARS), min(len(sentence), at + len(figure.text) + EXCERPT_CHARS)
    return f"「{'…' if start else ''}{sentence[start:end]}{'…' if end < len(sentence) else ''}」"


def engine_note(item: BriefingItem) -> str:
    note = f"摘要：{item.summary.method}"
    region = item.article.region
    if region.known and region.confidence < LOW_CONFIDENCE:
        note += f"；地区判断置信度低（{region.confidence:.0%}）"
    if item.article.cleaning_loss > NOTABLE_LOSS:
        note += f"；读取时清理掉了原文{item.article.cleaning_loss:.0%}的文字，请核对原文"
    return note


def source_rows(briefing: Briefing) -> list[tuple[str, str, str, str, str]]:
    return [
        (str(i), item_title(item), item.article.source or "—",
         chinese_date(item.article.date) if item.article.date else "—", item.article.url or item.article.name)
        for i, item in enumerate(briefing.items, start=1)
    ]


def skipped_line(skipped: SkippedFile) -> str:
    return f"{skipped.name}：{skipped.reason_zh}"
