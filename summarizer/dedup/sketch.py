"""MinHash signatures of character shingles, and LSH banding to find candidate pairs.

Every step is a pass over arrays, so the cost grows with the number of characters, not with the
number of pairs:

1. Shingles: each run of ``SHINGLE`` characters of a comparison text is hashed (FNV-1a over the
   code points, then a finaliser, in 32 bits), all texts at once, in numpy.
2. Signatures: ``BINS`` MinHash values per text by one-permutation hashing, in numpy. Chosen by
   measurement (``benchmarks/reprints.py --engines``; README, Duplicates) over rensa (Rust: its
   sketch is fast, but its signatures come back as Python lists, which costs more than the whole
   numpy version) and datasketch (the same accuracy, a hundred times slower).
3. LSH: the signature is cut into ``BANDS`` bands of ``BINS // BANDS`` rows; texts whose band
   values are all equal in some band become a candidate pair.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

SHINGLE = 5  # characters per shingle: Chinese words are 1–4 characters, so 5 spans a word boundary
BINS = 128  # signature length; the Jaccard estimate's standard error is about 0.5 / sqrt(BINS)
BANDS = 42  # 42 bands of 3 rows: a pair at Jaccard 0.45 becomes a candidate with probability 0.98
EMPTY = np.uint32(0xFFFFFFFF)
_ROWS = 4096  # signatures densified at once
ANCHOR_EVERY = 16  # one shingle in this many anchors the search for shared runs (related reports)
_M1, _M2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)  # MurmurHash3 fmix64
_BASE = np.uint64(0x100000001B3)
FNV_BASIS, FNV_PRIME = np.uint32(0x811C9DC5), np.uint32(0x01000193)  # encode.py hashes with them too
_S33 = np.uint64(33)


def mix(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser, in place: every input bit reaches every output bit."""
    h ^= h >> _S33
    h *= _M1
    h ^= h >> _S33
    h *= _M2
    h ^= h >> _S33
    return h


