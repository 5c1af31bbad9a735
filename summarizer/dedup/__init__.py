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
5. Group: a story related to an earlier story (same event: a run of text, or key numbers and the
   city, in common within ``related_days``) is shown under it as 相关报道 — grouped, never merged.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..types import Article, Story
from . import encode, sketch
from .compare import THRESHOLDS, Texts, Thresholds, related, same_story
from .normalise import report_starts, story_body

log = logging.getLogger(__name__)

__all__ = ["THRESHOLDS", "Index", "Thresholds", "find_stories", "index", "prepare", "stories"]

COMPLETE_SHARE = 0.95  # a version at least this long (of the longest) is as complete; dates decide
# A text that says where it was taken from: 转载, 转自, 来源：X (X another outlet than its own).
_TAKEN_RE = re.compile(r"转载|转自|来源\s*[:：|]\s*([^\s，。,|｜】)）]{2,12})")


def prepare(articles: Sequence[Article]) -> Texts:
    """What ``compare`` needs of each article."""
    return _prepare(articles, [story_body(a.text) for a in articles])[1]


def _prepare(articles: Sequence[Article], bodies: Sequence[str]) -> tuple[encode.Encoded, Texts]:
    starts = [report_starts(b) for b in bodies]
    coded, where = encode.encode(bodies, starts)
    hashes, offsets = sketch.shingle_hashes(coded.codes, coded.offsets)
    days = np.array([a.date.toordinal() if a.date else -1 for a in articles], dtype=np.int64)
    texts = Texts(hashes=hashes, offsets=offsets, signatures=sketch.signatures(hashes, offsets),
                  report_starts=tuple(where), number_bits=coded.number_bits, key_numbers=coded.key_numbers,
                  days=days, codes=coded.codes, code_offsets=coded.offsets)
    return coded, texts


@dataclass(frozen=True, slots=True)
class Index:
    """A run's articles as ``find_stories`` compares them (``index``), ready to be judged under any
    thresholds (``stories``) — the benchmark tunes thresholds on one index."""

    articles: tuple[Article, ...]
    text_of: tuple[int, ...]  # for each article, its distinct text (an index into ``texts``)
    lengths: tuple[int, ...]  # length of each article's comparison text
    texts: Texts  # one per distinct comparison text
    pairs: np.ndarray  # LSH candidate pairs of ``texts``


def index(articles: Sequence[Article]) -> Index:
    """Steps 1–2: normalise, set exact copies aside, sketch, and find the candidate pairs."""
    coded, texts = _prepare(articles, [story_body(a.text) for a in articles])
    first: dict[tuple[int, int], int] = {}
    reps: list[int] = []  # the first article of each distinct text
    text_of = []
    for i, key in enumerate(coded.keys):
        if key not in first:
            first[key] = len(reps)
            reps.append(i)
        text_of.append(first[key])
    if len(reps) < len(articles):
        texts = _subset(texts, np.array(reps))
    pairs = sketch.candidate_pairs(texts.signatures, np.diff(texts.offsets))
    return Index(tuple(articles), tuple(text_of), tuple(coded.lengths.tolist()), texts, pairs)


def _subset(texts: Texts, keep: np.ndarray) -> Texts:
    sizes, lengths = np.diff(texts.offsets), np.diff(texts.code_offsets)
    kept = np.isin(np.arange(len(texts)), keep)
    return Texts(hashes=texts.hashes[np.repeat(kept, sizes)], offsets=np.concatenate(([0], np.cumsum(sizes[keep]))),
                 codes=texts.codes[np.repeat(kept, lengths)],
                 code_offsets=np.concatenate(([0], np.cumsum(lengths[keep]))),
                 signatures=texts.signatures[keep], report_starts=tuple(texts.report_starts[i] for i in keep),
                 number_bits=texts.number_bits[keep], key_numbers=tuple(texts.key_numbers[i] for i in keep),
                 days=texts.days[keep])


