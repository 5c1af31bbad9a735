"""Comparison texts → the arrays dedup compares (``Texts``), all texts at once, a chunk at a time.

The per-character work — fold width and case, keep letters and digits, find the numbers and where
a report starts, hash the shingles, sketch the signatures — runs as a few array passes over the
code points of a chunk of texts (about ``CHUNK`` characters, so that every intermediate array
stays in the CPU cache). At 50,000 articles this is the difference between a second and a minute.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

import numpy as np

from . import normalise, sketch

CHUNK = 1 << 17  # characters per chunk: 128k code points, their hashes 512 kB
WORKERS = min(2, os.cpu_count() or 1)  # threads for the chunks (the machines here have two cores)
CONTEXT = 3  # a number's context: the letters and digits just before it (报收于 18.98, 共立案 40967)
NUMBER_WORDS = 16  # a text's numbers as 1,024 bits: a story holds a few dozen, so few share a bit by chance
_GOLDEN = np.uint32(0x9E3779B1)
KEPT = 2048  # texts whose arrays a ``Texts`` keeps at once (``_kept``)
T = TypeVar("T")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Texts:
    """What the comparison needs of each text (``encode``), as arrays over all texts. The shingle
    hashes stay in the chunks they were made in (joining them would cost a pass over them all), or,
    for texts encoded where they were read (``encoded``), are not kept at all; a text's code points
    and clause starts (``arrays``), and then its hashes, are made again when a pair asks for them."""

    bodies: Sequence[str]  # each text as compared (``normalise.story_body``); a spill's view will do
    hash_chunks: tuple[np.ndarray, ...]  # uint32 shingle hashes, all texts of a chunk end to end; () when not kept
    chunk_of: np.ndarray  # int64: the chunk each text is in
    hash_starts: np.ndarray  # int64: where each text's hashes start in its chunk
    lengths: np.ndarray  # int64: the code points compared per text
    sizes: np.ndarray  # int64: shingles per text
    signatures: np.ndarray  # (texts, sketch.BINS) uint32 MinHash signatures
    keys: np.ndarray  # (texts, 3) uint64: equal texts, equal keys (length; sum and xor of the shingles)
    report_starts: tuple[tuple[int, ...], ...]  # where in each text a report starts (shingle offsets)
    contexts: np.ndarray  # (texts, NUMBER_WORDS) uint64: bits of the contexts of the text's numbers
    readings: np.ndarray  # (texts, NUMBER_WORDS) uint64: bits of (context, number) — what it says there
    key_numbers: np.ndarray  # uint32 hashes of the numbers that name an event (not a year; 3+ digits or a decimal)
    key_offsets: np.ndarray  # int64, len + 1: where each text's key numbers start
    anchors: np.ndarray  # uint32: the texts' anchor shingles (``sketch.anchors``), in text order
    anchor_texts: np.ndarray  # int64: the text of each anchor
    days: np.ndarray  # each text's date as a day number, -1 when unknown
    _cache: dict[int, Arrays] = field(default_factory=dict, repr=False, compare=False)
    _sets: dict[int, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    _hashes: dict[int, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.sizes)

    def size(self, i: int) -> int:
        return int(self.sizes[i])

    def arrays(self, i: int) -> Arrays:
        """Text ``i``'s code points, clause starts and shingles (kept for a while: ``_kept``)."""
        return _kept(self._cache, i, lambda: arrays_of(self.bodies[i]))

    def shingles(self, i: int) -> np.ndarray:
        """The hash of each shingle of text ``i``, in order."""
        if not self.hash_chunks:  # hashed again from its codes: the same hashes (they span one text)
            def hashes() -> np.ndarray:
                codes = self.arrays(i).codes
                return sketch.shingle_hashes(codes, np.array([0, len(codes)]))[0]

            return _kept(self._hashes, i, hashes)
        start = int(self.hash_starts[i])
        return self.hash_chunks[self.chunk_of[i]][start:start + int(self.sizes[i])]

    def shingle_set(self, i: int) -> np.ndarray:
        """The distinct shingle hashes of text ``i``, sorted (kept for a while: ``_kept``)."""
        return _kept(self._sets, i, lambda: sketch.distinct(self.shingles(i)))

    def opens(self, i: int) -> np.ndarray:
        """For each code of text ``i``: may a clause start there?"""
        return self.arrays(i).opens

    def text(self, i: int, start: int = 0, end: int | None = None) -> str:
        """Codes ``start:end`` of text ``i`` as a string (what a shared run says)."""
        return self.arrays(i).codes[start:end].tobytes().decode("utf-16-le")


