"""Across cores: ingest, regions and the extractive engine in a pool of processes, streamed in order.

    paths ─▶ plan: files, web addresses, and slices of CHUNK records of a large JSON Lines file
          ─▶ jobs of about CHUNK articles ─▶ workers: read → regions (→ extractive summaries, the
             briefing's facts: ``prepare_inputs``)
          ─▶ parts, yielded in input order, at most two jobs per worker in flight

The work is Python and holds the GIL, so it takes processes, not threads. Jobs are small and few are
in flight, so memory does not grow with the number of inputs (the caller decides what it keeps), and
a large .jsonl file is read slice by slice instead of whole (the whole-file reader refuses text over
``guard.MAX_TEXT_BYTES``). The results are what the serial path gives: the same articles and entries,
in the same order (tests/test_parallel.py). A reader that raises turns its input into a skipped
entry, like the serial guard, and a failure past reading (regions, a summary, the facts) costs only
the article it is about (``SkipKind.PROCESS_FAILED``); a worker that dies (a crash in C, the OOM
killer) costs only the input it was reading, which is named (``SkipKind.READ_FAILED``: process died):
the others are read again.

``workers=1`` runs in this process, with no pool, and so does work of one job. Pools last for a
``using`` block (or for one call outside any): no process outlives the run that started it.
"""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import dataclasses
import datetime as dt
import functools
import itertools
import logging
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar, get_args

from . import regions
from .ingest import read_path, scan_paths
from .ingest.fetch import WebAddress
from .types import Article, KeyFigure, SkipKind, SkippedFile, Summary

if TYPE_CHECKING:
    from .compose.briefing import ArticleFacts
    from .dedup import Sketches
    from .ingest.readers import RawDocument

log = logging.getLogger(__name__)

CHUNK = 64  # articles per job: ~0.1-0.3 s of work, so pickling and scheduling cost little beside it
SLICE_BYTES = 1 << 20  # a JSON Lines file larger than this is read in slices of CHUNK records
T = TypeVar("T")
R = TypeVar("R")
IN_FLIGHT = 2  # jobs per worker submitted ahead: the next is ready when one finishes, and memory stays small
KeepBodies = Literal["all", "within", "none"]
KEEP_BODIES: tuple[KeepBodies, ...] = get_args(KeepBodies)


def usable_cores() -> int:
    """The cores this process may run on (``os.sched_getaffinity``: a container's or taskset's share)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def check_workers(workers: int | None) -> int:
    """``workers``, or the usable cores for None.

    Raises:
        ValueError: ``workers`` is below 1.
    """
    if workers is None:
        return usable_cores()
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    return workers


@dataclass(frozen=True, slots=True)
class Slice:
    """Lines ``first``… of a JSON Lines file (``data``: whole lines, as bytes)."""

    path: Path
    first: int
    data: bytes
    records: int


Unit = Path | WebAddress | Slice | SkippedFile


@dataclass(frozen=True, slots=True)
class Part:
    """What a job gave: its articles (regions resolved), their summaries when asked for, and its entries.
    ``sketches``: what finding the reprints needs of the texts (``dedup.sketches``), when asked for.

    ``summaries``, ``figures`` and ``terms`` (``compose.briefing.article_facts``, when asked) are one
    per article; None for an article outside the job's period (it is not briefed, only counted). The
    keyword candidates come pickled, a job's together: as dicts they are most of what a month of
    articles holds (2.8 kB an article), pickled a tenth of it.
    """

    articles: tuple[Article, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    summaries: tuple[Summary | None, ...] | None = None
    inputs: int = 0  # the files and records its job covered (for progress)
    figures: tuple[tuple[KeyFigure, ...] | None, ...] | None = None
    terms: bytes | None = None  # pickle of a list: each article's ``keywords.text_terms`` dict, or None
    sketches: tuple[Sketches, ...] = ()  # when asked: of the articles within the period, in order, a run each

    def found(self) -> list[ArticleFacts | None]:
        """Each article's briefing facts (``figures`` and ``terms`` together), None where not found."""
        terms = pickle.loads(self.terms) if self.terms else []
        return [None if t is None or f is None else (t, f) for t, f in zip(terms, self.figures or (), strict=True)]


