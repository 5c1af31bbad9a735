"""The whole run: ingest → regions → summarise (with its fallback chain) → compose.

The fallback chain is one function with numbered steps (``summarize_articles``); every fallback
leaves its reason in ``Summary.fallback`` so the briefing can show it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from . import facts, regions
from .backends import (
    Capabilities,
    Completing,
    Retrying,
    Summarizer,
    Titling,
    get_backend,
    option_classes,
    resolve_backend,
)
from .backends.options import Options, parse, public
from .cache import CachedEngine, SummaryCache, cache_key, text_key
from .config import MIN_CHARS
from .errors import BackendError, ConfigError
from .ingest import require_articles
from .progress import Progress
from .text import safe_value
from .types import UNKNOWN_REGION, Article, Briefing, FallbackKind, Period, SkippedFile, Summary

if TYPE_CHECKING:
    from collections import Counter

    from .compose.briefing import Record
    from .dedup import Plan, Sketches
    from .parallel import Prepared
    from .spill import Spill
    from .types import Region

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


def choose_engine(backend: str, model: str | None = None, **options: object) -> tuple[Summarizer, str | None]:
    """Resolve ``backend`` to a loaded engine; returns (engine, reason for a fallback or None).

    1. ``backend`` (``auto``: by ``--base-url`` / ``--model``, see ``backends.resolve_backend``)
       and its options are checked: a wrong option is an error, never a fallback.
    2. ``extractive`` (also ``auto`` without a model): the extractive engine; ``model`` is not used.
    3. A model engine named explicitly: loaded; a load failure is an error.
    4. ``auto`` with a model: the engine it resolves to; if it cannot be loaded, the extractive
       engine, with the reason.

    Raises:
        UnknownBackendError: ``backend`` is not a known engine.
        ConfigError: an option the engine does not take, or a bad value.
        BackendError: an explicitly requested engine cannot be loaded.
    """
    name, checked, _ = engine_request(backend, model, options)
    return _load(backend, name, checked)


def engine_request(backend: str, model: str | None,
             options: Mapping[str, object]) -> tuple[str, dict[str, object], list[Options]]:
    """The engine ``backend`` resolves to, its options as given (``model`` among them) and as checked
    objects: what ``choose_engine`` and ``open_engine`` open, and ``stream.engine_for`` keeps open.

    Raises:
        UnknownBackendError, ConfigError: as ``choose_engine`` (before any model is loaded).
    """
    given = {k: v for k, v in {**options, "model": model or options.get("model")}.items() if v is not None}
    name = resolve_backend(backend, given)
    if name == "extractive":
        given.pop("model", None)  # --backend extractive means: not the model this config names
    try:
        return name, given, parse(option_classes(name), given, name)  # fails before any model is loaded
    except ConfigError as exc:
        if backend == "auto" and name == "extractive":
            raise ConfigError(f"{exc} (auto chose it: no --model or --base-url was given)") from None
        raise


def _load(backend: str, name: str, options: dict[str, object]) -> tuple[Summarizer, str | None]:
    """Steps 2-4 of ``choose_engine``."""
    if name == "extractive" or backend != "auto":
        return get_backend(name, **options), None
    try:
        return get_backend(name, **options), None
    except BackendError as exc:
        what = options.get("model") or options.get("base_url")
        log.warning("%s engine (%s) unavailable, using the extractive engine: %s", name, what, exc)
        return get_backend("extractive"), f"{name} engine ({what}) could not be loaded: {exc}"


def open_engine(
    backend: str, model: str | None = None, *, cache: SummaryCache | None = None, **options: object
) -> tuple[Summarizer, str | None]:
    """``choose_engine``, with a model engine put behind the cache (``cache.CachedEngine``).

    The engine's fingerprint and capabilities are remembered under a key of the request (engine,
    model files, prompt files, options, CPU, version), so the next run with the same request knows
    them without loading the model, and loads it only if some summary, title or 综述 is missing.
    """
    name, checked, values = engine_request(backend, model, options)
    if cache is None or name == "extractive":  # the extractive engine is not worth caching
        return _load(backend, name, checked)
    from . import __version__
    from .backends.generators.hf import cpu_signature, model_identity
    from .prompts import prompts_digest

    settings = {k: v for o in values for k, v in public(o).items() if k != "prompts"}
    request = text_key("engine", name, model_identity(str(checked.get("model", ""))),
                       prompts_digest(checked.get("prompts")), settings, cpu_signature(), __version__)  # type: ignore[arg-type]
    if (known := _remembered(cache.get_text(request))) is not None:
        fingerprint, capabilities, label = known
        return CachedEngine(name, label, fingerprint, capabilities, cache,
                            lambda: get_backend(name, **checked)), None
    engine, reason = _load(backend, name, checked)  # first run: load now, learn the fingerprint
    if reason or engine.name != name or engine.fingerprint is None:
        return engine, reason
    label = engine.model_name or name
    cache.put_text(request, json.dumps({"fingerprint": engine.fingerprint, "label": label,
                                        "capabilities": dataclasses.asdict(engine.capabilities)}))
    return CachedEngine(name, label, engine.fingerprint, engine.capabilities, cache, lambda: engine), None


def _remembered(text: str | None) -> tuple[str, Capabilities, str] | None:
    try:
        data = json.loads(text) if text else None
        return (data["fingerprint"], Capabilities(**data["capabilities"]), data["label"]) if data else None
    except (ValueError, TypeError, KeyError):  # an entry of an older version: learn it again
        return None


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
        progress: called as ``progress("summaries", done, total)``.
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
    3. Check each model summary: not empty, every figure and organisation name in its source; a
       summary the engine could not write at all (a failed request) says why.
    4. Retry the summaries that failed step 3's check once, strictly and all together (engines
       declaring ``retry`` are told what was wrong: the prompt names it, and generators that can
       ban tokens never write its digits).
    5. Replace a summary that still fails — or all of them, if step 2 raised — with the extractive
       one, recording why.
    6. Store the new summaries in the cache (not those that failed for a reason the next run may
       not have: the engine raised, or a request failed).
    """
    check_budget(max_chars)
    fingerprint = engine.fingerprint if cache is not None and reason is None else None
    keys = [cache_key(a, fingerprint, max_chars) for a in articles] if fingerprint else []
    out: list[Summary | None] = [cache.get(k) for k in keys] if cache and keys else [None] * len(articles)
    todo = [i for i, s in enumerate(out) if s is None]
    if len(todo) < len(articles):
        log.info("%d of %d summaries from the cache", len(articles) - len(todo), len(articles))
    fresh, transient = _summarize_fresh(engine, [articles[i] for i in todo], max_chars, reason, progress)
    for k, (i, summary) in enumerate(zip(todo, fresh, strict=True)):
        out[i] = summary
        if cache and keys and k not in transient:
            cache.put(keys[i], summary)
    return [s for s in out if s is not None]


