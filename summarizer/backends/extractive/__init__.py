"""Extractive engine: picks clauses and sentences from the article, so it cannot invent a fact.

1. Split the article into sentences; drop lines that are not prose (subheads, captions, bylines),
   sentences with a garbled span (``types.GARBLED``), links, the marks of Weibo #topic# tags and
   short bracketed asides (stock codes, outlets);
   drop dates that only say when (``drop_times``: 当地时间20日, a lead 9月3日，), as headlines do.
2. Candidates are runs of consecutive clauses of one sentence (whole sentences included) that fit
   the character budget (``spans.candidate_units``), so tight budgets get clauses, not cut text.
3. Score each by centrality (TF-IDF cosine to the article and to the rest of it), the names and
   terms the article repeats that it holds, position, length, and readability cues
   (``spans.score_units``).
4. Take the best, then the next best until 60% of the budget is filled, skipping any that do not
   fit, overlap or repeat a chosen one (MMR-style redundancy cut, Carbonell & Goldstein 1998),
   score far below the best, or do not read well as an addition (``spans.good_filler``).
5. Print them in document order; a unit that ends on a comma ends with 。 instead, and one cut out of
   a quotation is marked as such (``_Shown``: “…, …”), its marks counted in the budget.

An article longer than ``text.LEAD_WINDOW`` characters is read from its lead window only
(``text.lead_window``), and its summary says so in ``Summary.notes``: scoring builds clauses ×
clauses and units × clauses matrices (``spans.unit_features``), whose cost grows with the square
of the text read (1 MB of text took 17 GB), so it is bounded whatever the article's length.

Budgets of ``headline.TIGHT`` characters or less are headlines: before step 2 a speaker clause
becomes ``speaker：`` and a scene-setting opener goes, and in step 5 a unit from later in a
speaker's sentence gets the speaker in front when it fits (``headline``).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Sequence

import numpy as np

from ...text import (
    BYLINE_OPEN,
    CJK,
    LEAD_WINDOW,
    PARTS_OF_DAY,
    close_clause,
    close_quotes,
    ends_sentence,
    lead_window,
    paragraphs,
    quote_depth,
    split_sentences,
    strip_asides,
    truncate_at_boundary,
)
from ...types import GARBLED, Article, Summary
from ..base import Capabilities, Engine
from .headline import TIGHT, colon_lead, drop_setting, with_speaker
from .spans import Candidates, Unit, UnitSpace, candidate_units, good_filler, score_units

_DUPLICATE = 0.5  # cosine above which a unit repeats one already chosen (2836户…6万份 twice)
# After the best unit, further units are added until the summary fills this share of the budget
# (a budget is a ceiling: the dev budgets are about 1.5x the length of the human summaries), and
# only while they score within the margin of the best: weak filler costs more than it adds.
_FILL = 0.6
_MARGIN = 0.25  # chosen with the cover weights (spans.WEIGHTS)
# Lines that are not the story: photo captions, bylines, editor notes.
_NOT_PROSE_RE = re.compile(rf"^(▲|△|图[：:/])|{BYLINE_OPEN}|摄$|摄）$")
# A day (with its month, year, part of day) that only dates the news: 财政部当地时间20日宣布,
# 会议22日召开. Headlines leave it out (FinNA: "美国财政部宣布对4名…实施制裁"), and dropping it
# leaves a grammatical clause only when it stands between a subject and its verb: not after a
# preposition, counter or 时间/档期 (于/至/连续/近/第 5日), not before 起/前/后/内/的/均 (5日起, 5日内, 5日均线),
# and never in a dateline (新华社北京2月29日电 stays as written: not 新华社北京电).
# The date is written without spaces here (text.DAY allows 8 月 16 日).
_DAY = rf"(?:当地时间|北京时间)?(?:\d{{4}}年)?(?:\d{{1,2}}月)?\d{{1,2}}日(?:{PARTS_OF_DAY})?"
_INNER_TIME_RE = re.compile(
    rf"(?<=[{CJK}A-Za-z）)])(?<![于在从至到自止起将截前后近第连续过去每这几数今来年月间期])"
    rf"(?:{_DAY}|当地时间)(?=[{CJK}])(?![起前后以至止到的晚内均间电讯])"
)
# A first clause that is only a time (9月3日，/ 今天下午，/ 日前，), or 日前/近日 opening a sentence.
_LEAD_TIME_RE = re.compile(
    rf"^(?:{_DAY}|(?:今天|今日|昨天|昨日|日前|近日|当地时间)(?:{PARTS_OF_DAY})?)[，,]"
    rf"|^(?:日前|近日)(?=[{CJK}A-Za-z])"
)


class ExtractiveSummarizer(Engine):
    """Clause and sentence selection by centrality, position and length, under a character budget (no options).

    Inside ``parallel.using`` the articles of a call are summarised across its processes (each article
    alone, so the result is the same); the pipeline hands it ``capabilities.batch`` articles at a time,
    enough to keep every worker busy.
    """

    name = "extractive"
    capabilities = Capabilities(batch=256)

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        from ...parallel import map_ordered

        return map_ordered(_summary, [(a.text, a.title, max_chars) for a in articles])

    def summarize_text(self, text: str, *, max_chars: int, title: str = "") -> str:
        """The summary of ``text`` (its ``lead_window``) in at most ``max_chars`` characters ('' for empty text)."""
        sentences = _prose_sentences(lead_window(text))
        if not sentences:
            return ""
        if max_chars <= TIGHT:
            sentences = [colon_lead(drop_setting(s)) for s in sentences]
        candidates = candidate_units(sentences, max_chars)
        units = candidates.units
        if not units:  # not even one clause fits: cut the lead sentence at the budget
            return truncate_at_boundary(sentences[0], max_chars)
        scores, space = score_units(sentences, candidates, max_chars, title)
        shown = _Shown(candidates)
        chosen = [dataclasses.replace(units[i], text=shown[i])
                  for i in self._select(units, shown, scores, space, max_chars)]
        chosen.sort(key=lambda u: (u.sentence, u.clauses))
        texts = with_speaker(candidates, chosen, max_chars) if max_chars <= TIGHT else [u.text for u in chosen]
        return "".join(close_clause(t) for t in texts)

    def _select(self, units: list[Unit], shown: _Shown, scores: np.ndarray, space: UnitSpace,
                budget: int) -> list[int]:
        order = np.argsort(-scores, kind="stable")  # ties: the earlier unit
        best = scores[order[0]]
        chosen: list[int] = []
        used = 0
        for i in order:
            if chosen and (used >= _FILL * budget or scores[i] < best - _MARGIN):
                break
            unit = units[i]
            if used + len(shown[i]) > budget or (chosen and not good_filler(unit.text)):
                continue
            if any(set(units[j].clauses) & set(unit.clauses) for j in chosen):
                continue
            if any(space.cosine(int(i), j) > _DUPLICATE for j in chosen):
                continue
            chosen.append(int(i))
            used += len(shown[i])
        return chosen


def window_note(text: str) -> tuple[str, ...]:
    """The note a summary of a long article carries: what part of it was read."""
    if len(text) <= LEAD_WINDOW:
        return ()
    return (f"long article ({len(text):,} characters): summarised from its first {len(lead_window(text)):,}",)


# A Weibo topic tag (#松下#): the marks go, the words stay. Not 3#楼 (a building number): no digit before.
_HASHTAG_RE = re.compile(r"(?<![0-9A-Za-z])#([^#\s]{1,20})#")
_URL_RE = re.compile(r"https?://[!-~]+")  # a link is never summary text


def _prose_sentences(text: str) -> list[str]:
    """Sentences of the story: a line without an end mark is a subhead, unless it is all there is."""
    sentences: list[str] = []
    lines = paragraphs(_HASHTAG_RE.sub(r"\1", _URL_RE.sub("", text)))  # neither pattern spans lines
    for line in lines:
        if _NOT_PROSE_RE.search(line):
            continue
        parts = split_sentences(line)
        if len(lines) > 1 and not ends_sentence(line) and len(parts) == 1:
            continue  # a short line with no end mark among other lines: a subhead or a caption
        # A sentence holding a garbled span (marked by ingest) is never quoted.
        sentences.extend(s for s in (drop_times(strip_asides(s)) for s in parts) if s and GARBLED not in s)
    return sentences or [s for s in split_sentences(text) if GARBLED not in s]


class _Shown:
    """Each unit's text as printed, by its index: a part cut out of a quotation is marked as one (“…, …”),
    so parts of one quotation are never joined into a quotation the speaker did not say
    (“先看面部神情，资金转账数额…”). Worked out when first asked for: selection reads only the units it
    visits, from the best down, a few of hundreds (marking every unit took 14% of the engine's time)."""

    def __init__(self, candidates: Candidates) -> None:
        self._candidates = candidates
        clauses = candidates.clauses
        quoted = any("“" in c or "”" in c for c in clauses)
        self._depth_at = _quote_depths(clauses, candidates.clause_sentence) if quoted else None
        self._texts: dict[int, str] = {}

    def __getitem__(self, i: int) -> str:
        if i not in self._texts:
            self._texts[i] = self._shown(self._candidates.units[i])
        return self._texts[i]

    def _shown(self, unit: Unit) -> str:
        depth_at = self._depth_at
        if depth_at is None:
            return unit.text
        clauses = self._candidates.clauses
        runs: list[list[int]] = []  # the unit's clauses in runs of neighbours (a lead pair has two)
        for k in unit.clauses:
            if runs and k == runs[-1][-1] + 1:
                runs[-1].append(k)
            else:
                runs.append([k])
        return "".join(text if (depth := depth_at[run[0]]) is None else close_quotes(text, depth)
                       for run in runs for text in ["".join(clauses[k] for k in run)])


def _quote_depths(clauses: list[str], owners: list[int]) -> list[int | None]:
    """Per clause, how many quotations are open where it starts; None in a sentence whose marks do not
    pair (闻“疫“而动, a ” with no “): a slip of the source, not to be marked. A quotation may span
    sentences (“…。…。”), but only into a sentence that closes it."""
    bounds = [k for k in range(len(clauses)) if k == 0 or owners[k] != owners[k - 1]] + [len(clauses)]
    texts = ["".join(clauses[a:b]) for a, b in itertools.pairwise(bounds)]
    out: list[int | None] = []
    depth = 0
    for g, (a, b) in enumerate(itertools.pairwise(bounds)):
        end, unopened = _depth_after(texts[g], depth)
        closed_after = g + 1 < len(texts) and _depth_after(texts[g + 1])[1]
        if unopened or (end and not closed_after):
            out += [None] * (b - a)
            depth = 0
            continue
        for k in range(a, b):
            out.append(depth)
            depth = _depth_after(clauses[k], depth)[0]
    return out


def _depth_after(text: str, depth: int = 0) -> tuple[int, bool]:
    """``text.quote_depth``, without reading character by character a text with no quotation marks
    (most clauses and sentences): there it is ``(depth, False)``."""
    if "“" not in text and "”" not in text:
        return depth, False
    return quote_depth(text, depth)


def drop_times(sentence: str) -> str:
    """Remove dates that only say when: a lead time clause (9月3日，) and 当地时间20日 inside a clause."""
    out = _LEAD_TIME_RE.sub("", sentence, count=1)
    # Every inner time holds 日 or is 当地时间 (no 日 in it): without them the search over the sentence,
    # a lookbehind at every position, cannot match.
    if "日" in out or "当地时间" in out:
        out = _INNER_TIME_RE.sub("", out)
    return out or sentence


def _summary(job: tuple[str, str, int]) -> Summary:
    """One article's summary (``parallel.map_ordered`` sends a worker the text, the title and the budget)."""
    text, title, max_chars = job
    return Summary(_ENGINE.summarize_text(text, max_chars=max_chars, title=title), _ENGINE.name,
                   notes=window_note(text))


_ENGINE = ExtractiveSummarizer()
