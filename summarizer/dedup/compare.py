"""Is a candidate pair one story told twice (a reprint), two stories on one event (related), or neither?

The thresholds live here, in ``THRESHOLDS``, with the measurement that chose them: 248 pairs of the
150 candidate groups of ``reprints_dev.jsonl``, judged by reading (``benchmarks/reprint_labels.jsonl``),
half A for choosing, half B for checking (``benchmarks/reprints.py``; README, Duplicates).

A reprint keeps the story's text: most of it, in order, whatever header, footer, dateline or cut
sentence differs. So the test is textual — Jaccard similarity of shingles, or the shorter text
being mostly inside the longer — with three vetoes that catch texts that look alike but are not
one story:

- numbers: each side has several numbers the other lacks (a stock report or a fine notice filled
  in for another company; the same company's news on another day);
- dates: published more than ``max_days`` apart (a follow-up quoting the earlier report);
- a second report: the longer text's extra part opens another report (据…消息, …电, a numbered
  item) — a digest or a round-up that holds this story among others.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import sketch


@dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    """When two texts are one story, and when two stories are related. Measured on half A of the
    labelled pairs (``benchmarks/reprints.py --tune``)."""

    same_jaccard: float = 0.5  # this share of shingles in common: one text
    contained_share: float = 0.75  # or the shorter text is this much inside the longer …
    contained_jaccard: float = 0.4  # … and they still share this share of all shingles
    conflicting_numbers: int = 3  # each side has this many numbers the other lacks: two stories
    max_days: int = 7  # reprints (and reports on one event) appear within a week of each other
    extra_share: float = 0.25  # the longer text adds this share of its own: look for a second report
    related_run: int = 40  # characters of one run of text shared by two stories on one event
    related_numbers: int = 2  # … or this many numbers shared by two stories in the same city


THRESHOLDS = Thresholds()

@dataclass(frozen=True, slots=True)
class Texts:
    """What the comparison needs of each article, computed once (``prepare``)."""

    compared: tuple[str, ...]  # comparison_text of each article's story_body
    report_starts: tuple[tuple[int, ...], ...]  # where in it a sentence opens another report
    hashes: np.ndarray  # shingle hashes, all texts
    offsets: np.ndarray  # where each text's hashes start
    signatures: np.ndarray  # (texts, BINS)
    numbers: tuple[frozenset[str], ...]
    dates: tuple[dt.date | None, ...]

    def size(self, i: int) -> int:
        return int(self.offsets[i + 1] - self.offsets[i])


def scores(texts: Texts, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Jaccard, share of the shorter inside the longer, share of the longer inside the shorter)
    of each pair, estimated from the signatures and the shingle counts."""
    j = sketch.jaccard(texts.signatures, pairs)
    sizes = np.diff(texts.offsets)
    a, b = sizes[pairs[:, 0]], sizes[pairs[:, 1]]
    common = j * (a + b) / (1 + j)
    return j, np.minimum(common / np.maximum(np.minimum(a, b), 1), 1.0), common / np.maximum(np.maximum(a, b), 1)


def numbers_conflict(texts: Texts, i: int, k: int, t: Thresholds = THRESHOLDS) -> bool:
    """Each text has ``t.conflicting_numbers`` numbers the other lacks."""
    a, b = texts.numbers[i], texts.numbers[k]
    return len(a - b) >= t.conflicting_numbers and len(b - a) >= t.conflicting_numbers


def days_apart(texts: Texts, i: int, k: int) -> int | None:
    a, b = texts.dates[i], texts.dates[k]
    return abs((a - b).days) if a and b else None


def second_report(texts: Texts, longer: int, shorter: int) -> bool:
    """The longer text strings reports together (a digest, a round-up) and the shorter is one of them.

    The longer text is cut where a report starts (normalise.REPORT_START_RE). It is a digest when
    one part holds ``_COVER`` of the shorter text's shingles, and the rest — ``_REST`` of the longer
    text or more — is at least ``_REST_OWN`` its own. (Inside one story the same words name a
    source, and the shorter text spans the cut; formulaic notices share many phrases, hence a low
    ``_REST_OWN``.)
    """
    starts = texts.report_starts[longer]
    if not starts:
        return False
    h_long = texts.hashes[texts.offsets[longer]:texts.offsets[longer + 1]]
    h_short = np.unique(texts.hashes[texts.offsets[shorter]:texts.offsets[shorter + 1]])
    own = ~np.isin(h_long, h_short)
    cuts = [0, *(s for s in starts if 0 < s < len(h_long)), len(h_long)]
    for a, b in itertools.pairwise(cuts):
        rest = np.concatenate((own[:a], own[b:]))
        if len(rest) >= _REST * len(own) and rest.mean() >= _REST_OWN \
                and np.isin(h_short, h_long[a:b]).mean() >= _COVER:
            return True
    return False


_COVER = 0.8  # of the shorter text's shingles inside one part of the longer
_REST = 0.1  # of the longer text outside that part …
_REST_OWN = 0.25  # … of which this share is not in the shorter text


def longest_run(texts: Texts, i: int, k: int) -> int:
    """Characters in the longest run of consecutive shingles of ``i`` that ``k`` also has."""
    h_i = texts.hashes[texts.offsets[i]:texts.offsets[i + 1]]
    h_k = texts.hashes[texts.offsets[k]:texts.offsets[k + 1]]
    shared = np.isin(h_i, h_k)
    if not shared.any():
        return 0
    edges = np.diff(np.concatenate(([0], shared.astype(np.int8), [0])))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    return int((ends - starts).max()) + sketch.SHINGLE - 1


def same_story(texts: Texts, pairs: np.ndarray, t: Thresholds = THRESHOLDS) -> np.ndarray:
    """For each candidate pair: is it one story (a reprint)?"""
    if len(pairs) == 0:
        return np.zeros(0, dtype=bool)
    j, inside, outside = scores(texts, pairs)
    alike = (j >= t.same_jaccard) | ((inside >= t.contained_share) & (j >= t.contained_jaccard))
    out = alike.copy()
    for n in np.nonzero(alike)[0]:
        i, k = int(pairs[n, 0]), int(pairs[n, 1])
        gap = days_apart(texts, i, k)
        if numbers_conflict(texts, i, k, t) or (gap is not None and gap > t.max_days):
            out[n] = False
        elif outside[n] < 1 - t.extra_share:
            longer, shorter = (i, k) if texts.size(i) >= texts.size(k) else (k, i)
            out[n] = not second_report(texts, longer, shorter)
    return out


def related(texts: Texts, i: int, k: int, cities: Sequence[str | None], t: Thresholds = THRESHOLDS) -> bool:
    """Two stories on one event: published within ``t.max_days``, and sharing a run of
    ``t.related_run`` characters, or ``t.related_numbers`` numbers and the city."""
    gap = days_apart(texts, i, k)
    if gap is not None and gap > t.max_days:
        return False
    if longest_run(texts, i, k) >= t.related_run:
        return True
    return bool(cities[i]) and cities[i] == cities[k] and \
        len(key_numbers(texts.numbers[i]) & key_numbers(texts.numbers[k])) >= t.related_numbers


_YEAR_RE = re.compile(r"(?:19|20)\d\d")


def key_numbers(numbers: frozenset[str]) -> frozenset[str]:
    """Numbers that identify an event: not years, at least three digits or a decimal."""
    return frozenset(n for n in numbers if not _YEAR_RE.fullmatch(n) and (len(n) >= 3 or "." in n))