def check_budget(max_chars: object) -> None:
    """Raises ConfigError unless ``max_chars`` is a whole number of at least ``MIN_CHARS``."""
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < MIN_CHARS:
        raise ConfigError(f"max_chars must be a whole number of at least {MIN_CHARS}, got {max_chars!r}")


def _summarize_fresh(
    engine: Summarizer, articles: Sequence[Article], max_chars: int, reason: str | None, progress: Progress | None
) -> tuple[list[Summary], set[int]]:
    """Steps 2–5 of ``run_engine``; returns the summaries and which of them must not be cached."""
    extractive = engine if engine.name == "extractive" else get_backend("extractive")
    summaries: list[Summary] = []
    try:
        summaries = _in_steps(engine, articles, "summaries", progress,
                              lambda part: engine.summarize(part, max_chars=max_chars))
    except BackendError as exc:
        log.warning("engine %s failed, using the extractive engine: %s", engine.name, exc)
        failed = [dataclasses.replace(s, fallback=f"{engine.name} failed: {exc}",
                                      fallback_kind=FallbackKind.ENGINE_FAILED)
                  for s in extractive.summarize(articles, max_chars=max_chars)]
        return failed, set(range(len(failed)))
    if reason:
        return [dataclasses.replace(s, fallback=reason, fallback_kind=FallbackKind.MODEL_UNAVAILABLE)
                for s in summaries], set()
    out = list(summaries)
    # An engine's own fallback (its request failed) goes straight to step 5: a stricter prompt won't help.
    unwritten = {i: s.fallback for i, s in enumerate(out) if s.fallback and s.engine == engine.name}
    problems = {i: p for i, (a, s) in enumerate(zip(articles, out, strict=True))
                if i not in unwritten and (p := _problems(s, a))}
    if problems and engine.capabilities.retry:
        ids = sorted(problems)
        log.info("retrying %d summaries strictly", len(ids))
        retrying = cast(Retrying, engine)
        try:
            again = _in_steps(engine, ids, "retries", progress, lambda part: retrying.retry(
                [articles[i] for i in part], max_chars=max_chars, problems=[problems[i] for i in part]))
        except BackendError as exc:
            log.warning("strict retry failed: %s", exc)
            again = [out[i] for i in ids]
        for i, summary in zip(ids, again, strict=True):
            if summary.fallback and summary.engine == engine.name:
                unwritten[i] = summary.fallback
                del problems[i]
            elif p := _problems(summary, articles[i]):
                problems[i] = p
            else:
                out[i] = dataclasses.replace(summary, notes=(*summary.notes, "严格重试后通过核对"))
                del problems[i]
    why = {i: _describe(found) + ("（严格重试后仍未通过）" if engine.capabilities.retry else "")
           for i, found in problems.items()}
    why.update({i: str(text) for i, text in unwritten.items()})
    for i in sorted(why):
        log.warning("%s: %s; using the extractive summary", articles[i].name, why[i])
        fallback = extractive.summarize([articles[i]], max_chars=max_chars)[0]
        if i in unwritten:  # the request failed (a server error, a timeout)
            kind = FallbackKind.ENGINE_FAILED
        else:
            kind = FallbackKind.EMPTY if problems[i] == [""] else FallbackKind.UNSUPPORTED
        out[i] = dataclasses.replace(fallback, fallback=why[i], fallback_kind=kind)
    return out, set(unwritten)