def stories(idx: Index, thresholds: Thresholds = THRESHOLDS) -> list[Story]:
    """Steps 3–5: judge the candidate pairs, merge, and group related stories."""
    texts, pairs = idx.texts, idx.pairs
    same, similarity = same_story(texts, pairs, thresholds)
    leader = _leaders(texts, pairs[same], similarity[same])
    groups: dict[int, list[int]] = {}  # leader's text → its articles
    for i, text in enumerate(idx.text_of):
        groups.setdefault(leader[text], []).append(i)
    order = sorted(groups, key=lambda lead: groups[lead][0])
    found = [_story(idx.articles, groups[lead], idx.lengths) for lead in order]
    position = {lead: s for s, lead in enumerate(order)}
    story_of = np.array([position[leader[t]] for t in range(len(texts))], dtype=np.int64)
    return _group_related(found, texts, order, story_of, pairs[~same], thresholds)


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
    n = len(texts)
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


def _story(articles: Sequence[Article], group: list[int], lengths: Sequence[int]) -> Story:
    primary = _primary(articles, group, lengths)
    return Story(articles[primary], tuple(articles[i] for i in group if i != primary))


def _primary(articles: Sequence[Article], group: list[int], lengths: Sequence[int]) -> int:
    """The most complete version: the longest clean body (within ``COMPLETE_SHARE``), then the
    earliest date, then a text that does not say it was taken from another outlet."""
    longest = max(lengths[i] for i in group)
    complete = [i for i in group if lengths[i] >= COMPLETE_SHARE * longest]
    return min(complete, key=lambda i: (articles[i].date or dt.date.max, _says_reprinted(articles[i]),
                                        -lengths[i], i))


def _says_reprinted(article: Article) -> bool:
    """The text says it was reprinted (转载, 转自) or names a source other than its own outlet."""
    for m in _TAKEN_RE.finditer(article.text):
        outlet = m.group(1)
        if outlet is None or not article.source or outlet not in article.source:
            return True
    return False


def _group_related(found: list[Story], texts: Texts, lead: list[int], story_of: np.ndarray, others: np.ndarray,
                   t: Thresholds) -> list[Story]:
    """Each story related to an earlier story that heads no group itself is put under it.

    ``lead[s]`` is the text that stands for story ``s``, ``story_of[text]`` the story a text is in;
    ``others`` are the candidate pairs of texts that were not found to be one story — judged on
    those two texts (a copy may share the passage its leader lacks).
    """
    city_of_story = [f"{r.province}{r.city}" if (r := story.primary.region).city else None for story in found]
    cities = [city_of_story[s] for s in story_of.tolist()]
    candidates: dict[int, dict[int, tuple[int, int]]] = {}  # later story → earlier story → the two texts
    for a, b in others.tolist():
        sa, sb = int(story_of[a]), int(story_of[b])
        if sa != sb:
            (earlier, x), (later, y) = sorted(((sa, a), (sb, b)))
            candidates.setdefault(later, {}).setdefault(earlier, (y, x))
    for earlier, later in sketch.anchor_pairs(texts.hashes, texts.offsets, story_of).tolist():
        candidates.setdefault(later, {}).setdefault(earlier, (lead[later], lead[earlier]))
    for later, earlier in _number_city_pairs(texts, lead, cities, t):
        candidates.setdefault(later, {}).setdefault(earlier, (lead[later], lead[earlier]))
    out = list(found)
    for s in range(len(out)):
        for head, (x, y) in sorted(candidates.get(s, {}).items()):
            if out[head].related_to is None and related(texts, x, y, cities, t):
                out[s] = Story(out[s].primary, out[s].reprints, head)
                break
    return out


def _number_city_pairs(texts: Texts, lead: list[int], cities: list[str | None], t: Thresholds
                       ) -> list[tuple[int, int]]:
    """Pairs of stories (later, earlier) in one city that share ``t.related_numbers`` key numbers."""
    by_number: dict[tuple[str, int], list[int]] = {}
    for s, r in enumerate(lead):
        if cities[r]:
            for n in texts.key_numbers[r]:
                by_number.setdefault((cities[r], n), []).append(s)
    shared: dict[tuple[int, int], int] = {}
    for members in by_number.values():
        if len(members) > 20:  # a number every story of the city has (a phone line, a year's plan)
            continue
        for x in range(len(members)):
            for y in range(x):
                key = (members[x], members[y])
                shared[key] = shared.get(key, 0) + 1
    return [k for k, c in shared.items() if c >= t.related_numbers]
