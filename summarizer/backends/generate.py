"""What the model engines share: output hygiene, token limits, map-reduce over long texts.

Summarisation pipelines crash or silently truncate on long input (transformers #4224, #11339), so
an engine knows its token limit, splits a long article at sentence boundaries, summarises the parts
and then the parts' summaries (map-reduce), and records that in ``Summary.notes``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

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


def _strip(text: str) -> str:
    text = _MARKUP_RE.sub("", _PREAMBLE_RE.sub("", text.strip())).strip()
    return _HEADING_RE.sub("", text, count=1).strip()


def _sentences(text: str) -> list[str]:
    """The answer's first paragraph as Simplified sentences, preamble and markup dropped, each said once."""
    text = re.split(r"\n\s*\n", _strip(text), maxsplit=1)[0].replace("\n", "")
    seen: set[str] = set()
    kept = []
    for sentence in split_sentences(to_simplified(text.strip())):
        if sentence not in seen:  # small models loop: say each sentence once
            seen.add(sentence)
            kept.append(sentence)
    return kept


def clean_output(text: str, max_chars: int) -> str:
    """Drop a preamble and markup, keep the first paragraph, Simplified, no repeated sentence, within budget."""
    return close_clause(truncate_at_boundary("".join(_sentences(text)), max_chars))


def settled(text: str, max_chars: int) -> bool:
    """True when more generated text cannot change ``clean_output(text, max_chars)``: stop generating.

    That is when the first paragraph has ended, or when its sentences before the last one (which may
    still grow, or turn out to repeat an earlier one) already fill the budget.
    """
    if re.search(r"\n\s*\n", _strip(text)):
        return True
    return len("".join(_sentences(text)[:-1])) > max_chars


def batches(lengths: Sequence[int], size: int, tokens: int) -> list[list[int]]:
    """Indices grouped shortest first: at most ``size`` a batch, and at most ``tokens`` once padded.

    Similar lengths waste little on padding; the token cap keeps a batch of long texts from
    holding gigabytes of activations (a padded batch costs its row count x its longest row).
    """
    out: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        if out and len(out[-1]) < size and (len(out[-1]) + 1) * lengths[i] <= tokens:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def token_limit(tokenizer: Any, model: Any, default: int = 512) -> int:
    """The most input tokens the model takes: its position table, else the tokenizer's limit."""
    config = getattr(model, "config", None)
    candidates = [getattr(config, key, None) for key in ("max_position_embeddings", "n_positions")]
    candidates.append(getattr(tokenizer, "model_max_length", None))
    # Tokenizers without a limit report a huge sentinel (int(1e30)); T5 has relative positions only.
    sane = [int(c) for c in candidates if isinstance(c, int) and 0 < c < 1_000_000]
    return min(sane) if sane else default


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


def banned_sequences(tokenizer: Any, figures: Sequence[str]) -> list[list[int]] | None:
    """Token sequences that spell the digits of ``figures``, for ``generate(bad_words_ids=...)``.

    A number is tokenised differently at the start of a text and after other text (sentencepiece's
    ``▁``), so both forms are banned.
    """
    numbers = {n for f in figures for n in re.findall(r"\d+(?:\.\d+)?", f)}
    prefix = len(tokenizer("的", add_special_tokens=False).input_ids)
    banned: set[tuple[int, ...]] = set()
    for number in numbers:
        banned.add(tuple(tokenizer(number, add_special_tokens=False).input_ids))
        banned.add(tuple(tokenizer("的" + number, add_special_tokens=False).input_ids[prefix:]))
    return [list(b) for b in banned if b] or None