def _kept(store: dict[int, V], i: int, make: Callable[[], V]) -> V:
    """``store[i]``, made by ``make`` if it is not there; the store holds the last ``KEPT`` made. A
    month's candidate pairs ask for the arrays of tens of thousands of texts (12 bytes a character),
    each pair's in turn: kept for ever, they were a third of a month's memory."""
    if (found := store.get(i)) is None:
        if len(store) >= KEPT:
            del store[next(iter(store))]  # the oldest made
        found = store[i] = make()
    return found


@dataclass(frozen=True, slots=True)
class Arrays:
    """One text's code points compared, and whether a clause, or a sentence, may start at each."""

    codes: np.ndarray  # uint16
    opens: np.ndarray  # bool, one per code: after a clause mark, a sentence end or a space
    sentences: np.ndarray  # bool, one per code: after a sentence end or a space


def arrays_of(body: str) -> Arrays:
    """``Arrays`` of one text, as ``encode`` reads all."""
    front = _front(body, _starts([body]))

    def after(kind: int) -> np.ndarray:
        out = np.ones(len(front.raw), dtype=bool)  # and at the start
        out[1:] = (front.classes[:-1] & kind).astype(bool)
        return out[front.keep]

    return Arrays(front.codes, after(normalise.CLAUSE_OPENS), after(normalise.SENTENCE_ENDED))


@cache
def _fold_table() -> np.ndarray:
    """For each code point of the BMP, what dedup compares it as: letters and digits of any script
    (what ``re``'s ``\\w`` keeps, without ``_``), full-width forms as ASCII (Ａ１ → a1), ASCII case
    folded; 0 for everything else — punctuation, spaces, and U+FFFF, which stands for whatever lies
    beyond the BMP (emoji)."""
    table = np.array([c if chr(c).isalnum() else 0 for c in range(0x10000)], dtype=np.uint16)
    table[0xFF10:0xFF1A] = np.arange(0x30, 0x3A)
    table[0xFF21:0xFF3B] = np.arange(0x61, 0x7B)
    table[0xFF41:0xFF5B] = np.arange(0x61, 0x7B)
    table[0x41:0x5B] += 0x20
    table[0xFFFF] = 0
    return table


def encode(bodies: Sequence[str], days: np.ndarray) -> Texts:
    """The arrays of ``bodies`` (``normalise.story_body`` of each text); ``days`` their dates."""
    return join(_map(_chunk, _chunks(bodies)), bodies, days)


def encoded(bodies: Sequence[str]) -> list[Encoded]:
    """``bodies`` encoded where they were read (a reading worker: one thread), without their shingle
    hashes, which weigh four bytes a character: ``join`` makes ``Texts`` of them that hash a text
    again when a pair asks for it, so a month's texts need not be held to be compared."""
    return [dataclasses.replace(_chunk(chunk), hashes=None) for chunk in _chunks(bodies)]


