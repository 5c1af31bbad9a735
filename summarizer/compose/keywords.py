"""Keywords per article: the longest character runs an article repeats, cut at word boundaries.

A term a news story is about comes back (物业 … 物业服务 … 物业人), while the glue between terms
varies; so repeated 2–6 character CJK substrings, kept only when no longer repeat explains them,
weighted down when most articles in the briefing share them (IDF), make usable keywords.
Repeats alone also find fragments that straddle two words (伊斯兰饭庄董, 市物业行业), so a
candidate must start and end at word boundaries of a dictionary segmentation of its text (jionlp's
word list, no segmenter to install), and words common everywhere (工作, 大家) weigh less.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from ..lexicon import stopwords, word_idf
from ..text import lead_window

_RUN_RE = re.compile(r"[\u3400-\u9fff]{2,}")
# Characters a term rarely starts or ends with: particles, pronouns, prepositions, measure words.
_EDGE = set("的了在是和与及或也都就还又而并但被把将对为于从向以由其这那此每各该个之等着过地得很更最有我你他她它们")
# Repeats made only of number words and units (亿元, 万人次) are amounts, not terms.
_NUMBER_WORD = set("零一二两三四五六七八九十百千万亿元人次个名户份年月日")
_MIN_LEN, _MAX_LEN = 2, 6
_MAX_WORD = 8  # longest dictionary word tried by the segmentation
_UNKNOWN = 15.0  # the cost of a character the word list lacks: above any listed word's IDF (max 13.9)
# IDF of a term the word list lacks (a name: 蒋振岭, 悦山国际小区): as specific as a rare listed word.
_UNLISTED_IDF = 10.0


def _cuts(run: str) -> set[int]:
    """Word boundaries in a CJK run: the segmentation into listed words with the least total IDF.

    Rare words cost more, so common words and long listed words win (董事长 over 董事 + 长). Runs of
    single characters that are not glue (蒋/振/岭: a name the list lacks) are one unit, not three.
    """
    idf = word_idf()
    best = [0.0] + [math.inf] * len(run)
    start = [0] * (len(run) + 1)
    for end in range(1, len(run) + 1):
        for begin in range(max(0, end - _MAX_WORD), end):
            cost = idf.get(run[begin:end], _UNKNOWN if end - begin == 1 else None)
            if cost is not None and best[begin] + cost < best[end]:
                best[end], start[end] = best[begin] + cost, begin
    words = []
    end = len(run)
    while end > 0:
        words.append(run[start[end]:end])
        end = start[end]
    cuts, pos = {0}, 0
    for i, word in enumerate(reversed(words)):
        pos += len(word)
        single = len(word) == 1 and word not in _EDGE
        following = words[-i - 2] if i + 1 < len(words) else ""
        if not (single and len(following) == 1 and following not in _EDGE):
            cuts.add(pos)
    return cuts


def _boundaries(text: str) -> set[int]:
    return {m.start() + cut for m in _RUN_RE.finditer(text) for cut in _cuts(m.group())}


def _aligned(gram: str, text: str, bounds: set[int]) -> bool:
    """True when most of ``gram``'s occurrences in ``text`` are whole words with no glue word inside:
    they start and end at word boundaries, and no function word stands alone in them (社区和铁塔)."""
    def whole(s: int) -> bool:
        glue = any(text[i] in _EDGE and i in bounds and i + 1 in bounds for i in range(s + 1, s + len(gram) - 1))
        return s in bounds and s + len(gram) in bounds and not glue

    starts = [m.start() for m in re.finditer(re.escape(gram), text)]
    return 2 * sum(map(whole, starts)) >= len(starts)


def _glued(gram: str) -> bool:
    """True when ``gram`` begins or ends with a stop word (谢谢你们送来, 积极配合): glue, not a term."""
    stop = stopwords()
    return any(gram[:n] in stop or gram[-n:] in stop for n in range(2, min(len(gram), 4) + 1))


def _specificity(gram: str) -> float:
    """The term's IDF in the word list, capped at that of a term the list lacks (a name, a compound)."""
    return min(word_idf().get(gram, _UNLISTED_IDF), _UNLISTED_IDF)


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
    """Up to ``limit`` keywords for each text, scored by repeats × length × IDF over ``texts`` × word IDF.

    Args:
        texts: one string per article (title and body); a long one is read from its ``text.lead_window``.
        limit: keywords per article.

    Returns:
        One list per text, best first; a text with no repeated term gets an empty list.
    """
    per_text = []
    for text in map(lead_window, texts):  # repeats are compared pairwise: a long article's lead only
        bounds = _boundaries(text)
        # Filter before closing: 伊斯兰饭庄 stays a keyword when the longer repeat 伊斯兰饭庄董事 is a fragment.
        terms = Counter({g: c for g, c in _counts(text).items()
                         if c >= 2 and not set(g) <= _NUMBER_WORD and _aligned(g, text, bounds) and not _glued(g)})
        per_text.append(_closed(terms))
    df: Counter[str] = Counter(g for grams in per_text for g in grams)
    n = len(texts)
    out = []
    for grams in per_text:
        weight = {g: c * min(len(g), 4) * math.log(1 + n / df[g]) * _specificity(g) for g, c in grams.items()}
        scored = sorted(grams, key=lambda g: (-weight[g], g))
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