@dataclass(frozen=True, slots=True)
class Prepared:
    """Articles as the workers that read them left them, with what those workers found in each text:
    the extractive summary at ``max_chars`` (when asked) and the briefing's ``article_facts``.

    A text that is read in a worker need not travel there again to be summarised or searched for
    keywords and figures: a month's texts would be pickled, sent and returned twice more, and each
    would keep the UTF-8 copy pickling caches on a string as long as the string lives.
    ``summary``/``facts`` look an article up by identity: one replaced since (a model's title)
    is not known here, and is done again by whoever asks (``pipeline.brief`` refuses to when the
    workers let its body go); none is known for an article outside the period the workers were given.
    """

    articles: tuple[Article, ...]
    summaries: tuple[Summary | None, ...] | None
    max_chars: int | None
    figures: tuple[tuple[KeyFigure, ...] | None, ...] | None
    terms: Packed | None
    _where: dict[int, int] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for found in (self.summaries, self.figures, self.terms):  # by position: out of step would be another's
            if found is not None and len(found) != len(self.articles):
                raise ValueError(f"Prepared: {len(found)} results for {len(self.articles)} articles")
        self._where.update((id(a), i) for i, a in enumerate(self.articles))

    # By id: this holds its articles, so no other object alive can have one of their ids.
    def summary(self, article: Article, max_chars: int) -> Summary | None:
        i = self._where.get(id(article))
        return None if i is None or self.summaries is None or max_chars != self.max_chars else self.summaries[i]

    def facts(self, article: Article) -> ArticleFacts | None:
        return self._facts_at(self._where.get(id(article)))

    def facts_of(self, articles: Sequence[Article]) -> Sequence[ArticleFacts | None]:
        """``facts`` of each of ``articles``, unpacked when asked for (``compose.briefing`` asks in
        order, a text at a time: a month's keyword candidates are never all unpacked at once)."""
        return _Lookup([self._where.get(id(a)) for a in articles], self._facts_at)

    def _facts_at(self, i: int | None) -> ArticleFacts | None:
        if i is None or self.figures is None or self.terms is None or (figures := self.figures[i]) is None:
            return None
        terms = self.terms[i]
        return None if terms is None else (terms, figures)


class Packed(Sequence["dict[str, int] | None"]):
    """Each article's keyword candidates (``Part.terms``), kept pickled a job's together and unpickled
    a job at a time when asked. The last few jobs' are kept: the briefing asks in article order, or
    with reprints merged in story order, which is nearly that."""

    OPEN = 4  # jobs kept unpickled

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._blobs: list[bytes] = []
        self._count = 0
        self._open: dict[int, list[dict[str, int] | None]] = {}

    def add(self, blob: bytes, count: int) -> None:
        """Add the pickled candidates of ``count`` articles, the next ones."""
        self._starts.append(self._count)
        self._blobs.append(blob)
        self._count += count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: int) -> dict[str, int] | None:  # type: ignore[override]
        if not 0 <= i < self._count:
            raise IndexError(i)
        k = bisect.bisect_right(self._starts, i) - 1
        if (terms := self._open.get(k)) is None:
            if len(self._open) == self.OPEN:
                del self._open[next(iter(self._open))]  # the first opened
            terms = self._open[k] = pickle.loads(self._blobs[k])
        return terms[i - self._starts[k]]


class _Lookup(Sequence[T]):
    """``get(key)`` for each of ``keys``, looked up when asked for."""

    def __init__(self, keys: list[int | None], get: Callable[[int | None], T]) -> None:
        self._keys, self._get = keys, get

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, i: int) -> T:  # type: ignore[override]
        return self._get(self._keys[i])


@dataclass(frozen=True, slots=True)
class _Job:
    units: tuple[Unit, ...]
    aliases: Mapping[str, str] | None = None
    max_chars: int | None = None  # summarise with the extractive engine too
    facts: bool = False  # find the briefing's facts too
    period: tuple[dt.date | None, dt.date | None] | None = None  # only for the articles dated within it
    keep_bodies: KeepBodies = "all"  # whose bodies come back: all, those within the period, or none
    sketches: bool = False  # sketch the texts for finding reprints too (``dedup.sketches``)


