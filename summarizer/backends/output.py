"""What the prompt engine does with model text: output hygiene, when to stop, long inputs in parts.

Summarisation pipelines crash or silently truncate on long input (transformers #4224, #11339), so
an engine knows its token limit, splits a long article at sentence boundaries, summarises the parts
and then the parts' summaries (map-reduce), and records that in ``Summary.notes``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..ingest.clean import to_simplified
from ..text import close_clause, split_clauses, split_sentences, truncate_at_boundary

# 好的，以下是…： / 摘要： / **摘要**： / 标题： — what instruct models put before the answer.
_PREAMBLE_RE = re.compile(
    r"^\s*(?:好的[，,。！!]?[^。\n]*?[:：]\s*|以下是[^。\n]*?[:：]\s*|(?:简报)?(?:摘要|综述|标题)[:：]\s*)"
)
_MARKUP_RE = re.compile(r"\*\*|__|^#+\s*|^[-*]\s+", re.MULTILINE)
# A heading line the model puts first (一、概述 / 1. 综述 / 概述), followed by the text itself.
_HEADING_RE = re.compile(
    r"^(?:(?:[一二三四五六七八九十]+、|\d+[.、．])[^\n。！？!?，,；;]{0,18}|[^\n。！？!?，,；;:：]{1,8})\n+(?=\S)"
)

# Generate one batch: (owner article index, text) pairs in, one generated text per pair out, each
# within the budget given as the second argument.
Generate = Callable[[list[tuple[int, str]], int], list[str]]


_HEADING_ONLY_RE = re.compile(_HEADING_RE.pattern.removesuffix(r"\n+(?=\S)") + r"\s*$")
_PARAGRAPH_END_RE = re.compile(r"\n\s*\n")
_TITLE_MARKS = "《》“”\"'「」『』。．.！!"
_LINE_END_RE = re.compile(r"[\n。！？!?]")
_ENDS = ("。", "！", "？", "!", "?", "…", "”", "’", "」", "』", "）", ")")


def _unwrap(text: str) -> str:
    """The answer without the preamble and markup an instruct model puts around it."""
    return _MARKUP_RE.sub("", _PREAMBLE_RE.sub("", text.strip())).strip()


def _strip(text: str) -> str:
    return _HEADING_RE.sub("", _unwrap(text), count=1).strip()


def _sentences(text: str) -> list[str]:
    """The answer's first paragraph as Simplified sentences, preamble and markup dropped, each said once."""
    text = _PARAGRAPH_END_RE.split(_strip(text), maxsplit=1)[0].replace("\n", "")
    seen: set[str] = set()
    kept = []
    for sentence in split_sentences(to_simplified(text.strip())):
        if sentence not in seen:  # small models loop: say each sentence once
            seen.add(sentence)
            kept.append(sentence)
    return kept


def clean_output(text: str, max_chars: int, *, truncated: bool = False) -> str:
    """Drop a preamble and markup, keep the first paragraph, Simplified, no repeated sentence, within budget.

    ``truncated``: the answer was cut by the token limit, so its last sentence may be unfinished: it
    is dropped when complete sentences come before it, else cut back to its last clause (or dropped).
    """
    sentences = _sentences(text)
    if truncated and sentences and not _PARAGRAPH_END_RE.search(_strip(text)) and not sentences[-1].endswith(_ENDS):
        last = split_clauses(sentences[-1])
        sentences[-1] = "".join(last[:-1]) if len(sentences) == 1 else ""
    return close_clause(truncate_at_boundary("".join(sentences), max_chars))


def settled(text: str, max_chars: int) -> bool:
    """True when more generated text cannot change ``clean_output(text, max_chars)``: stop generating.

    That is when the first paragraph has ended (a heading standing alone does not count: its text is
    still to come), or when its sentences before the last one (which may still grow, or turn out to
    repeat an earlier one) already fill the budget.
    """
    stripped = _strip(text)
    if end := _PARAGRAPH_END_RE.search(stripped):
        return not (_HEADING_ONLY_RE.match(stripped[:end.start()]) and not stripped[end.end():].strip())
    return len("".join(_sentences(text)[:-1])) > max_chars


def title_text(text: str, max_chars: int) -> str:
    """A headline answer's first line: no preamble, quotes, book-title marks or final stop; Simplified, in budget."""
    line = _LINE_END_RE.split(_unwrap(text), maxsplit=1)[0]
    line = to_simplified(line.strip(_TITLE_MARKS + " "))
    return line if len(line) <= max_chars else truncate_at_boundary(line, max_chars).rstrip("，,；;：:、")


def title_settled(text: str) -> bool:
    """True once a headline answer's first line has ended (``title_text`` cannot change)."""
    body = _MARKUP_RE.sub("", _PREAMBLE_RE.sub("", text.lstrip()))  # trailing newline kept: it ends the line
    return bool(body.strip()) and bool(_LINE_END_RE.search(body))


def chunk_text(text: str, count: Callable[[str], int], limit: int) -> list[str]:
    """Split ``text`` at sentence ends (then clause ends, then characters) into parts of at most ``limit`` tokens."""
    pieces: list[str] = []
    for sentence in split_sentences(text):
        if count(sentence) <= limit:
            pieces.append(sentence)
            continue
        for clause in split_clauses(sentence):
            while count(clause) > limit:  # one clause longer than the limit: cut by characters
                cut = max(1, len(clause) * limit // max(count(clause), 1))
                pieces.append(clause[:cut])
                clause = clause[cut:]
            pieces.append(clause)
    parts: list[str] = []
    current = ""
    for piece in pieces:
        if current and count(current + piece) > limit:
            parts.append(current)
            current = ""
        current += piece
    if current:
        parts.append(current)
    return parts


def map_reduce(
    texts: Sequence[str],
    generate: Generate,
    count: Callable[[str], int],
    limit: int,
    max_chars: int,
) -> list[tuple[str, tuple[str, ...]]]:
    """Summarise each text; a text over ``limit`` tokens is summarised in parts, then the parts' summaries.

    Returns:
        (summary, notes) per text, in order; notes say when and how a text was split.
    """
    out: list[tuple[str, tuple[str, ...]]] = [("", ())] * len(texts)
    todo = dict(enumerate(texts))
    notes: dict[int, list[str]] = {i: [] for i in todo}
    for _round in range(4):  # each round shrinks a text to a few summaries; 4 rounds cover any article
        long = {i: chunk_text(t, count, limit) for i, t in todo.items() if count(t) > limit}
        short = [(i, t) for i, t in todo.items() if i not in long]
        for (i, _), text in zip(short, generate(short, max_chars) if short else [], strict=True):
            out[i] = (text, tuple(notes[i]))
        if not long:
            return out
        flat = [(i, part) for i, parts in long.items() for part in parts]
        part_summaries = generate(flat, max_chars)
        todo = {}
        for i, parts in long.items():
            notes[i].append(f"原文约 {count(texts[i])} 个词元，超过模型上限 {limit}：分 {len(parts)} 段摘要后合并")
            todo[i] = "".join(s for (j, _), s in zip(flat, part_summaries, strict=True) if j == i)
    # Still too long after 4 rounds (a model that does not shorten): summarise the head only, and say so.
    heads = [(i, chunk_text(t, count, limit)[0]) for i, t in todo.items()]
    for (i, _), text in zip(heads, generate(heads, max_chars), strict=True):
        out[i] = (text, (*notes[i], f"合并后仍超过上限 {limit}，只用了开头部分"))
    return out
