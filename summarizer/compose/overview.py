"""The 综述: how many articles from where, the main themes, and the headline figures.

Composed from counts, keywords and key figures without a model; or, given a chat engine, the
counts and figures composed the same way around what the model writes from ``prompts/overview.txt``
(its variables: ``{title} {n_articles} {n_provinces} {n_cities} {regions} {summaries} {figures}
{min_chars} {max_chars}``): what the articles share and the measures taken. The model's prompt is
bounded (``PROMPT_CHARS``), so is its answer (``model_chars``: longer for more articles), and the
prompt asks for a length the checks accept and no figures (the composed sentence quotes them), so
an answer is seldom discarded; when one cannot be used, the model-free 综述 is, with the reason.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from .. import facts
from ..errors import SummarizerError
from ..lexicon import word_idf
from ..regions import mentions
from ..text import CLAUSE_MARKS, END_MARKS, cjk_count, split_clauses
from ..types import BriefingItem, KeyFigure, Overview, ProvinceSection
from .layout import counts, quote_around, reprint_count, story_count

log = logging.getLogger(__name__)

MODEL_CHARS = 120  # the most a model writes of the 综述 (``model_chars``)
MAX_FIGURES = 4
MAX_THEMES = 5
MAX_REGIONS = 6
# The model's prompt lists the summaries up to this many characters (about 1,400 tokens of Qwen's: a
# few seconds of prefill on a CPU and room in a 4k context), taking them in turn from each province so
# every region is in; the rest are counted. A 综述 names themes and a few figures, not every article.
PROMPT_CHARS = 2000
# Units of time (2022年, 3天): not amounts, so not headline figures (key_figures already drops dates).
TIME_UNITS = {"年", "月", "天", "小时", "分钟"}
MIN_MODEL_CHARS = 30  # a model's 综述 shorter than this is a heading or a fragment, not an overview
CLAUSE_CHARS = 16  # context either side of a figure quoted in the 综述
MIN_CONTEXT = 4  # Chinese characters besides the figure a quoted clause needs to say what it counts
# A theme must tell this briefing's news from any other: a word as common as 中国 (IDF 3.0), 市场 (3.3) or
# 全国 (4.7) in jionlp's word list does not; 服务 (5.3), 物业 (6.7), 防汛 (10.4) do.
MIN_THEME_IDF = 5.0
# Words that name the scope of news, not a topic of it, though less common than that.
SCOPE_WORDS = {"全省", "全市", "全区", "全县", "各地", "当地", "本地", "海外", "境外"}


class Completer(Protocol):
    """What the overview needs from a chat engine (issue 6's ``complete``)."""

    def complete(self, prompt: str, *, max_chars: int) -> str: ...


def _figure_clause(figure: KeyFigure) -> str:
    """The clause of the source sentence that holds the figure (verbatim, so it can be traced), cut
    between words to ``CLAUSE_CHARS`` either side."""
    clause = next((c for c in split_clauses(figure.sentence) if figure.text in c), figure.text)
    return quote_around(clause.rstrip(CLAUSE_MARKS + END_MARKS), figure.text, CLAUSE_CHARS)


def headline_figures(items: Iterable[BriefingItem], limit: int = MAX_FIGURES) -> list[tuple[BriefingItem, KeyFigure]]:
    """One amount (not a time) per article, the articles in briefing order, up to ``limit``.

    Of an article's amounts, the first whose clause reads well alone wins: not inside quoted
    speech (“间隔3米的距离。”) and short enough to quote whole; else simply the first.
    """
    out = []
    for item in items:
        if len(out) >= limit:
            break  # the rest are not read (a month's briefing reads its stories from disk)
        amounts = [f for f in item.key_figures if f.unit not in TIME_UNITS]
        if amounts:
            out.append((item, next((f for f in amounts if _quotable(f)), amounts[0])))
    return out


def _quotable(figure: KeyFigure) -> bool:
    """Whether the figure's clause reads alone: not quoted speech, short enough to quote whole, and
    saying what is counted (跌幅4.91% alone does not)."""
    clause = next((c for c in split_clauses(figure.sentence) if figure.text in c), figure.sentence)
    return (not re.search(r"[“”「」\"]", figure.sentence) and len(clause) <= len(figure.text) + 2 * CLAUSE_CHARS
            and cjk_count(clause.replace(figure.text, "")) >= MIN_CONTEXT)


def _spread(sections: Sequence[ProvinceSection]) -> Iterator[BriefingItem]:
    """The stories taking turns by section (the first of each, then the second …): headline figures
    then come from across the briefing, not all from its first province. Read as asked for."""
    return (story for _, story in _spread_at(sections))


def _spread_at(sections: Sequence[ProvinceSection]) -> Iterator[tuple[int, BriefingItem]]:
    """``_spread``'s stories with their positions in briefing order (``_stories``)."""
    starts = itertools.accumulate((story_count(s.items) for s in sections), initial=0)
    turns = [enumerate(_stories([s]), start) for s, start in zip(sections, starts, strict=False)]
    while turns:
        for turn in list(turns):
            if (story := next(turn, None)) is None:
                turns.remove(turn)
            else:
                yield story


def themes(items: Iterable[BriefingItem], limit: int = MAX_THEMES) -> list[str]:
    """Keywords shared by the most articles (then by rank within articles) that name a topic: not a
    place (哈尔滨, 白俄罗斯), not an amount (亿美元), not a word common to all news (中国, 市场), not the
    scope itself (全市, 各地)."""
    score: Counter[str] = Counter()
    for item in items:
        for rank, word in enumerate(item.keywords):
            score[word] += 10 - rank  # shared by two articles beats first place in one
    # the best first, asked of until ``limit`` are found (a month's briefing holds tens of thousands)
    return list(itertools.islice((w for w, _ in score.most_common() if _topic(w)), limit))


def _topic(word: str) -> bool:
    if word in SCOPE_WORDS or facts.amount_word(word) or word_idf().get(word, math.inf) < MIN_THEME_IDF:
        return False
    places = mentions(word)
    return not places or sum(len(name) for name, _, _ in places) < len(word) - 1


def _region_list(sections: Sequence[ProvinceSection]) -> str:
    """Every region with its cities, or — past ``MAX_REGIONS`` — the regions with the most stories (those
    with more than one), and the stories whose region is unknown."""
    if len(sections) <= MAX_REGIONS:
        parts = []
        for s in sections:
            names = [c.name for c in s.cities if c.name and c.name != s.name]
            cities = "、".join(names) if len(names) <= 3 else f"{'、'.join(names[:3])}等{len(names)}个城市"
            parts.append(f"{s.name}{'（' + cities + '）' if cities else ''}{story_count(s.items)}篇")
        return "：" + "，".join(parts)
    known = [s for s in sections if s.scope != "unknown"]
    unknown = sum(story_count(s.items) for s in sections if s.scope == "unknown")
    top = [s for s in sorted(known, key=lambda s: -story_count(s.items)) if story_count(s.items) > 1]
    if top:
        text = "，其中篇数较多的是" + "、".join(f"{s.name}{story_count(s.items)}篇" for s in top[:MAX_REGIONS - 1])
    else:
        text = f"，{'、'.join(s.name for s in known[:3])}等{len(known)}地各1篇" if known else ""
    return text + (f"，另有{unknown}篇未能确定地区" if unknown else "")


def model_free(sections: Sequence[ProvinceSection]) -> Overview:
    """Compose the 综述 from counts, keywords and key figures; every figure quoted from its source."""
    if next(_stories(sections), None) is None:
        return Overview("本期未收录新闻。", "model-free")
    words = themes(_stories(sections))
    return Overview(_lead(sections) + (f"主要内容涉及{'、'.join(words)}等方面。" if words else "")
                    + _figures_sentence(sections), "model-free")


def _lead(sections: Sequence[ProvinceSection]) -> str:
    """How many articles from where (本期共收录新闻7篇（另有2篇转载已合并），涉及5个省份、5个城市：…。)."""
    n, n_prov, n_city = counts(sections)
    where = f"涉及{n_prov}个省份、{n_city}个城市" if n_prov else "未能确定所涉地区"
    merged = sum(reprint_count(s.items) for s in sections)
    merged_note = f"（另有{merged}篇转载已合并）" if merged else ""
    return f"本期共收录新闻{n}篇{merged_note}，{where}{_region_list(sections)}。"


def _figures_sentence(sections: Sequence[ProvinceSection]) -> str:
    """Up to ``MAX_FIGURES`` headline figures from across the briefing, each quoted from its source clause
    with its city ("" if none)."""
    if not (figures := headline_figures(_spread(sections))):
        return ""
    return f"重要数据：{'；'.join(f'{_figure_clause(f)}（{_place(i)}）' for i, f in figures)}。"


def _stories(sections: Sequence[ProvinceSection]) -> Iterator[BriefingItem]:
    """Every story of the sections: each item, then the related reports under it (read as asked for)."""
    return (story for s in sections for item in s.items for story in (item, *item.related))


def _place(item: BriefingItem) -> str:
    region = item.article.region
    return region.city or region.province or "地区不详"


def model_chars(n_articles: int) -> int:
    """The budget of the model's part of the 综述: 40 characters and 3 more an article, up to ``MODEL_CHARS``.

    Decoding one answer is the slowest generation of a run for its length (one row, a token at a
    time): a dozen articles get a synthesis of some seventy characters; counts and figures are composed.
    """
    return min(MODEL_CHARS, 40 + 3 * n_articles)


def written_by(
    engine: Completer,
    sections: Sequence[ProvinceSection],
    *,
    prompts: str | Path | None = None,
    max_chars: int | None = None,
    title: str = "新闻简报",
) -> Overview:
    """Ask ``engine`` for the 综述's synthesis; fall back to ``model_free`` (saying why) when it can't be used.

    The model writes only what a model is for: what the articles have in common and the measures
    taken, between the counts sentence and the quoted figures, both composed here (so the model
    neither miscounts nor rewrites a number, and decodes a short answer). Its text is used only if
    it is long enough, and every figure and name in it appears in a source article or summary.
    """
    from ..prompts import load_prompt, render_prompt

    n, n_prov, n_city = counts(sections)
    max_chars = max_chars or model_chars(n)
    try:
        prompt = render_prompt(
            load_prompt("overview", prompts),
            title=title, max_chars=max_chars, min_chars=MIN_MODEL_CHARS,
            n_articles=n, n_provinces=n_prov, n_cities=n_city, regions=_region_list(sections).lstrip("：，"),
            summaries=_summary_lines(sections),
            figures="\n".join(f"- {_figure_clause(f)}（{_place(i)}）"
                               for i, f in headline_figures(_spread(sections), 10)),
        )
        text = engine.complete(prompt, max_chars=max_chars).strip()
    except (SummarizerError, OSError, RuntimeError, ValueError) as exc:
        return _fallback(sections, "综述模型不可用", str(exc))
    if not text:
        return _fallback(sections, "模型综述为空")
    if missing := unsupported(text, sections):
        return _fallback(sections, f"模型综述中的 {'、'.join(missing)} 不见于原文")
    if len(text) < MIN_MODEL_CHARS:  # a heading or a fragment (一、概述), not an overview
        return _fallback(sections, f"模型综述过短（{text}）")
    name, model = _writer(engine)
    return Overview(_lead(sections) + text + _figures_sentence(sections), f"{name} ({model})" if model else name,
                    model)


def unsupported(text: str, sections: Sequence[ProvinceSection]) -> list[str]:
    """Figures and names of a 综述 found in no title, article or summary of the briefing, nor in its counts
    (the check a model summary passes, ``facts.unsupported``)."""
    items = _stories(sections)
    n, n_prov, n_city = counts(sections)
    sources = "\n".join(f"{i.article.title}\n{i.article.text}\n{i.summary.text}" for i in items)
    merged = sum(reprint_count(s.items) for s in sections)
    return facts.unsupported(text, sources + f"\n{n}篇 {n_prov}个 {n_city}个 {merged}篇")


def _summary_lines(sections: Sequence[ProvinceSection]) -> str:
    """One line per story while ``PROMPT_CHARS`` allows, taken in turn from each province; then a count."""
    chosen: dict[int, str] = {}  # by position in the briefing: one pass, whether the stories are in memory or on disk
    size = 0
    for at, item in _spread_at(sections):
        size += len(line := _line(item)) + 1
        if size > PROMPT_CHARS:
            break
        chosen[at] = line
    lines = [chosen[at] for at in sorted(chosen)]  # in briefing order
    if left := counts(sections)[0] - len(chosen):
        lines.append(f"- （另有{left}篇未列出）")
    return "\n".join(lines)


def _line(item: BriefingItem) -> str:
    """A summary for the prompt, with its place and its headline (a derived headline repeats the summary)."""
    title = "" if item.article.title_derived else f"{item.article.title}："
    return f"- {_place(item)}：{title}{item.summary.text}"


def _writer(engine: Completer) -> tuple[str, str | None]:
    """The engine's name and its model's (``.model`` may be the network, not a name)."""
    model = getattr(engine, "model_name", None) or getattr(engine, "model", None)
    return str(getattr(engine, "name", "chat")), model if isinstance(model, str) and model else None


def _fallback(sections: Sequence[ProvinceSection], reason: str, detail: str = "") -> Overview:
    """The model-free 综述, its method naming ``reason`` (Chinese: the briefing shows it); ``detail``
    (an error's message) goes to the log only."""
    log.warning("overview: %s%s; composing it without a model", reason, f" ({detail})" if detail else "")
    overview = model_free(sections)
    return Overview(overview.text, f"model-free; fallback: {reason}")


def compose_overview(
    sections: Sequence[ProvinceSection],
    engine: Completer | None = None,
    *,
    prompts: str | Path | None = None,
    title: str = "新闻简报",
) -> Overview:
    """The 综述 for ``sections``: by ``engine`` when given (see ``written_by``), else model-free."""
    return model_free(sections) if engine is None else written_by(engine, sections, prompts=prompts, title=title)