class _Scanned(list):  # type: ignore[type-arg]
    """``scan_paths``' entries, taken as they are by ``plan`` and ``count_inputs`` (scanned once, not twice)."""


def _entries(paths: Iterable[str | Path]) -> list[Path | WebAddress | SkippedFile]:
    return paths if isinstance(paths, _Scanned) else scan_paths(paths)


def plan(paths: Iterable[str | Path], *, chunk: int = CHUNK, slice_bytes: int | None = None) -> Iterator[Unit]:
    """The inputs as units of work, in order: ``scan_paths``' entries, a .jsonl file larger than
    ``slice_bytes`` (default ``SLICE_BYTES``) as slices of ``chunk`` records.

    Raises:
        InputError: as ``scan_paths`` (at once, before the first unit).
    """
    slice_bytes = SLICE_BYTES if slice_bytes is None else slice_bytes
    for entry in _entries(paths):
        if isinstance(entry, Path) and _sliceable(entry, slice_bytes):
            yield from _slices(entry, chunk)
        else:
            yield entry


def _sliceable(path: Path, slice_bytes: int) -> bool:
    """A large .jsonl file in an encoding where b"\\n" ends a line (not UTF-16/32: no NULs at its start)."""
    try:
        if path.suffix.lower() != ".jsonl" or not path.is_file() or path.stat().st_size <= slice_bytes:
            return False
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False  # the whole-file reader names the problem
    return b"\0" not in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _slices(path: Path, chunk: int) -> Iterator[Unit]:
    """``path`` in slices of ``chunk`` records, read as it goes; a line over ``MAX_TEXT_BYTES`` is an entry."""
    from .ingest.guard import MAX_TEXT_BYTES, _size

    lines: list[bytes] = []
    first = line_no = records = 0
    emitted = False
    try:
        with path.open("rb") as handle:
            while line := handle.readline(MAX_TEXT_BYTES + 1):
                if len(line) > MAX_TEXT_BYTES and not line.endswith(b"\n"):
                    while (rest := handle.readline(MAX_TEXT_BYTES)) and not rest.endswith(b"\n"):
                        pass  # the rest of the oversized line, unread
                    yield SkippedFile(path, SkipKind.TOO_LARGE, f"over {_size(MAX_TEXT_BYTES)} of text",
                                      record=line_no)
                    line = b"\n"  # the line still counts, as a blank one
                lines.append(line)
                line_no += 1
                if line.strip():
                    records += 1
                if records >= chunk:
                    yield Slice(path, first, b"".join(lines), records)
                    lines, first, records, emitted = [], line_no, 0, True
    except OSError as exc:
        yield SkippedFile(path, SkipKind.UNREADABLE, error=exc.strerror or type(exc).__name__, record=line_no)
        return
    if records:
        yield Slice(path, first, b"".join(lines), records)
    elif not emitted:
        yield SkippedFile(path, SkipKind.EMPTY_FILE)  # nothing in it but blank lines


def _weight(unit: Unit) -> int:
    return unit.records if isinstance(unit, Slice) else 1


def _inputs(job: _Job) -> int:
    return sum(map(_weight, job.units))


def count_inputs(paths: Iterable[str | Path], *, slice_bytes: int | None = None) -> int:
    """How many inputs ``plan`` will give: one per file or entry, and a large .jsonl file's lines that
    hold a record (counted in a pass over its bytes: a tenth of a second for 100 MB)."""
    slice_bytes = SLICE_BYTES if slice_bytes is None else slice_bytes
    total = 0
    for entry in _entries(paths):
        if not (isinstance(entry, Path) and _sliceable(entry, slice_bytes)):
            total += 1
            continue
        try:
            total += _records(entry)
        except OSError:
            total += 1
    return total