def _in_steps(engine: Summarizer, items: Sequence[T], stage: str, progress: Progress | None,
              work: Callable[[Sequence[T]], list[R]]) -> list[R]:
    """``work`` over ``items`` a few of the engine's batches at a time, reporting ``stage`` between them."""
    step = max(8, 2 * engine.capabilities.batch)
    out: list[R] = []
    for start in range(0, len(items), step):
        if progress:
            progress(stage, start, len(items))
        out += work(items[start:start + step])
    if progress:
        progress(stage, len(items), len(items))
    return out


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
    **options: object,
) -> Summary:
    """Summarise one text or article.

    Args:
        text_or_article: plain text (its first sentence serves as title) or an ``Article``.
        backend: ``auto`` or a name in ``backends.BACKENDS`` (extractive, transformers, seq2seq,
            llama.cpp, openai, or a registered one).
        model: hub id, local folder or .gguf file for the model engines (for openai, the served name).
        max_chars: the summary's length budget in characters.
        options: the engine's options (``base_url=...``, ``threads=2`` …).

    Raises:
        UnknownBackendError, ConfigError, BackendError: see ``choose_engine``.
    """
    article = text_or_article if isinstance(text_or_article, Article) else Article(title="", text=text_or_article)
    return summarize_articles([article], backend=backend, model=model, max_chars=max_chars, **options)[0]


_REGION_STEP = 64  # articles between progress reports of the regions stage