def shingle_hashes(codes: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 32-bit hash of every shingle of every text, and where each text's hashes start.

    Args:
        codes, offsets: the texts' code points end to end, and where each text starts
            (``encode``).

    A text shorter than ``SHINGLE`` gives one shingle, itself; an empty text gives none. The
    hash is FNV-1a over the shingle's code points, then MurmurHash3's 32-bit finaliser — in
    32-bit arithmetic, which numpy vectorises (its 64-bit multiply is ten times slower here).

    Returns:
        (uint32 hashes, offsets as int64 of length ``len(offsets)``)
    """
    lengths = np.diff(offsets)
    counts = np.where(lengths >= SHINGLE, lengths - SHINGLE + 1, np.minimum(lengths, 1))
    out_offsets = np.zeros(len(offsets), dtype=np.int64)
    np.cumsum(counts, out=out_offsets[1:])
    if len(codes) == 0:
        return np.empty(0, dtype=np.uint32), out_offsets
    span = len(codes)
    wide = np.zeros(span + SHINGLE, dtype=np.uint32)
    wide[:span] = codes
    if (lengths >= SHINGLE).all():
        h = np.full(span, FNV_BASIS, dtype=np.uint32)
        for j in range(SHINGLE):
            h ^= wide[j:j + span]
            h *= FNV_PRIME
        # the last SHINGLE - 1 positions of each text run into the next one: drop them
        keep = np.ones(span, dtype=bool)
        keep[(offsets[1:, None] - np.arange(1, SHINGLE)).ravel()] = False
        return fmix32(h[keep]), out_offsets
    # short texts: one shingle of their own characters (the next text's first ones masked out)
    first = np.repeat(offsets[:-1] - out_offsets[:-1], counts) + np.arange(out_offsets[-1])
    width = np.repeat(np.minimum(lengths, SHINGLE), counts)
    h = np.full(len(first), FNV_BASIS, dtype=np.uint32)
    for j in range(SHINGLE):
        h ^= np.where(width > j, wide[first + j], 0).astype(np.uint32)
        h *= FNV_PRIME
    return fmix32(h), out_offsets


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, in place: every input bit reaches every output bit."""
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def signatures(hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """One ``BINS``-long uint32 MinHash signature per text, by one-permutation hashing (Li, Owen
    & Zhang, NIPS 2012): a shingle's top 7 bits choose its bin, a bin keeps its smallest hash.
    Chosen by measurement over rensa and datasketch (README, Duplicates;
    ``benchmarks/reprints.py --engines``). Bins left empty are filled by ``densify``.

    Args:
        hashes, offsets: the texts' 32-bit shingle hashes (``shingle_hashes``), and where each
            text's start.
    """
    n = len(offsets) - 1
    sig = np.full(n * BINS, EMPTY, dtype=np.uint32)
    if len(hashes):
        slot = np.repeat(np.arange(0, n * BINS, BINS, dtype=np.int64), np.diff(offsets))
        slot += hashes >> np.uint32(32 - 7)
        np.minimum.at(sig, slot, hashes)
    return sig.reshape(n, BINS)


def densify(sig: np.ndarray) -> np.ndarray:
    """Fill each empty bin from the next non-empty bin to its right (circularly; Shrivastava, ICML
    2017), mixed with the distance, so that two texts borrow alike only when their bins agree. A
    text with no shingles keeps a signature of ``EMPTY`` values; ``candidate_pairs`` leaves it out."""
    cols = np.arange(BINS, dtype=np.int16)
    for lo in range(0, len(sig), _ROWS):
        block = sig[lo:lo + _ROWS]
        empty = block == EMPTY
        rows = np.nonzero(empty.any(axis=1) & ~empty.all(axis=1))[0]
        if len(rows) == 0:
            continue
        part, holes = block[rows], empty[rows]
        # the next non-empty bin at or after each bin, over two copies of the row (the wrap)
        where = np.where(np.concatenate((~holes, ~holes), axis=1), np.arange(2 * BINS, dtype=np.int16), 2 * BINS)
        nxt = np.minimum.accumulate(where[:, ::-1], axis=1)[:, ::-1][:, :BINS]
        r, c = np.nonzero(holes)
        src = nxt[r, c]
        borrowed = part[r, src % BINS].astype(np.uint64) + (src - cols[c]).astype(np.uint64)
        part[r, c] = (mix(borrowed * _BASE) >> np.uint64(32)).astype(np.uint32)
        block[rows] = part
    return sig


def candidate_pairs(sig: np.ndarray, sizes: np.ndarray, bands: int = BANDS, all_pairs: int = 8) -> np.ndarray:
    """Pairs (i < j) of texts that agree on every row of at least one band, each pair once.

    A bucket of up to ``all_pairs`` texts gives all its pairs; a larger one (a story copied dozens
    of times) gives a star around its longest text (``sizes``), the one the others would join —
    so the work stays linear in the number of texts.

    Returns:
        int64 array of shape (pairs, 2)
    """
    n = sig.shape[0]
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    rows = BINS // bands
    live = np.nonzero(sizes > 0)[0]
    # rank: longest first, so a bucket's lead is its member of the lowest rank
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), -sizes))] = np.arange(n)
    # one 32-bit key per (text, band): the band's rows hashed together
    cut = (sig if len(live) == n else sig[live])[:, :bands * rows].reshape(len(live), bands, rows)
    keys = np.full((len(live), bands), FNV_BASIS, dtype=np.uint32)
    for r in range(rows):
        keys ^= cut[:, :, r]
        keys *= FNV_PRIME
    keys = np.ascontiguousarray(fmix32(keys).T)  # a band's keys side by side
    text_of_rank = _by_rank(rank)
    found = []
    last_lead = np.full(n, -1, dtype=np.int64)  # a text's lead in the bands before: the same star, once
    for b in range(bands):
        order = np.argsort(keys[b])
        _, sizes_b = _runs(keys[b][order])
        shared = sizes_b >= 2
        if not shared.any():
            continue
        in_shared = np.repeat(shared, sizes_b)  # the members of buckets of two or more
        first, sizes_b = np.cumsum(np.concatenate(([0], sizes_b[shared][:-1]))), sizes_b[shared]
        members = live[order[in_shared]]
        group = np.repeat(np.arange(len(sizes_b)), sizes_b)
        lead = text_of_rank[np.minimum.reduceat(rank[members], first)][group]
        star = (lead != members) & (last_lead[members] != lead)
        last_lead[members[star]] = lead[star]
        found.append(_codes(lead[star], members[star], n))
        found.extend(_codes(x, y, n) for x, y in _within(members, first, sizes_b, 3, all_pairs))  # 2: the star
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    code = distinct(np.concatenate(found))
    return np.stack((code // n, code % n), axis=1)


def _codes(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Each pair (a[k], b[k]) as one number, lower index first."""
    return np.minimum(a, b) * n + np.maximum(a, b)


def anchors(hashes: np.ndarray, offsets: np.ndarray, every: int = ANCHOR_EVERY) -> tuple[np.ndarray, np.ndarray]:
    """The anchor shingles of each text — one of every ``every`` shingles, chosen by its hash, so the
    same text gives the same anchors wherever it appears (a run of 40 shared characters holds one
    with probability 0.93 at ``every`` 16).

    Returns:
        (anchor hashes, the text each is in)
    """
    pick = np.flatnonzero((hashes & np.uint32(every - 1)) == 0)
    return hashes[pick], np.searchsorted(offsets, pick, side="right") - 1


def sharing_pairs(keys: np.ndarray, groups: np.ndarray, max_groups: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of groups that share a key (an anchor shingle, a number in one city; its low 32 bits),
    and how many keys each pair shares. A key found in more than ``max_groups`` groups is one that every story of the
    day has (a copyright line, a hotline), not an event's, and is skipped.

    Returns:
        (int64 array (pairs, 2) of groups, lower first, each pair once; the keys each shares)
    """
    none = np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.int64)
    if len(keys) < 2:
        return none
    # each (key, group) once, sorted by key
    code = distinct((keys.astype(np.uint32).astype(np.uint64) << np.uint64(32)) | groups.astype(np.uint64))
    k, g = code >> np.uint64(32), (code & np.uint64(0xFFFFFFFF)).astype(np.int64)
    first, sizes = _runs(k)
    found = [np.stack((x, y), axis=1) for x, y in _within(g, first, sizes, 2, max_groups)]
    if not found:
        return none
    pairs = np.sort(np.concatenate(found), axis=1)
    span = int(g.max()) + 1
    code = np.sort(pairs[:, 0] * span + pairs[:, 1])
    first, counts = _runs(code)
    code = code[first]
    return np.stack((code // span, code % span), axis=1), counts


def _runs(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(where each run of equal values of a sorted array starts, how long it is)."""
    first = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return first, np.diff(np.append(first, len(ordered)))


def _within(members: np.ndarray, first: np.ndarray, sizes: np.ndarray, smallest: int,
            largest: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every pair inside each bucket of ``smallest`` to ``largest`` members (bucket k is
    ``members[first[k]:first[k] + sizes[k]]``), as arrays (a, b), a bucket's size at a time."""
    for size in np.unique(sizes[(sizes >= smallest) & (sizes <= largest)]):
        block = members[first[sizes == size][:, None] + np.arange(size)]
        a, c = np.triu_indices(size, k=1)
        yield block[:, a].ravel(), block[:, c].ravel()


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (by a sort: numpy's hash-based ``unique`` is slower on these)."""
    out = np.sort(values)
    return out[np.concatenate(([True], out[1:] != out[:-1]))] if len(out) else out


def _by_rank(rank: np.ndarray) -> np.ndarray:
    """The text of each rank (the inverse permutation of ``rank``)."""
    out = np.empty_like(rank)
    out[rank] = np.arange(len(rank))
    return out


def jaccard(sig: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The estimated Jaccard similarity of each pair: the share of bins on which they agree."""
    if len(pairs) == 0:
        return np.empty(0)
    return np.count_nonzero(sig[pairs[:, 0]] == sig[pairs[:, 1]], axis=1) / sig.shape[1]
