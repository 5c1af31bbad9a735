"""Duplicates: one story once. Articles → stories, each with its reprints and related reports.

``find_stories`` takes the articles of a run and returns its stories, in steps:

1. Compare what matters (``normalise``): each text without its furniture, width, case and
   punctuation folded; identical results are exact copies and are sketched once.
2. Sketch (``sketch``): MinHash signatures of character shingles; LSH banding proposes candidate
   pairs — the cost grows with the text, not with the number of pairs.
3. Judge each candidate pair (``compare``): one story (a reprint), or not.
4. Merge: the longest texts lead; each text joins the most similar leader it is one story with
   (never a chain of copies of copies). The primary of a story is its most complete version —
   the longest clean body, then the earliest date, then the original over a text that says it
   was reprinted (转载, 来源).
5. Group: a story related to an earlier story (same event, a run of text or key numbers and city
   in common, within ``max_days``) is shown under it as 相关报道 — grouped, never merged.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..types import Article, Story
from . import sketch
from .compare import THRESHOLDS, Texts, Thresholds, key_numbers, related, same_story, scores
from .normalise import compare_form, numbers, story_body

log = logging.getLogger(__name__)

__all__ = ["THRESHOLDS", "Index", "Thresholds", "find_stories", "index", "prepare", "stories"]

COMPLETE_SHARE = 0.95  # a version at least this long (of the longest) is as complete; dates decide
# A text that says where it was taken from: 转载, 转自, 来源：X (X another outlet than its own).
_TAKEN_RE = re.compile(r"转载|转自|来源\s*[:：|]\s*([^\s，。,|｜】)）]{2,12})")


def prepare(articles: Sequence[Article], texts: Sequence[str] | None = None) -> Texts:
    """What ``compare`` needs of each article (``texts`` overrides ``article.text``)."""
    bodies = [story_body(t) for t in (texts if texts is not None else [a.text for a in articles])]
    forms = [compare_form(b) for b in bodies]
    compared = tuple(f[0] for f in forms)
    hashes, offsets = sketch.shingle_hashes(compared)
    return Texts(compared=compared, report_starts=tuple(f[1] for f in forms), hashes=hashes, offsets=offsets,
                 signatures=sketch.signatures(hashes, offsets), numbers=tuple(numbers(b) for b in bodies),
                 dates=tuple(a.date for a in articles))


@dataclass(frozen=True, slots=True)
class Index:
    """A run's articles as ``find_stories`` compares them (``index``), ready to be judged under any
    thresholds (``stories``) — the benchmark tunes thresholds on one index."""

    articles: tuple[Article, ...]
    keys: tuple[str, ...]  # comparison text of each article
    position: dict[str, int]  # comparison text → its index in ``texts``
    texts: Texts  # one per distinct comparison text
    pairs: np.ndarray  # LSH candidate pairs of ``texts``


def index(articles: Sequence[Article]) -> Index:
    """Steps 1–2: normalise, drop exact copies, sketch, and find the candidate pairs."""
    keys = [compare_form(story_body(a.text))[0] for a in articles]
    position: dict[str, int] = {}
    reps: list[int] = []  # the first article of each distinct text
    for i, key in enumerate(keys):
        if key not in position:
            position[key] = len(reps)
            reps.append(i)
    texts = prepare([articles[i] for i in reps])
    return Index(tuple(articles), tuple(keys), position, texts, sketch.candidate_pairs(texts.signatures))


def stories(idx: Index, thresholds: Thresholds = THRESHOLDS) -> list[Story]:
    """Steps 3–5: judge the candidate pairs, merge, and group related stories."""
    texts, pairs = idx.texts, idx.pairs
    same = same_story(texts, pairs, thresholds)
    leader = _leaders(texts, pairs[same], scores(texts, pairs[same])[0])
    groups: dict[int, list[int]] = {}  # leader's text → its articles
    for i, key in enumerate(idx.keys):
        groups.setdefault(leader[idx.position[key]], []).append(i)
    order = sorted(groups, key=lambda lead: groups[lead][0])
    found = [_story(idx.articles, groups[lead], idx.keys) for lead in order]
    return _group_related(found, texts, order, pairs[~same], thresholds)


def find_stories(articles: Sequence[Article], *, thresholds: Thresholds = THRESHOLDS) -> list[Story]:
    """The stories among ``articles``, in the order of their first article.

    Every article is in exactly one story, as its primary or as one of its reprints.
    """
    if not articles:
        return []
    found = stories(index(articles), thresholds)
    merged = len(articles) - len(found)
    if merged:
        log.info("%d articles are %d stories: %d reprints merged", len(articles), len(found), merged)
    return found


def _leaders(texts: Texts, pairs: np.ndarray, j: np.ndarray) -> list[int]:
    """For each text, the index of the leader it joins (itself when it leads)."""
    n = len(texts.compared)
    neighbours: list[list[tuple[float, int]]] = [[] for _ in range(n)]
    for (a, b), s in zip(pairs.tolist(), j.tolist(), strict=True):
        neighbours[a].append((s, b))
        neighbours[b].append((s, a))
    sizes = np.diff(texts.offsets)
    leader = list(range(n))
    is_leader = [False] * n
    for i in sorted(range(n), key=lambda i: (-sizes[i], i)):
        joined = [(s, k) for s, k in neighbours[i] if is_leader[k]]
        if joined:
            leader[i] = max(joined)[1]
        else:
            is_leader[i] = True
    return leader


def _story(articles: Sequence[Article], group: list[int], keys: Sequence[str]) -> Story:
    primary = _primary(articles, group, keys)
    return Story(articles[primary], tuple(articles[i] for i in group if i != primary))


def _primary(articles: Sequence[Article], group: list[int], keys: Sequence[str]) -> int:
    """The most complete version: the longest clean body (within ``COMPLETE_SHARE``), then the
    earliest date, then a text that does not say it was taken from another outlet."""
    longest = max(len(keys[i]) for i in group)
    complete = [i for i in group if len(keys[i]) >= COMPLETE_SHARE * longest]
    return min(complete, key=lambda i: (articles[i].date or dt.date.max, _says_reprinted(articles[i]),
                                        -len(keys[i]), i))


def _says_reprinted(article: Article) -> bool:
    """The text says it was reprinted (转载, 转自) or names a source other than its own outlet."""
    for m in _TAKEN_RE.finditer(article.text):
        outlet = m.group(1)
        if outlet is None or not article.source or outlet not in article.source:
            return True
    return False


def _group_related(stories: list[Story], texts: Texts, lead: list[int], others: np.ndarray, t: Thresholds
                   ) -> list[Story]:
    """Each story related to an earlier story that heads no group itself is put under it.

    ``lead[s]`` is the text that stands for story ``s``; ``others`` are the candidate pairs of texts
    that were not found to be one story.
    """
    story_of = {text: s for s, text in enumerate(lead)}
    cities: list[str | None] = [None] * len(texts.compared)
    for s, story in enumerate(stories):
        region = story.primary.region
        cities[lead[s]] = f"{region.province}{region.city}" if region.city else None
    candidates: dict[int, set[int]] = {}
    for a, b in others.tolist():
        if a in story_of and b in story_of:
            earlier, later = sorted((story_of[a], story_of[b]))
            candidates.setdefault(later, set()).add(earlier)
    for later, earlier in _number_city_pairs(texts, lead, cities, t):
        candidates.setdefault(later, set()).add(earlier)
    out = list(stories)
    for s in range(len(out)):
        for head in sorted(candidates.get(s, ())):
            if out[head].related_to is None and related(texts, lead[s], lead[head], cities, t):
                out[s] = Story(out[s].primary, out[s].reprints, head)
                break
    return out


def _number_city_pairs(texts: Texts, lead: list[int], cities: list[str | None], t: Thresholds
                       ) -> list[tuple[int, int]]:
    """Pairs of stories (later, earlier) in one city that share ``t.related_numbers`` key numbers."""
    index: dict[tuple[str, str], list[int]] = {}
    for s, r in enumerate(lead):
        if cities[r]:
            for n in key_numbers(texts.numbers[r]):
                index.setdefault((cities[r], n), []).append(s)
    shared: dict[tuple[int, int], int] = {}
    for stories in index.values():
        if len(stories) > 20:  # a number every story of the city has (a phone line, a year's plan)
            continue
        for x in range(len(stories)):
            for y in range(x):
                key = (stories[x], stories[y])
                shared[key] = shared.get(key, 0) + 1
    return [k for k, c in shared.items() if c >= t.related_numbers]
