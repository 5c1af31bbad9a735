"""The process pool (summarizer/parallel.py): the same articles, regions, summaries and entries as the
serial path, in the same order, however the work is cut; errors and dying workers cost one input only."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from summarizer import parallel, regions
from summarizer.backends import get_backend
from summarizer.errors import InputError
from summarizer.ingest import read_inputs
from summarizer.types import SkipKind

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").iterdir())


def corpus(folder: Path, copies: int = 12) -> Path:
    """A folder like a month's delivery: the seeds as files, and a .jsonl of their paragraphs as records
    (with the bad records a real export holds), an unsupported file, a hidden one and a broken one."""
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    for p in SEEDS:
        (folder / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    records = []
    for n in range(copies):
        for i, text in enumerate(texts):
            body = "\n".join(line for line in text.splitlines()[n % 3:] if line.strip())
            records.append(json.dumps({"id": f"{n}-{i}", "title": f"第{n}期 {i}", "text": body}, ensure_ascii=False))
        records += ["{broken", "[1, 2]", json.dumps({"text": ""}), json.dumps({"text": "Only English here, "
                                                                                    "nothing Chinese at all."}),
                    "", json.dumps({"text": "太短"})]
    (folder / "month.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    (folder / "notes.xyz").write_text("unsupported", encoding="utf-8")
    (folder / ".hidden.txt").write_text("隐藏", encoding="utf-8")
    (folder / "bad.docx").write_bytes(b"PK\x03\x04 not a zip")
    return folder


def serial(paths: list[Path]) -> tuple[list, list]:
    articles, skipped = read_inputs(paths)
    return [dataclasses.replace(a, region=regions.resolve(a)) for a in articles], skipped


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus(tmp_path_factory.mktemp("parallel") / "month")


@pytest.mark.parametrize(("workers", "chunk", "slice_bytes"), [(1, 64, None), (2, 5, 2000), (2, 64, 0)])
def test_same_articles_and_entries_as_the_serial_path(month: Path, monkeypatch: pytest.MonkeyPatch,
                                                      workers: int, chunk: int, slice_bytes: int | None) -> None:
    if slice_bytes is not None:
        monkeypatch.setattr(parallel, "SLICE_BYTES", slice_bytes)  # read month.jsonl in slices
        assert any(isinstance(u, parallel.Slice) for u in parallel.plan([month], chunk=chunk))
    want_articles, want_skipped = serial([month])
    got_articles, got_skipped = parallel.read_inputs([month], workers=workers, chunk=chunk)
    assert len(want_articles) > 60
    assert got_articles == want_articles  # text, title, metadata, removals, and the region
    assert [a.region for a in got_articles] == [a.region for a in want_articles]
    assert got_skipped == want_skipped  # every bad record named by its line, in order
    assert {s.kind for s in got_skipped} >= {SkipKind.BAD_JSON, SkipKind.NOT_A_RECORD, SkipKind.NO_TEXT_FIELD,
                                             SkipKind.NOT_CHINESE, SkipKind.UNSUPPORTED, SkipKind.HIDDEN}


def test_summaries_in_the_pool_are_the_extractive_engines(month: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "SLICE_BYTES", 0)
    parts = list(parallel.stream_inputs([month], workers=2, chunk=16, max_chars=80))
    assert len(parts) > 2  # streamed in several parts
    articles = [a for p in parts for a in p.articles]
    summaries = [s for p in parts for s in p.summaries or ()]
    engine = get_backend("extractive")
    assert summaries == engine.summarize(articles, max_chars=80)  # here, one by one
    with parallel.using(2):
        assert engine.summarize(articles, max_chars=80) == summaries  # the engine's own use of the pool


def test_prepared_inputs_are_the_articles_with_their_summaries_and_facts(month: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.compose.briefing import article_facts

    monkeypatch.setattr(parallel, "SLICE_BYTES", 0)
    prepared, skipped = parallel.prepare_inputs([month], workers=2, chunk=16, max_chars=80)
    articles, want_skipped = parallel.read_inputs([month], workers=1)
    assert list(prepared.articles) == articles and skipped == want_skipped
    assert [prepared.summary(a, 80) for a in prepared.articles] == get_backend("extractive").summarize(
        articles, max_chars=80)
    assert [prepared.facts(a) for a in prepared.articles] == [article_facts((a.title, a.text)) for a in articles]
    first = prepared.articles[0]
    assert prepared.summary(first, 60) is None  # written for another budget
    assert prepared.facts(dataclasses.replace(first, title="另一个标题")) is None  # not the article that was read
    assert prepared.facts(articles[0]) is None  # an equal article read elsewhere: not known by identity
    bare, _ = parallel.prepare_inputs([month], workers=1)
    assert bare.summary(bare.articles[0], 80) is None and bare.facts(bare.articles[0]) is not None


def test_a_unit_whose_facts_fail_is_an_entry_and_the_rest_stay_in_step(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.compose import briefing

    folder = tmp_path / "in"
    folder.mkdir()
    for i, p in enumerate(SEEDS):
        (folder / f"{i}.txt").write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    records = [json.dumps({"text": p.read_text(encoding="utf-8")}, ensure_ascii=False) for p in SEEDS]
    (folder / "all.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    real = briefing.article_facts

    def fail_on_neijiang(article: tuple[str, str]) -> object:
        if "内江" in article[1]:
            raise ValueError("no facts")
        return real(article)

    clean, _ = parallel.read_inputs([folder], workers=1)
    monkeypatch.setattr(briefing, "article_facts", fail_on_neijiang)
    prepared, skipped = parallel.prepare_inputs([folder], workers=1, max_chars=80)
    # the article is lost, not the other records of its file
    assert [(s.name, s.kind, s.error) for s in skipped] == [("1.txt", SkipKind.PROCESS_FAILED, "no facts"),
                                                           ("all.jsonl#2", SkipKind.PROCESS_FAILED, "no facts")]
    assert skipped[0].reason == "processing the article failed (ValueError): no facts"
    assert [a.name for a in prepared.articles] == [a.name for a in clean if "内江" not in a.text]
    assert prepared.articles and all("内江" not in a.text for a in prepared.articles)
    engine = get_backend("extractive")
    for article in prepared.articles:  # each article with its own summary and facts
        assert prepared.summary(article, 80) == engine.summarize([article], max_chars=80)[0]
        assert prepared.facts(article) == real((article.title, article.text))


def dated(folder: Path) -> Path:
    """The seeds as records of a .jsonl file, on twenty days in August and one undated."""
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    records = [{"title": f"第{n}条", "text": texts[n % len(texts)], **({"date": f"2023-08-{n + 1:02d}"} if n else {})}
               for n in range(20)]
    path = folder / "august.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_the_workers_brief_the_period_only_and_let_go_of_the_bodies_asked(tmp_path: Path, workers: int,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Articles outside the period are only counted (no summary, no facts); ``keep_bodies`` says whose
    bodies come back; the rest is what the whole reading gives, article for article."""
    import datetime as dt

    from summarizer.compose.briefing import within

    monkeypatch.setattr(parallel, "SLICE_BYTES", 0)
    path, period = dated(tmp_path), (dt.date(2023, 8, 5), dt.date(2023, 8, 12))
    whole, _ = parallel.prepare_inputs([path], workers=workers, chunk=3, max_chars=80)
    part, _ = parallel.prepare_inputs([path], workers=workers, chunk=3, max_chars=80, period=period,
                                      keep_bodies="within")
    bare, _ = parallel.prepare_inputs([path], workers=workers, chunk=3, max_chars=80, period=period,
                                      keep_bodies="none")
    inside = [within(a, *period) for a in whole.articles]
    assert sum(inside) == 9 and whole.articles[0].date is None  # 8 days and the undated one
    for w, p, b, briefed in zip(whole.articles, part.articles, bare.articles, inside, strict=True):
        assert w.text and p == (w if briefed else w.without_body()) and b == w.without_body() and not b.text
        assert part.summary(p, 80) == (whole.summary(w, 80) if briefed else None) == bare.summary(b, 80)
        assert part.facts(p) == (whole.facts(w) if briefed else None) == bare.facts(b)
    # the records of one job come back sharing one path (pickled once, held once)
    assert all(a.path is bare.articles[0].path for a in bare.articles[:3])
    with pytest.raises(ValueError, match="keep_bodies"):
        parallel.prepare_inputs([path], keep_bodies="some")