def _records(path: Path) -> int:
    """Lines of ``path`` that hold something, read ``MAX_TEXT_BYTES`` at most at a time (a file that is
    one huge line is not taken whole into memory, as ``_slices`` does not)."""
    from .ingest.guard import MAX_TEXT_BYTES

    count, inside = 0, False  # inside: the piece before did not end its line
    with path.open("rb") as handle:
        while piece := handle.readline(MAX_TEXT_BYTES + 1):
            count += not inside and bool(piece.strip())
            inside = not piece.endswith(b"\n")
    return count


def _jobs(units: Iterable[Unit], chunk: int, **settings: object) -> Iterator[_Job]:
    """Consecutive units grouped into jobs of about ``chunk`` articles."""
    group: list[Unit] = []
    weight = 0
    for unit in units:
        group.append(unit)
        weight += _weight(unit)
        if weight >= chunk:
            yield _Job(tuple(group), **settings)  # type: ignore[arg-type]
            group, weight = [], 0
    if group:
        yield _Job(tuple(group), **settings)  # type: ignore[arg-type]


def _read_slice(piece: Slice) -> tuple[list[Article], list[SkippedFile]]:
    """A slice's articles and entries, behind the same guard as a whole file (``ingest.read_guarded``)."""
    from .ingest import read_guarded
    from .ingest.encoding import decode
    from .ingest.readers import read_json_lines

    def read() -> list[RawDocument | SkippedFile]:
        return read_json_lines(piece.path, *decode(piece.data, piece.path), piece.first)

    return read_guarded(piece.path, read, record=piece.first)


def _unit_path(unit: Unit) -> Path:
    return unit.path if isinstance(unit, WebAddress | Slice | SkippedFile) else unit


def _run(job: _Job) -> Part:
    """A job, in a worker (or here): read each unit, resolve regions, summarise; an error costs its unit
    only, or (past reading) the article it is about."""
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    summaries: list[Summary | None] = []
    found_facts: list[ArticleFacts | None] = []
    sketched: list[Sketches] = []
    for unit in job.units:
        if isinstance(unit, SkippedFile):
            skipped.append(unit)
            continue
        found, missed = _read_slice(unit) if isinstance(unit, Slice) else read_path(unit)  # behind the guard
        skipped += missed
        try:
            done = [_work(found, job)]
        except Exception:  # regions, a summary or the facts failed on an article: find it, the rest go on
            done = []
            for article in found:
                try:
                    done.append(_work([article], job))
                except Exception as exc:
                    skipped.append(_failed(article, len(found) > 1, exc))
        for located, written, facts, sketch in done:
            articles += located
            summaries += written  # only with their articles: they stay in step
            found_facts += facts
            sketched += [sketch] if sketch is not None else []
    return Part(_shared(articles), tuple(skipped), tuple(summaries) if job.max_chars is not None else None,
                _inputs(job), *(_facts_part(found_facts) if job.facts else (None, None)), tuple(sketched))


def _shared(articles: Sequence[Article]) -> tuple[Article, ...]:
    """The articles, equal paths, sources and regions made one object: the records of one file then
    pickle (and are held by the parent) with one path, not one each, and the articles that name no
    place with one region."""
    seen: dict[object, object] = {}
    out = []
    for a in articles:
        path, source, region = (seen.setdefault(v, v) for v in (a.path, a.source, a.region))
        same = path is a.path and source is a.source and region is a.region
        out.append(a if same else dataclasses.replace(a, path=path, source=source, region=region))  # type: ignore[arg-type]
    return tuple(out)


def _work(found: Sequence[Article], job: _Job) -> tuple[list[Article], list[Summary | None],
                                                        list[ArticleFacts | None], Sketches | None]:
    """Articles read: their regions resolved; for those within the job's period, their summaries,
    facts and sketches when asked for; the bodies the job does not keep let go of."""
    found = [dataclasses.replace(a, region=regions.resolve(a, aliases=job.aliases)) for a in found]
    briefed = [job.period is None or _within(a, job.period) for a in found]
    written = _spread(briefed, _summarize, found, job.max_chars) if job.max_chars is not None else []
    facts = _spread(briefed, _facts, found) if job.facts else []
    sketch = _sketches([a for a, b in zip(found, briefed, strict=True) if b]) if job.sketches else None
    keep = {"all": [True] * len(found), "within": briefed, "none": [False] * len(found)}[job.keep_bodies]
    return [a if kept else a.without_body() for a, kept in zip(found, keep, strict=True)], written, facts, sketch


