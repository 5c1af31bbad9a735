"""Sentence splitting and small text helpers shared by every stage.

Chinese sentence ends are 。！？ (and ASCII !?; also …… and ；for clauses). A closing quote or
bracket right after the end mark stays with its sentence (“……。” is one sentence), and nothing
inside 《书名》 is split.
"""

from __future__ import annotations

import re

_END = "。！？!?"
_CLOSE = "”’」』）)】》\"'"
# An end mark (or an ellipsis), then any closing quotes/brackets.
_SENT_RE = re.compile(rf"(?:[{_END}]+|……|…)[{re.escape(_CLOSE)}]*")
_CLAUSE_RE = re.compile(rf"[，,；;：:][{re.escape(_CLOSE)}]*")


def _split_keep(text: str, pattern: re.Pattern[str]) -> list[str]:
    out: list[str] = []
    start = 0
    depth = 0  # inside 《…》 we never split
    for m in pattern.finditer(text):
        depth = text.count("《", 0, m.start()) - text.count("》", 0, m.start())
        if depth > 0:
            continue
        piece = text[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; paragraph breaks (newlines) always end a sentence."""
    sentences: list[str] = []
    for para in text.splitlines():
        sentences.extend(_split_keep(para.strip(), _SENT_RE))
    return sentences


def split_clauses(sentence: str) -> list[str]:
    """Split one sentence at commas, semicolons and colons, keeping the marks."""
    return _split_keep(sentence, _CLAUSE_RE)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def cjk_ratio(text: str) -> float:
    """Share of CJK ideographs among the non-space characters of ``text``."""
    chars = [c for c in text if not c.isspace()]
    return sum(1 for c in chars if _CJK_RE.match(c)) / len(chars) if chars else 0.0


def close_clause(text: str) -> str:
    """End a text that stops at a clause mark (，；：、) with 。 instead: same length, reads as a sentence."""
    return text[:-1] + "。" if text and text[-1] in "，,；;：:、" else text


def truncate_at_boundary(text: str, max_chars: int) -> str:
    """Cut ``text`` to at most ``max_chars``, at the last sentence end, else clause end, that fits."""
    if len(text) <= max_chars:
        return text
    for splitter in (split_sentences, split_clauses):
        out = ""
        for piece in splitter(text):
            if len(out) + len(piece) > max_chars:
                break
            out += piece
        if out:
            return out
    return text[:max_chars]


# A short aside in brackets: a stock code (PTON.O), an outlet（央视新闻）, an English name, a
# restated date. Summaries drop it to spend the budget on the news.
_ASIDE_RE = re.compile(r"（[^（）]{1,30}）|\([^()]{1,30}\)|【[^【】]{1,30}】")


def strip_asides(text: str) -> str:
    """Remove short bracketed asides (（…）, (…), 【…】 up to 30 characters); keep 《书名》."""
    return _ASIDE_RE.sub("", text)
