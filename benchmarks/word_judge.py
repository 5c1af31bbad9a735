"""An outside judge of whole words: jieba's segmentation, which the keyword extractor does not use.

A keyword is whole where it starts and ends on word boundaries of jieba's search-mode segmentation (the
words and the listed words inside long ones: 公司 in 有限公司) and holds no function word (particles,
prepositions, conjunctions, pronouns: 亲友鏖战之时 holds 之); it passes when most of its occurrences in the
article are whole. Used by ``reader_check.py`` and by the keyword test over the dev corpus.
Needs jieba (the ``bench`` and ``test`` extras).
"""

from __future__ import annotations

import logging
from functools import cache

# jieba's tags of function words: particles, prepositions, conjunctions, pronouns, modal particles,
# interjections, onomatopoeia.
FUNCTION_TAGS = ("u", "p", "c", "r", "y", "e", "o")


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
        return hits > 0 and 2 * good > hits