def _failed(article: Article, one_of_many: bool, exc: Exception) -> SkippedFile:
    """The entry for an article read that could not be processed (a fault of ours: logged in full),
    named by its record or story when its input gave several."""
    log.warning("processing %s failed: %s", article.name, exc, exc_info=True)
    message = str(exc).splitlines()[0][:200] if str(exc) else ""
    path = article.path or Path(article.name)
    in_records = one_of_many or article.part or path.suffix.lower() in (".json", ".jsonl")
    return SkippedFile(path, SkipKind.PROCESS_FAILED, type(exc).__name__, error=message,
                       record=article.part if in_records else None)


def _within(article: Article, period: tuple[dt.date | None, dt.date | None]) -> bool:
    from .compose.briefing import within

    return within(article, *period)


def _spread(briefed: Sequence[bool], work: Callable[..., list[R]], articles: Sequence[Article],
            *args: object) -> list[R | None]:
    """``work(the briefed articles, *args)``, one result per article: None for those not briefed."""
    chosen = [a for a, b in zip(articles, briefed, strict=True) if b]
    done = work(chosen, *args)
    if len(done) != len(chosen):
        raise ValueError(f"{work.__name__} gave {len(done)} results for {len(chosen)} articles")
    results = iter(done)
    return [next(results) if b else None for b in briefed]


def _facts_part(found: Sequence[ArticleFacts | None]) -> tuple[tuple[tuple[KeyFigure, ...] | None, ...], bytes]:
    """``Part.figures`` and ``Part.terms`` of a job's facts."""
    figures = tuple(None if f is None else f[1] for f in found)
    return figures, pickle.dumps([None if f is None else f[0] for f in found], pickle.HIGHEST_PROTOCOL)


def _summarize(articles: Sequence[Article], max_chars: int) -> list[Summary]:
    from .backends import get_backend

    return get_backend("extractive").summarize(articles, max_chars=max_chars)


def _sketches(articles: Sequence[Article]) -> Sketches:
    from .dedup import sketches  # numpy: never imported before the worker is warmed (``_warm``)

    return sketches(articles)


def _facts(articles: Sequence[Article]) -> list[ArticleFacts]:
    from .compose.briefing import article_facts

    return [article_facts((a.title, a.text)) for a in articles]


def _died(job: _Job) -> Part:
    """The entries for a job whose worker died however it was split: each input named."""
    return Part(skipped=tuple(SkippedFile(_unit_path(u), SkipKind.READ_FAILED, "process died",
                                          record=u.first if isinstance(u, Slice) else None)
                              for u in job.units if not isinstance(u, SkippedFile)) +
                tuple(u for u in job.units if isinstance(u, SkippedFile)), inputs=_inputs(job))


# --- the pool ------------------------------------------------------------------------------------

def _warm(environment: Mapping[str, str]) -> None:
    """A worker takes the environment of the process that started the pool (a forkserver keeps the one
    it started with: a cache or fetch folder set since would be missed) and one core, and loads the
    division tables once, at start, not inside its first job."""
    os.environ.clear()
    os.environ.update(environment)
    # numpy's BLAS would start a thread per core in every worker (numpy is not imported yet here: this
    # holds); on the small matrices of the extractive engine that made it 3.5 times slower.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    regions.resolve(Article(title="", text="北京市"))