def with_regions(articles: Sequence[Article], aliases: Mapping[str, str] | None = None,
                 progress: Progress | None = None) -> list[Article]:
    """The articles with their regions resolved (an article whose region is resolved already keeps it,
    found or not: ``parallel.read_inputs`` resolves them in its workers)."""
    out: list[Article] = []
    for start in range(0, len(articles), _REGION_STEP):
        if progress:
            progress("regions", start, len(articles))
        out += [a if a.region != UNKNOWN_REGION else dataclasses.replace(a, region=regions.resolve(a, aliases=aliases))
                for a in articles[start:start + _REGION_STEP]]
    if progress:
        progress("regions", len(articles), len(articles))
    return out


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
    overview_engine: Completing | None = None,
    cache: SummaryCache | None = None,
    progress: Progress | None = None,
    dedup: bool = True,
    since: dt.date | None = None,
    until: dt.date | None = None,
    order: str = "newest",
    prepared: Prepared | None = None,
    **options: object,
) -> Briefing:
    """Resolve regions (where not known yet), merge reprints, summarise, and compose a ``Briefing``.

    ``since``/``until``: keep the articles dated in that period (both days included) and the undated
    ones (``compose.briefing.in_period``; the briefing says how many of each). ``order``: the stories
    of a city newest or oldest first, or as given (``compose.briefing.ORDERS``).

    ``dedup``: merge the copies of one story into one entry and group related reports
    (``summarizer.dedup``); reprints are never summarised. False: every article is its own entry.

    ``issue``/``unit`` are the masthead's 期号 and 编印单位. When the engine declares ``titles`` it
    also writes the headlines of the articles that have none (all together; each checked like a
    summary), and when it declares ``overview`` the 综述; a given ``overview_engine`` (anything with
    ``complete(prompt, *, max_chars)``) writes the 综述 instead; without either it is composed from
    the summaries. ``options`` go to the engine (e.g. ``prompts=DIR``); ``cache`` and ``progress``
    as in ``summarize_articles`` (stages: model — loading it —, regions, summaries, retries, titles,
    overview). ``prepared``: what the workers that read ``articles`` found in them
    (``parallel.prepare_inputs``): their extractive summaries and briefing facts are taken, not
    worked out again.
    """
    from .compose.briefing import build_briefing, check_order, in_period
    from .dedup import find_stories

    check_order(order)  # before any work
    check_budget(max_chars)
    if progress:
        progress("model", 0, 1)
    engine, reason = open_engine(backend, model, cache=cache, **options)  # a bad option fails before any work
    if progress:
        progress("model", 1, 1)
    # Articles built in Python have not passed a reader: make their text safe as ingest does (a lone
    # surrogate cannot be encoded for comparing, caching or writing).
    articles = safe_value(list(articles))
    period = None
    if since or until:
        articles, period = in_period(articles, since, until)
    located = with_regions(articles, region_aliases, progress)
    written = prepared is not None and reason is None and _wrote(engine, max_chars, prepared)
    if prepared is not None and (bare := next((a for a in located if not a.text), None)) is not None \
            and (dedup or _needs_bodies(written, overview_engine)):  # else the workers did all there was to do
        raise ValueError(f"{bare.name}: its body was let go where it was read (keep_bodies), but this "
                         "briefing still needs it (reprints, a model's summary, title or 综述)")
    stories = find_stories(located) if dedup else None
    located = [s.primary for s in stories] if stories is not None else located  # reprints are not summarised
    summaries = _prepared_summaries(located, max_chars, prepared) if written and prepared else None
    if summaries is None:
        summaries = run_engine(engine, located, max_chars=max_chars, reason=reason, cache=cache, progress=progress)
    elif progress:
        progress("summaries", len(summaries), len(summaries))
    if reason is None and engine.capabilities.titles:
        located = _model_titles(cast(Titling, engine), located, summaries, max_chars, progress)
    if overview_engine is None and reason is None and engine.capabilities.overview:
        overview_engine = cast(Completing, engine)
    if overview_engine is not None and progress is not None:
        overview_engine = _Reported(overview_engine, progress)
    return build_briefing(located, summaries, title=title, date=date or dt.date.today(), skipped=skipped,
                          issue=issue, unit=unit, overview_engine=overview_engine,  # type: ignore[arg-type]
                          prompts=options.get("prompts"), stories=stories,  # type: ignore[arg-type]
                          period=period, order=order,
                          found=prepared.facts_of(located) if prepared else None)


def _wrote(engine: Summarizer, max_chars: int, prepared: Prepared) -> bool:
    """Whether the reading workers wrote ``engine``'s summaries: it is the extractive engine they ran (it
    takes no options and is not cached), at the budget they were given."""
    from .backends.extractive import ExtractiveSummarizer

    return isinstance(engine, ExtractiveSummarizer) and prepared.max_chars == max_chars


def _prepared_summaries(articles: Sequence[Article], max_chars: int, prepared: Prepared) -> list[Summary] | None:
    """The summaries the reading workers wrote for ``articles``, if they wrote them all."""
    written = [prepared.summary(a, max_chars) for a in articles]
    return None if None in written else cast(list[Summary], written)


def _model_titles(engine: Titling, articles: list[Article], summaries: Sequence[Summary], max_chars: int,
                  progress: Progress | None) -> list[Article]:
    """The articles, those without a headline (``title_derived``) given the model's where it passes the
    checks a summary does (not empty, its figures and organisation names in the text).

    A model summary within a headline's budget (``TITLE_CHARS``: a Weibo post summarised in 30
    characters) already is one: its first sentence is the title, and no second generation is spent
    on the same thing. The others are generated in one batch.
    """
    from .backends.engine import TITLE_CHARS
    from .backends.output import title_text

    headlines: dict[int, str | None] = {}
    if max_chars <= TITLE_CHARS:
        pairs = enumerate(zip(articles, summaries, strict=True))
        headlines = {i: title_text(s.text, TITLE_CHARS) for i, (a, s) in pairs
                     if a.title_derived and s.engine == engine.name}
    untitled = [i for i, a in enumerate(articles) if a.title_derived and i not in headlines]
    try:
        written = _in_steps(engine, [articles[i] for i in untitled], "titles", progress,
                            lambda part: engine.titles(part))
    except BackendError as exc:
        log.warning("no model titles (%s); keeping the derived ones", exc)
        written = [None] * len(untitled)
    headlines.update(zip(untitled, written, strict=True))
    out = list(articles)
    for i, headline in headlines.items():
        if headline and not _problems(Summary(headline, engine.name), articles[i]):
            out[i] = dataclasses.replace(articles[i], title=headline)  # still title_derived: the briefing says so
    return out


