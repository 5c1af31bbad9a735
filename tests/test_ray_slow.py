"""The Ray Data recipe (summarizer/ray_data.py) on a local Ray instance gives the local run's rows.

Slow (Ray starts its processes: ~20 s); skipped when Ray is not installed (pip install 'summarizer[ray]').
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.ray_data import COLUMNS, summarize_batch
from summarizer.stream import stream_summaries, summarize_records

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").iterdir())


def month(path: Path, copies: int = 8) -> Path:
    """Records from the seeds, each paragraph-shifted copy with its own id, and two bad records."""
    lines = []
    for n in range(copies):
        for i, seed in enumerate(SEEDS):
            text = "\n".join(seed.read_text(encoding="utf-8").splitlines()[n % 2:])
            lines.append(json.dumps({"id": f"{n}-{i}", "text": text, "source": "测试"}, ensure_ascii=False))
    lines += [json.dumps({"id": "empty", "text": ""}), json.dumps({"id": "short", "text": "太短了"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_batch_is_the_records_rows(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    path = month(tmp_path / "m.jsonl", copies=1)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    table = summarize_batch(pa.Table.from_pylist(records), {"max_chars": 60, "label": "m.jsonl"})
    assert table.column_names == list(COLUMNS)
    rows = table.to_pylist()
    assert rows == [{c: r.get(c) for c in COLUMNS} for r in summarize_records(records, max_chars=60, label="m.jsonl")]
    assert {r["id"] for r in rows if r["summary"]} >= {"0-0", "0-2", "0-2/2", "0-2/3"}
    assert sum(1 for r in rows if r["skipped"]) == 2


@pytest.mark.slow
def test_ray_gives_the_local_runs_summaries(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    from summarizer.ray_data import summarize_with_ray

    path = month(tmp_path / "month.jsonl")
    local = {r["id"]: r for r in stream_summaries([path], backend="extractive", max_chars=80, workers=1)
             if "summary" in r}
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        summarize_with_ray(str(path), str(tmp_path / "out"), backend="extractive", max_chars=80, batch_size=16,
                           label=str(path))
    finally:
        ray.shutdown()
    rows = [json.loads(line) for f in sorted((tmp_path / "out").iterdir()) for line in f.read_text().splitlines()]
    done = {r["id"]: r for r in rows if r["summary"] is not None}
    assert len(local) >= 40 and done.keys() == local.keys()
    for key, row in local.items():
        assert done[key]["summary"] == row["summary"]
        assert done[key]["region"] == row["region"] and done[key]["figures"] == row["figures"]
        assert done[key]["title"] == row["title"]
    assert sorted(r["skipped"] for r in rows if r["skipped"]) == sorted(
        ["article text too short (3 characters)", "no text field (text/content/body/正文/article/内容)"])
