"""Summaries as data, streamed: one JSON object per article as it is done (``summarizer summarize --jsonl``).

    inputs ─▶ parallel.stream_inputs (read + regions; the extractive engine too, in the workers)
           ─▶ a model engine here, part by part, through the summary cache ─▶ one line per article

Nothing waits for the whole input: memory holds one part per worker, and a line is written as soon as
its part is done. An interrupted run loses nothing it finished: a model engine's summaries are in the
cache (``cache.SummaryCache``) as each part is done, so the next run of the same command takes them
from there and goes on where it stopped; the extractive engine is fast enough to run again.

Every input is accounted for: an input or record that gives no article is a line too, with
``"skipped"`` holding the reason.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter, OrderedDict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import facts, parallel, regions
from .cache import SummaryCache
from .types import Article, SkippedFile, Summary

if TYPE_CHECKING:
    from .backends import Summarizer
    from .progress import Progress

# The engines ``summarize_records`` opened in this process, by request, the last used last: a Ray worker
# runs batch after batch of one job, and a model engine must not load its model again for each of them.
# Two at most: each may hold a model in memory.
_OPEN_ENGINES: OrderedDict[Hashable, tuple[Summarizer, str | None]] = OrderedDict()
_OPEN_ENGINES_MAX = 2
_OPEN_LOCK = threading.Lock()


def article_id(article: Article) -> str:
    """A record's own ``id`` field, else how messages name the article (``Article.name``)."""
    return article.meta.get("id") or article.name


def article_row(article: Article, summary: Summary, story: int = 1) -> dict[str, Any]:
    """The line for one article: id, where it came from, title, region, date, summary, figures, method.

    ``story``: counts the articles of one id (a record's ``id`` field, else ``Article.name``): a
    newspaper page gives several stories, and the second and later say so (``r7/2``, ``page.txt#2/2``).
    """
    region = article.region
    base = article_id(article)
    return {
        "id": base if story == 1 else f"{base}/{story}",
        "file": str(article.path) if article.path else None,
        "title": article.title,
        "source": article.source,
        "date": article.date.isoformat() if article.date else None,
        "url": article.url,
        "region": {"label": region.label(), "province": region.province, "city": region.city,
                   "county": region.county, "code": region.code, "scope": region.scope},
        "summary": summary.text,
        "figures": [f.text for f in facts.key_figures(article.text)],
        "engine": summary.engine,
        "method": summary.method,
    }


def skipped_row(skipped: SkippedFile) -> dict[str, Any]:
    """The line for an input that gave no article: where, and why (English and Chinese)."""
    return {"file": str(skipped.path), "record": skipped.record, "skipped": skipped.reason,
            "skipped_zh": skipped.reason_zh, "ignored": skipped.ignored}


def stream_summaries(
    paths: Iterable[str | Path],
    *,
    backend: str = "auto",
    model: str | None = None,
    max_chars: int = 150,
    workers: int | None = None,
    aliases: Mapping[str, str] | None = None,
    cache: SummaryCache | None = None,
    **options: object,
) -> Iterator[dict[str, Any]]:
    """Summarise every input, yielding a row (``article_row`` or ``skipped_row``) per article or skipped
    input, in input order, as each part is done.

    The engine is loaded before the first input is read (a bad option fails at once). The extractive
    engine runs in the workers beside reading; a model engine runs here, a part at a time, behind
    the cache, with the fallback chain of ``pipeline.run_engine``.

    Raises:
        InputError: a path is missing or a folder is empty (before any work).
        UnknownBackendError, BackendError: see ``pipeline.choose_engine``.
    """
    from .pipeline import open_engine, run_engine

    engine, reason = open_engine(backend, model, cache=cache, **options)
    in_workers = engine.name == "extractive" and reason is None
    parts = parallel.stream_inputs(paths, workers=workers, aliases=aliases, max_chars=max_chars if in_workers else None)
    seen: Counter[str] = Counter()  # ids so far: an id is a few dozen bytes, 50,000 of them a few MB
    for part in parts:
        for skipped in part.skipped:
            yield skipped_row(skipped)
        if not part.articles:
            continue
        summaries = part.summaries if in_workers and part.summaries is not None else \
            run_engine(engine, part.articles, max_chars=max_chars, reason=reason, cache=cache)
        yield from _article_rows(part.articles, summaries, seen)


