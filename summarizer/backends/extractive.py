"""Extractive engine: picks whole sentences from the article, so it cannot invent a fact.

Scoring (per sentence): centrality in a sentence-similarity graph (character-bigram TF-IDF
cosine, PageRank as in TextRank, Mihalcea & Tarau 2004), a position prior (news leads with its
point), and overlap with the title. Selection is greedy by score with an MMR redundancy
penalty (Carbonell & Goldstein 1998) under a character budget; output is in document order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from ..text import split_clauses, split_sentences
from ..types import Article, Summary

# Sentences that open by pointing back at context make no sense alone.
_DANGLING_RE = re.compile(r"^(但是|但|同时|此外|而且|并且|因此|所以|他们|她们|它们|他|她|这|那|其间|为此|对此)")
_MIN_LEN = 8
_DUPLICATE = 0.8  # cosine above which a sentence repeats one already chosen


def _bigrams(text: str) -> list[str]:
    chars = [c for c in text if c.isalnum()]
    return [a + b for a, b in pairwise(chars)] or chars


def _tfidf(sentences: list[str]) -> np.ndarray:
    vocab: dict[str, int] = {}
    rows = []
    for s in sentences:
        counts: dict[int, float] = {}
        for g in _bigrams(s):
            j = vocab.setdefault(g, len(vocab))
            counts[j] = counts.get(j, 0.0) + 1.0
        rows.append(counts)
    matrix = np.zeros((len(sentences), max(len(vocab), 1)))
    for i, counts in enumerate(rows):
        for j, c in counts.items():
            matrix[i, j] = c
    df = (matrix > 0).sum(axis=0)
    matrix *= np.log((1 + len(sentences)) / (1 + df)) + 1.0
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _pagerank(sim: np.ndarray, damping: float = 0.85, iters: int = 50) -> np.ndarray:
    n = sim.shape[0]
    weights = sim.copy()
    np.fill_diagonal(weights, 0.0)
    out = weights.sum(axis=1, keepdims=True)
    trans = np.divide(weights, out, out=np.full_like(weights, 1.0 / n), where=out > 0)
    rank = np.full(n, 1.0 / n)
    for _ in range(iters):
        rank = (1 - damping) / n + damping * trans.T @ rank
    return rank / rank.max()


class ExtractiveSummarizer:
    """Graph centrality + position + title, MMR-selected under a character budget."""

    name = "extractive"

    def __init__(self, *, redundancy: float = 0.5, **_: object) -> None:
        self.redundancy = redundancy

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        return [Summary(self.summarize_text(a.text, max_chars=max_chars, title=a.title), self.name)
                for a in articles]

    def summarize_text(self, text: str, *, max_chars: int, title: str = "") -> str:
        sentences = [s for s in split_sentences(text) if len(s) >= _MIN_LEN and _is_prose(s)]
        if not sentences:
            sentences = split_sentences(text)
        if not sentences:
            return ""
        vectors = _tfidf([*sentences, title or ""])
        sent_vecs, title_vec = vectors[:-1], vectors[-1]
        sim = sent_vecs @ sent_vecs.T
        position = 1.0 / np.sqrt(np.arange(1, len(sentences) + 1))
        score = 0.5 * _pagerank(sim) + 0.35 * position + 0.15 * (sent_vecs @ title_vec)
        score -= 0.1 * np.array([bool(_DANGLING_RE.match(s)) for s in sentences])
        chosen = self._select(sentences, score, sim, max_chars)
        if chosen:
            return "".join(sentences[i] for i in sorted(chosen))
        return _fit_clauses(sentences[int(np.argmax(score))], max_chars)

    def _select(self, sentences: list[str], score: np.ndarray, sim: np.ndarray, budget: int) -> list[int]:
        chosen: list[int] = []
        used = 0
        candidates = set(range(len(sentences)))
        while candidates:
            def mmr(i: int) -> float:
                overlap = max((sim[i, j] for j in chosen), default=0.0)
                return float(score[i] - self.redundancy * overlap)

            best = max(candidates, key=lambda i: (mmr(i), -i))
            candidates.discard(best)
            repeats = any(sim[best, j] > _DUPLICATE for j in chosen)
            if used + len(sentences[best]) <= budget and mmr(best) > 0 and not repeats:
                chosen.append(best)
                used += len(sentences[best])
        return chosen


def _is_prose(sentence: str) -> bool:
    """A sentence, not a subhead: it ends with an end mark (closing quotes may follow it)."""
    return bool(re.search(r"[。！？!?…][”」』）)]*$", sentence))


def _fit_clauses(sentence: str, budget: int) -> str:
    """The leading clauses of a sentence that fit the budget (used only when no sentence fits)."""
    out = ""
    for clause in split_clauses(sentence):
        if len(out) + len(clause) > budget:
            break
        out += clause
    out = out or sentence[:budget]
    return out.rstrip("，,；;：:") + ("。" if len(out) < budget and not out.endswith("。") else "")
