"""Region accuracy and speed: summarizer.regions side by side with cpca and jionlp.

Reads the labelled items as a user would: each text of ``../shared/eval/regions_dev.jsonl`` is
written to a .txt file in a temporary folder and read back with ``load_articles`` (which resolves
regions), and the labelled pages of ``../shared/eval/html/regions.jsonl`` are read from their .html
files. The items are split in two halves by a stable hash of their id: A is the half the rules were
tuned on, B the half kept for checking. Rules, the same for every method:

- province: every item; a label of null means "no single region" (several provinces, the whole
  country, or no place at all), and predicting a province there is an error;
- city / district: only items labelled with a city / district;
- an item ingest loses (no article read) counts as predicting nothing.

Usage::

    .venv/bin/python benchmarks/regions.py [--only ours|ours-lm|cpca|jionlp ...] [--wrong [A|B]]

cpca and jionlp come from the ``bench`` extra (``pip install -e '.[bench]'``); a peer that is not
installed is skipped. Speed is the resolver alone (or the peer's call), single-process wall time,
best of three passes, on whatever else the machine is doing. ``ours-lm`` (only when asked for) is the
resolver with an empty landmark table (``summarizer/regions/landmarks.tsv``): what the table adds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import tempfile
import time
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from common import EVAL

from summarizer.types import Article

Triple = tuple[str | None, str | None, str | None]
_PLACEHOLDER_CITIES = {"省直辖县级行政区划", "自治区直辖县级行政区划", "市辖区", "县"}
LEVELS = ("province", "city", "district")


@dataclass(frozen=True)
class Item:
    id: str
    part: str  # "dev" (a plain text) or "html" (a web page)
    article: Article | None  # None: ingest read nothing
    gold: Triple

    @property
    def half(self) -> str:
        """A (tuned on) or B (held back), by a stable hash of the id."""
        return "AB"[zlib.crc32(self.id.encode()) % 2]


def _labels(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_items(tmp: Path, *, raw: bool = False) -> list[Item]:
    """Every labelled item, read through ``load_articles`` (first article of each file).

    With ``raw`` the dev texts are taken as they are, without ingest: that separates what the
    resolver gets wrong from what ingest loses.
    """
    from summarizer import load_articles

    items: list[Item] = []
    plain = EVAL / "regions_dev.jsonl"
    if plain.is_file() and raw:
        items += [Item(f"dev/{d['id']}", "dev", Article(title="", text=str(d["text"])),
                       (d["province"], d["city"], d["county"])) for d in _labels(plain)]  # type: ignore[arg-type]
    elif plain.is_file():
        rows = _labels(plain)
        for d in rows:
            (tmp / f"{d['id']}.txt").write_text(str(d["text"]), encoding="utf-8")
        first: dict[str, Article] = {}
        for a in load_articles(tmp):
            if a.path is not None:
                first.setdefault(a.path.stem, a)
        items += [Item(f"dev/{d['id']}", "dev", first.get(str(d["id"])),
                       (d["province"], d["city"], d["county"])) for d in rows]  # type: ignore[arg-type]
    pages = EVAL / "html" / "regions.jsonl"
    if pages.is_file():
        for d in _labels(pages):
            try:
                articles = load_articles(EVAL / "html" / str(d["id"]))
            except Exception as exc:  # an ingest failure is a benchmark fact, not a crash
                print(f"ingest read nothing from {d['id']}: {exc}", file=sys.stderr)
                articles = []
            items.append(Item(f"html/{d['id']}", "html", articles[0] if articles else None,
                              (d["province"], d["city"], d["county"])))  # type: ignore[arg-type]
    return items


def ours() -> Callable[[Article], Triple]:
    from summarizer.regions import resolve

    def run(article: Article) -> Triple:
        r = resolve(article)
        return r.province, r.city, r.county

    return run


@contextlib.contextmanager
def _without_landmarks() -> Iterator[None]:
    """The name index rebuilt with an empty landmark table, for one measurement."""
    from summarizer.regions import names

    table = names.landmarks
    names.landmarks = lambda: ()  # type: ignore[assignment]
    names._index.cache_clear()
    try:
        yield
    finally:
        names.landmarks = table
        names._index.cache_clear()


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
    "ours": ours, "ours-lm": ours, "cpca": cpca_top, "jionlp": jionlp_top}
ABLATIONS = {"ours-lm": _without_landmarks}  # ours-lm: without the landmark table


def predict(run: Callable[[Article], Triple], items: list[Item]) -> tuple[list[Triple], float]:
    """Predictions for every item and the rate in articles/s (best of three timed passes)."""
    articles = [it.article for it in items if it.article is not None]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        preds = [run(a) for a in articles]
        best = min(best, time.perf_counter() - start)
    found = iter(preds)
    out = [next(found) if it.article is not None else (None, None, None) for it in items]
    return out, len(articles) / best if best else float("inf")


def score(items: list[Item], preds: list[Triple]) -> tuple[dict[str, list[int]], list[str]]:
    """Hits and totals per level, and one line per wrong item."""
    hits = {level: [0, 0] for level in LEVELS}
    wrong: list[str] = []
    for it, pred in zip(items, preds, strict=True):
        ok = True
        for i, level in enumerate(LEVELS):
            if level != "province" and it.gold[i] is None:
                continue
            hits[level][1] += 1
            good = pred[i] == it.gold[i]
            hits[level][0] += good
            ok &= good
        if not ok:
            lost = "  (ingest read nothing)" if it.article is None else ""
            wrong.append(f"{it.half} {it.id}: gold {'/'.join(map(str, it.gold))}  got {'/'.join(map(str, pred))}{lost}")
    return hits, wrong


SUBSETS: dict[str, Callable[[Item], bool]] = {
    "A (tune)": lambda it: it.half == "A",
    "B (check)": lambda it: it.half == "B",
    "dev texts": lambda it: it.part == "dev",
    "html pages": lambda it: it.part == "html",
    "all": lambda it: True,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(METHODS),
                        default=[m for m in METHODS if m not in ABLATIONS])
    parser.add_argument("--raw", action="store_true",
                        help="take the dev texts as they are, without ingest (resolver errors only)")
    parser.add_argument("--wrong", nargs="?", const="AB", choices=["A", "B", "AB"],
                        help="list the wrong items (of half A, B or both) of every method")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        items = load_items(Path(tmp), raw=args.raw)
    if not items:
        print(f"no evaluation data under {EVAL}; nothing to measure")
        return 0
    lost = sum(it.article is None for it in items)
    how = "dev texts as they are, pages through load_articles" if args.raw else "read through load_articles"
    halves = {h: sum(it.half == h for it in items) for h in "AB"}
    print(f"{len(items)} labelled articles from {EVAL}, {how} (A {halves['A']}, B {halves['B']}; "
          f"ingest read nothing from {lost})")
    print(f"{'method':8} {'set':11} {'province':>14} {'city':>14} {'district':>14} {'articles/s':>11}")
    ours_stamp = [(it.article.region.province, it.article.region.city, it.article.region.county)
                  if it.article is not None else (None, None, None) for it in items]
    for name in args.only:
        with ABLATIONS.get(name, contextlib.nullcontext)():
            try:
                start = time.perf_counter()
                run = METHODS[name]()
                run(next(it.article for it in items if it.article is not None))  # load tables outside the timing
                setup = time.perf_counter() - start
            except ImportError as exc:
                print(f"{name:8} not installed ({exc.name}); pip install -e '.[bench]'")
                continue
            preds, rate = predict(run, items)
        if name == "ours" and not args.raw and preds != ours_stamp:
            print("  note: load_articles' regions differ from resolve() on the loaded articles")
        for label, keep in SUBSETS.items():
            subset = [(it, p) for it, p in zip(items, preds, strict=True) if keep(it)]
            hits, _ = score([it for it, _ in subset], [p for _, p in subset])
            cells = [f"{h}/{n} {100 * h / n:5.1f}%" if n else "-" for h, n in hits.values()]
            speed = f"{rate:11.0f}" if label == "all" else ""
            print(f"{name:8} {label:11} {cells[0]:>14} {cells[1]:>14} {cells[2]:>14} {speed}")
        print(f"{'':8} (setup and first article: {setup:.1f} s)")
        if args.wrong:
            keep_half = [(it, p) for it, p in zip(items, preds, strict=True) if it.half in args.wrong]
            _, wrong = score([it for it, _ in keep_half], [p for _, p in keep_half])
            print(f"\n  wrong ({name}, half {args.wrong}): {len(wrong)}")
            for line in wrong:
                print("    " + line)
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
