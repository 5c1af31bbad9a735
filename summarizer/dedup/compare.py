"""Is a candidate pair one story told twice (a reprint), two stories on one event (related), or neither?

The thresholds live here, in ``THRESHOLDS``, with the measurement that chose them: 248 pairs of the
150 candidate groups of ``reprints_dev.jsonl``, judged by reading (``benchmarks/reprint_labels.jsonl``),
half A for choosing, half B for checking (``benchmarks/reprints.py``; README, Duplicates).

A reprint keeps the story's text: most of it, in order, whatever header, footer, dateline or cut
sentence differs. So the test is textual — Jaccard similarity of shingles, or the shorter text
being mostly inside the longer — with three vetoes that catch texts that look alike but are not
one story:

- numbers: each side has several numbers the other lacks, or most of its own (a stock report or
  a fine notice filled in for another company; the same company's news on another day);
- dates: published more than ``max_days`` apart (a follow-up quoting the earlier report);
- a second report: the longer text's extra part opens another report (据…消息, …电, a numbered
  item) — a digest or a round-up that holds this story among others.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import sketch


@dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    """When two texts are one story, and when two stories are related.

    Chosen on half A of the judged pairs by ``benchmarks/reprints.py --tune``: first the same-story
    values with the highest precision at recall ≥ 0.95 and no single text merged (half A: P 1.00,
    R 0.97; ties: the strictest values), then the related values with the best F1 (ties: the grid's
    first values).
    """

    same_jaccard: float = 0.6  # this share of shingles in common: one text
    contained_share: float = 0.7  # or the shorter text is this much inside the longer …
    contained_jaccard: float = 0.4  # … and they still share this share of all shingles
    conflicting_numbers: int = 2  # each side has this many numbers the other lacks: two stories
    max_days: int = 7  # reprints appear within a week of each other
    extra_share: float = 0.15  # the longer text adds this share of its own: look for a second report
    related_days: int = 31  # a follow-up (an arrest after the expulsion) comes within a month
    related_run: int = 30  # characters of one run of text shared by two stories on one event
    related_numbers: int = 2  # … or this many numbers shared by two stories in the same city
    template_numbers: int = 8  # two texts with this many numbers each …
    template_shared: float = 0.25  # … sharing less than this share of them: one form, two subjects


THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class Texts:
    """What the comparison needs of each text, computed once for all (``dedup.prepare``)."""

    hashes: np.ndarray  # shingle hashes, all texts
    offsets: np.ndarray  # where each text's hashes start
    signatures: np.ndarray  # (texts, BINS)
    report_starts: tuple[tuple[int, ...], ...]  # where in each text a report starts (shingle offsets)
    number_bits: np.ndarray  # each text's numbers as bits (encode.Encoded)
    key_numbers: tuple[frozenset[int], ...]  # hashes of the numbers that name an event
    days: np.ndarray  # each text's date as a day number, -1 when unknown
    codes: np.ndarray  # the compared code points, all texts (encode.Encoded), to read a shared run
    code_offsets: np.ndarray  # where each text's code points start
    _sets: dict[int, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def size(self, i: int) -> int:
        return int(self.offsets[i + 1] - self.offsets[i])

    def shingle_set(self, i: int) -> np.ndarray:
        """The distinct shingle hashes of text ``i``, sorted (computed once)."""
        if (found := self._sets.get(i)) is None:
            found = self._sets[i] = np.unique(self.hashes[self.offsets[i]:self.offsets[i + 1]])
        return found


def scores(texts: Texts, pairs: np.ndarray, exact: tuple[float, float] = (1.0, 0.0)
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Jaccard, share of the shorter inside the longer, share of the longer inside the shorter)
    of each pair: estimated from the signatures and the shingle counts, and counted exactly from
    the shingles for the pairs whose estimated Jaccard lies in ``exact`` (low, high) — near a
    threshold, where the estimate's noise (about ±0.03) would decide."""
    j = sketch.jaccard(texts.signatures, pairs)
    sizes = np.diff(texts.offsets)
    a, b = sizes[pairs[:, 0]], sizes[pairs[:, 1]]
    common = j * (a + b) / (1 + j)
    inside = np.minimum(common / np.maximum(np.minimum(a, b), 1), 1.0)
    outside = common / np.maximum(np.maximum(a, b), 1)
    for n in np.nonzero((j >= exact[0]) & (j <= exact[1]))[0]:
        x, y = texts.shingle_set(int(pairs[n, 0])), texts.shingle_set(int(pairs[n, 1]))
        both = len(np.intersect1d(x, y, assume_unique=True))
        j[n] = both / max(len(x) + len(y) - both, 1)
        inside[n], outside[n] = both / max(min(len(x), len(y)), 1), both / max(len(x), len(y), 1)
    return j, inside, outside


def numbers_conflict(texts: Texts, a: np.ndarray, b: np.ndarray, t: Thresholds = THRESHOLDS) -> np.ndarray:
    """For pairs (a[n], b[n]): each text has ``t.conflicting_numbers`` numbers the other lacks, or
    most of its numbers (100户 against 200户 in two short notices)."""
    x, y = texts.number_bits[a], texts.number_bits[b]
    only_x, only_y = bit_count(x & ~y), bit_count(y & ~x)
    many = (only_x >= t.conflicting_numbers) & (only_y >= t.conflicting_numbers)
    most = (2 * only_x > bit_count(x)) & (2 * only_y > bit_count(y))
    return many | most


_BYTE_BITS = np.array([bin(v).count("1") for v in range(256)], dtype=np.int64)


