"""Keywords per article: the longest runs of whole words an article repeats.

A term a news story is about comes back (物业 … 物业服务 … 物业人), while the glue between terms
varies; so repeated 2–6 character runs, kept only when no longer repeat explains them, weighted
down when most articles in the briefing share them (IDF), make usable keywords. Repeats alone
also find fragments that straddle two words (伊斯兰饭庄董, 下停车场 of 地下停车场), so a candidate
is a run of whole words of a dictionary segmentation of its text (jionlp's word list, no segmenter
to install) in most of its occurrences, and it holds no function word: no particle, preposition or
pronoun standing alone (社区和铁塔, 据路透社), no measure word of a number beside it (Ⅳ级应急响应,
3名士兵), no stop word or localizer at its ends (积极配合, 亲友鏖战之时). Words common everywhere
weigh less, and the commonest (记者, 工作) are not terms, nor are amounts (亿美元, 小时) or times (今日).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from ..facts import amount_word
from ..lexicon import stopwords, word_idf
from ..text import CJK, FUNCTION_CHARS, TIME_WORDS, lead_window, segment

_RUN_RE = re.compile(f"[{CJK}]{{2,}}")
# Function words of two characters (对…来说, …之时, …以来): glue wherever they stand.
_FUNCTION_WORDS = {
    "来说", "而言", "看来", "的话", "似的", "一样", "之时", "之际", "之后", "之前", "之间", "之中", "以来",
    "以后", "以前", "期间", "时候", "当中", "以东", "以西", "以南", "以北", "以内", "以外", "以上", "以下",
}
# A determiner with its measure word (这款, 该项, 每日, 各家, 本届) points at a term; it is not part of it.
_DEMONSTRATIVES = set("这那该此某其每各本")
_NUMERALS = set("零〇一二两三四五六七八九十百千万亿几数第")
# A day or month after a word (佩斯科夫8日表示) dates what it did: the word is not glued to an amount.
_DATE_AFTER_RE = re.compile(r"\d{1,2}[日月]")
_MIN_LEN, _MAX_LEN = 2, 6
_MAX_GROWN = 8  # a repeat always part of a longer one grows into it up to this length
_CONTEXT = 2  # characters either side that make two occurrences two passages (a copied title may differ before)
# Function characters that stand beside any noun (的河马, 被洪水围困): a term always beside one is still whole.
_COMMONEST = set("的了着过和与及或在是被把")
# A listed word more common than this (记者 4.3, 工作 4.2, 表示 3.9, 中国 3.0) says nothing about one story.
_MIN_IDF = 4.5
# IDF of a term the word list lacks (a name: 蒋振岭, 悦山国际小区): as specific as a rare listed word.
_UNLISTED_IDF = 10.0


def _glue(word: str) -> bool:
    """A word no keyword holds: a function word, a determiner with its measure word, an amount (五天).
    A word glued to the number or letters beside it (the 级 of Ⅳ级, the 轮 of 十九轮, the 之家 of IT之家)
    is glue there too (``_spans``)."""
    if word in _FUNCTION_WORDS or word[0] == "之" or amount_word(word):
        return True
    return word in FUNCTION_CHARS if len(word) == 1 else len(word) == 2 and word[0] in _DEMONSTRATIVES


def _spans(text: str) -> list[list[tuple[int, int, bool]]]:
    """Per CJK run of ``text``: its words as (start, end, glue) offsets into ``text``."""
    out = []
    cut: dict[str, list[str]] = {}  # runs said twice in one text (a title repeated as its lead) cut once
    glue_of: dict[str, bool] = {}  # and its words judged once
    for m in _RUN_RE.finditer(text):
        run = m.group()
        if (words := cut.get(run)) is None:
            words = cut[run] = segment(run)
        pos, last, spans = m.start(), len(words) - 1, []
        for k, word in enumerate(words):
            end = pos + len(word)
            numbered = ((k == 0 and pos > 0 and text[pos - 1].isalnum())
                        or (k == last and end < len(text) and text[end].isalnum()
                            and not _DATE_AFTER_RE.match(text, end))
                        or (k > 0 and len(word) == 1 and set(words[k - 1]) <= _NUMERALS))
            if numbered:
                glue = True
            elif (glue := glue_of.get(word)) is None:
                glue = glue_of[word] = _glue(word)
            spans.append((pos, end, glue))
            pos = end
        out.append(spans)
    return out


def _stop_edge(gram: str, stop: frozenset[str]) -> bool:
    """True when ``gram`` opens or closes on a stop word (谢谢你们送来, 积极配合)."""
    return any(gram[:n] in stop or gram[-n:] in stop for n in range(2, min(len(gram), 4) + 1))


def _whole_counts(spans: list[list[tuple[int, int, bool]]], text: str) -> Counter[str]:
    """How often each run of 2–6 characters occurs in ``text`` as whole words without glue and, made of
    several words, not opening or closing on a single character (区 of 延庆区人民政府, 下 of 地下停车场
    read as 低洼地|下|停车场)."""
    whole: list[str] = []  # counted at the end: a Counter's += is slow on a new key, and most are new
    for run in spans:
        for i, (start, first_end, glue) in enumerate(run):
            if glue:
                continue
            single_first = first_end - start == 1
            for j in range(i, len(run)):
                word_start, end, glue = run[j]
                if glue or end - start > _MAX_LEN:
                    break
                if end - start >= _MIN_LEN and (j == i or not (single_first or end - word_start == 1)):
                    whole.append(text[start:end])
    return Counter(whole)


def _occurrences(gram: str, text: str) -> list[int]:
    out, at = [], text.find(gram)
    while at >= 0:
        out.append(at)
        at = text.find(gram, at + len(gram))
    return out


class _Words(NamedTuple):
    """Offsets of the segmentation's words in one text."""

    singles: set[int]  # one-character words that are not glue
    starts: set[int]  # starts and ends of words that are not glue
    ends: set[int]
    guessed: set[int]  # starts and ends of words the list lacks (德建信 of 贝莱|德建信: a guess at a name)