class _Reported:
    """A 综述 writer that reports the ``overview`` stage around its one generation (else it is the writer)."""

    def __init__(self, engine: Completing, progress: Progress) -> None:
        self.engine, self.progress = engine, progress

    def __getattr__(self, attribute: str) -> object:  # name, model_name: the briefing names the writer
        return getattr(self.engine, attribute)

    def complete(self, prompt: str, *, max_chars: int) -> str:
        self.progress("overview", 0, 1)
        try:
            return self.engine.complete(prompt, max_chars=max_chars)
        finally:
            self.progress("overview", 1, 1)


def brief_paths(paths: Iterable[str | Path], *, progress: Progress | None = None, workers: int | None = 1,
                keep_bodies: bool = True, **options: object) -> Briefing:
    """``brief`` over files and folders; unreadable files end up in ``Briefing.skipped``.

    ``workers``: processes for the CPU stages (reading, regions, keywords: ``parallel``); None: the
    usable cores. ``keep_bodies=False``: the briefing is to be printed, so its articles come without
    their bodies (``Briefing.without_bodies``), and each body is left out as soon as nothing needs it,
    by the worker that read it: a month of texts is then never held in this process. Every body goes
    there when the extractive engine writes the summaries and no model writes the 综述 (then the
    workers have done all the work on the texts, sketching them for merging reprints too), and the
    briefing is composed on disk (``_brief_on_disk``); else the bodies of the articles outside
    ``since``–``until``.

    Raises:
        InputError: a path is missing, a folder is empty, or no file could be read.
    """
    from . import parallel

    max_chars = _extractive_budget(options)
    since, until = options.get("since"), options.get("until")
    if not keep_bodies and not _needs_bodies(max_chars is not None, options.get("overview_engine")):
        return _brief_on_disk(paths, progress, workers, cast(int, max_chars), options)
    with parallel.using(workers) as processes:
        # parallel's reading, also in one process: it reads a large .jsonl file in slices; its workers
        # also find each text's keywords and figures and, for the extractive engine, summarise it
        prepared, skipped = parallel.prepare_inputs(
            paths, workers=processes, aliases=options.get("region_aliases"), progress=progress,  # type: ignore[arg-type]
            max_chars=max_chars, period=(since, until) if since or until else None,
            keep_bodies="all" if keep_bodies else "within")
        articles = list(prepared.articles)
        require_articles(articles, skipped)
        result = brief(articles, skipped=skipped, progress=progress, prepared=prepared, **options)  # type: ignore[arg-type]
    return result if keep_bodies else result.without_bodies()


