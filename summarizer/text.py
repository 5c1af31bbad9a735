"""Sentence splitting and the language rules every stage shares, each written once here.

- The CJK character class (``CJK``, ``cjk_count``, ``cjk_ratio``): CJK Unified Ideographs, Extension A
  and the compatibility block; and the kana/Hangul that mark Japanese or Korean (``foreign_script_count``).
- Sentence ends: 。！？ (and ASCII !?) and the ellipsis …; a closing quote or bracket right after the
  end mark stays with its sentence (“……。” is one sentence), and nothing inside 《书名》 is split.
  ``ends_sentence`` asks the same question of a line.
- Byline words (``BYLINE_LABELS``, ``AUTHOR_LABELS``, ``BYLINE_OPEN``): the labels of credit lines (来源：…, 记者：…),
  which are metadata, never story text.
- The lead window (``LEAD_WINDOW``, ``lead_window``): how much of a long article quadratic work reads.
- Safe text (``safe_text``, ``safe_value``): the characters no output can hold (controls, lone
  surrogates) removed where text enters — readers, CLI options — and once more at the renderers' edge.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from enum import Enum
from pathlib import PurePath
from typing import TypeVar

T = TypeVar("T")

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # for use inside a regex character class
END_MARKS = "。！？!?…"
CLAUSE_MARKS = "，,；;：:、"
CLOSERS = "”’」』）)】》\"'"
# An end mark (or an ellipsis), then any closing quotes/brackets.
_SENT_RE = re.compile(rf"[{END_MARKS}]+[{re.escape(CLOSERS)}]*")
_CLAUSE_RE = re.compile(rf"[，,；;：:][{re.escape(CLOSERS)}]*")
CJK_RE = re.compile(f"[{CJK}]")
_CJK_RUN_RE = re.compile(f"[{CJK}]+")
# Japanese kana and Korean Hangul: text written in them is not Chinese, though it may hold CJK ideographs.
_FOREIGN_SCRIPT_RE = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")

# Labels that open a credit line: 来源：哈尔滨新闻网, 记者：节永志, 责任编辑：王悦, 文/图：…, 原标题：….
BYLINE_LABELS = ("来源", "记者", "编辑", "责任编辑", "值班编辑", "作者", "通讯员", "实习生", "摄影", "摄像", "文/图",
                 "文图", "图文", "撰文", "采写", "图片来源", "图源", "制图", "审核", "校对", "初审", "复审", "终审",
                 "监制", "统筹", "策划", "出品", "原标题", "本文原标题")
# The labels whose value names the people who wrote the story.
AUTHOR_LABELS = frozenset({"记者", "作者", "通讯员", "实习生", "撰文", "采写"})
# A byline label as a regex alternative, longest first (责任编辑 before 编辑).
BYLINE_LABEL = "|".join(sorted((re.escape(w) for w in BYLINE_LABELS), key=len, reverse=True))
# A line that opens as a credit: a label and its colon (来源：…, 责任编辑:…), or a label in brackets
# ((记者 张三), 【编辑:刘阳禾】). Not 记者从市住建局获悉，… — that is a sentence of the story.
BYLINE_OPEN = rf"^[（(【\[]?\s*(?:{BYLINE_LABEL})\s*[:：]|^[（(【\[]\s*(?:{BYLINE_LABEL})\s"


def ends_sentence(line: str, also: str = "") -> bool:
    """True when ``line`` ends with an end mark (or one of ``also``), closing quotes/brackets allowed after it.

    A line that ends on a closing quote alone (守护“家园防线”) does not: that is a headline's shape.
    """
    stripped = line.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in END_MARKS + also


def _split_keep(text: str, pattern: re.Pattern[str]) -> list[str]:
    out: list[str] = []
    start = 0
    depth = seen = 0  # inside 《…》 we never split; depth is counted up to each match, once (linear)
    for m in pattern.finditer(text):
        depth += text.count("《", seen, m.start()) - text.count("》", seen, m.start())
        seen = m.start()
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


def cjk_ratio(text: str) -> float:
    """Share of CJK ideographs among the non-space characters of ``text``."""
    chars = sum(map(len, text.split()))  # the non-space characters: str.split() drops what isspace() is
    return cjk_count(text) / chars if chars else 0.0


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


# The lead window: what work that compares every part of a text with every other part (the
# extractive engine's clause matrices, the keywords' repeats) reads of a long article, in characters.
# Such work grows with the square of the text (1 MB of text took 17 GB), so it is bounded. News puts
# what matters first, and every dev article is far shorter (the longest, in CLTS, has 2,330
# characters), so their summaries and keywords are unchanged. benchmarks/robustness.py measures
# articles of 100 KB to 5 MB.
LEAD_WINDOW = 10_000


def lead_window(text: str, limit: int = LEAD_WINDOW) -> str:
    """The first ``limit`` characters of ``text``, ending at the last paragraph or sentence end in them."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(mark) for mark in END_MARKS) + 1
    while 0 < cut < limit and head[cut] in CLOSERS:  # “……。” ends after its quote
        cut += 1
    cut = max(cut, head.rfind("\n"))
    return head[:cut] if cut > 0 else head


def cjk_count(text: str) -> int:
    """Number of CJK ideographs in ``text``."""
    return sum(map(len, _CJK_RUN_RE.findall(text)))  # runs, not characters: a quarter of the time


def foreign_script_count(text: str) -> int:
    """Number of kana and Hangul characters in ``text`` (Japanese or Korean, not Chinese)."""
    return len(_FOREIGN_SCRIPT_RE.findall(text))


# Characters no output format can hold: C0 controls other than tab and newline (XML 1.0 forbids
# them; a carriage return becomes a newline), the noncharacters U+FFFE/U+FFFF, and lone surrogates
# (half a UTF-16 pair: a JSON "\ud800", a file name in no encoding; they cannot be written as UTF-8).
_UNSAFE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def safe_text(text: str) -> str:
    """``text`` with what no renderer can write removed: controls (not tab/newline) dropped, CR/CRLF
    made newlines, lone surrogates replaced by U+FFFD (which cleaning treats as garbled)."""
    text = _UNSAFE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _SURROGATE_RE.sub("\ufffd", text)


def safe_value(value: T) -> T:
    """A copy of ``value`` (a dataclass, container, path or string) with every string made ``safe_text``.

    The one pass at the renderers' edge: whatever a briefing holds — file names, options, cached
    or generated summaries — reaches Word, Markdown and JSON writable. Enums and other values pass.
    """
    if isinstance(value, Enum) or value is None:
        return value
    if isinstance(value, str):
        return safe_text(value)  # type: ignore[return-value]
    if isinstance(value, PurePath):
        text = str(value)
        return value if safe_text(text) == text else type(value)(safe_text(text))  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: safe_value(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple | list):
        return type(value)(safe_value(v) for v in value)  # type: ignore[return-value]
    if isinstance(value, Mapping):
        return {safe_value(k): safe_value(v) for k, v in value.items()}  # type: ignore[return-value]
    return value
