"""Region accuracy and speed: summarizer.regions side by side with cpca and jionlp.

Scores province / city / district on ``../shared/eval/regions_dev.jsonl`` (plain texts) and the
labelled HTML pages in ``../shared/eval/html/regions.jsonl`` (read with the project's ingest).
Rules, the same for every method:

- province: every item; a label of null means "no single region" (several provinces, the whole
  country, or no place at all), and predicting a province there is an error;
- city / district: only items labelled with a city / district.

Usage::

    .venv/bin/python benchmarks/regions.py [--only ours|cpca|jionlp ...] [--wrong]

cpca and jionlp come from the ``bench`` extra (``pip install -e '.[bench]'``); a peer that is not
installed is skipped. Timing is single-process wall time on whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import warnings
from collections.abc import Callable

from common import EVAL

from summarizer.types import Article

Triple = tuple[str | None, str | None, str | None]
_PLACEHOLDER_CITIES = {"省直辖县级行政区划", "自治区直辖县级行政区划", "市辖区", "县"}


def load_items() -> list[tuple[str, Article, Triple]]:
    """(id, article, (province, city, county)) for every labelled item that can be read."""
    from summarizer import load_articles

    items: list[tuple[str, Article, Triple]] = []
    plain = EVAL / "regions_dev.jsonl"
    if plain.is_file():
        for line in plain.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            items.append((f"dev/{d['id']}", Article(title="", text=d["text"]),
                          (d["province"], d["city"], d["county"])))
    pages = EVAL / "html" / "regions.jsonl"
    if pages.is_file():
        for line in pages.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            try:
                articles = load_articles(EVAL / "html" / d["id"])
            except Exception as exc:  # an ingest failure is a benchmark fact, not a crash
                print(f"skip {d['id']}: {exc}", file=sys.stderr)
                continue
            if articles:
                items.append((f"html/{d['id']}", articles[0], (d["province"], d["city"], d["county"])))
    return items


def ours() -> Callable[[Article], Triple]:
    from summarizer.regions import resolve

    def run(article: Article) -> Triple:
        r = resolve(article)
        return r.province, r.city, r.county

    return run


def _fix_city(province: str | None, city: str | None, county: str | None) -> Triple:
    # Peers name directly administered county-level cities (儋州, 仙桃) as a placeholder city.
    if city in _PLACEHOLDER_CITIES:
        city, county = county, None
    return province, city, county


def _whole(article: Article) -> str:
    return "\n".join(p for p in (article.title, article.text, article.source or "") if p)


def cpca_top() -> Callable[[Article], Triple]:
    warnings.filterwarnings("ignore")
    import cpca

    def run(article: Article) -> Triple:
        row = cpca.transform([_whole(article)]).iloc[0]
        vals = [row["省"], row["市"], row["区"]]
        return _fix_city(*(v if isinstance(v, str) and v else None for v in vals))  # type: ignore[arg-type]

    return run


def jionlp_top() -> Callable[[Article], Triple]:
    import jionlp

    def run(article: Article) -> Triple:
        found = jionlp.recognize_location(_whole(article))["domestic"]
        if not found:
            return None, None, None
        top = found[0][0]
        return _fix_city(top["province"], top["city"], top["county"])

    return run


METHODS: dict[str, Callable[[], Callable[[Article], Triple]]] = {
    "ours": ours, "cpca": cpca_top, "jionlp": jionlp_top}


def score(run: Callable[[Article], Triple], items: list[tuple[str, Article, Triple]]) -> dict[str, object]:
    hits = {"province": [0, 0], "city": [0, 0], "district": [0, 0]}
    wrong: list[str] = []
    start = time.perf_counter()
    preds = [run(article) for _, article, _ in items]
    seconds = time.perf_counter() - start
    for (item_id, _, gold), pred in zip(items, preds, strict=True):
        ok = True
        for i, level in enumerate(("province", "city", "district")):
            if level != "province" and gold[i] is None:
                continue
            hits[level][1] += 1
            good = pred[i] == gold[i]
            hits[level][0] += good
            ok &= good
        if not ok:
            wrong.append(f"{item_id}: gold {'/'.join(map(str, gold))}  got {'/'.join(map(str, pred))}")
    return {"hits": hits, "wrong": wrong, "rate": len(items) / seconds if seconds else float("inf")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(METHODS), default=list(METHODS))
    parser.add_argument("--wrong", action="store_true", help="list the wrong items of every method")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    items = load_items()
    if not items:
        print(f"no evaluation data under {EVAL}; nothing to measure")
        return 0
    print(f"{len(items)} labelled articles from {EVAL}")
    print(f"{'method':8} {'set':5} {'province':>14} {'city':>14} {'district':>14} {'articles/s':>11}")
    results = {}
    for name in args.only:
        try:
            start = time.perf_counter()
            run = METHODS[name]()
            run(items[0][1])  # warm-up: load tables and dictionaries outside the timing
            setup = time.perf_counter() - start
        except ImportError as exc:
            print(f"{name:8} not installed ({exc.name}); pip install -e '.[bench]'")
            continue
        for part in ("dev", "html", "all"):
            subset = [it for it in items if part == "all" or it[0].startswith(part + "/")]
            res = score(run, subset)
            if part == "all":
                results[name] = res
            cells = [f"{h}/{n} {100 * h / n:5.1f}%" if n else "-" for h, n in res["hits"].values()]  # type: ignore[union-attr]
            rate = f"{res['rate']:11.0f}" if part == "all" else ""
            print(f"{name:8} {part:5} {cells[0]:>14} {cells[1]:>14} {cells[2]:>14} {rate}")
        print(f"{'':8} (setup and first article: {setup:.1f} s)")
    for name, res in results.items():
        if name == "ours" or args.wrong:
            print(f"\nwrong ({name}): {len(res['wrong'])}")  # type: ignore[arg-type]
            for line in res["wrong"]:  # type: ignore[union-attr]
                print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
