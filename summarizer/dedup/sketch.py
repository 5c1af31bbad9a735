"""MinHash signatures of character shingles, and LSH banding to find candidate pairs — in numpy.

Every step is a pass over arrays, so the cost grows with the number of characters, not with the
number of pairs:

1. Shingles: each run of ``SHINGLE`` characters of a comparison text is hashed (a polynomial over
   the code points, then a 64-bit finaliser), all texts at once.
2. Signatures by one-permutation hashing (Li, Owen & Zhang, "One Permutation Hashing", NIPS 2012):
   one hash per shingle, its top bits choose one of ``BINS`` bins, and a text's signature is the
   smallest value in each bin. Empty bins (short texts) are filled from the next non-empty bin to
   the right, as in Shrivastava's densification (ICML 2017), so that two texts agree on a bin with
   probability equal to their Jaccard similarity.
3. LSH: the signature is cut into ``BANDS`` bands of ``BINS // BANDS`` rows; texts whose band
   values are all equal in some band become a candidate pair.

Measured against datasketch and rensa in ``benchmarks/reprints.py`` (README, Duplicates).
"""

from __future__ import annotations

import numpy as np

SHINGLE = 5  # characters per shingle: Chinese words are 1–4 characters, so 5 spans a word boundary
BINS = 128  # signature length; the Jaccard estimate's standard error is about 0.5 / sqrt(BINS)
BANDS = 42  # 42 bands of 3 rows: a pair at Jaccard 0.45 becomes a candidate with probability 0.98
EMPTY = np.uint32(0xFFFFFFFF)
_M1, _M2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)  # MurmurHash3 fmix64
_BASE = np.uint64(0x100000001B3)
_S33, _BIN_SHIFT = np.uint64(33), np.uint64(64 - 7)  # BINS = 2**7


def mix(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser, in place: every input bit reaches every output bit."""
    h ^= h >> _S33
    h *= _M1
    h ^= h >> _S33
    h *= _M2
    h ^= h >> _S33
    return h


def shingle_hashes(codes: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 64-bit hash of every shingle of every text, and where each text's hashes start.

    Args:
        codes, offsets: the texts' code points end to end, and where each text starts
            (``encode.Encoded``).

    A text shorter than ``SHINGLE`` gives one shingle, itself; an empty text gives none.

    Returns:
        (hashes as uint64, offsets as int64 of length ``len(offsets)``)
    """
    lengths = np.diff(offsets)
    counts = np.where(lengths >= SHINGLE, lengths - SHINGLE + 1, np.minimum(lengths, 1))
    out_offsets = np.concatenate(([0], np.cumsum(counts)))
    if len(codes) == 0:
        return np.empty(0, dtype=np.uint64), out_offsets
    wide = np.concatenate((codes.astype(np.uint64), np.zeros(SHINGLE, dtype=np.uint64)))
    span = len(codes)
    h = wide[:span].copy()
    for j in range(1, SHINGLE):
        h *= _BASE
        h ^= wide[j:j + span]
    if (lengths >= SHINGLE).all():
        # the last SHINGLE - 1 positions of each text run into the next one: drop them
        tail = (offsets[1:, None] - np.arange(1, SHINGLE)).ravel()
        keep = np.ones(span, dtype=bool)
        keep[tail] = False
        return mix(h[keep]), out_offsets
    # short texts: one shingle of their own characters (the zeros of the next text's start masked out)
    first = np.repeat(offsets[:-1] - out_offsets[:-1], counts) + np.arange(out_offsets[-1])
    width = np.repeat(np.minimum(lengths, SHINGLE), counts)
    g = wide[first].copy()
    for j in range(1, SHINGLE):
        g *= _BASE
        g ^= np.where(width > j, wide[first + j], 0)
    return mix(g), out_offsets


def signatures(hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """One ``BINS``-long uint32 signature per text (one-permutation hashing with densification).

    A text with no shingles gets a signature of ``EMPTY`` values, which matches nothing.
    """
    n = len(offsets) - 1
    sig = np.full(n * BINS, EMPTY, dtype=np.uint32)
    if len(hashes):
        # Minimum per (bin, text): the shingles are in text order already, so a stable radix sort on
        # the 7-bit bin alone groups them by bin, then text; reduceat takes each group's minimum.
        order = np.argsort((hashes >> _BIN_SHIFT).astype(np.uint8), kind="stable")
        doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))[order]
        key = (hashes[order] >> _BIN_SHIFT).astype(np.int64) * n + doc
        value = (hashes[order] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        starts = np.concatenate(([0], np.nonzero(key[1:] != key[:-1])[0] + 1))
        group = key[starts]
        sig[(group % n) * BINS + group // n] = np.minimum.reduceat(value, starts)
    return _densify(sig.reshape(n, BINS))


def _densify(sig: np.ndarray) -> np.ndarray:
    """Fill each empty bin from the next non-empty bin to its right (circularly), mixed with the
    distance so that two texts borrow alike only when their non-empty bins agree."""
    empty = sig == EMPTY
    if not empty.any():
        return sig
    full_rows = ~empty.all(axis=1)
    cols = np.arange(BINS)
    # index of the next non-empty bin at or after each bin, over two copies of the row (the wrap)
    idx = np.where(np.concatenate((~empty, ~empty), axis=1), np.arange(2 * BINS), 2 * BINS)
    nxt = np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1][:, :BINS]
    rows = np.nonzero(empty & full_rows[:, None])
    src = nxt[rows]
    borrowed = sig[rows[0], src % BINS].astype(np.uint64) + (src - cols[rows[1]]).astype(np.uint64)
    out = sig.copy()
    out[rows] = (mix(borrowed * _BASE) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    return out


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
    # rank texts longest first, so that a bucket sorted by (band, rank) starts with its longest text
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), -sizes))] = np.arange(n)
    found = []
    for b in range(bands):
        band = sig[live, b * rows:(b + 1) * rows].astype(np.uint64)
        key = band[:, 0]
        for r in range(1, rows):
            key = mix(key * _BASE ^ band[:, r])
        order = np.lexsort((rank[live], key))
        keys = key[order]
        new = np.concatenate(([True], keys[1:] != keys[:-1]))
        group = np.cumsum(new) - 1
        sizes_b = np.bincount(group)
        if sizes_b.max(initial=1) < 2:
            continue
        first = np.nonzero(new)[0]
        members = live[order]
        lead = members[first[group]]
        star = lead != members
        found.append(np.stack((lead[star], members[star]), axis=1))
        for size in np.unique(sizes_b[(sizes_b > 2) & (sizes_b <= all_pairs)]):
            block = members[first[sizes_b == size][:, None] + np.arange(size)]
            a, c = np.triu_indices(size, k=1)
            keep = a > 0  # pairs with the first member are in the star already
            found.append(np.stack((block[:, a[keep]].ravel(), block[:, c[keep]].ravel()), axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found), axis=1)
    code = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack((code // n, code % n), axis=1)


def jaccard(sig: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The estimated Jaccard similarity of each pair: the share of bins on which they agree."""
    if len(pairs) == 0:
        return np.empty(0)
    return (sig[pairs[:, 0]] == sig[pairs[:, 1]]).mean(axis=1)