def _words(spans: list[list[tuple[int, int, bool]]], text: str) -> _Words:
    words = _Words(set(), set(), set(), set())
    idf = word_idf()
    for run in spans:
        for s, e, glue in run:
            if not glue:
                words.starts.add(s)
                words.ends.add(e)
                if e - s == 1:
                    words.singles.add(s)
            if e - s > 1 and text[s:e] not in idf:
                words.guessed.update((s, e))
    return words


def _orphan(positions: list[int], text: str, singles: set[int]) -> str | None:
    """The character at ``positions`` when it is the same everywhere and, in all of them, a word of one
    character that is not glue: an orphan of the segmentation that belongs with its neighbour (马 of
    马|斯克, 达 of 英伟|达; not 川 of 来|川|视察, which is also 四川|视察)."""
    if not _constant(positions, text):
        return None
    return text[positions[0]] if all(i in singles for i in positions) else None


def _grown(gram: str, at: list[int], passages: int, text: str, words: _Words) -> str | None:
    """``gram`` (at offsets ``at``, in ``passages`` passages) grown into the orphan characters it always
    stands beside (斯克 → 马斯克), or None when the grown run is not whole words, or is still always
    followed or preceded by one character (作家肖 of 作家肖复兴: the orphan belonged to the word after
    it), or ``gram`` is cut where the text never shows it ends (``_cut_short``)."""
    grown = gram
    while len(grown) < _MAX_GROWN:
        if (c := _orphan([i - 1 for i in at], text, words.singles)) is not None:
            grown, at = c + grown, [i - 1 for i in at]
        elif (c := _orphan([i + len(grown) for i in at], text, words.singles)) is not None:
            grown = grown + c
        else:
            break
    if grown == gram:
        return None if _cut_short(gram, at, passages, text, words) else gram
    if _constant([i - 1 for i in at], text) or _constant([i + len(grown) for i in at], text):
        return None
    return grown if 2 * sum(i in words.starts and i + len(grown) in words.ends for i in at) > len(at) else None


def _cut_short(gram: str, at: list[int], passages: int, text: str, words: _Words) -> bool:
    """Whether ``gram`` (at offsets ``at``, in ``passages`` passages: three or more) stops, on one side, where the word
    list does not vouch for an edge and the text always writes the same character beside it: a piece of
    a longer name. Unvouched are the edge of a word the list lacks (德建信 of 贝莱|德建信理财: a guess at a
    name) and the edges of a term of two characters, the shape of most of a name cut short (新发 of
    新发|地, 贝莱 of 贝莱|德). Two passages may share a neighbour by chance (业主郑萌萌 twice); beside the
    commonest function characters (的, 和, 在) nothing is proved: they stand beside any noun (的河马)."""
    if passages < 3:
        return False
    for beside, edge in (([i - 1 for i in at], at), ([i + len(gram) for i in at], [i + len(gram) for i in at])):
        # a measure word after a number (3名士兵, 三名士兵) is not part of what it counts
        counted = all(i > 0 and (text[i - 1].isdigit() or text[i - 1] in _NUMERALS) for i in beside)
        if (_constant(beside, text) and text[beside[0]] not in _COMMONEST and not counted
                and (len(gram) == 2 or all(i in words.guessed for i in edge))):
            return True
    return False


