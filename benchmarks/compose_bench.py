"""Compose and render a briefing from a folder or .jsonl of articles; print timings and checks.

    .venv/bin/python benchmarks/compose_bench.py [INPUT ...]   (default: seeds/ and ../shared/eval/regions_dev.jsonl)

Per input: articles, sections, seconds to compose (regions + extractive summaries + keywords +
综述) and to render .docx / .md / .json, the .docx size, and the share of key figures (and of
综述 figures) found verbatim in their sources. Timings are single runs on a shared machine.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from common import EVAL, ROOT

from summarizer import brief
from summarizer.compose.overview import unsupported
from summarizer.ingest import read_inputs

DEFAULT = [ROOT / "seeds", EVAL / "regions_dev.jsonl"]


def run(path: Path, out: Path) -> str:
    articles, skipped = read_inputs([path])
    t0 = time.perf_counter()
    briefing = brief(articles, skipped=skipped)
    compose = time.perf_counter() - t0
    times = []
    for suffix in (".docx", ".md", ".json"):
        t0 = time.perf_counter()
        briefing.write(out / f"b{suffix}")
        times.append(time.perf_counter() - t0)
    figures = [(f, i.article.text) for i in briefing.items for f in i.key_figures]
    verbatim = sum(f.text in f.sentence and f.sentence in text for f, text in figures)
    overview_ok = briefing.overview is not None and not unsupported(briefing.overview.text,
                                                                            briefing.sections)
    size = (out / "b.docx").stat().st_size // 1024
    return (f"| {path.name} | {len(articles)} | {len(skipped)} | {len(briefing.sections)} | {compose:.2f} | "
            f"{times[0]:.2f} | {times[1]:.3f} | {times[2]:.3f} | {size} | {verbatim}/{len(figures)} | "
            f"{'yes' if overview_ok else 'NO'} |")


def main(paths: list[Path]) -> None:
    print("| input | articles | skipped | sections | compose s | docx s | md s | json s | docx KiB "
          "| key figures verbatim | 综述 figures in sources |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            if not path.exists():
                print(f"| {path} | (absent, skipped) |")
                continue
            print(run(path, Path(tmp)))


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT)
