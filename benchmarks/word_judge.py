"""An outside judge of whole words: jieba's segmentation, which the keyword extractor does not use.

A keyword is whole where it starts and ends on word boundaries of jieba's search-mode segmentation (the
words and the listed words inside long ones: 公司 in 有限公司) and holds no function word (particles,
prepositions, conjunctions, pronouns: 亲友鏖战之时 holds 之); it passes when most of its occurrences in the
article are whole, or when the article shows it free-standing where jieba cuts it (a name jieba lacks:
格罗西 in 格罗|西称; ``Segmented.free``). Used by ``reader_check.py`` and by the keyword test over the dev corpus.
Needs jieba (the ``bench`` and ``test`` extras).
"""

from __future__ import annotations

import logging
from functools import cache

# jieba's tags of function words: particles, prepositions, conjunctions, pronouns, modal particles,
# interjections, onomatopoeia.
FUNCTION_TAGS = ("u", "p", "c", "r", "y", "e", "o")


_CONTEXT = 4  # characters either side that make two occurrences two passages
_NUMERALS = set("零〇一二两三四五六七八九十百千万亿")


def _neighbour(char: str) -> str:
    """A neighbouring character as the free-standing test sees it: '' for none or punctuation, '#' for a
    digit, letter or numeral (they vary without freeing a word: Ⅳ级 and 三级 are both 级), else itself."""
    if not char or not (char.isalnum() or char in _NUMERALS):
        return ""
    return "#" if char.isascii() or char in _NUMERALS or not "\u4e00" <= char <= "\u9fff" else char


@cache
def _jieba():  # type: ignore[no-untyped-def]
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba, jieba.posseg


@cache
def holds_function_word(keyword: str) -> bool:
    """Whether jieba's tagged cut of ``keyword`` has a function word in it (亲友鏖战之时: 之)."""
    return any(token.flag.startswith(FUNCTION_TAGS) for token in _jieba()[1].cut(keyword))


class Segmented:
    """``text`` cut once by jieba: where its words start and end."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts, self.ends = {0}, {len(text)}
        for _, a, b in _jieba()[0].tokenize(text, mode="search"):
            self.starts.add(a)
            self.ends.add(b)

    def whole(self, keyword: str) -> bool:
        """Whether most occurrences of ``keyword`` start and end on word boundaries, and it holds no
        function word."""
        if holds_function_word(keyword):
            return False
        at, hits, good = self.text.find(keyword), 0, 0
        while at >= 0:
            hits += 1
            good += at in self.starts and at + len(keyword) in self.ends
            at = self.text.find(keyword, at + 1)
        return hits > 0 and (2 * good > hits or self.free(keyword))

    def free(self, keyword: str) -> bool:
        """Whether the text itself shows ``keyword`` is a unit where jieba cuts it (a name it lacks: 格罗西,
        3名|城管 read as 名城|管): in at least two passages that differ, each side of it is punctuation
        or a varying character, never the same one (贝莱 always before 德 is a piece of 贝莱德; digits and
        numerals count as one: Ⅳ级, 三级). A passage said twice (a title taken from the lead) counts once."""
        n, sides = len(keyword), set()
        at = self.text.find(keyword)
        while at >= 0:
            sides.add((self.text[max(0, at - _CONTEXT):at], self.text[at + n:at + n + _CONTEXT]))
            at = self.text.find(keyword, at + 1)
        if len(sides) < 2:
            return False
        before = {_neighbour(b[-1:]) for b, _ in sides}
        after = {_neighbour(a[:1]) for _, a in sides}
        return all(len(side) > 1 or side == {""} for side in (before, after))
