"""A month of news: throughput per stage, peak memory and growth from 1k to 50k articles, workers 1 vs N.

    .venv/bin/python benchmarks/scale.py [--sizes 1000,10000,50000] [--workers 1,2] [--serial-up-to 10000]
        [--stages ingest,extractive,brief,jsonl] [--dedup] [--copies exact|near|distinct] [--keep DIR]

Builds ``../shared/eval/crud_corpus_dev.jsonl`` (2,564 real 2023 local-news texts; exits cleanly when
absent, never copied into the repo) repeated to each size as one .jsonl file, each copy with its own id
and, with ``--copies``, its own text (for ``--dedup``, which merges copies):

- ``exact`` (the default): the same text — every copy is an exact reprint of the first;
- ``near``: a reprint — the last sentence dropped and a credit line of its own added (一家媒体转载);
- ``distinct``: another story as far as reprints go — every fourth Chinese character changed, by
  the copy, so that no run of five characters (a shingle) is shared; the title, numbers and the
  rest of the text stay (places, keywords and figures are still found);

and runs each (stage, size, workers) in a process of its own, so its memory is its own:

- ``ingest``: reading + regions across the pool (``parallel.read_inputs``), articles/s;
- ``extractive``: the extractive engine across the pool (inside ``parallel.using``), articles/s;
- ``brief``: what the user runs, end to end: ``summarizer brief FILE --backend extractive
  --split-by province --workers N`` (``--no-dedup`` unless ``--dedup``: the copies of a repeated corpus
  are reprints of each other, which the briefing would merge; a real month has few), articles/s;
- ``jsonl``: ``summarizer summarize FILE --jsonl --backend extractive --workers N`` (streamed).

Peak RSS is the largest sum, sampled every 0.2 s, of the resident memory of the run's whole process
tree (the CLI and its workers), so it is what the machine must hold. Growth is the wall time at the
largest size over that at the smallest (linear: their ratio of sizes). The machine is shared: the load
average is printed before and after, and configurations are compared within one run, as ratios.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import EVAL, ROOT

CORPUS = EVAL / "crud_corpus_dev.jsonl"
BIN = Path(sys.executable).parent


COPIES = ("exact", "near", "distinct")


def build_corpus(size: int, folder: Path, copies: str = "exact") -> Path:
    """The corpus repeated to ``size`` records, each copy with its own id (#k) and, by ``copies``, text."""
    path = folder / (f"crud_{size}.jsonl" if copies == "exact" else f"crud_{copies}_{size}.jsonl")
    if path.exists():
        return path
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    with path.open("w", encoding="utf-8") as out:
        for k in range(size):
            record = dict(records[k % len(records)])
            copy = k // len(records)
            record["id"] = f"{record.get('id', k)}#{copy}"
            if copy and copies != "exact":
                record["text"] = (_reprinted if copies == "near" else _disguised)(str(record.get("text", "")), copy)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _reprinted(text: str, copy: int) -> str:
    cut = text.rfind("。", 0, len(text) - 1)
    return (text[:cut + 1] if cut > len(text) // 2 else text) + f"（本文转自第{copy}家媒体，编辑{copy}号）"


def _disguised(text: str, copy: int) -> str:
    from summarizer.text import CJK_RE  # the project's one Chinese character class

    seen = itertools.count(1)
    return CJK_RE.sub(lambda m: chr(0x4E00 + ord(m[0]) * copy * 7919 % 20000) if next(seen) % 4 == 0 else m[0],
                      text)


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def measure(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak resident bytes of the process tree, and stdout of ``command``."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(command)}")
    return wall, peak[0], out


def stage_command(stage: str, corpus: Path, workers: int, out: Path, dedup: bool) -> list[str]:
    if stage == "brief":
        return [str(BIN / "summarizer"), "brief", str(corpus), "--backend", "extractive", "--split-by", "province",
                "-o", str(out), "--workers", str(workers), *([] if dedup else ["--no-dedup"])]
    if stage == "jsonl":
        return [str(BIN / "summarizer"), "summarize", str(corpus), "--jsonl", "--backend", "extractive",
                "--workers", str(workers), "--no-cache"]
    return [sys.executable, __file__, "--child", stage, "--workers", str(workers), str(corpus)]


def child(stage: str, corpus: Path, workers: int) -> None:
    """One stage in this process: prints the articles it did and the seconds the stage took."""
    import logging

    from summarizer import parallel
    from summarizer.backends import get_backend

    logging.disable(logging.WARNING)
    with parallel.using(workers):
        parallel.map_ordered(str, list(range(2 * workers)), chunk=1)  # start the pool outside the timing
        start = time.perf_counter()
        articles, _ = parallel.read_inputs([corpus], workers=workers)
        took = time.perf_counter() - start
        if stage == "extractive":
            start = time.perf_counter()
            get_backend("extractive").summarize(articles, max_chars=150)
            took = time.perf_counter() - start
    print(json.dumps({"articles": len(articles), "seconds": took}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--serial-up-to", type=int, default=10000, help="run workers=1 only up to this size")
    parser.add_argument("--stages", default="ingest,extractive,brief,jsonl")
    parser.add_argument("--dedup", action="store_true", help="brief merges reprints (see --copies)")
    parser.add_argument("--copies", choices=COPIES, default="exact",
                        help="what the corpus's copies are: exact reprints, near reprints, or distinct stories")
    parser.add_argument("--keep", type=Path, help="build the corpora in this folder and keep them")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.corpus, int(args.workers))
        return
    if not CORPUS.exists():
        print(f"no {CORPUS}: nothing to measure")
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    workers = [int(w) for w in args.workers.split(",")]
    stages = args.stages.split(",")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; usable cores: "
          f"{len(os.sched_getaffinity(0))}")
    rows: dict[tuple[str, int, int], tuple[float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{'stage':<11}{'articles':>9}{'workers':>8}{'seconds':>9}{'art/s':>9}{'peak RSS MB':>13}")
        for size in sizes:
            corpus = build_corpus(size, folder, args.copies)
            for stage in stages:
                for n in workers:
                    if n == 1 and size > args.serial_up_to and len(workers) > 1:
                        continue
                    wall, peak, out = measure(stage_command(stage, corpus, n, Path(tmp) / f"out-{stage}-{size}-{n}",
                                                            args.dedup))
                    seconds = json.loads(out.splitlines()[-1])["seconds"] if stage in ("ingest", "extractive") \
                        else wall
                    rows[(stage, size, n)] = (seconds, peak)
                    print(f"{stage:<11}{size:>9}{n:>8}{seconds:>9.1f}{size / seconds:>9.0f}{peak / 2**20:>13.0f}",
                          flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for stage in stages:
        for n in workers:
            have = sorted(size for (s, size, w) in rows if s == stage and w == n)
            if len(have) > 1:
                small, large = rows[(stage, have[0], n)][0], rows[(stage, have[-1], n)][0]
                print(f"growth {stage} workers={n}: {have[-1]}/{have[0]} articles took {large / small:.1f}x "
                      f"(linear: {have[-1] / have[0]:.0f}x)")
        for size in sizes:
            if (stage, size, 1) in rows and (stage, size, max(workers)) in rows and max(workers) > 1:
                print(f"speed-up {stage} at {size}: workers={max(workers)} vs 1: "
                      f"{rows[(stage, size, 1)][0] / rows[(stage, size, max(workers))][0]:.2f}x")


if __name__ == "__main__":
    main()