def join(parts: Sequence[Encoded], bodies: Sequence[str], days: np.ndarray) -> Texts:
    """``Texts`` of the encoded ``parts`` (``_chunk``s, in order), ``bodies`` their texts, ``days`` their dates.
    Without the parts' hashes (``encoded``), ``Texts`` keeps none."""
    if not parts:
        parts = [_chunk([])]

    def stack(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    key_offsets = np.concatenate(([0], np.cumsum(np.concatenate([np.diff(p.key_offsets) for p in parts]))))
    firsts = np.cumsum([0, *(len(p.sizes) for p in parts[:-1])])
    anchor_texts = np.concatenate([p.anchor_texts + first for p, first in zip(parts, firsts, strict=True)])
    chunk_of = np.repeat(np.arange(len(parts)), [len(p.sizes) for p in parts])
    hash_starts = np.concatenate([np.cumsum(p.sizes) - p.sizes for p in parts])
    hashed = all(p.hashes is not None for p in parts)
    return Texts(bodies, tuple(p.hashes for p in parts) if hashed else (), chunk_of,  # type: ignore[misc]
                 hash_starts, stack("lengths"), stack("sizes"),
                 sketch.densify(stack("signatures")), stack("keys"), tuple(s for p in parts for s in p.report_starts),
                 stack("contexts"), stack("readings"), stack("key_numbers"), key_offsets,
                 stack("anchors"), anchor_texts, np.asarray(days, dtype=np.int64))


def flat_shingles(bodies: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The shingle hashes of all ``bodies`` end to end, and where each text's start (the benchmark
    gives them to other signature engines)."""
    def shingles(chunk: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        front = _front("".join(chunk), _starts(chunk))
        return sketch.shingle_hashes(front.codes, front.code_offsets)

    parts = _map(shingles, _chunks(bodies))
    counts = np.concatenate([np.diff(offsets) for _, offsets in parts])
    return np.concatenate([hashes for hashes, _ in parts]), np.concatenate(([0], np.cumsum(counts)))


def _starts(bodies: Sequence[str]) -> np.ndarray:
    """Where each text starts in ``bodies`` end to end, and the end."""
    starts = np.zeros(len(bodies) + 1, dtype=np.int64)
    np.cumsum(np.fromiter((len(b) for b in bodies), dtype=np.int64, count=len(bodies)), out=starts[1:])
    return starts


def _chunks(bodies: Sequence[str]) -> list[Sequence[str]]:
    """``bodies`` cut into runs of about ``CHUNK`` characters (at least one run)."""
    n = len(bodies)
    ends = np.cumsum(np.fromiter((len(b) for b in bodies), dtype=np.int64, count=n))
    cuts = np.searchsorted(ends, np.arange(CHUNK, int(ends[-1]) if n else 0, CHUNK), side="right").tolist()
    return [bodies[lo:hi] for lo, hi in itertools.pairwise(sorted({0, *cuts, n}) if n else [0, 0])]


def _map(work: Callable[[Sequence[str]], T], chunks: list[Sequence[str]]) -> list[T]:
    if len(chunks) > 1 and WORKERS > 1:  # numpy lets go of the GIL in its array passes: chunks overlap
        with ThreadPoolExecutor(WORKERS) as pool:
            return list(pool.map(work, chunks))
    return [work(chunk) for chunk in chunks]


@dataclass(frozen=True, slots=True)
class _Front:
    """Texts end to end, read into arrays: code points, their folded form and classes, what is kept."""

    raw: np.ndarray  # uint32 code points
    folded: np.ndarray  # uint16: what each is compared as (0: not compared)
    classes: np.ndarray  # uint8: ``normalise.char_classes``
    keep: np.ndarray  # bool: compared
    codes: np.ndarray  # uint16: the compared ones, folded
    kept_before: np.ndarray  # int32, len + 1: codes before each code point
    code_offsets: np.ndarray  # int64: where each text's codes start


def _front(joined: str, starts: np.ndarray) -> _Front:
    raw = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    bmp = np.minimum(raw, 0xFFFF)
    folded = _fold_table()[bmp]
    classes = normalise.char_classes(bmp)
    keep = folded != 0
    kept_before = np.zeros(len(raw) + 1, dtype=np.int32)
    np.cumsum(keep, out=kept_before[1:])
    return _Front(raw, folded, classes, keep, folded[keep], kept_before, kept_before[starts].astype(np.int64))


@dataclass(frozen=True, slots=True)
class Encoded:
    """One chunk of texts through every array pass (``_chunk``), one row (or run) per text."""

    hashes: np.ndarray | None  # None: not kept (``encoded``)
    lengths: np.ndarray
    sizes: np.ndarray
    signatures: np.ndarray
    keys: np.ndarray
    report_starts: list[tuple[int, ...]]
    contexts: np.ndarray
    readings: np.ndarray
    key_numbers: np.ndarray
    key_offsets: np.ndarray
    anchors: np.ndarray
    anchor_texts: np.ndarray


def _chunk(bodies: Sequence[str]) -> Encoded:
    """One chunk of texts, end to end, through every array pass."""
    n = len(bodies)
    joined = "".join(bodies)
    starts = _starts(bodies)
    f = _front(joined, starts)
    code_offsets = f.code_offsets
    hashes, hash_offsets = sketch.shingle_hashes(f.codes, code_offsets)
    runs = normalise.digit_runs(f.classes, starts)
    where = sorted({*normalise.credit_starts(joined, starts), *normalise.item_starts(runs, f.raw, f.classes).tolist()})
    report_starts: list[tuple[int, ...]] = [()] * n
    if where:
        at = np.array(where, dtype=np.int64)
        doc = np.searchsorted(starts, at, side="right") - 1
        shingle = f.kept_before[at] - code_offsets[doc]
        for d, group in itertools.groupby(zip(doc.tolist(), shingle.tolist(), strict=True), key=lambda x: x[0]):
            report_starts[d] = tuple(sorted({s for _, s in group if s > 0}))
    contexts, readings, key_numbers, key_offsets = _numbers(runs, f.folded, starts, f.codes, f.kept_before,
                                                            code_offsets)
    sizes = np.diff(hash_offsets)
    keys = np.zeros((n, 3), dtype=np.uint64)
    keys[:, 0] = np.diff(code_offsets).astype(np.uint64)
    live = sizes > 0
    if live.any():
        first = hash_offsets[:-1][live]
        keys[live, 1] = np.add.reduceat(hashes, first, dtype=np.uint64)
        keys[live, 2] = np.bitwise_xor.reduceat(hashes, first)
    anchors, anchor_texts = sketch.anchors(hashes, hash_offsets)
    return Encoded(hashes, np.diff(code_offsets), sizes, sketch.signatures(hashes, hash_offsets), keys, report_starts,
                 contexts, readings, key_numbers, key_offsets, anchors, anchor_texts)


def _numbers(runs: normalise.DigitRuns, folded: np.ndarray, starts: np.ndarray, codes: np.ndarray,
             kept_before: np.ndarray, code_offsets: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each text's numbers — runs of digits with inner dots (36.5, 2836) — read with their context.

    A number of two digits or more (or a decimal) whose context (the ``CONTEXT`` letters and digits
    before it) holds no other number of its text is put in two bit sets: its context, and its
    reading (context and value). Two texts that share a context and read a different number
    there say different things (报收于18.98元 against 报收于6.51元: one form filled in for two
    companies); a number only one text has is news only that text carries, not a contradiction.
    The numbers that name an event (not a year, three digits or more, or a decimal) are also kept
    as hashes.

    Returns:
        (contexts, readings, key number hashes, where each text's key numbers start)
    """
    n = len(starts) - 1
    contexts = np.zeros((n, NUMBER_WORDS), dtype=np.uint64)
    readings = np.zeros((n, NUMBER_WORDS), dtype=np.uint64)
    number = (runs.digits >= 2) | (runs.dots > 0)
    start, width, dots, digits = runs.start[number], runs.width[number], runs.dots[number], runs.digits[number]
    if len(start) == 0:
        return contexts, readings, np.zeros(0, np.uint32), np.zeros(n + 1, np.int64)
    doc = np.searchsorted(starts, start, side="right") - 1
    # the value, as written: a polynomial over its characters (a dot folds to 0), from prefix sums
    chars = folded[np.repeat(start, width) + (np.arange(int(width.sum())) - np.repeat(np.cumsum(width) - width, width))]
    at = np.concatenate(([0], np.cumsum(width)))
    power, inverse = _powers(len(chars) + 1)
    prefix = np.zeros(len(chars) + 1, dtype=np.uint32)
    np.cumsum(chars.astype(np.uint32) * power[:-1], out=prefix[1:])
    value = sketch.fmix32((prefix[at[1:]] - prefix[at[:-1]]) * inverse[at[:-1]] ^ width.astype(np.uint32))
    # the context: the CONTEXT codes kept before the number, within its text
    kept = kept_before[start].astype(np.int64)
    context = np.full(len(start), sketch.FNV_BASIS, dtype=np.uint32)
    for back in range(CONTEXT, 0, -1):
        inside = kept - back >= code_offsets[doc]
        context ^= np.where(inside, codes[np.maximum(kept - back, 0)], 0).astype(np.uint32)
        context *= sketch.FNV_PRIME
    context = sketch.fmix32(context)
    reading = sketch.fmix32(context ^ (value * _GOLDEN))
    # only a context that holds one number in its text reads unambiguously (同比增长5.6%…同比增长22.5%: two)
    key = (doc.astype(np.uint64) << np.uint64(32)) | context
    order = np.argsort(key)
    same = key[order][1:] == key[order][:-1]
    repeated = np.zeros(len(order), dtype=bool)
    repeated[order[1:][same]] = repeated[order[:-1][same]] = True
    _set_bits(contexts, doc[~repeated], context[~repeated])
    _set_bits(readings, doc[~repeated], reading[~repeated])
    first, second = folded[start], folded[start + 1]
    year = (width == 4) & (dots == 0) & (((first == 0x32) & (second == 0x30)) | ((first == 0x31) & (second == 0x39)))
    key_number = ~year & ((digits >= 3) | (dots > 0))
    key_offsets = np.searchsorted(doc[key_number], np.arange(n + 1))
    return contexts, readings, value[key_number], key_offsets


def _powers(length: int) -> tuple[np.ndarray, np.ndarray]:
    """FNV's prime to the powers 0 … length - 1, and their inverses (mod 2^32: the prime is odd)."""
    def powers_of(base: int) -> np.ndarray:
        out = np.ones(length, dtype=np.uint32)
        np.cumprod(np.full(length - 1, base, dtype=np.uint32), dtype=np.uint32, out=out[1:])
        return out

    return powers_of(int(sketch.FNV_PRIME)), powers_of(pow(int(sketch.FNV_PRIME), -1, 1 << 32))


def _set_bits(bits: np.ndarray, doc: np.ndarray, hashes: np.ndarray) -> None:
    slot = (hashes >> np.uint32(32 - 10)).astype(np.int64)  # top 10 bits: one of 1,024
    np.bitwise_or.at(bits, (doc, slot >> 6), np.left_shift(np.uint64(1), (slot & 63).astype(np.uint64)))
