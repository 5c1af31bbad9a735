"""Write a model engine's summaries of the first N items of the dev sets, for scoring elsewhere.

    .venv/bin/python benchmarks/chat_summaries.py [--model DIR|FILE.gguf] [--base-url URL]
        [--engine auto|transformers|seq2seq|llama.cpp|openai|extractive] [--n 50] [--out-dir DIR] [SET ...]

Reads ``../shared/eval/<set>_dev.jsonl`` (skipped when absent; never copied into the repo), runs the
whole fallback chain (``summarize_articles``: guard, strict retry, extractive fallback) with the
set's budget, writes ``<out-dir>/<engine>_<set>.jsonl`` (id, summary, reference, method) and prints
one row per set: items, seconds per item, share of model summaries kept, mean length.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from common import BUDGETS, EVAL, ROOT

from summarizer.backends import resolve_backend
from summarizer.evaluate import read_dataset
from summarizer.pipeline import summarize_articles
from summarizer.types import Article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", default=list(BUDGETS), help="dev sets (default: all)")
    parser.add_argument("--model", help="hub id, folder or .gguf file (model engines); for openai the served name")
    parser.add_argument("--base-url", help="an OpenAI-compatible server (the openai engine)")
    parser.add_argument("--engine", default="auto", help="auto (by --base-url / --model) or an engine name")
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--out-dir", type=Path, default=ROOT / "outputs" / "dev-summaries")
    parser.add_argument("--threads", type=int, default=None, help="model threads (default: one per core)")
    args = parser.parse_args()
    options = {k: v for k, v in {"threads": args.threads, "base_url": args.base_url}.items() if v}
    engine = resolve_backend(args.engine, {"model": args.model, **options})
    args.out_dir.mkdir(parents=True, exist_ok=True)
    print(f"{'set':8} {'items':>5} {'s/item':>7} {'kept':>6} {'chars':>6}")
    for name in args.sets:
        path = EVAL / f"{name}_dev.jsonl"
        if not path.is_file():
            print(f"{name:8} skipped: {path} not found")
            continue
        rows = read_dataset(path, limit=args.n)
        articles = [Article(title=r.title, text=r.text) for r in rows]
        start = time.perf_counter()
        summaries = summarize_articles(articles, backend=args.engine, model=args.model, max_chars=BUDGETS[name],
                                       **options)
        seconds = time.perf_counter() - start
        out = args.out_dir / f"{engine}_{name}.jsonl"
        with out.open("w", encoding="utf-8") as f:
            for row, s in zip(rows, summaries, strict=True):
                record = {"id": row.id, "summary": s.text, "reference": row.reference, "method": s.method}
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        kept = sum(s.engine == engine for s in summaries) / len(summaries)
        chars = sum(len(s.text) for s in summaries) / len(summaries)
        print(f"{name:8} {len(rows):5d} {seconds / len(rows):7.2f} {kept:6.0%} {chars:6.1f}   -> {out}")


if __name__ == "__main__":
    main()
