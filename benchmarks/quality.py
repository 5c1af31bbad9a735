"""Quality benchmark: our engines against installable peers on the dev sets, one table.

    .venv/bin/python benchmarks/quality.py [--sets lcsts finna clts] [--limit N] [--only NAME ...] [--halves] [--json]

Every system gets the same fixed character budget per set (stated in the table). Peers rank
sentences their own way; the same budget rule is applied to all of them: take ranked sentences
while they fit, print them in document order, and if none fits cut the best one at the last
clause boundary that fits. Peers come from the ``bench`` extra (``pip install -e '.[bench]'``);
a missing one is skipped with a note. Model engines run only when ``--model`` is given.
``--halves`` also scores each system on the even- and the odd-numbered items apart: a change tuned
on a dev set should raise both halves, not just the whole.
Dev data is read from ../shared/eval (relative to the repo) and never copied into the repo.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable

# One core, as the speed goal is stated: numpy's BLAS would otherwise spread matrix products.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from common import BUDGETS, EVAL  # noqa: E402

from summarizer.evaluate import EvalItem, EvalReport, evaluate, format_table, read_dataset  # noqa: E402
from summarizer.text import split_sentences, truncate_at_boundary  # noqa: E402
from summarizer.types import Article  # noqa: E402

Ranker = Callable[[str], list[str]]  # text -> its sentences (or clauses), best first


def fit_ranked(text: str, ranked: list[str], budget: int) -> str:
    """The common budget rule for peers: ranked units while they fit, in document order."""
    chosen: list[str] = []
    used = 0
    for unit in ranked:
        if used + len(unit) <= budget:
            chosen.append(unit)
            used += len(unit)
    if not chosen:
        return truncate_at_boundary(ranked[0], budget) if ranked else ""
    return "".join(sorted(chosen, key=lambda u: text.find(u)))


def lead(k: int) -> Ranker:
    def rank(text: str) -> list[str]:
        return ["".join(split_sentences(text)[:k])]

    return rank


def _sumy(kind: str) -> Ranker:
    from sumy.nlp.tokenizers import Tokenizer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    tokenizer = Tokenizer("chinese")
    engine = LexRankSummarizer() if kind == "lexrank" else TextRankSummarizer()

    def rank(text: str) -> list[str]:
        document = PlaintextParser.from_string(text, tokenizer).document
        sentences = list(document.sentences)
        if not sentences:
            return []
        if kind == "lexrank":  # LexRank has no public rate_sentences; these are the steps of its __call__
            words = [engine._to_words_set(s) for s in sentences]
            matrix = engine._create_matrix(words, engine.threshold, engine._compute_tf(words),
                                           engine._compute_idf(words))
            scores = list(engine.power_method(matrix, engine.epsilon))
        else:
            ratings = engine.rate_sentences(document)
            scores = [ratings[s] for s in sentences]
        order = sorted(range(len(sentences)), key=lambda i: -scores[i])
        return [str(sentences[i]) for i in order]

    return rank


def _textrank4zh() -> Ranker:
    import networkx as nx

    if not hasattr(nx, "from_numpy_matrix"):  # textrank4zh 0.3 predates networkx 3
        nx.from_numpy_matrix = nx.from_numpy_array
    from textrank4zh import TextRank4Sentence

    def rank(text: str) -> list[str]:
        tr = TextRank4Sentence()
        tr.analyze(text, lower=True, source="all_filters")
        return [item.sentence for item in tr.get_key_sentences(num=10_000, sentence_min_len=1)]

    return rank


def _snownlp() -> Ranker:
    from snownlp import SnowNLP

    def rank(text: str) -> list[str]:
        s = SnowNLP(text)
        return s.summary(limit=len(s.sentences))

    return rank


PEERS: dict[str, tuple[str, Callable[[], Ranker]]] = {
    "Lead-1": ("", lambda: lead(1)),
    "Lead-3": ("", lambda: lead(3)),
    "sumy LexRank": ("sumy", lambda: _sumy("lexrank")),
    "sumy TextRank": ("sumy", lambda: _sumy("textrank")),
    "textrank4zh": ("textrank4zh", _textrank4zh),
    "SnowNLP": ("snownlp", _snownlp),
}


def engine_runner(name: str, model: str | None) -> Callable[[list[Article], int], list[str]]:
    from summarizer import summarize_articles

    def run(articles: list[Article], budget: int) -> list[str]:
        return [s.text for s in summarize_articles(articles, backend=name, model=model, max_chars=budget)]

    return run


def jieba_variant() -> Callable[[list[Article], int], list[str]]:
    """The extractive engine with jieba words in place of character bigrams (the measured alternative)."""
    import jieba

    from summarizer.backends.extractive import ExtractiveSummarizer, spans

    jieba.setLogLevel(60)

    def words(text: str) -> list[str]:
        return [w for w in jieba.lcut(text) if any(c.isalnum() for c in w)] or [text]

    def run(articles: list[Article], budget: int) -> list[str]:
        original, spans.bigrams = spans.bigrams, words
        try:
            return [ExtractiveSummarizer().summarize_text(a.text, max_chars=budget) for a in articles]
        finally:
            spans.bigrams = original

    return run


def systems(model: str | None, only: list[str] | None) -> dict[str, Callable[[list[Article], int], list[str]]]:
    def wanted(name: str) -> bool:
        return not only or name in only

    out: dict[str, Callable[[list[Article], int], list[str]]] = {"extractive": engine_runner("extractive", None)}
    if wanted("extractive (jieba)") and importlib.util.find_spec("jieba") is not None:
        out["extractive (jieba)"] = jieba_variant()
    if model:
        out["model"] = engine_runner("auto", model)
    for name, (module, make) in PEERS.items():
        if not wanted(name):  # building a peer imports it: only the ones asked for
            continue
        if module and importlib.util.find_spec(module) is None:
            print(f"note: {name} skipped ({module} not installed; pip install -e '.[bench]')", file=sys.stderr)
            continue
        if module == "sumy" and importlib.util.find_spec("jieba") is None:
            print(f"note: {name} skipped (sumy's Chinese tokenizer needs jieba)", file=sys.stderr)
            continue
        ranker = make()
        out[name] = lambda arts, budget, r=ranker: [fit_ranked(a.text, r(a.text), budget) for a in arts]
    return {k: v for k, v in out.items() if wanted(k)}


def long_article_speed(items: list[EvalItem], budget: int, repeat: int) -> str:
    """Extractive engine speed on the long articles of a set (each run ``repeat`` times)."""
    from summarizer.backends.extractive import ExtractiveSummarizer

    texts = [item.text for item in items if len(item.text) >= 1000] * repeat
    if not texts:
        return "speed: no article of 1,000+ characters in this set"
    engine = ExtractiveSummarizer()
    start = time.perf_counter()
    for text in texts:
        engine.summarize_text(text, max_chars=budget)
    seconds = time.perf_counter() - start
    mean = sum(map(len, texts)) / len(texts)
    return (f"speed: extractive, {len(texts)} long articles (mean {mean:.0f} chars), budget {budget}: "
            f"{len(texts) / seconds:.0f} articles/s on one core")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(BUDGETS), choices=list(BUDGETS))
    parser.add_argument("--limit", type=int, default=None, help="first N items of each set")
    parser.add_argument("--only", nargs="+", default=None, help="system names to run (default: all)")
    parser.add_argument("--model", default=None, help="also run the model engine with this model")
    parser.add_argument("--halves", action="store_true", help="also score even and odd items apart")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    runners = systems(args.model, args.only)
    results: dict[str, list[EvalReport]] = {}
    for name in args.sets:
        path = EVAL / f"{name}_dev.jsonl"
        if not path.is_file():
            print(f"note: {path} not found; set {name} skipped", file=sys.stderr)
            continue
        items = read_dataset(path, limit=args.limit)
        budget = BUDGETS[name]
        results[name] = []
        parts = {"": items, " [even]": items[0::2], " [odd]": items[1::2]} if args.halves else {"": items}
        for system, run in runners.items():
            for suffix, subset in parts.items():
                try:
                    results[name].append(evaluate(system + suffix, lambda arts, run=run, b=budget: run(arts, b),
                                                  subset, max_chars=budget))
                except Exception as exc:  # a peer's own bug must not hide the other rows
                    print(f"note: {system} failed on {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    break
        if not args.json:
            print(f"\n{name} ({len(items)} items, budget {budget} chars, char-level ROUGE F1)")
            print(format_table(results[name]), flush=True)
            if name == "clts" and "extractive" in runners:
                print(long_article_speed(items, budget, repeat=20))
    if args.json:
        print(json.dumps({k: [r.row() for r in v] for k, v in results.items()}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
