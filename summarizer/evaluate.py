"""Summary quality on a labelled set: char-level ROUGE, length statistics and speed.

ROUGE comes from Google's ``rouge_score`` with a per-character tokenizer: its default tokenizer
keeps only [a-z0-9] and scores every Chinese summary 0 (huggingface/evaluate #256). Punctuation
and spaces are dropped, so a score measures wording, not commas. ``rouge_score`` is imported only
when scores are computed (the ``eval`` extra), keeping ``import summarizer`` light.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError, SummarizerError
from .types import Article

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


@dataclass(frozen=True)
class EvalItem:
    """One labelled article: its text and the reference summary people wrote."""

    id: str
    text: str
    reference: str
    title: str = ""


@dataclass(frozen=True)
class EvalReport:
    """Mean ROUGE F1 (in points, 0–100), output lengths and speed of one system on one set."""

    system: str
    n: int
    max_chars: int
    rouge1: float
    rouge2: float
    rougeL: float  # the metric's own spelling
    mean_chars: float
    longest: int
    over_budget: int
    empty: int
    articles_per_s: float

    def row(self) -> dict[str, object]:
        return {k: round(v, 2) if isinstance(v, float) else v for k, v in self.__dict__.items()}


class CharTokenizer:
    """Tokenizer for ``rouge_score``: one token per character, punctuation and spaces dropped."""

    def tokenize(self, text: str) -> list[str]:
        return [c.lower() for c in text if not c.isspace() and not unicodedata.category(c).startswith(("P", "S"))]


def read_dataset(path: str | Path, *, limit: int | None = None) -> list[EvalItem]:
    """Read a JSON Lines set: one object a line with ``text`` and ``summary`` (``id``, ``title`` optional).

    Args:
        path: the .jsonl file.
        limit: keep only the first ``limit`` items.

    Raises:
        InputError: the file is missing, or a line is not an object with non-empty text and summary.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"evaluation file {path} does not exist; give a .jsonl file with text and summary")
    items: list[EvalItem] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict) or not str(row.get("text", "")).strip() or not str(
                row.get("summary", "")
            ).strip():
                raise InputError(f"{path}:{number}: each line needs non-empty 'text' and 'summary' fields")
            items.append(EvalItem(str(row.get("id", number)), row["text"], row["summary"], str(row.get("title", ""))))
            if limit is not None and len(items) >= limit:
                break
    if not items:
        raise InputError(f"{path} holds no items; each line needs 'text' and 'summary'")
    return items


def _scorer() -> Any:
    """A ``rouge_score`` scorer with the character tokenizer (raises if rouge-score is missing)."""
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        raise SummarizerError(
            "ROUGE needs the rouge-score package; install it: pip install 'summarizer[eval]'"
        ) from None
    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=CharTokenizer())


def rouge(candidates: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Mean char-level ROUGE-1/2/L F1 in points (0–100); an empty candidate scores 0.

    Raises:
        SummarizerError: rouge-score is not installed.
    """
    scorer = _scorer()
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for cand, ref in zip(candidates, references, strict=True):
        scores = scorer.score(ref, cand)
        for key in ROUGE_TYPES:
            totals[key] += scores[key].fmeasure
    n = max(len(candidates), 1)
    return {key: 100 * total / n for key, total in totals.items()}


def evaluate(
    system: str,
    summarize_all: Callable[[list[Article]], list[str]],
    items: Sequence[EvalItem],
    *,
    max_chars: int,
) -> EvalReport:
    """Run ``summarize_all`` over the items (timed) and score its output against the references.

    Args:
        system: the name shown in the report.
        summarize_all: articles -> one summary text each, in order.
        items: the labelled set.
        max_chars: the budget the system was given (outputs longer than it are counted).

    Raises:
        SummarizerError: rouge-score is not installed (checked before summarising).
    """
    _scorer()  # fail before the (possibly long) summarising run, not after it
    articles = [Article(title=item.title, text=item.text) for item in items]
    start = time.perf_counter()
    outputs = summarize_all(articles)
    seconds = time.perf_counter() - start
    scores = rouge(outputs, [item.reference for item in items])
    lengths = [len(o) for o in outputs]
    return EvalReport(
        system=system,
        n=len(items),
        max_chars=max_chars,
        rouge1=scores["rouge1"],
        rouge2=scores["rouge2"],
        rougeL=scores["rougeL"],
        mean_chars=sum(lengths) / len(lengths),
        longest=max(lengths),
        over_budget=sum(n > max_chars for n in lengths),
        empty=sum(not o.strip() for o in outputs),
        articles_per_s=len(items) / seconds if seconds > 0 else float("inf"),
    )


_COLUMNS = (("system", "{:<22}"), ("n", "{:>5}"), ("max_chars", "{:>6}"), ("rouge1", "{:>6.1f}"),
            ("rouge2", "{:>6.1f}"), ("rougeL", "{:>6.1f}"), ("mean_chars", "{:>6.1f}"), ("longest", "{:>6}"),
            ("over_budget", "{:>5}"), ("articles_per_s", "{:>9.1f}"))
_HEADERS = ("system", "n", "budget", "R1", "R2", "RL", "chars", "max", "over", "arts/s")


def format_table(reports: Sequence[EvalReport]) -> str:
    """The reports as an aligned text table, one row each."""
    widths = [len(fmt.format(getattr(reports[0], key))) if reports else 6 for key, fmt in _COLUMNS]
    head = "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(_HEADERS, widths,
                                                                                          strict=True)))
    lines = [head]
    for r in reports:
        lines.append("  ".join(fmt.format(getattr(r, key)) for key, fmt in _COLUMNS))
    return "\n".join(lines)