def _brief_on_disk(paths: Iterable[str | Path], progress: Progress | None, workers: int | None, max_chars: int,
                   options: Mapping[str, object]) -> Briefing:
    """``brief_paths`` when the workers do all the work on the texts (``_needs_bodies``) and the briefing
    is only to be printed: each article, as its part comes back, goes to a spill on disk with its
    summary and facts, and the briefing is composed from that spill into another
    (``compose.briefing.briefing_on_disk``). This process holds what groups the stories (a region, a
    date and a position each), the count of each keyword candidate among the texts and the skipped
    entries, not the stories; to merge reprints, also each text's sketch (``dedup.Sketches``, about a
    kilobyte), its comparison text spilled beside the records, read again only for the texts a
    candidate pair holds. ``brief``'s steps that remain here are its period and its order."""
    import contextlib
    from collections import Counter

    from . import parallel
    from .compose.briefing import Record, briefing_on_disk, check_order, within
    from .spill import Spill

    own = _brief_parameters()
    title, issue, unit, order, dedup = (options.get(k, own[k].default)
                                        for k in ("title", "issue", "unit", "order", "dedup"))
    check_order(cast(str, order))  # before any work
    since, until = cast("dt.date | None", options.get("since")), cast("dt.date | None", options.get("until"))
    df: Counter[str] = Counter()  # keywords.document_counts, a text at a time
    skipped: list[SkippedFile] = []
    sketched: list[Sketches] = []  # without their bodies, which go to ``compared``
    places: list[Region] = []
    read = excluded = undated = 0
    with parallel.using(workers) as processes, contextlib.ExitStack() as spills:
        records = spills.enter_context(contextlib.closing(Spill[Record]()))
        compared = spills.enter_context(contextlib.closing(Spill[str]())) if dedup else None  # comparison texts
        for part in parallel.gather(paths, workers=processes, aliases=options.get("region_aliases"),  # type: ignore[arg-type]
                                    progress=progress, max_chars=max_chars, facts=True, keep_bodies="none",
                                    period=(since, until) if since or until else None, sketches=bool(dedup)):
            skipped += part.skipped
            read += len(part.articles)
            for article, summary, found in zip(part.articles, part.summaries or (), part.found(), strict=True):
                if not within(article, since, until):  # counted, not briefed (nor summarised: the workers knew)
                    excluded += 1
                    continue
                undated += article.date is None
                if dedup:  # keywords are then counted over the stories' primaries, once they are known
                    places.append(article.region)
                else:
                    df.update(found[0].keys())  # type: ignore[index]
                records.add(Record(article, summary, found))  # type: ignore[arg-type]
            for sketch in part.sketches:  # only when merging: ``compared`` is there
                for body in sketch.bodies:
                    compared.add(body)  # type: ignore[union-attr]
                sketched.append(dataclasses.replace(sketch, bodies=()))
        if not read:
            require_articles([], skipped)
        if progress:
            progress("summaries", len(records), len(records))  # written by the workers as they read
        stories = _planned(sketched, compared, places, records, df) if compared is not None else None
        del sketched, places
        period = Period(since, until, excluded=excluded, undated=undated) if since or until else None
        # the stories go into a spill of their own, the briefing's; the records' is removed after
        return briefing_on_disk(records.view(), df, spill=Spill(), skipped=skipped, period=period,
                                title=cast(str, title), date=cast("dt.date | None", options.get("date")) or
                                dt.date.today(), issue=cast("str | None", issue), unit=cast("str | None", unit),
                                order=cast(str, order), stories=stories)


def _planned(sketched: list[Sketches], compared: Spill[str], places: Sequence[Region], records: Spill[Record],
             df: Counter[str]) -> Plan:
    """The stories of the spilled ``records`` (``dedup.plan`` of their sketches), and ``df`` counted over
    their primaries (what ``brief`` weighs keywords against: the texts that are summarised)."""
    from .dedup import index_of, plan

    if (count := sum(len(s.reprinted) for s in sketched)) != len(records):  # one each, in order
        raise ValueError(f"{count} sketches for {len(records)} articles")
    idx = index_of(sketched, compared.view(), places)
    sketched.clear()  # the index holds what it needs of them, joined (a month's sketches held twice, else)
    stories = plan(idx)
    del idx
    for record in records.view(stories.primaries):
        df.update(record.facts[0].keys())
    merged = len(records) - len(stories.primaries)
    if merged:
        log.info("%d articles are %d stories: %d reprints merged", len(records), len(stories.primaries), merged)
    return stories


def _needs_bodies(written: bool, overview_engine: object) -> bool:
    """Whether a briefing needs the articles' bodies once they are read: it does unless the reading
    workers wrote the summaries (``written``: the extractive engine) and no model writes the 综述.
    (Reprints are found from the workers' sketches on disk, ``_brief_on_disk``, or in the bodies
    ``brief`` is given.)"""
    return not written or overview_engine is not None


def _extractive_budget(options: Mapping[str, object]) -> int | None:
    """``brief``'s summary budget if ``options`` (``brief``'s) ask for the extractive engine, else None."""
    own = _brief_parameters()
    max_chars = options.get("max_chars", own["max_chars"].default)
    check_budget(max_chars)  # a wrong budget or request fails before any work
    name = engine_request(cast(str, options.get("backend", "auto")), cast("str | None", options.get("model")),
                    {k: v for k, v in options.items() if k not in own})[0]
    return cast(int, max_chars) if name == "extractive" else None


def _brief_parameters() -> Mapping[str, inspect.Parameter]:
    """``brief``'s parameters: their defaults are what ``brief_paths`` passes on unless told."""
    return inspect.signature(brief).parameters


__all__ = ["brief", "brief_paths", "choose_engine", "open_engine", "run_engine", "summarize", "summarize_articles",
           "with_regions"]