def _passages(term: str, at: list[int], text: str) -> int:
    """In how many different passages ``term`` (at offsets ``at``) occurs: the same characters either
    side of it, within its line, make one passage said twice (a title repeated as the lead's first
    sentence), which is one repeat and shows nothing about where the term begins or ends."""
    n = len(term)
    return len({(text[max(0, i - _CONTEXT):i].rpartition("\n")[2], text[i + n:i + n + _CONTEXT].partition("\n")[0])
                for i in at})


def _constant(positions: list[int], text: str) -> bool:
    """Whether the same Chinese character stands at every one of ``positions``."""
    chars = {text[i] if 0 <= i < len(text) else "" for i in positions}
    return len(chars) == 1 and bool(_RUN_RE.match(2 * chars.pop()))


def _term_like(gram: str) -> bool:
    """Not an amount (亿美元), not a time (今日), not a listed word as common as 记者 or 工作."""
    return not amount_word(gram) and gram not in TIME_WORDS and word_idf().get(gram, math.inf) >= _MIN_IDF


def _terms(text: str) -> dict[str, int]:
    """Candidate terms and how often they occur: repeated, whole in most occurrences (grown into the
    orphan characters beside them), term-like."""
    spans = _spans(text)
    words = _words(spans, text)
    stop = stopwords()
    out = {}
    for gram, whole in _whole_counts(spans, text).items():
        # whole in most of at least two occurrences: a gram found whole once is never a candidate
        if whole < 2 or _stop_edge(gram, stop):
            continue
        total = text.count(gram)
        if 2 * whole <= total or not _term_like(gram):
            continue
        at = _occurrences(gram, text)
        passages = _passages(gram, at, text)
        if (term := _grown(gram, at, passages, text, words)) is None or not _term_like(term):
            continue
        if term != gram:
            at = _occurrences(term, text)
            passages = _passages(term, at, text)
        if passages > 1:
            out[term] = len(at)  # as text.count(term): non-overlapping, from the left
    return out


def _closed(repeated: dict[str, int]) -> dict[str, int]:
    """Repeated grams not contained in a longer gram that repeats as often (物业服 inside 物业服务)."""
    by_len = sorted(repeated, key=len, reverse=True)
    kept: dict[str, int] = {}
    for gram in by_len:
        if not any(gram in longer and repeated[longer] >= repeated[gram] for longer in kept):
            kept[gram] = repeated[gram]
    return kept


def _specificity(gram: str) -> float:
    """The term's IDF in the word list, capped at that of a term the list lacks (a name, a compound)."""
    return min(word_idf().get(gram, _UNLISTED_IDF), _UNLISTED_IDF)


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
    from ..parallel import map_ordered  # across processes inside parallel.using (a month's briefing)

    return chosen_keywords(map_ordered(text_terms, texts), limit)


def text_terms(text: str) -> dict[str, int]:
    """One text's candidate terms and their counts (the per-article half of ``keywords``, for a pool)."""
    # Filter before closing: 伊斯兰饭庄 stays a keyword when the longer repeat 伊斯兰饭庄董事 is a fragment.
    # Repeats are compared pairwise: a long article's lead window only.
    return _closed(_terms(lead_window(text)))


def chosen_keywords(per_text: Sequence[Mapping[str, int]], limit: int = 5) -> list[list[str]]:
    """``keywords`` from each text's ``text_terms``: weighted across all of them, best first."""
    df = document_counts(per_text)
    return [chosen(grams, df, len(per_text), limit) for grams in per_text]


def document_counts(per_text: Iterable[Mapping[str, int]]) -> Counter[str]:
    """In how many texts each candidate term is (of ``text_terms`` each): what ``chosen`` weighs it by.

    The half of ``chosen_keywords`` that needs every text; it holds one count per term, so a month's
    texts can be counted one at a time and chosen for in a second pass (``compose.briefing``).
    """
    return Counter(g for grams in per_text for g in grams)


def chosen(grams: Mapping[str, int], df: Counter[str], n: int, limit: int = 5) -> list[str]:
    """One text's keywords from its ``text_terms``, weighed against the ``n`` texts ``df`` counted."""
    weight = {g: c * min(len(g), 4) * math.log(1 + n / df[g]) * _specificity(g) for g, c in grams.items()}
    out: list[str] = []
    for gram in sorted(grams, key=lambda g: (-weight[g], g)):
        # Picks sharing two characters (退役军人 / 役军人服务站, 白银市 / 银市人大) are one term cut
        # two ways, or two views of it: keep the better-scored one.
        if not any(_overlap(gram, c) for c in out):
            out.append(gram)
        if len(out) == limit:
            break
    return out
