"""Keywords per article without a segmenter: the longest character runs an article repeats.

A term a news story is about comes back (物业 … 物业服务 … 物业人), while the glue between terms
varies; so repeated 2–6 character CJK substrings, kept only when no longer repeat explains them,
weighted down when most articles in the briefing share them (IDF), make usable keywords.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_RUN_RE = re.compile(r"[\u3400-\u9fff]{2,}")
# Characters a term rarely starts or ends with: particles, pronouns, prepositions, measure words.
_EDGE = set("的了在是和与及或也都就还又而并但被把将对为于从向以由其这那此每各该个之等着过地得很更最有我你他她它们")
_MIN_LEN, _MAX_LEN = 2, 6


def _counts(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for run in _RUN_RE.findall(text):
        for n in range(_MIN_LEN, _MAX_LEN + 1):
            for i in range(len(run) - n + 1):
                gram = run[i : i + n]
                if gram[0] not in _EDGE and gram[-1] not in _EDGE:
                    grams[gram] += 1
    return grams


def _closed(grams: Counter[str]) -> dict[str, int]:
    """Repeated grams not contained in a longer gram that repeats as often (物业服 inside 物业服务)."""
    repeated = {g: c for g, c in grams.items() if c >= 2}
    by_len = sorted(repeated, key=len, reverse=True)
    kept: dict[str, int] = {}
    for gram in by_len:
        if not any(gram in longer and repeated[longer] >= repeated[gram] for longer in kept):
            kept[gram] = repeated[gram]
    return kept


def _overlap(a: str, b: str) -> bool:
    return any(a[i : i + 2] in b for i in range(len(a) - 1))


def keywords(texts: Sequence[str], limit: int = 5) -> list[list[str]]:
    """Up to ``limit`` keywords for each text, scored by repeats × length × IDF over ``texts``.

    Args:
        texts: one string per article (title and body).
        limit: keywords per article.

    Returns:
        One list per text, best first; a text with no repeated term gets an empty list.
    """
    per_text = [_closed(_counts(t)) for t in texts]
    df: Counter[str] = Counter(g for grams in per_text for g in grams)
    n = len(texts)
    out = []
    for grams in per_text:
        scored = sorted(grams, key=lambda g: (-grams[g] * min(len(g), 4) * math.log(1 + n / df[g]), g))
        chosen: list[str] = []
        for gram in scored:
            # Picks sharing two characters (退役军人 / 役军人服务站, 白银市 / 银市人大) are one term cut
            # two ways, or two views of it: keep the better-scored one.
            if not any(_overlap(gram, c) for c in chosen):
                chosen.append(gram)
            if len(chosen) == limit:
                break
        out.append(chosen)
    return out