def summarize_records(
    records: Sequence[Mapping[str, object]],
    *,
    label: str = "records",
    backend: str = "extractive",
    model: str | None = None,
    max_chars: int = 150,
    aliases: Mapping[str, str] | None = None,
    cache: SummaryCache | None = None,
    progress: Progress | None = None,
    **options: object,
) -> list[dict[str, Any]]:
    """The rows ``stream_summaries`` writes, for a batch of records already parsed (objects with a text
    field, as in a .jsonl file) by a pipeline that reads them itself (a Ray Data batch: ``ray_data``).

    The same functions as a local run: the record reader, ``build_articles``, ``regions.resolve``,
    ``pipeline.run_engine``; a record whose article cannot be built is a skipped row, the rest
    go on. ``label`` names the source in the rows (``file``). The engine is opened once per process
    for each request (``engine_for``), not for every batch.
    """
    from .ingest.build import build_articles
    from .ingest.guard import failure, safe_document
    from .ingest.readers import record_documents
    from .pipeline import run_engine

    path = Path(label)
    articles: list[Article] = []
    rows: list[dict[str, Any]] = []
    for doc in record_documents(path, [(i, dict(r)) for i, r in enumerate(records)]):
        try:
            found, missed = build_articles([safe_document(doc)])
        except Exception as exc:  # the reader's guard, per record
            found, missed = [], [dataclasses.replace(failure(path, exc), record=getattr(doc, "record", None))]
        articles += [dataclasses.replace(a, region=regions.resolve(a, aliases=aliases)) for a in found]
        rows += [skipped_row(m) for m in missed]
    if not articles:
        return rows
    engine, reason = engine_for(backend, model, cache=cache, **options)
    summaries = run_engine(engine, articles, max_chars=max_chars, reason=reason, cache=cache, progress=progress)
    rows += _article_rows(articles, summaries, Counter())
    return rows


def engine_for(backend: str, model: str | None = None, *, cache: SummaryCache | None = None,
               **options: object) -> tuple[Summarizer, str | None]:
    """``pipeline.open_engine``, opened once in this process for each request.

    The request is the engine it resolves to (its registry entry), its checked options (``model``
    among them) and the cache; the two last used stay open. Behind a cache a model engine loads its
    model only when a summary is missing (``cache.CachedEngine``). An engine that failed to open is
    not kept, nor the extractive engine standing in for a model that could not be loaded (the next
    batch tries again).
    """
    from .backends import lookup
    from .backends.options import public
    from .pipeline import engine_request, open_engine

    name, _, checked = engine_request(backend, model, options)
    key = (name, lookup(name), tuple(tuple(public(o).items()) for o in checked),
           cache.directory if cache is not None else None)
    with _OPEN_LOCK:  # one load per request, even when threads ask at once
        if key in _OPEN_ENGINES:
            _OPEN_ENGINES.move_to_end(key)
            return _OPEN_ENGINES[key]
        opened = open_engine(backend, model, cache=cache, **options)
        if opened[1] is not None:
            return opened
        _OPEN_ENGINES[key] = opened
        while len(_OPEN_ENGINES) > _OPEN_ENGINES_MAX:
            _OPEN_ENGINES.popitem(last=False)
        return opened


def _article_rows(articles: Sequence[Article], summaries: Sequence[Summary],
                  seen: Counter[str]) -> Iterator[dict[str, Any]]:
    """A row per article; ``seen`` counts the ids so far (the caller's, across parts), numbering repeats."""
    for article, summary in zip(articles, summaries, strict=True):
        seen[article_id(article)] += 1
        yield article_row(article, summary, seen[article_id(article)])


__all__ = ["article_id", "article_row", "engine_for", "skipped_row", "stream_summaries", "summarize_records"]
