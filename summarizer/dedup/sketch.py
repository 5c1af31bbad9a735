"""MinHash signatures of character shingles, and LSH banding to find candidate pairs.

Every step is a pass over arrays, so the cost grows with the number of characters, not with the
number of pairs:

1. Shingles: each run of ``SHINGLE`` characters of a comparison text is hashed (a polynomial over
   the code points, then a 64-bit finaliser), all texts at once, in numpy.
2. Signatures: ``BINS`` MinHash values per text, by rensa (R-MinHash, Rust). Chosen by
   measurement (``benchmarks/reprints.py --engines``; README, Duplicates) over datasketch (the same
   accuracy, 60 times slower) and a one-permutation-hashing version in numpy (the same accuracy,
   3 times slower).
3. LSH: the signature is cut into ``BANDS`` bands of ``BINS // BANDS`` rows; texts whose band
   values are all equal in some band become a candidate pair.
"""

from __future__ import annotations

import numpy as np

SHINGLE = 5  # characters per shingle: Chinese words are 1–4 characters, so 5 spans a word boundary
BINS = 128  # signature length; the Jaccard estimate's standard error is about 0.5 / sqrt(BINS)
BANDS = 42  # 42 bands of 3 rows: a pair at Jaccard 0.45 becomes a candidate with probability 0.98
EMPTY = np.uint32(0xFFFFFFFF)
SEED = 42  # of rensa's permutations: the same seed, the same signatures, run after run
ANCHOR_EVERY = 16  # one shingle in this many anchors the search for shared runs (related reports)
_M1, _M2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)  # MurmurHash3 fmix64
_BASE = np.uint64(0x100000001B3)
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
    """One ``BINS``-long uint32 MinHash signature per text (rensa's R-MinHash, in Rust).

    A text with no shingles gets a signature of ``EMPTY`` values; ``candidate_pairs`` leaves it out.
    """
    import rensa  # a compiled core: imported here, where it is used

    n = len(offsets) - 1
    if n == 0:
        return np.empty((0, BINS), dtype=np.uint32)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets.astype(np.uint64), BINS, SEED)
    return np.array(matrix.to_rows(), dtype=np.uint32).reshape(n, BINS)


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
    # one 64-bit key per (text, band): the band's rows mixed together
    cut = sig[live, : bands * rows].reshape(len(live), bands, rows).astype(np.uint64)
    keys = cut[:, :, 0]
    for r in range(1, rows):
        keys = mix(keys * _BASE ^ cut[:, :, r])
    text_of_rank = _by_rank(rank)
    found = []
    for b in range(bands):
        order = np.argsort(keys[:, b])
        sorted_keys = keys[order, b]
        new = np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1]))
        first = np.nonzero(new)[0]
        sizes_b = np.diff(np.append(first, len(order)))
        if sizes_b.max(initial=1) < 2:
            continue
        members = live[order]
        group = np.cumsum(new) - 1
        lead_rank = np.minimum.reduceat(rank[members], first)
        lead = text_of_rank[lead_rank][group]
        star = lead != members
        found.append(np.stack((lead[star], members[star]), axis=1))
        for size in np.unique(sizes_b[(sizes_b > 2) & (sizes_b <= all_pairs)]):
            block = members[first[sizes_b == size][:, None] + np.arange(size)]
            a, c = np.triu_indices(size, k=1)
            found.append(np.stack((block[:, a].ravel(), block[:, c].ravel()), axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found), axis=1)
    code = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack((code // n, code % n), axis=1)


def anchor_pairs(hashes: np.ndarray, offsets: np.ndarray, group_of: np.ndarray, every: int = ANCHOR_EVERY,
                 max_groups: int = 8) -> np.ndarray:
    """Pairs of groups (stories) whose texts share an anchor shingle — one of every ``every``
    shingles, chosen by its hash, so the same text gives the same anchors wherever it appears. A
    run of 40 shared characters holds one with probability 0.93 (``every`` 16). An anchor found in
    more than ``max_groups`` groups is a run every story of the day has (a copyright line), not an
    event's, and is skipped.

    Returns:
        int64 array (pairs, 2) of group indices, each pair once, lower index first
    """
    doc = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    pick = np.nonzero(hashes % np.uint64(every) == 0)[0]
    if len(pick) < 2:
        return np.empty((0, 2), dtype=np.int64)
    h, g = hashes[pick], group_of[doc[pick]]
    order = np.lexsort((g, h))
    h, g = h[order], g[order]
    distinct = np.concatenate(([True], (h[1:] != h[:-1]) | (g[1:] != g[:-1])))  # each (anchor, group) once
    h, g = h[distinct], g[distinct]
    if len(h) < 2:
        return np.empty((0, 2), dtype=np.int64)
    new = np.concatenate(([True], h[1:] != h[:-1]))
    first = np.nonzero(new)[0]
    sizes = np.diff(np.append(first, len(h)))
    found = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_groups)]):
        block = g[first[sizes == size][:, None] + np.arange(size)]
        a, c = np.triu_indices(size, k=1)
        found.append(np.stack((block[:, a].ravel(), block[:, c].ravel()), axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.sort(np.concatenate(found), axis=1), axis=0)


def _by_rank(rank: np.ndarray) -> np.ndarray:
    """The text of each rank (the inverse permutation of ``rank``)."""
    out = np.empty_like(rank)
    out[rank] = np.arange(len(rank))
    return out


def jaccard(sig: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The estimated Jaccard similarity of each pair: the share of bins on which they agree."""
    if len(pairs) == 0:
        return np.empty(0)
    return (sig[pairs[:, 0]] == sig[pairs[:, 1]]).mean(axis=1)