def test_packed_terms_unpack_in_any_order() -> None:
    import pickle

    packed = parallel.Packed()
    for start, count in ((0, 3), (3, 1), (4, 2)):
        packed.add(pickle.dumps([{f"词{i}": i} if i != 4 else None for i in range(start, start + count)]), count)
    want = [{f"词{i}": i} if i != 4 else None for i in range(6)]
    order = (5, 0, 3, 4, 1)
    assert len(packed) == 6 and list(packed) == want and [packed[i] for i in order] == [want[i] for i in order]
    with pytest.raises(IndexError):
        packed[6]


def test_progress_counts_files_and_records_as_jobs_come_back(month: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A month in one large .jsonl file shows how far reading is, not only how long it has taken."""
    monkeypatch.setattr(parallel, "SLICE_BYTES", 0)
    calls: list[tuple[str, int, int]] = []
    parallel.read_inputs([month], workers=1, chunk=16, progress=lambda *call: calls.append(call))
    records = sum(1 for line in (month / "month.jsonl").read_text(encoding="utf-8").splitlines() if line.strip())
    files = sum(1 for p in month.iterdir() if p.name != "month.jsonl")
    total = records + files
    assert parallel.count_inputs([month]) == total
    assert calls[0] == ("ingest", 0, total) and calls[-1] == ("ingest", total, total)
    done = [d for _, d, _ in calls]
    assert len(done) > 5 and done == sorted(done)  # it moves job by job


def test_slices_keep_record_numbers_and_line_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "SLICE_BYTES", 0)
    good = json.dumps({"text": SEEDS[1].read_text(encoding="utf-8")}, ensure_ascii=False)
    lines = [good] * 7 + ["", "{not json"] + [good] * 5 + ['"a string"']
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")  # no newline at the end either
    articles, skipped = parallel.read_inputs([path], workers=1, chunk=3)
    assert len(articles) == 12
    assert [(s.kind, s.record, s.detail) for s in skipped] == [(SkipKind.BAD_JSON, 8, "9"),
                                                               (SkipKind.NOT_A_RECORD, 14, "")]
    assert skipped[0].location.endswith("a.jsonl#9")
    assert (articles, skipped) == serial([path])


def test_a_blank_jsonl_file_is_named_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "SLICE_BYTES", 0)
    path = tmp_path / "blank.jsonl"
    path.write_text("\n \n\n", encoding="utf-8")
    assert parallel.read_inputs([path], workers=1) == ([], [parallel.SkippedFile(path, SkipKind.EMPTY_FILE)])


def test_a_jsonl_file_over_the_whole_file_limit_is_read_in_slices(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.ingest import guard

    monkeypatch.setattr(guard, "MAX_TEXT_BYTES", 4000)  # the whole-file reader's ceiling, made small
    record = json.dumps({"text": SEEDS[4].read_text(encoding="utf-8")[:600]}, ensure_ascii=False)
    huge = json.dumps({"text": "长" * 3000}, ensure_ascii=False)
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join([record] * 20 + [huge, record]) + "\n", encoding="utf-8")
    monkeypatch.setattr(parallel, "SLICE_BYTES", 4000)
    assert serial([path])[1][0].kind == SkipKind.TOO_LARGE  # serially: the whole file refused
    articles, skipped = parallel.read_inputs([path], workers=1, chunk=1)
    assert len(articles) == 21
    assert [(s.kind, s.record) for s in skipped] == [(SkipKind.TOO_LARGE, 20)]  # only the record over it


def test_missing_input_fails_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        parallel.stream_inputs([tmp_path / "nowhere"], workers=2)
    with pytest.raises(ValueError, match="at least 1"):
        parallel.read_inputs([SEEDS[0]], workers=0)


def test_default_workers_are_the_usable_cores() -> None:
    assert parallel.usable_cores() == len(os.sched_getaffinity(0))
    assert parallel.check_workers(None) == parallel.usable_cores()


def _explode(path: Path, data: bytes) -> list:
    raise MemoryError("a reader gone wrong")


def _die(path: Path, data: bytes) -> list:
    os._exit(9)  # a crash in C, the OOM killer: the worker process is gone


@pytest.mark.parametrize(("reader", "kind", "detail"), [(_explode, SkipKind.READ_FAILED, "MemoryError"),
                                                        (_die, SkipKind.READ_FAILED, "process died")])
def test_a_worker_failing_or_dying_costs_only_its_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        reader: object, kind: SkipKind, detail: str) -> None:
    from summarizer.ingest import readers

    folder = tmp_path / "in"
    folder.mkdir()
    for i, p in enumerate(SEEDS * 3):
        (folder / f"{i:02d}_{p.name}").write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "07x.boom").write_text("炸", encoding="utf-8")
    monkeypatch.setitem(readers.READERS, ".boom", reader)
    monkeypatch.setattr("summarizer.ingest.SUPPORTED_SUFFIXES", frozenset(readers.READERS))
    # fork: the workers must see the patched reader table (users' runs start them by forkserver)
    articles, skipped = parallel.read_inputs([folder], workers=2, chunk=2, method="fork")
    assert len(articles) == len(serial([p for p in sorted(folder.iterdir()) if p.suffix == ".txt"])[0])
    assert [(s.path.name, s.kind, s.detail) for s in skipped] == [("07x.boom", kind, detail)]
    # what the workers find beside reading survives the rescue, in step with its articles
    import datetime as dt

    asked = {"max_chars": 80, "period": (dt.date(2022, 1, 1), None), "keep_bodies": "within"}
    pooled, missed = parallel.prepare_inputs([folder], workers=2, chunk=2, method="fork", **asked)
    alone, _ = parallel.prepare_inputs([p for p in sorted(folder.iterdir()) if p.suffix == ".txt"], workers=1,
                                       **asked)  # here, without the input that kills its process
    assert [(s.path.name, s.kind) for s in missed] == [("07x.boom", kind)]
    assert pooled.articles == alone.articles and any(not a.text for a in alone.articles)
    assert [pooled.summary(a, 80) for a in pooled.articles] == [alone.summary(a, 80) for a in alone.articles]
    assert [pooled.facts(a) for a in pooled.articles] == [alone.facts(a) for a in alone.articles]
    # and the pool works again afterwards
    assert parallel.read_inputs([folder / "00_000_3a66c6915ed1d9f5.txt"], workers=2, method="fork")[0]


def _double_but_die_in_a_worker(n: int) -> int:
    if n == 7 and os.getpid() != int(os.environ["TEST_PARENT_PID"]):
        os._exit(9)
    return 2 * n


def test_map_ordered_does_the_share_of_a_dead_worker_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_PARENT_PID", str(os.getpid()))
    with parallel.using(2):
        assert parallel.map_ordered(_double_but_die_in_a_worker, list(range(40)), chunk=3, method="fork") == [
            2 * n for n in range(40)]
        assert parallel.map_ordered(str, list(range(8)), chunk=2) == [str(n) for n in range(8)]  # a new pool


def test_counting_records_reads_a_huge_line_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.ingest import guard

    monkeypatch.setattr(guard, "MAX_TEXT_BYTES", 100)
    monkeypatch.setattr(parallel, "SLICE_BYTES", 0)
    path = tmp_path / "one.jsonl"
    path.write_text('{"text": "' + "长" * 5000 + '"}\n\n{"text": "短"}\n', encoding="utf-8")
    assert parallel.count_inputs([path]) == 2  # the huge record once, the blank line not at all


def test_the_workers_start_without_numpy_so_its_blas_takes_one_thread():
    """``parallel._warm`` gives numpy's BLAS one thread per worker by its environment, which numpy reads
    when it is first imported: a module the workers' server imports (``parallel`` and what it imports)
    must not import numpy at the top (with one thread per core in each worker the engine ran 3.5x slower)."""
    import subprocess
    import sys

    code = "import sys, summarizer.parallel; print(sorted(m for m in ('numpy', 'torch') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