def bit_count(rows: np.ndarray) -> np.ndarray:
    """Set bits in each row of a uint64 array, by a table of bytes (numpy 1 has no bitwise_count)."""
    return _BYTE_BITS[np.ascontiguousarray(rows).view(np.uint8)].reshape(len(rows), -1).sum(axis=1)


def days_apart(texts: Texts, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Days between the texts of each pair; -1 when a date is unknown."""
    da, db = texts.days[a], texts.days[b]
    return np.where((da >= 0) & (db >= 0), np.abs(da - db), -1)


def second_report(texts: Texts, longer: int, shorter: int) -> bool:
    """The longer text strings reports together (a digest, a round-up) and the shorter is one of them.

    The longer text is cut where a report starts (normalise.report_starts). It is a digest when
    one part holds ``_COVER`` of the shorter text's shingles, and the rest — ``_REST`` of the longer
    text or more — is at least ``_REST_OWN`` its own. (Inside one story the same words name a
    source, and the shorter text spans the cut; formulaic notices share many phrases, hence a low
    ``_REST_OWN``.)
    """
    starts = texts.report_starts[longer]
    if not starts:
        return False
    h_long = texts.hashes[texts.offsets[longer]:texts.offsets[longer + 1]]
    h_short = texts.shingle_set(shorter)
    # own[p]: the longer text's shingle at p is not in the shorter text
    at = np.minimum(np.searchsorted(h_short, h_long), len(h_short) - 1)
    own = h_short[at] != h_long
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


_MARGIN = 0.08  # estimates this close to a threshold are counted exactly (about three standard errors)
_COVER = 0.8  # of the shorter text's shingles inside one part of the longer
_REST = 0.1  # of the longer text outside that part …
_REST_OWN = 0.25  # … of which this share is not in the shorter text


def template(texts: Texts, i: int, k: int, t: Thresholds = THRESHOLDS) -> bool:
    """Both texts carry ``t.template_numbers`` numbers or more and share few of them (under
    ``t.template_shared``): one form (a stock report, a penalty notice) filled in for two subjects —
    the shared run of text is the form's, not an event's."""
    x, y = texts.number_bits[i:i + 1], texts.number_bits[k:k + 1]
    nx, ny, both = (int(bit_count(v)[0]) for v in (x, y, x & y))
    return min(nx, ny) >= t.template_numbers and both < t.template_shared * min(nx, ny)


def longest_run(texts: Texts, i: int, k: int, skip: re.Pattern[str] | None = None) -> int:
    """Characters in the longest run of consecutive shingles of ``i`` that ``k`` also has — of the
    runs whose words ``skip`` does not match (a copyright notice two outlets' pages share)."""
    h_i = texts.hashes[texts.offsets[i]:texts.offsets[i + 1]]
    h_k = texts.hashes[texts.offsets[k]:texts.offsets[k + 1]]
    shared = np.isin(h_i, h_k)
    if not shared.any():
        return 0
    edges = np.diff(np.concatenate(([0], shared.astype(np.int8), [0])))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    for n in np.argsort(starts - ends, kind="stable"):  # longest first
        if skip is None or not skip.search(_run_text(texts, i, int(starts[n]), int(ends[n]))):
            return int(ends[n] - starts[n]) + sketch.SHINGLE - 1
    return 0


def _run_text(texts: Texts, i: int, start: int, end: int) -> str:
    base = int(texts.code_offsets[i])
    return texts.codes[base + start:base + end + sketch.SHINGLE - 1].astype(np.uint32).tobytes().decode("utf-32-le")


# Words of the notices that pages of one outlet share, whatever the story: rights, disclaimers,
# calls to download or to call in, the statutory assurance of listed companies' announcements
# (不存在任何虚假记载…). A run of text holding them says nothing about the event.
_NOTICE_RE = re.compile(r"版权|免责|声明|本站|本网|转载|下载|热线|客户端|公众号|仅供参考|联系电话|邮箱|不构成|虚假记载")


def same_story(texts: Texts, pairs: np.ndarray, t: Thresholds = THRESHOLDS) -> tuple[np.ndarray, np.ndarray]:
    """For each candidate pair: is it one story (a reprint)? And the pair's Jaccard similarity."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=bool), np.zeros(0)
    a, b = pairs[:, 0], pairs[:, 1]
    j, inside, outside = scores(texts, pairs, (t.contained_jaccard - _MARGIN, t.same_jaccard + _MARGIN))
    out = (j >= t.same_jaccard) | ((inside >= t.contained_share) & (j >= t.contained_jaccard))
    out &= days_apart(texts, a, b) <= t.max_days
    out &= ~numbers_conflict(texts, a, b, t)
    # a digest holds most of the shorter text and adds much of its own
    for n in np.nonzero(out & (outside < 1 - t.extra_share) & (inside >= _COVER - 0.1))[0]:
        i, k = int(a[n]), int(b[n])
        longer, shorter = (i, k) if texts.size(i) >= texts.size(k) else (k, i)
        out[n] = not second_report(texts, longer, shorter)
    return out, j


def related(texts: Texts, i: int, k: int, cities: Sequence[str | None], t: Thresholds = THRESHOLDS) -> bool:
    """Two stories on one event: published within ``t.related_days``, not one template filled in
    twice, and sharing a run of ``t.related_run`` characters, or ``t.related_numbers`` numbers and
    the city."""
    if days_apart(texts, np.array([i]), np.array([k]))[0] > t.related_days or template(texts, i, k, t):
        return False
    if longest_run(texts, i, k, _NOTICE_RE) >= t.related_run:
        return True
    return bool(cities[i]) and cities[i] == cities[k] and \
        len(texts.key_numbers[i] & texts.key_numbers[k]) >= t.related_numbers
