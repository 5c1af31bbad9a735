"""The whole run: ingest → regions → summarise (with its fallback chain) → compose.

The fallback chain is one function with numbered steps (``summarize_articles``); every fallback
leaves its reason in ``Summary.fallback`` so the briefing can show it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from . import facts, regions
from .backends import BACKENDS, Summarizer, engine_methods, get_backend
from .cache import CachedEngine, SummaryCache, cache_key, text_key
from .errors import BackendError, UnknownBackendError
from .ingest import read_inputs, require_articles
from .progress import Progress
from .text import safe_value
from .types import Article, Briefing, FallbackKind, SkippedFile, Summary

log = logging.getLogger(__name__)


def model_engine(model: str) -> str:
    """Which engine fits a model: ``seq2seq`` for encoder-decoder configs, else ``chat``.

    A local folder is inspected (config.json ``is_encoder_decoder``); a .gguf file or a hub id
    whose config is not on disk is taken as a chat model.
    """
    config = Path(model) / "config.json"
    if config.is_file():
        try:
            if json.loads(config.read_text(encoding="utf-8")).get("is_encoder_decoder"):
                return "seq2seq"
        except (OSError, json.JSONDecodeError):
            pass
    return "chat"


def choose_engine(backend: str, model: str | None, **options: object) -> tuple[Summarizer, str | None]:
    """Resolve ``backend`` to a loaded engine; returns (engine, reason for a fallback or None).

    1. ``extractive``, or ``auto`` without a model: the extractive engine.
    2. ``seq2seq``/``chat``: that engine with ``model``; a load failure is an error.
    3. ``auto`` with a model: the engine the model fits; if it cannot be loaded, the extractive
       engine, with the reason.

    Raises:
        UnknownBackendError: ``backend`` is not a known engine.
        BackendError: an explicitly requested engine cannot be loaded.
    """
    if backend != "auto" and backend not in BACKENDS:
        raise UnknownBackendError(f"unknown backend {backend!r}; choose one of: auto, {', '.join(BACKENDS)}")
    if backend == "extractive" or (backend == "auto" and not model):
        return get_backend("extractive"), None
    if backend != "auto":
        return get_backend(backend, model=model, **options), None
    assert model is not None
    try:
        return get_backend(model_engine(model), model=model, **options), None
    except BackendError as exc:
        log.warning("model %s unavailable, using the extractive engine: %s", model, exc)
        return get_backend("extractive"), f"model {model} could not be loaded: {exc}"


def open_engine(
    backend: str, model: str | None, *, cache: SummaryCache | None = None, **options: object
) -> tuple[Summarizer, str | None]:
    """``choose_engine``, with a model engine put behind the cache (``cache.CachedEngine``).

    The engine's fingerprint is remembered under a key of the request (engine, model files, prompt
    files, options, version), so the next run with the same request knows it without loading the
    model, and loads the model only if some summary, title or 综述 is not cached yet.
    """
    name = backend if backend != "auto" else (model_engine(model) if model else "extractive")
    methods = engine_methods(name) if name in BACKENDS else frozenset()
    if cache is None or not model or not methods:  # the extractive engine is not worth caching
        return choose_engine(backend, model, **options)
    from . import __version__
    from .backends.hf import cpu_signature, model_identity
    from .prompts import prompts_digest

    settings = {k: str(v) for k, v in sorted(options.items()) if k != "prompts"}
    request = text_key("engine", name, model_identity(model), prompts_digest(options.get("prompts")),  # type: ignore[arg-type]
                       settings, cpu_signature(), __version__)
    if (fingerprint := cache.get_text(request)) is not None:
        return CachedEngine(name, model, fingerprint, cache, lambda: get_backend(name, model=model, **options),
                            methods), None
    engine, reason = choose_engine(backend, model, **options)  # first run: load now, learn the fingerprint
    fingerprint = getattr(engine, "fingerprint", None)
    if reason or engine.name != name or fingerprint is None:
        return engine, reason
    cache.put_text(request, fingerprint)
    return CachedEngine(name, model, fingerprint, cache, lambda: engine, methods), None


def summarize_articles(
    articles: Sequence[Article],
    *,
    backend: str = "auto",
    model: str | None = None,
    max_chars: int = 150,
    cache: SummaryCache | None = None,
    progress: Progress | None = None,
    **options: object,
) -> list[Summary]:
    """Summarise every article, falling back per article where a model's summary can't be used.

    Args:
        backend, model, options: which engine (``choose_engine``); ``options`` go to the engine.
        max_chars: each summary's budget in characters.
        cache: where model summaries are kept between runs (None: no cache).
        progress: called as ``progress("summarise", done, total)``.
    """
    engine, reason = open_engine(backend, model, cache=cache, **options)
    return run_engine(engine, articles, max_chars=max_chars, reason=reason, cache=cache, progress=progress)


def run_engine(
    engine: Summarizer,
    articles: Sequence[Article],
    *,
    max_chars: int,
    reason: str | None = None,
    cache: SummaryCache | None = None,
    progress: Progress | None = None,
) -> list[Summary]:
    """The fallback chain for a loaded engine (``reason``: why it is a fallback already, if it is).

    1. Take what the cache holds for this engine, article and budget.
    2. Run the engine over the rest, a few batches at a time (for progress).
    3. Check each model summary: not empty, every figure and organisation name in its source.
    4. Retry the summaries that failed step 3 once, strictly (engines with a ``retry`` method are
       told what was wrong: the chat engine names it in the prompt, both ban its digits).
    5. Replace a summary that still fails — or all of them, if step 2 raised — with the extractive
       one, recording why.
    6. Store the new summaries in the cache (not when the engine itself failed: next run may work).
    """
    if max_chars < 10:
        raise ValueError(f"max_chars must be at least 10, got {max_chars}")
    fingerprint = getattr(engine, "fingerprint", None) if cache is not None and reason is None else None
    keys = [cache_key(a, fingerprint, max_chars) for a in articles] if fingerprint else []
    out: list[Summary | None] = [cache.get(k) for k in keys] if cache and keys else [None] * len(articles)
    todo = [i for i, s in enumerate(out) if s is None]
    if len(todo) < len(articles):
        log.info("%d of %d summaries from the cache", len(articles) - len(todo), len(articles))
    fresh, failed = _summarize_fresh(engine, [articles[i] for i in todo], max_chars, reason, progress)
    for i, summary in zip(todo, fresh, strict=True):
        out[i] = summary
        if cache and keys and not failed:
            cache.put(keys[i], summary)
    return [s for s in out if s is not None]


def _summarize_fresh(
    engine: Summarizer, articles: Sequence[Article], max_chars: int, reason: str | None, progress: Progress | None
) -> tuple[list[Summary], bool]:
    """Steps 2–5 of ``run_engine``; returns the summaries and whether the engine itself failed."""
    extractive = engine if engine.name == "extractive" else get_backend("extractive")
    step = max(8, 2 * int(getattr(engine, "batch_size", 4)))
    summaries: list[Summary] = []
    failed = False
    try:
        for start in range(0, len(articles), step):
            if progress:
                progress("summarise", start, len(articles))
            summaries += engine.summarize(articles[start : start + step], max_chars=max_chars)
    except BackendError as exc:
        log.warning("engine %s failed, using the extractive engine: %s", engine.name, exc)
        summaries, failed = extractive.summarize(articles, max_chars=max_chars), True
        reason = f"{engine.name} failed: {exc}"
    if progress:
        progress("summarise", len(articles), len(articles))
    if reason:
        kind = FallbackKind.ENGINE_FAILED if failed else FallbackKind.MODEL_UNAVAILABLE
        return [dataclasses.replace(s, fallback=reason, fallback_kind=kind) for s in summaries], failed
    out = list(summaries)
    problems = {i: p for i, (a, s) in enumerate(zip(articles, out, strict=True)) if (p := _problems(s, a))}
    retry = getattr(engine, "retry", None)
    if problems and retry is not None:
        failed_ids = sorted(problems)
        log.info("retrying %d summaries strictly", len(failed_ids))
        try:
            again = retry([articles[i] for i in failed_ids], max_chars=max_chars,
                          problems=[problems[i] for i in failed_ids])
        except BackendError as exc:
            log.warning("strict retry failed: %s", exc)
            again = [out[i] for i in failed_ids]
        for i, summary in zip(failed_ids, again, strict=True):
            if p := _problems(summary, articles[i]):
                problems[i] = p
            else:
                out[i] = dataclasses.replace(summary, notes=(*summary.notes, "严格重试后通过核对"))
                del problems[i]
    for i, found in problems.items():
        why = _describe(found) + ("（严格重试后仍未通过）" if retry is not None else "")
        log.warning("%s: %s; using the extractive summary", articles[i].name, why)
        fallback = extractive.summarize([articles[i]], max_chars=max_chars)[0]
        kind = FallbackKind.EMPTY if found == [""] else FallbackKind.UNSUPPORTED
        out[i] = dataclasses.replace(fallback, fallback=why, fallback_kind=kind)
    return out, False


def _problems(summary: Summary, article: Article) -> list[str]:
    """What makes a model summary unusable: [""] when empty, else the figures and names not in the source."""
    if summary.engine == "extractive":
        return []
    if not summary.text.strip():
        return [""]
    return facts.unsupported(summary.text, article.text)


def _describe(problems: list[str]) -> str:
    if problems == [""]:
        return "模型摘要为空"
    return f"模型摘要中的 {'、'.join(problems)} 不见于原文"


def summarize(
    text_or_article: str | Article,
    *,
    backend: str = "auto",
    model: str | None = None,
    max_chars: int = 150,
) -> Summary:
    """Summarise one text or article.

    Args:
        text_or_article: plain text (its first sentence serves as title) or an ``Article``.
        backend: ``auto``, ``extractive``, ``seq2seq`` or ``chat`` (or a registered name).
        model: hub id, local folder or .gguf file for the model engines.
        max_chars: the summary's length budget in characters.

    Raises:
        UnknownBackendError, BackendError: see ``choose_engine``.
    """
    article = text_or_article if isinstance(text_or_article, Article) else Article(title="", text=text_or_article)
    return summarize_articles([article], backend=backend, model=model, max_chars=max_chars)[0]


def with_regions(articles: Iterable[Article], aliases: Mapping[str, str] | None = None) -> list[Article]:
    """The articles with their regions resolved (an article whose region is already known keeps it)."""
    return [a if a.region.known else dataclasses.replace(a, region=regions.resolve(a, aliases=aliases))
            for a in articles]


def brief(
    articles: Sequence[Article],
    *,
    backend: str = "auto",
    model: str | None = None,
    max_chars: int = 150,
    title: str = "新闻简报",
    date: dt.date | None = None,
    skipped: Sequence[SkippedFile] = (),
    region_aliases: Mapping[str, str] | None = None,
    issue: str | None = None,
    unit: str | None = None,
    overview_engine: object | None = None,
    cache: SummaryCache | None = None,
    progress: Progress | None = None,
    dedup: bool = True,
    since: dt.date | None = None,
    until: dt.date | None = None,
    order: str = "newest",
    **options: object,
) -> Briefing:
    """Resolve regions (where not known yet), merge reprints, summarise, and compose a ``Briefing``.

    ``since``/``until``: keep the articles dated in that period (both days included) and the undated
    ones (``compose.briefing.in_period``; the briefing says how many of each). ``order``: the stories
    of a city newest or oldest first, or as given (``compose.briefing.ORDERS``).

    ``dedup``: merge the copies of one story into one entry and group related reports
    (``summarizer.dedup``); reprints are never summarised. False: every article is its own entry.

    ``issue``/``unit`` are the masthead's 期号 and 编印单位. When the engine is a chat model it also
    writes the headline of an article that has none (checked like a summary) and the 综述; a given
    ``overview_engine`` (anything with ``complete(prompt, *, max_chars)``) writes the 综述 instead;
    without either it is composed from the summaries. ``options`` go to the engine (e.g.
    ``prompts=DIR``); ``cache`` and ``progress`` as in ``summarize_articles``.
    """
    from .compose.briefing import ORDERS, build_briefing, in_period
    from .dedup import find_stories

    if order not in ORDERS:  # before any work
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, got {order!r}")
    # Articles built in Python have not passed a reader: make their text safe as ingest does (a lone
    # surrogate cannot be encoded for comparing, caching or writing).
    articles = safe_value(list(articles))
    period = None
    if since or until:
        articles, period = in_period(articles, since, until)
    located = with_regions(articles, region_aliases)
    stories = find_stories(located) if dedup else None
    located = [s.primary for s in stories] if stories is not None else located  # reprints are not summarised
    engine, reason = open_engine(backend, model, cache=cache, **options)
    summaries = run_engine(engine, located, max_chars=max_chars, reason=reason, cache=cache, progress=progress)
    if reason is None and hasattr(engine, "title"):
        located = [_model_title(engine, a) if a.title_derived else a for a in located]
    if overview_engine is None and reason is None and hasattr(engine, "complete"):
        overview_engine = engine
    return build_briefing(located, summaries, title=title, date=date or dt.date.today(), skipped=skipped,
                          issue=issue, unit=unit, overview_engine=overview_engine,  # type: ignore[arg-type]
                          prompts=options.get("prompts"), stories=stories,  # type: ignore[arg-type]
                          period=period, order=order)


def _model_title(engine: object, article: Article) -> Article:
    """The article with a model-written headline, if it passes the checks a summary does (not empty, its
    figures and organisation names in the text)."""
    try:
        headline = engine.title(article)  # type: ignore[attr-defined]
    except BackendError as exc:
        log.warning("%s: no model title (%s); keeping the derived one", article.name, exc)
        return article
    if _problems(Summary(headline, engine.name), article):  # type: ignore[attr-defined]
        return article
    return dataclasses.replace(article, title=headline)  # still title_derived: the briefing says so


def brief_paths(paths: Iterable[str | Path], **options: object) -> Briefing:
    """``brief`` over files and folders; unreadable files end up in ``Briefing.skipped``.

    Raises:
        InputError: a path is missing, a folder is empty, or no file could be read.
    """
    articles, skipped = read_inputs(paths)
    require_articles(articles, skipped)
    return brief(articles, skipped=skipped, **options)  # type: ignore[arg-type]


__all__ = ["brief", "brief_paths", "choose_engine", "open_engine", "run_engine", "summarize", "summarize_articles",
           "with_regions"]