class _Pools:
    """The pools of one ``using`` block (or of one call outside any), by start method; closed with it."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executors: dict[str, ProcessPoolExecutor] = {}

    def get(self, method: str) -> ProcessPoolExecutor:
        if method not in self.executors:
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload([__name__])
            pool = self.executors[method] = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_warm,
                                                                initargs=(dict(os.environ),))
            for _ in range(self.workers):  # start them all now, warming up side by side (else one per job)
                pool.submit(os.getpid)
        return self.executors[method]

    def discard(self, method: str) -> None:
        """Drop a broken pool; the next ``get`` starts a new one."""
        if (pool := self.executors.pop(method, None)) is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        for method in list(self.executors):
            self.executors.pop(method).shutdown(wait=True, cancel_futures=True)


_WORKERS: contextvars.ContextVar[int] = contextvars.ContextVar("summarizer_workers", default=1)
_ACTIVE: contextvars.ContextVar[_Pools | None] = contextvars.ContextVar("summarizer_pools", default=None)


@contextlib.contextmanager
def using(workers: int | None) -> Iterator[int]:
    """Let the stages inside the block use ``workers`` processes (None: the usable cores), and keep one
    pool for all of them (reading, keywords, rendering split briefings), stopped when the block ends.
    Outside any such block the CPU stages after reading run in this process: a library caller opts in.

    The processes start by ``forkserver``, which imports the main module again: a script that uses
    several workers needs the usual ``if __name__ == "__main__":`` guard (``multiprocessing``'s rule).
    """
    workers = check_workers(workers)
    active = _ACTIVE.get()
    if active is not None and active.workers == workers:  # nested in a block of the same size: its pool
        yield workers
        return
    pools = _Pools(workers)
    tokens = _WORKERS.set(workers), _ACTIVE.set(pools)
    try:
        yield workers
    finally:
        _ACTIVE.reset(tokens[1])
        _WORKERS.reset(tokens[0])
        pools.close()


def current_workers() -> int:
    """The processes the CPU stages may use here (``using``; 1 outside it)."""
    return _WORKERS.get()


@contextlib.contextmanager
def _pools(workers: int) -> Iterator[_Pools]:
    """The enclosing block's pools when they have ``workers`` processes, else pools for this call only."""
    active = _ACTIVE.get()
    if active is not None and active.workers == workers:
        yield active
        return
    own = _Pools(workers)
    try:
        yield own
    finally:
        own.close()


# forkserver: workers start from a clean server process, safe when this one runs threads (a model's);
# the ``fork`` method is there for tests that patch the workers' code.
START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _stream(jobs: Iterable[_Job], workers: int, method: str | None = None) -> Iterator[Part]:
    """Each job's part, in order; ``workers`` processes, ``IN_FLIGHT`` jobs each submitted ahead.

    Work of one job (a handful of files) is done here: starting the workers (about a second, their
    tables loaded) would cost more than it saves.
    """
    pending = iter(jobs)
    head = list(itertools.islice(pending, 2))
    if workers <= 1 or len(head) < 2:
        yield from map(_run, itertools.chain(head, pending))
        return
    # A worker died: every job in flight failed with it. ``_rescue`` runs the job a unit at a time, so
    # that only the unit that kills its worker is lost.
    yield from _in_pool(_run, itertools.chain(head, pending), _rescue, workers, method)


def _in_pool(func: Callable[[T], R], tasks: Iterable[T], rescue: Callable[[T, _Pools, str], R], workers: int,
             method: str | None) -> Iterator[R]:
    """``func(task)`` for each task, in order, in a pool of ``workers`` processes with ``IN_FLIGHT`` tasks
    each submitted ahead. A task whose worker died gives ``rescue(task, pools, method)``; the others in
    flight then (they failed with it) are sent again, to a new pool."""
    how = method or START_METHOD
    pending = iter(tasks)
    window: deque[tuple[T, Future[R]]] = deque()
    with _pools(workers) as pools:

        def submit(task: T) -> None:
            try:
                future = pools.get(how).submit(func, task)
            except BrokenProcessPool as exc:  # broken by a task in flight since the last result came
                future = Future()
                future.set_exception(exc)
            window.append((task, future))

        for task in itertools.islice(pending, IN_FLIGHT * workers):
            submit(task)
        while window:
            task, future = window.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                pools.discard(how)
                again = [t for t, _ in window]
                window.clear()
                result = rescue(task, pools, how)
                for t in again:
                    submit(t)
            yield result
            if (task := next(pending, None)) is not None:
                submit(task)


def _rescue(job: _Job, pools: _Pools, method: str) -> Part:
    parts: list[Part] = []
    for unit in job.units:
        single = dataclasses.replace(job, units=(unit,))
        try:
            parts.append(pools.get(method).submit(_run, single).result())
        except BrokenProcessPool:
            pools.discard(method)
            log.warning("reading %s killed its process", _unit_path(unit))
            parts.append(_died(single))
    summaries = None if job.max_chars is None else tuple(s for p in parts for s in p.summaries or ())
    facts = _facts_part([f for p in parts for f in p.found()]) if job.facts else (None, None)
    return Part(tuple(a for p in parts for a in p.articles), tuple(s for p in parts for s in p.skipped), summaries,
                _inputs(job), *facts)


def release_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    Reading a month leaves the process's heap holed by the jobs' results it has unpickled and dropped:
    about a sixth of its size, held while the briefing is rendered. ``compose.split.write_split`` calls
    it before sending the parts to be rendered.
    """
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


# --- the stages ----------------------------------------------------------------------------------


def stream_inputs(
    paths: Iterable[str | Path],
    *,
    workers: int | None = None,
    aliases: Mapping[str, str] | None = None,
    max_chars: int | None = None,
    facts: bool = False,
    period: tuple[dt.date | None, dt.date | None] | None = None,
    keep_bodies: KeepBodies = "all",
    sketches: bool = False,
    chunk: int | None = None,
    method: str | None = None,
) -> Iterator[Part]:
    """Read every input, resolve regions (and summarise with the extractive engine when ``max_chars`` is
    given, find the briefing's ``article_facts`` when ``facts``), ``workers`` processes at a time
    (default: the usable cores); parts come in input order.

    ``period`` (since, until; either open): only the articles ``compose.briefing.within`` it are
    summarised and searched (the others are only counted by the briefing). ``keep_bodies``: whose
    bodies the articles come back with (``Article.without_body``): ``all``, those ``within`` the
    period, or ``none`` (a briefing that will only be printed, all its work on the texts done).
    ``sketches``: each part also brings what finding the reprints needs of its texts within the
    period (``Part.sketches``), so that their bodies need not come back for it.

    Raises:
        InputError: a path does not exist or a folder is empty (before any work).
        ValueError: ``workers`` is below 1, or ``keep_bodies`` is none of those three.
    """
    if keep_bodies not in KEEP_BODIES:
        raise ValueError(f"keep_bodies must be one of {', '.join(KEEP_BODIES)}, got {keep_bodies!r}")
    workers, chunk = check_workers(workers), chunk or CHUNK
    units = plan(paths, chunk=chunk)
    first = next(units, None)  # scan_paths' errors now, not when the caller first iterates
    if first is None:
        return iter(())
    rest = (u for batch in ([first], units) for u in batch)
    return _stream(_jobs(rest, chunk, aliases=aliases, max_chars=max_chars, facts=facts, period=period,
                         keep_bodies=keep_bodies, sketches=sketches), workers, method)


def read_inputs(paths: Iterable[str | Path], *, workers: int | None = None,
                aliases: Mapping[str, str] | None = None, progress: Callable[[str, int, int], None] | None = None,
                **options: object) -> tuple[list[Article], list[SkippedFile]]:
    """``ingest.read_inputs`` + ``regions.resolve`` across ``workers`` processes: the articles with their
    regions, and an entry for each input or record that gave none (logged). ``progress`` is called as
    ``progress("ingest", inputs done, inputs)`` as each job comes back: inputs are files and the
    records of a sliced .jsonl file (``count_inputs``).

    Raises:
        InputError, ValueError: as ``stream_inputs``.
    """
    prepared, skipped = _collect(paths, workers, aliases, progress, options)
    return list(prepared.articles), skipped


def prepare_inputs(paths: Iterable[str | Path], *, workers: int | None = None,
                   aliases: Mapping[str, str] | None = None, progress: Callable[[str, int, int], None] | None = None,
                   max_chars: int | None = None, **options: object) -> tuple[Prepared, list[SkippedFile]]:
    """``read_inputs``, the workers also finding each article's briefing facts and, given ``max_chars``,
    writing its extractive summary (``Prepared``): what ``pipeline.brief_paths`` asks of them.
    ``period`` and ``keep_bodies`` (in ``options``) as in ``stream_inputs``.
    """
    return _collect(paths, workers, aliases, progress, {**options, "max_chars": max_chars, "facts": True})


def gather(paths: Iterable[str | Path], *, workers: int | None = None, aliases: Mapping[str, str] | None = None,
           progress: Callable[[str, int, int], None] | None = None, **options: object) -> Iterator[Part]:
    """``stream_inputs``' parts as they come, each input that gave no article logged and the ``ingest``
    stage reported as in ``read_inputs``: for a caller that keeps what it needs of each part and lets
    the rest go (``pipeline.brief_paths``, composing a month's briefing on disk).

    Raises:
        InputError, ValueError: as ``stream_inputs`` (at once, before the first part).
    """
    entries = _Scanned(scan_paths(paths))  # InputError here, before any work
    parts = stream_inputs(entries, workers=workers, aliases=aliases, **options)  # type: ignore[arg-type]
    total = count_inputs(entries) if progress else 0
    if progress:
        progress("ingest", 0, total)
    return _reported(parts, progress, total)


def _reported(parts: Iterator[Part], progress: Callable[[str, int, int], None] | None, total: int) -> Iterator[Part]:
    done = 0
    for part in parts:
        for miss in part.skipped:
            log.log(logging.INFO if miss.ignored else logging.WARNING, "skipped %s: %s", miss.location, miss.reason)
        yield part
        done += part.inputs
        if progress:
            progress("ingest", min(done, total), total)
    if progress and done < total:
        progress("ingest", total, total)


def _collect(paths: Iterable[str | Path], workers: int | None, aliases: Mapping[str, str] | None,
             progress: Callable[[str, int, int], None] | None,
             options: Mapping[str, object]) -> tuple[Prepared, list[SkippedFile]]:
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    summaries: list[Summary | None] = []
    figures: list[tuple[KeyFigure, ...] | None] = []
    terms = Packed()
    for part in gather(paths, workers=workers, aliases=aliases, progress=progress, **options):
        articles += part.articles
        summaries += part.summaries or ()
        figures += part.figures or ()
        if part.terms is not None and part.articles:
            terms.add(part.terms, len(part.articles))
        skipped += part.skipped
    max_chars, facts = options.get("max_chars"), bool(options.get("facts"))
    prepared = Prepared(tuple(articles), tuple(summaries) if max_chars is not None else None,
                        max_chars, tuple(figures) if facts else None, terms if facts else None)  # type: ignore[arg-type]
    return prepared, skipped


# --- any per-item function, for the stages after ingest ----------------------------------------

def _apply(func: Callable[[T], R], items: Sequence[T]) -> list[R]:
    return [func(item) for item in items]


def map_ordered(func: Callable[[T], R], items: Sequence[T], *, chunk: int = CHUNK, method: str | None = None
                ) -> list[R]:
    """``[func(x) for x in items]`` across ``current_workers()`` processes, ``chunk`` items a job, in order.

    ``func`` must be importable by name (a module-level function) and pure. A job whose worker dies is
    done again here, so a result is never lost (unlike reading, no input is to blame).
    """
    workers = current_workers()
    if workers <= 1 or len(items) <= chunk:
        return _apply(func, items)
    pieces = [items[i:i + chunk] for i in range(0, len(items), chunk)]
    done = _in_pool(functools.partial(_apply, func), pieces, functools.partial(_redo, func), workers, method)
    return [result for results in done for result in results]


def _redo(func: Callable[[T], R], piece: Sequence[T], pools: _Pools, method: str) -> list[R]:
    log.warning("a worker process died; doing its share here")
    return _apply(func, piece)


__all__ = ["CHUNK", "Part", "Prepared", "count_inputs", "current_workers", "map_ordered", "prepare_inputs",
           "read_inputs", "release_memory",
           "stream_inputs", "usable_cores", "using"]
