"""Reprints and related reports: precision and recall on judged pairs, merges among singles, speed.

Data: ``../shared/eval/reprints_dev.jsonl`` — 150 candidate groups of texts that share long runs
(``group`` = the id of the group's first text) and 600 single texts. Labels: every pair inside a
group, judged by reading, in ``benchmarks/reprint_labels.jsonl`` (``reprint`` | ``related`` |
``unrelated``; README, Duplicates, says how they were made). A group's half is
``crc32(group) % 2`` — A (0) chose the thresholds (``--tune``), B (1) checks them.

Reported per half: precision and recall of same-story pairs and of related pairs; merges among the
single texts (each is its own story, so every merge is an error); merges across groups (unjudged,
listed for reading with ``--show``). Speed: ``find_stories`` on ``--speed`` articles made of the
dev texts with random edits (stamp, dropped sentence, footer, changed characters), CPU and wall time,
CPU time as a multiple of a fixed reference workload run beside it (the machine is shared), and the
CPU time of each stage.

Usage::

    .venv/bin/python benchmarks/reprints.py [--via ingest|raw] [--speed N] [--show]
    .venv/bin/python benchmarks/reprints.py --tune       # choose the thresholds on half A
    .venv/bin/python benchmarks/reprints.py --engines    # signatures: numpy OPH (ours) vs rensa vs datasketch

``--via ingest`` (the default) reads the file with ``load_articles`` and resolves regions, as
``summarizer brief`` does before it looks for duplicates, and scores the pairs whose two texts
survive ingest (today all); ``--via raw`` makes each record an Article as it stands (its stamp's
date as the date). The machine is shared: compare rows of one run, and read CPU time (the
process's own) beside wall time and the reference workload.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import json
import random
import re
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from common import EVAL

from summarizer import dedup
from summarizer.dedup import compare, encode, normalise, sketch
from summarizer.types import Article, Story

DATA = EVAL / "reprints_dev.jsonl"
LABELS = Path(__file__).with_name("reprint_labels.jsonl")
_STAMP_DATE_RE = re.compile(r"(?:(20\d\d)\s*[-/年]?\s*)?(0?[1-9]|1[0-2])\s*[-/月]\s*([0-3]?\d)")


def half(group: str) -> str:
    return "AB"[zlib.crc32(group.encode()) % 2]


def stamp_date(text: str) -> dt.date | None:
    """The date of a record's header (``2023-08-10 12:34，正文：``), as an export's date field."""
    head = text[: text.find("正文")] if "正文" in text[:100] else text[:24]
    m = _STAMP_DATE_RE.search(head)
    try:
        return dt.date(int(m.group(1) or 2023), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        return None


def load(via: str) -> tuple[list[dict[str, str]], list[Article], list[str]]:
    """(records, articles with their regions resolved — as ``summarizer brief`` has them when it
    looks for duplicates —, record id of each article)."""
    from summarizer.pipeline import with_regions

    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    if via == "ingest":
        from summarizer import load_articles

        articles = with_regions(load_articles(DATA))
        return records, articles, [a.meta["id"] for a in articles]
    articles = [Article(title=r["text"][:20], text=r["text"], date=stamp_date(r["text"]), meta={"id": r["id"]})
                for r in records]
    return records, with_regions(articles), [r["id"] for r in records]


@dataclasses.dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        self.tp += predicted and actual
        self.fp += predicted and not actual
        self.fn += actual and not predicted

    def text(self) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")
        return f"P {p:.3f} R {r:.3f} (tp {self.tp} fp {self.fp} fn {self.fn})"

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def placement(stories: list[Story], ids: list[str], articles: list[Article]) -> tuple[dict[str, int], dict[str, int]]:
    """(record id → story, record id → related group, the story it is shown under or its own)."""
    where = {id(a): i for i, a in enumerate(articles)}
    story_of, group_of = {}, {}
    for s, story in enumerate(stories):
        head = story.related_to if story.related_to is not None else s
        for article in (story.primary, *story.reprints):
            rid = ids[where[id(article)]]
            story_of[rid], group_of[rid] = s, head
    return story_of, group_of


def evaluate(records: list[dict[str, str]], labels: list[dict[str, str]], stories: list[Story], ids: list[str],
             articles: list[Article], show: bool = False) -> dict[str, dict[str, object]]:
    story_of, group_of = placement(stories, ids, articles)
    group = {r["id"]: r["group"] for r in records}
    sizes: dict[str, int] = {}
    for r in records:
        sizes[r["group"]] = sizes.get(r["group"], 0) + 1
    out: dict[str, dict[str, object]] = {h: {"reprint": Score(), "related": Score(), "pairs": 0} for h in "AB"}
    for lab in labels:
        a, b = lab["a"], lab["b"]
        if a not in story_of or b not in story_of:
            continue
        row = out[half(lab["group"])]
        row["pairs"] += 1  # type: ignore[operator]
        same = story_of[a] == story_of[b]
        rel = not same and group_of[a] == group_of[b]
        row["reprint"].add(same, lab["label"] == "reprint")  # type: ignore[union-attr]
        row["related"].add(rel, lab["label"] == "related")  # type: ignore[union-attr]
        if show and (same != (lab["label"] == "reprint") or rel != (lab["label"] == "related")):
            print(f"  {half(lab['group'])} {lab['label']:9} predicted {'same' if same else 'related' if rel else '-':7}"
                  f" {lab['note'][:50]}")
    members: dict[int, list[str]] = {}
    for rid, s in story_of.items():
        members.setdefault(s, []).append(rid)
    for h in "AB":
        out[h].update(single_merges=0, single_related=0, cross_merges=0, merged_pairs=0)
    for rids in members.values():
        for a, b in itertools.combinations(sorted(rids), 2):
            out[half(group[a])]["merged_pairs"] += 1  # type: ignore[operator]
            if group[a] == group[b]:
                continue
            h = half(group[a])
            single = sizes[group[a]] == 1 and sizes[group[b]] == 1
            out[h]["single_merges" if single else "cross_merges"] += 1  # type: ignore[operator]
            if show:
                print(f"  merged across groups ({'singles' if single else 'groups'}): {a} {b}")
    heads: dict[int, list[str]] = {}
    for rid, g in group_of.items():
        heads.setdefault(g, []).append(rid)
    for rids in heads.values():
        for a, b in itertools.combinations(sorted(rids), 2):
            if story_of[a] != story_of[b] and sizes[group[a]] == 1 and sizes[group[b]] == 1:
                out[half(group[a])]["single_related"] += 1  # type: ignore[operator]
                if show:
                    print(f"  related singles: {a} {b}")
    return out


def report(result: dict[str, dict[str, object]]) -> None:
    for h in "AB":
        r = result[h]
        print(f"half {h} ({'chooses' if h == 'A' else 'checks'}; {r['pairs']} judged pairs)")
        print(f"  same story (reprint): {r['reprint'].text()}")  # type: ignore[union-attr]
        print(f"  related:              {r['related'].text()}")  # type: ignore[union-attr]
        print(f"  single texts merged: {r['single_merges']} pairs; grouped as related: {r['single_related']} pairs;"
              f" merged across candidate groups: {r['cross_merges']} pairs")


def tune(idx: dedup.Index, records: list[dict[str, str]], labels: list[dict[str, str]], ids: list[str],
         articles: list[Article]) -> None:
    """Grid search on half A, in two steps: the same-story thresholds with the highest precision at
    recall ≥ 0.95 and no single texts merged (a wrong merge hides a story; a missed reprint only
    repeats one), then the highest recall, then the strictest values — those that merge the fewest
    pairs of half A's texts, judged or not (then the higher similarities, the stricter vetoes);
    then, with those, the related
    thresholds with the best F1 of related pairs (ties: the largest ``related_near`` — the place
    veto acting least —, then the grid's first values)."""
    def score(t: dedup.Thresholds) -> dict[str, object]:
        return evaluate(records, labels, dedup.stories(idx, t), ids, articles)["A"]

    same_grid = {
        "same_jaccard": [0.45, 0.5, 0.55, 0.6, 0.65],
        "contained_share": [0.7, 0.75, 0.8],
        "contained_jaccard": [0.3, 0.35, 0.4],
        "conflicting_numbers": [2, 3],  # not 1: one misread digit (OCR, a typo) must not split a reprint
        "max_days": [3, 7, 14],
        "extra_share": [0.15, 0.25],
    }
    rows = []
    for values in itertools.product(*same_grid.values()):
        t = dataclasses.replace(dedup.THRESHOLDS, **dict(zip(same_grid, values, strict=True)))
        res = score(t)
        p, r = res["reprint"].precision(), res["reprint"].recall()  # type: ignore[union-attr]
        rows.append((r >= 0.95 and res["single_merges"] == 0, round(p, 3), round(r, 3),
                     -res["merged_pairs"], values))  # type: ignore[operator]
    # among equal scores the strictest values: fewest merges, then higher similarities, stricter vetoes
    sj, cs, cj, cn, md, es = range(6)
    rows.sort(key=lambda row: (*row[:4], row[4][sj], row[4][cs], row[4][cj], -row[4][cn], -row[4][md],
                               -row[4][es]), reverse=True)
    print("same story on half A (meets R ≥ 0.95 and 0 single merges, precision, recall, -merged pairs, thresholds):")
    for row in rows[:8]:
        print(" ", *row[:4], dict(zip(same_grid, row[4], strict=True)))
    best = dataclasses.replace(dedup.THRESHOLDS, **dict(zip(same_grid, rows[0][4], strict=True)))
    related_grid = {
        "related_days": [7, 14, 31],
        "related_run": [30, 40, 60, 80],
        "related_numbers": [2, 3],
        "form_numbers": [2, 3, 4],
        "related_near": [0, 3, 7],
    }
    rel_rows = []
    for values in itertools.product(*related_grid.values()):
        res = score(dataclasses.replace(best, **dict(zip(related_grid, values, strict=True))))
        p, r = res["related"].precision(), res["related"].recall()  # type: ignore[union-attr]
        rel_rows.append((round(2 * p * r / (p + r) if p + r else 0, 3), round(p, 3), round(r, 3), values))
    rel_rows.sort(key=lambda row: (*row[:3], row[3][-1]), reverse=True)
    print("related on half A (F1, precision, recall, thresholds):")
    for row in rel_rows[:8]:
        print(" ", row[0], row[1], row[2], dict(zip(related_grid, row[3], strict=True)))


def synthetic(records: list[dict[str, str]], n: int, seed: int = 7) -> list[Article]:
    """``n`` articles made of the dev texts with random edits: a new stamp, maybe a sentence
    dropped, maybe a footer, a few characters changed."""
    rng = random.Random(seed)
    footers = ["责任编辑：王某", "来源：新华社", "返回搜狐，查看更多", "（完）", "编辑 张三 校对 李四", ""]
    chars = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
    out = []
    for _ in range(n):
        text = rng.choice(records)["text"]
        base = stamp_date(text) or dt.date(2023, 8, 1)
        sentences = re.findall(r"[^。！？]+[。！？]?", text)
        if len(sentences) > 3 and rng.random() < 0.5:
            del sentences[rng.randrange(1, len(sentences))]
        body = list("".join(sentences))
        for _ in range(rng.randint(0, 3)):
            body[rng.randrange(len(body))] = rng.choice(chars)
        date = base + dt.timedelta(days=rng.randint(0, 2))  # reprints appear within days
        stamp = f"{date.isoformat()} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}，正文："
        out.append(Article(title="", text=stamp + "".join(body) + rng.choice(footers), date=date))
    return out


def reference() -> float:
    """CPU seconds of a fixed workload like detection's (array passes, a sort, string slicing): the
    machine is shared, so speed is also given as a multiple of this, measured in the same run."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2**32, 2_000_000, dtype=np.uint32)
    text = "".join(chr(0x4E00 + int(v) % 2000) for v in x[:200_000])
    cpu = time.process_time()
    for _ in range(4):
        y = sketch.fmix32(x.copy())
        np.sort(y)
        np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).cumsum()
    sum(len(text[i % 1000:i % 1000 + 5]) for i in range(300_000))
    return time.process_time() - cpu


def speed(records: list[dict[str, str]], n: int, runs: int = 3) -> None:
    """``runs`` timed runs of detection on ``n`` synthetic articles, each between two reference runs;
    the best (least disturbed by the machine's other work) and the median."""
    articles = synthetic(records, n)
    rows = []
    for _ in range(runs):
        before = reference()
        cpu, wall = time.process_time(), time.perf_counter()
        idx = dedup.index(articles)
        cpu_i = time.process_time() - cpu
        found = dedup.stories(idx)
        cpu_t, wall_t = time.process_time() - cpu, time.perf_counter() - wall
        rows.append((cpu_t, wall_t, cpu_i, cpu_t / ((before + reference()) / 2)))
    print(f"speed: {n} articles → {len(found)} stories ({sum(s.related_to is not None for s in found)} related), "
          f"{len(idx.pairs)} candidate pairs; {runs} runs")
    for label, pick in (("best", min), ("median", lambda v: sorted(v)[len(v) // 2])):
        cpu_t, wall_t, cpu_i, ratio = (pick([r[k] for r in rows]) for k in range(4))
        print(f"  {label}: CPU {cpu_t:.2f} s = {n / cpu_t:,.0f} articles/s (index {cpu_i:.2f} s); "
              f"wall {wall_t:.2f} s = {n / wall_t:,.0f} articles/s; CPU = {ratio:.1f} × the reference workload")
    print("  stages (CPU s, one more run): " + ", ".join(f"{k} {v:.2f}" for k, v in stages(articles).items()))


@contextmanager
def timed(module: object, name: str, into: dict[str, float], key: str) -> Iterator[None]:
    """While inside, ``module.name`` adds the CPU time of its calls to ``into[key]``."""
    saved = getattr(module, name)

    def wrapper(*args: object, **kwargs: object) -> object:
        cpu = time.process_time()
        try:
            return saved(*args, **kwargs)
        finally:
            into[key] = into.get(key, 0.0) + time.process_time() - cpu

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, saved)


def stages(articles: list[Article]) -> dict[str, float]:
    """Where detection's CPU time goes: reading the texts (``story_body``, Python), the array passes
    (``encode``), LSH (``candidate_pairs``), judging, merging and grouping (``stories``)."""
    t: dict[str, float] = {}
    with timed(dedup, "prepare", t, "prepare"), timed(encode, "encode", t, "encode"), \
            timed(sketch, "candidate_pairs", t, "LSH"), timed(dedup, "stories", t, "stories"):
        dedup.find_stories(articles)
    return {"story_body": t["prepare"] - t["encode"], "encode": t["encode"], "LSH": t["LSH"], "stories": t["stories"]}


# --- signature engines (measurement only: the library uses sketch.signatures, numpy OPH) ---

def _rensa(hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    import rensa

    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes.astype(np.uint64), offsets.astype(np.uint64),
                                                                 sketch.BINS, 42)
    return np.array(matrix.to_rows(), dtype=np.uint32).reshape(len(offsets) - 1, sketch.BINS)


def _datasketch(hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    from datasketch import MinHash

    # datasketch hashes every token itself (sha1 of bytes); the shingle hashes as bytes are its tokens
    out = np.empty((len(offsets) - 1, sketch.BINS), dtype=np.uint32)
    for i in range(len(offsets) - 1):
        m = MinHash(num_perm=sketch.BINS, seed=1)
        m.update_batch([h.tobytes() for h in hashes[offsets[i]:offsets[i + 1]]])
        out[i] = m.hashvalues.astype(np.uint32)
    return out


ENGINES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "numpy one-permutation hashing (the library's)": sketch.signatures, "rensa R-MinHash": _rensa,
    "datasketch": _datasketch,
}


@contextmanager
def signatures_by(engine: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Iterator[None]:
    saved = sketch.signatures
    sketch.signatures = engine  # type: ignore[assignment]
    try:
        yield
    finally:
        sketch.signatures = saved  # type: ignore[assignment]


def engines(records: list[dict[str, str]], labels: list[dict[str, str]], articles: list[Article], ids: list[str],
            n: int) -> None:
    """Each engine: error of its Jaccard estimate against the exact one on the judged pairs, the
    same-story scores it leads to, and its time for ``n`` synthetic texts' signatures (the same
    shingles, in the chunks ``encode`` makes; densified alike)."""
    texts = dedup.prepare(articles)
    where = {rid: i for i, rid in enumerate(ids)}
    pairs = np.array([[where[lab["a"]], where[lab["b"]]] for lab in labels if lab["a"] in where and lab["b"] in where])
    exact = np.array([compare.exact(texts, int(a), int(b))[0] for a, b in pairs])
    bodies = [normalise.story_body(normalise.comparison_text(a)) for a in synthetic(records, n)]
    chunks = [encode.flat_shingles(bodies[lo:lo + 250]) for lo in range(0, n, 250)]
    small = 5_000  # datasketch takes about a millisecond a text: time it on fewer and scale
    for name, engine in ENGINES.items():
        try:
            with signatures_by(engine):
                sig = dedup.prepare(articles).signatures
                res = evaluate(records, labels, dedup.find_stories(articles), ids, articles)
        except ImportError:
            print(f"{name}: not installed (pip install -e '.[bench]')")
            continue
        err = sketch.jaccard(sig, pairs) - exact
        timed = chunks[: small // 250] if name == "datasketch" else chunks
        cpu, wall = time.process_time(), time.perf_counter()
        sketch.densify(np.concatenate([engine(h, o) for h, o in timed]))
        scale = len(chunks) / len(timed)
        cpu, wall = (time.process_time() - cpu) * scale, (time.perf_counter() - wall) * scale
        print(f"{name}: estimate error mean {err.mean():+.3f} sd {err.std():.3f}; "
              f"reprint A {res['A']['reprint'].text()}; B {res['B']['reprint'].text()}; "  # type: ignore[union-attr]
              f"{n} signatures CPU {cpu:.2f} s, wall {wall:.2f} s{' (timed on 5,000, scaled)' if scale > 1 else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--via", choices=("ingest", "raw"), default="ingest")
    parser.add_argument("--speed", type=int, default=50_000, help="synthetic articles for the speed run (0: none)")
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--engines", action="store_true")
    parser.add_argument("--show", action="store_true", help="list the wrong and the unjudged decisions")
    args = parser.parse_args()
    if not DATA.is_file():
        print(f"skip: {DATA} not found (../shared beside the checkout)")
        return
    records, articles, ids = load(args.via)
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(f"{len(records)} records, {len(articles)} articles via {args.via}, {len(labels)} judged pairs")
    if args.tune:
        tune(dedup.index(articles), records, labels, ids, articles)
        return
    if args.engines:
        engines(records, labels, articles, ids, args.speed or 50_000)
        return
    cpu = time.process_time()
    found = dedup.find_stories(articles)
    print(f"{len(articles)} articles → {len(found)} stories ({time.process_time() - cpu:.2f} s CPU)")
    report(evaluate(records, labels, found, ids, articles, show=args.show))
    if args.speed:
        speed(records, args.speed)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
