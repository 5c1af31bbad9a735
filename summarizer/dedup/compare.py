"""Is a candidate pair one story told twice (a reprint), two stories on one event (related), or neither?

The thresholds live here, in ``THRESHOLDS``, with the measurement that chose them: 248 pairs of the
150 candidate groups of ``reprints_dev.jsonl``, judged by reading (``benchmarks/reprint_labels.jsonl``),
half A for choosing, half B for checking (``benchmarks/reprints.py``; README, Duplicates).

A reprint keeps the story's text: most of it, in order, whatever header, footer, dateline or cut
sentence differs. So the test is textual — Jaccard similarity of shingles, or the shorter text
being mostly inside the longer — with three vetoes that catch texts that look alike but are not
one story:

- numbers: the two texts read different numbers in the same place (报收于18.98元 against
  报收于6.51元: a stock report or a fine notice filled in for another company; a count updated
  the next day). A number only one of them has is not a contradiction: a reprint adds a
  paragraph, or cuts one;
- dates: published more than ``max_days`` apart (a follow-up quoting the earlier report);
- a second report: the longer text's extra part opens another report (据…消息, …电, a numbered
  item) — a digest or a round-up that holds this story among others.

The Jaccard similarity is estimated from the signatures; where the estimate's noise (about ±0.04)
could decide, it is counted exactly — only for the pairs whose verdict is needed (``Verdicts``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import sketch
from .encode import Texts


@dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    """When two texts are one story, and when two stories are related.

    Chosen on half A of the judged pairs by ``benchmarks/reprints.py --tune`` (through ingest, as
    ``summarizer brief`` reads): first the same-story values with the highest precision at recall
    ≥ 0.95 and no single text merged (ties: the strictest values), then the related values with
    the best F1 (ties: the grid's first values). README, Duplicates, has the figures of both halves.
    """

    same_jaccard: float = 0.5  # this share of shingles in common: one text
    contained_share: float = 0.75  # or the shorter text is this much inside the longer …
    contained_jaccard: float = 0.4  # … and they still share this share of all shingles
    conflicting_numbers: int = 2  # this many numbers read differently in one place: two stories
    max_days: int = 7  # reprints appear within a week of each other
    extra_share: float = 0.15  # the longer text adds this share of its own: look for a second report
    related_days: int = 31  # a follow-up (an arrest after the expulsion) comes within a month
    related_run: int = 30  # characters of one run of story text shared by two stories on one event
    related_numbers: int = 2  # … or this many key numbers shared by two stories in the same city
    related_near: int = 3  # further apart, two reports in two places need a key number in common too
    form_numbers: int = 2  # this many numbers read differently in one place: one form filled in twice


THRESHOLDS = Thresholds()
MARGIN = 0.08  # estimates this close to a threshold are counted exactly (about two standard errors)
_BLOCK = 1 << 13  # pairs compared at once: their signatures stay in the CPU cache
_COVER = 0.8  # of the shorter text's shingles inside one part of the longer
_REST = 0.1  # of the longer text outside that part …
_REST_OWN = 0.25  # … of which this share is not in the shorter text


def estimates(texts: Texts, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Jaccard, share of the shorter inside the longer, share of the longer inside the shorter)
    of each pair, estimated from the signatures and the shingle counts."""
    j = np.concatenate([sketch.jaccard(texts.signatures, pairs[lo:lo + _BLOCK])
                        for lo in range(0, len(pairs), _BLOCK)]) if len(pairs) else np.zeros(0)
    return (j, *_shares(j, texts.sizes[pairs[:, 0]], texts.sizes[pairs[:, 1]]))


def _shares(j: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    common = j * (a + b) / (1 + j)
    return np.minimum(common / np.maximum(np.minimum(a, b), 1), 1.0), common / np.maximum(np.maximum(a, b), 1)


def exact(texts: Texts, i: int, k: int) -> tuple[float, float, float]:
    """``estimates`` of one pair, counted from the shingles."""
    x, y = texts.shingle_set(i), texts.shingle_set(k)
    both = len(np.intersect1d(x, y, assume_unique=True))
    return (both / max(len(x) + len(y) - both, 1), both / max(min(len(x), len(y)), 1),
            both / max(len(x), len(y), 1))


def textual(j: np.ndarray, inside: np.ndarray, t: Thresholds) -> np.ndarray:
    """The textual test: Jaccard ≥ ``same_jaccard``, or the shorter mostly inside the longer
    (on arrays, or on one pair's numbers)."""
    return (j >= t.same_jaccard) | ((inside >= t.contained_share) & (j >= t.contained_jaccard))


def adds_own(inside: np.ndarray, outside: np.ndarray, t: Thresholds) -> np.ndarray:
    """The longer text holds most of the shorter and adds ``extra_share`` of its own: it may be a
    digest of which the shorter is one report (``second_report`` tells)."""
    return (outside < 1 - t.extra_share) & (inside >= _COVER - 0.1)


def conflicts(texts: Texts, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For pairs (a[n], b[n]): (numbers read differently in a place both texts have a number,
    numbers read alike there) — from the bit sets of ``encode``."""
    shared, agree = np.zeros(len(a), dtype=np.int64), np.zeros(len(a), dtype=np.int64)
    for lo in range(0, len(a), _BLOCK):
        x, y = a[lo:lo + _BLOCK], b[lo:lo + _BLOCK]
        shared[lo:lo + _BLOCK] = _bit_count(texts.contexts[x] & texts.contexts[y])
        agree[lo:lo + _BLOCK] = _bit_count(texts.readings[x] & texts.readings[y])
    return np.maximum(shared - agree, 0), np.minimum(agree, shared)


def numbers_conflict(texts: Texts, a: np.ndarray, b: np.ndarray, at_least: int) -> np.ndarray:
    """The texts read ``at_least`` numbers differently in one place, or at least one and no more
    alike (100户 against 200户 in two short notices)."""
    differ, agree = conflicts(texts, a, b)
    return (differ >= at_least) | ((differ > 0) & (differ >= agree))


_BYTE_BITS = np.array([bin(v).count("1") for v in range(256)], dtype=np.uint8)


def _bit_count(rows: np.ndarray) -> np.ndarray:
    """Set bits in each row of a uint64 array (numpy 1 has no bitwise_count: a table of bytes there)."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(rows).sum(axis=1, dtype=np.int64)
    return _BYTE_BITS[np.ascontiguousarray(rows).view(np.uint8)].reshape(len(rows), -1).sum(axis=1, dtype=np.int64)


def days_apart(texts: Texts, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Days between the texts of each pair; -1 when a date is unknown."""
    da, db = texts.days[a], texts.days[b]
    return np.where((da >= 0) & (db >= 0), np.abs(da - db), -1)


class Verdicts:
    """Is each candidate pair one story? Decided at once where the estimate is clear, and on
    demand (``same``) where it is not: an exact count and the digest test cost a pass over two
    texts' shingles each, and most pairs are never asked about (``dedup._leaders`` asks only about
    a text and the leaders it might join, and only while the answer could change its choice)."""

    YES, NO, ASK, DIGEST = 1, 0, 2, 3  # DIGEST: textually one story, unless the longer is a digest

    def __init__(self, texts: Texts, pairs: np.ndarray, t: Thresholds = THRESHOLDS) -> None:
        self.texts, self.pairs, self.t = texts, pairs, t
        self.j, inside, outside = estimates(texts, pairs) if len(pairs) else (np.zeros(0),) * 3
        a, b = pairs[:, 0], pairs[:, 1]
        sizes = texts.sizes
        low = textual(self.j - MARGIN, _shares(self.j - MARGIN, sizes[a], sizes[b])[0], t)
        high = textual(self.j + MARGIN, _shares(self.j + MARGIN, sizes[a], sizes[b])[0], t)
        verdict = np.where(low, self.YES, np.where(high, self.ASK, self.NO))
        maybe = np.nonzero(verdict != self.NO)[0]  # the vetoes, for the pairs that could be one story
        allowed = np.zeros(len(pairs), dtype=bool)
        allowed[maybe] = (days_apart(texts, a[maybe], b[maybe]) <= t.max_days) \
            & ~numbers_conflict(texts, a[maybe], b[maybe], t.conflicting_numbers)
        # a digest holds most of the shorter text and adds much of its own: look again
        has_starts = np.fromiter((bool(r) for r in texts.report_starts), dtype=bool, count=len(texts))
        longer = np.where(sizes[a] >= sizes[b], a, b)
        digest = (verdict == self.YES) & has_starts[longer] & adds_own(inside, outside, t)
        verdict[digest] = self.DIGEST
        self.verdict = np.where(allowed, verdict, self.NO).astype(np.int8)

    def same(self, n: int) -> bool:
        """Pair ``n``: one story? (Its ``j[n]`` is then the exact Jaccard where it was counted.)"""
        verdict = self.verdict[n]
        if verdict == self.ASK or verdict == self.DIGEST:
            i, k = int(self.pairs[n, 0]), int(self.pairs[n, 1])
            same, check = True, True
            if verdict == self.ASK:
                j, inside, outside = exact(self.texts, i, k)
                self.j[n] = j
                same, check = bool(textual(j, inside, self.t)), bool(adds_own(inside, outside, self.t))
            if same and check:
                longer, shorter = (i, k) if self.texts.size(i) >= self.texts.size(k) else (k, i)
                same = not second_report(self.texts, longer, shorter)
            self.verdict[n] = self.YES if same else self.NO
        return bool(self.verdict[n] == self.YES)


def second_report(texts: Texts, longer: int, shorter: int) -> bool:
    """The longer text strings reports together (a digest, a round-up) and the shorter is one of them.

    The longer text is cut where a report starts (``Texts.report_starts``). It is a digest when
    one part holds ``_COVER`` of the shorter text's shingles, and the rest — ``_REST`` of the longer
    text or more — is at least ``_REST_OWN`` its own. (Inside one story the same words name a
    source, and the shorter text spans the cut; formulaic notices share many phrases, hence a low
    ``_REST_OWN``.)
    """
    starts = texts.report_starts[longer]
    if not starts:
        return False
    h_long = texts.shingles(longer)
    h_short = texts.shingle_set(shorter)
    own = ~_inside(h_long, h_short)  # the longer text's shingle at p is not in the shorter text
    cuts = [0, *(s for s in starts if 0 < s < len(h_long)), len(h_long)]
    shared_before = np.concatenate(([0], np.cumsum(~own)))  # shingles shared with the shorter text, up to p
    own_before = np.arange(len(own) + 1) - shared_before
    for lo, hi in itertools.pairwise(cuts):
        rest = len(own) - (hi - lo)
        rest_own = own_before[-1] - (own_before[hi] - own_before[lo])
        # the part's shared shingles against the shorter text's (a repeated shingle counts twice: rare)
        if rest >= _REST * len(own) and rest_own >= _REST_OWN * rest \
                and shared_before[hi] - shared_before[lo] >= _COVER * len(h_short):
            return True
    return False


def _inside(values: np.ndarray, distinct: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``distinct`` (sorted, as ``Texts.shingle_set``)."""
    if len(distinct) == 0:
        return np.zeros(len(values), dtype=bool)
    return distinct[np.minimum(np.searchsorted(distinct, values), len(distinct) - 1)] == values


# Words of the notices that pages of one outlet share, whatever the story: rights, disclaimers
# (不构成投资建议, 力求但不保证, 与本站立场无关), calls to download or to call in, the statutory
# assurance of listed companies' announcements (不存在任何虚假记载…). A sentence holding them says
# nothing about the event.
_NOTICE_RE = re.compile(r"版权|免责|声明|本站|本网|转载|下载|热线|客户端|公众号|仅供参考|联系电话|联系我们|邮箱|不构成|"
                        r"投资建议|不保证|立场无关|虚假记载")


def story_run(texts: Texts, i: int, k: int, at_least: int = 1) -> int:
    """Characters in the longest run of story text that ``i`` and ``k`` share (0 when none is
    ``at_least`` long): consecutive shingles of ``i`` that ``k`` also has, less

    - a splice: a run that opens mid-sentence in one text and at a clause start in the other is
      where a scraper ran one page into another (…热爱激发可能让·托德比杨紫琼大16岁), not a passage
      one story quotes from the other;
    - notice sentences (a copyright line, a disclaimer two outlets' pages share): the run counts
      its longest stretch of sentences without notice words.
    """
    h_i, h_k = texts.shingles(i), texts.shingles(k)
    shared = _inside(h_i, texts.shingle_set(k))
    if not shared.any():
        return 0
    edges = np.diff(np.concatenate(([0], shared.astype(np.int8), [0])))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    opens_i, opens_k = texts.opens(i), texts.opens(k)
    sentences = texts.arrays(i).sentences
    best = 0
    for n in np.argsort(starts - ends, kind="stable"):  # longest first
        s, e = int(starts[n]), int(ends[n]) + sketch.SHINGLE - 1
        if e - s < max(best + 1, at_least):
            break
        there = int(np.argmax(h_k == h_i[s]))
        if _splice(opens_i, s, e, opens_k, there) or _splice(opens_k, there, there + e - s, opens_i, s):
            continue
        best = max(best, _clean_stretch(texts.text(i, s, e), sentences[s:e]))
    return best if best >= at_least else 0


def _splice(opens: np.ndarray, s: int, e: int, other: np.ndarray, there: int) -> bool:
    """The run ``s:e`` of a text is where a scraper ran another page into it: it reaches the
    text's end but opens mid-sentence there (while the other text has a clause start), or it
    opens the text but stops mid-sentence (while the other text goes on at a clause start). A
    headline run into its report (…受贿4984万余元2023年7月27日，…) opens mid-sentence too, but the
    report goes on after the passage both share."""
    if e >= len(opens) and not opens[s] and other[there]:
        return True
    end = there + e - s
    return s == 0 and e < len(opens) and not opens[e] and end < len(other) and bool(other[end])


def _clean_stretch(run: str, opens: np.ndarray) -> int:
    """The longest stretch of ``run``'s sentences (cut where ``opens``) without notice words."""
    if not _NOTICE_RE.search(run):
        return len(run)
    cuts = [0, *np.nonzero(opens[1:])[0] + 1, len(run)]
    best = stretch = 0
    for lo, hi in itertools.pairwise(cuts):
        stretch = 0 if _NOTICE_RE.search(run, lo, hi) else stretch + hi - lo
        best = max(best, stretch)
    return best


def related(texts: Texts, pairs: np.ndarray, places: Sequence[frozenset[tuple[str, str | None]]],
            t: Thresholds = THRESHOLDS) -> Callable[[int], bool]:
    """Two stories on one event: published within ``t.related_days``, not one form filled in
    twice (``t.form_numbers`` numbers read differently in one place), and sharing a run of
    ``t.related_run`` characters of story text, or ``t.related_numbers`` key numbers and the city.
    Reports more than ``t.related_near`` days apart that happened in two places and share no key
    number share a standard text (a law quoted by two penalty notices), not an event.

    Args:
        places: where each text's story happened: (province, city or None) of its copies.

    Returns:
        a test of pair ``n`` of ``pairs`` (text indices): the vetoes are found for all at once,
        a shared run only for the pairs asked about.
    """
    a, b = pairs[:, 0], pairs[:, 1]
    days = days_apart(texts, a, b)
    allowed = ((days <= t.related_days) & ~numbers_conflict(texts, a, b, t.form_numbers)).tolist()
    near = (days <= t.related_near).tolist()

    def test(n: int) -> bool:
        if not allowed[n]:
            return False
        i, k = int(a[n]), int(b[n])
        shared = len(np.intersect1d(texts.key_numbers[texts.key_offsets[i]:texts.key_offsets[i + 1]],
                                    texts.key_numbers[texts.key_offsets[k]:texts.key_offsets[k + 1]]))
        if not near[n] and not shared and _apart(places[i], places[k]):
            return False
        if story_run(texts, i, k, t.related_run):
            return True
        cities = {p for p in places[i] if p[1]} & {p for p in places[k] if p[1]}
        return bool(cities) and shared >= t.related_numbers

    return test


def _apart(x: frozenset[tuple[str, str | None]], y: frozenset[tuple[str, str | None]]) -> bool:
    """Two stories' places say they happened in different places: both are known, and no province
    — or, in a province both name, no city — is in common."""
    if not x or not y:
        return False
    provinces = {p for p, _ in x} & {p for p, _ in y}
    if not provinces:
        return True
    cities_x, cities_y = {c for p, c in x if p in provinces and c}, {c for p, c in y if p in provinces and c}
    return bool(cities_x and cities_y and not cities_x & cities_y)
