"""Summaries as a stream of JSON lines (summarizer/stream.py, ``summarize --jsonl``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.ingest import load_articles
from summarizer.pipeline import summarize_articles
from summarizer.stream import stream_summaries

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    records = [json.dumps({"id": f"r{i}", "text": p.read_text(encoding="utf-8")}, ensure_ascii=False)
               for i, p in enumerate(sorted(SEEDS.iterdir()))]
    (folder / "feed.jsonl").write_text("\n".join([*records, "[]"]) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("workers", [1, 2])
def test_a_row_per_article_and_per_skipped_input_in_order(inputs: Path, workers: int) -> None:
    rows = list(stream_summaries([inputs], backend="extractive", max_chars=80, workers=workers))
    articles = load_articles([inputs])
    summaries = summarize_articles(articles, backend="extractive", max_chars=80)
    done = [r for r in rows if "summary" in r]
    assert [r["summary"] for r in done] == [s.text for s in summaries]  # what the serial path writes
    assert [r["title"] for r in done] == [a.title for a in articles]
    assert [r["region"]["label"] for r in done] == [a.region.label() for a in articles]
    ids = [r["id"] for r in done if r["file"].endswith("feed.jsonl")]
    assert ids == ["r0", "r1", "r2", "r2/2", "r2/3", "r3", "r4"]  # 002 is a newspaper page of three stories
    assert len({r["id"] for r in done}) == len(done)
    assert done[0]["region"]["province"] == "黑龙江省" and "2836户" in done[0]["figures"]
    skipped = [r for r in rows if "skipped" in r]
    assert [(Path(r["file"]).name, r["record"]) for r in skipped] == [("broken.json", None), ("feed.jsonl", 5)]
    assert "not valid JSON" in skipped[0]["skipped"] and skipped[1]["skipped_zh"]


def test_rows_come_before_the_input_is_finished(inputs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer import parallel

    read = []
    real = parallel._run

    def counting(job):
        read.append(len(job.units))
        return real(job)

    monkeypatch.setattr(parallel, "_run", counting)
    monkeypatch.setattr(parallel, "CHUNK", 1)  # a job per input
    rows = stream_summaries([inputs], backend="extractive", workers=1, max_chars=60)
    first = next(rows)
    assert first["summary"] and len(read) == 1  # one part read so far, not the whole input


def test_cli_jsonl(inputs: Path) -> None:
    result = CliRunner().invoke(app, ["summarize", str(inputs), "--jsonl", "--backend", "extractive", "-n", "60",
                                      "--workers", "2"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 16  # 7 articles of the seeds, 7 of their records, 2 skipped
    assert all(len(r["summary"]) <= 60 for r in lines if "summary" in r)


@pytest.mark.smoke
def test_an_interrupted_model_run_resumes_from_the_cache(tiny_models, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer import parallel
    from summarizer.backends.engine import PromptEngine
    from summarizer.cache import SummaryCache

    monkeypatch.setattr(parallel, "CHUNK", 1)  # a part per input file: the cache fills part by part
    asked: list[str] = []
    real = PromptEngine.summarize

    def counting(self, articles, *, max_chars):
        asked.extend(a.name for a in articles)
        return real(self, articles, max_chars=max_chars)

    monkeypatch.setattr(PromptEngine, "summarize", counting)
    cache = SummaryCache(tmp_path / "cache")
    options = {"backend": "transformers", "model": str(tiny_models["chat"]), "max_chars": 30, "workers": 1,
               "cache": cache}
    folder = tmp_path / "in"
    folder.mkdir()
    names = ["000_3a66c6915ed1d9f5.txt", "001_1945b7801c5504d0.txt", "004_8b468aa6d6d24c8b.txt"]
    for name in names:
        shutil.copy(SEEDS / name, folder / name)
    rows = stream_summaries([folder], **options)
    first = [next(rows), next(rows)]  # the first two files' lines, then the run is stopped
    rows.close()
    assert [Path(r["file"]).name for r in first] == names[:2]
    asked.clear()
    again = list(stream_summaries([folder], **options))
    assert len(again) == 3 and again[:2] == first  # the finished lines come back as they were
    assert asked == names[2:]  # only the file the first run did not reach needed the model


def test_records_open_the_engine_once_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batch after batch (a Ray worker's), the engine is loaded once for each engine and options."""
    import dataclasses
    from collections import OrderedDict

    from summarizer import stream
    from summarizer.backends import BACKENDS, get_backend, register_backend
    from summarizer.backends.options import Options, option
    from summarizer.stream import summarize_records

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class CountingOptions(Options):
        threads: int = option(1, "threads", minimum=1)

    loads: list[CountingOptions] = []
    register_backend("counting", lambda o: loads.append(o) or get_backend("extractive"), options=CountingOptions)
    monkeypatch.setitem(BACKENDS, "counting", BACKENDS["counting"])  # removed again after the test
    records = [{"id": p.name, "text": p.read_text(encoding="utf-8")} for p in sorted(SEEDS.iterdir())]
    local = [r["summary"] for r in summarize_records(records, backend="extractive", max_chars=80)]
    monkeypatch.setattr(stream, "_OPEN_ENGINES", OrderedDict())  # none open yet
    first = summarize_records(records[:2], backend="counting", max_chars=80, threads=2)
    second = summarize_records(records[2:], backend="counting", max_chars=80, threads=2)
    assert loads == [CountingOptions(threads=2)]  # the second batch used the engine the first opened
    assert [r["summary"] for r in first + second] == local
    summarize_records(records[:1], backend="counting", max_chars=80, threads=3)
    summarize_records(records[:1], backend="counting", max_chars=80, threads=2)
    assert loads == [CountingOptions(threads=2), CountingOptions(threads=3)]  # other options: another engine
    summarize_records(records[:1], backend="counting", max_chars=80, threads=4)  # a third: the least used goes
    summarize_records(records[:1], backend="counting", max_chars=80, threads=3)
    assert loads[2:] == [CountingOptions(threads=4), CountingOptions(threads=3)]
    # run_engine's own options are taken, not given to the engine
    calls: list[tuple] = []
    rows = summarize_records(records[:2], backend="extractive", max_chars=80, progress=lambda *c: calls.append(c))
    assert [r["summary"] for r in rows] == local[:2] and calls[-1][0] == "summaries"


def test_a_stand_in_for_a_model_that_would_not_load_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from collections import OrderedDict

    from summarizer import pipeline, stream

    opened: list[str] = []

    def open_engine(backend: str, model: str | None = None, **options: object) -> tuple:
        opened.append(backend)
        return pipeline.get_backend("extractive"), "model could not be loaded"

    monkeypatch.setattr(stream, "_OPEN_ENGINES", OrderedDict())
    monkeypatch.setattr(pipeline, "open_engine", open_engine)
    stream.engine_for("auto", "some/model")
    stream.engine_for("auto", "some/model")
    assert opened == ["auto", "auto"] and not stream._OPEN_ENGINES  # the next batch tries the model again
