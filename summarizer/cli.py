"""Command line: parse options, call the library, turn SummarizerError into one line + exit 2."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from .config import MIN_CHARS, Settings, load_settings
from .errors import ConfigError, SummarizerError

app = typer.Typer(
    help="Turn a folder of Chinese news articles into a Word briefing (简报), grouped by region.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

# Strings, not Paths: a web address is an input too (Path would fold https:// into https:/).
Inputs = Annotated[list[str] | None, typer.Argument(help="Files, folders or web addresses (default: seeds/).",
                                                    show_default=False)]
Files = Annotated[list[str] | None, typer.Argument(help="Article files, folders or web addresses.", show_default=False)]
Urls = Annotated[list[Path] | None, typer.Option("--urls", help="A file of web addresses, one a line (or a .url "
                                                                "shortcut); repeatable.")]
Backend = Annotated[str | None, typer.Option("--backend", "-b", help="auto (the default: by --base-url or --model), "
                                             "or an engine `summarizer engines` lists.")]
MaxChars = Annotated[int | None, typer.Option("--max-chars", "-n", min=MIN_CHARS, help="Summary budget in characters.")]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Summarise everything again; don't read or write the cache.")]
Workers = Annotated[int | None, typer.Option("--workers", "-j", min=1, help="Processes for reading, regions and "
                                                                          "keywords (default: the usable cores).")]
JsonLines = Annotated[bool, typer.Option("--jsonl", help="Stream one JSON line per article (id, title, region, "
                                                        "summary, figures) as it goes; resumable via the cache.")]
SplitBy = Annotated[str | None, typer.Option("--split-by", help="province | city: one briefing per region, "
                                                                "into the folder -o names (plus index.md).")]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def handles_errors(func: F) -> F:
    """Run a command; a SummarizerError becomes one clear line on stderr and exit code 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s", stream=sys.stderr)
        try:
            return func(*args, **kwargs)
        except SummarizerError as exc:
            _fail(str(exc))

    return wrapper  # type: ignore[return-value]


def _inputs(inputs: list[str] | None, urls: list[Path] | None, default: list[str] | None = None) -> list[str]:
    """The inputs named on the command line, then the addresses in each ``--urls`` file."""
    from .ingest.fetch import url_list

    listed = [u for file in urls or [] for u in url_list(file)]
    if not inputs and not listed:
        if default is None:
            raise typer.BadParameter("give files, folders or web addresses (or --urls FILE)")
        return default
    return [*(inputs or []), *listed]


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"summarizer {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Turn a folder of Chinese news articles into a Word briefing (简报), grouped by region."""
    stop_cleanly_on_sigterm()


def stop_cleanly_on_sigterm() -> None:
    """A SIGTERM (``kill``, a job scheduler, a container stopping) ends the run as Ctrl-C does: through
    the ``finally`` blocks, so the worker processes are stopped and no half-written output is left."""

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():  # only the main thread may set handlers
        signal.signal(signal.SIGTERM, stop)


def _date(text: str | None, option: str = "--date") -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{option} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2024-05-18") from None


def _check_brief_options(output: Path, template: str | None, since: dt.date | None, until: dt.date | None,
                         split_by: str | None = None) -> None:
    """What ``brief`` can check before reading a single file: the output path and format (or the folder of
    ``--split-by``), the template and the period (a wrong ``-o x.pdf`` fails at once, not after all the work)."""
    from .compose import check_output
    from .compose.split import BY, split_folder

    if split_by is not None and split_by not in BY:
        raise ConfigError(f"--split-by {split_by!r}: choose one of {', '.join(BY)}")
    if split_by:
        split_folder(output)
    else:
        check_output(output)
    if output.suffix.lower() == ".docx" or (split_by and not output.suffix):
        from .compose.docx import check_template

        check_template(template)
    if since and until and since > until:
        raise ConfigError(f"--since {since} is after --until {until}: the period would be empty")


def _engine_flags() -> dict[str, tuple[Any, str, str]]:
    """Every engine option in the registry as a flag: name → (type, flag, help). Options of the same name
    in several engines share one flag (their types agree: tests/test_models.py checks)."""
    from .backends import BACKENDS
    from .backends.options import field_type, flag_name

    flags: dict[str, tuple[Any, str, str]] = {}
    for backend in BACKENDS.values():
        for cls in backend.option_classes():
            for f in dataclasses.fields(cls):
                if f.name in flags:
                    continue
                help_text = f.metadata["help"]
                if f.name != "model":
                    engines = [b.name for b in BACKENDS.values()
                               if any(f.name in c.names() for c in b.option_classes())]
                    help_text += f" (engines: {', '.join(engines)})"
                flag = flag_name(f)
                flags[f.name] = (field_type(cls, f.name), flag, help_text)
    return flags


def engine_options(func: F) -> F:
    """Give a command one flag per engine option (from the registry); they reach it as ``engine_options``,
    only those given."""
    flags = _engine_flags()
    signature = inspect.signature(func, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "engine_options"]
    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                               annotation=Annotated[kind | None, typer.Option(
                                   flag, *(["-m"] if name == "model" else []), help=text,
                                   rich_help_panel="Engine options")])
             for name, (kind, flag, text) in flags.items()]

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(name) for name in flags if name in kwargs}
        return func(*args, engine_options={k: v for k, v in given.items() if v is not None}, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[*own, *extra])  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _run_options(settings: Settings, given: dict[str, Any], no_cache: bool) -> dict[str, Any]:
    """Everything the library's run takes besides the articles: the engine, its options (the config's
    [engines.NAME] table for the engine that will run, the command line's flags over it), the summary
    cache and progress on stderr."""
    from .backends import resolve_backend
    from .cache import SummaryCache
    from .progress import Reporter

    prompts = given.get("prompts")
    if prompts is not None and not Path(prompts).is_dir():
        raise ConfigError(f"--prompts {prompts}: not a folder; give a folder holding summary.txt (see prompts/)")
    model = given.pop("model", None) or settings.model
    name = resolve_backend(settings.backend, {"model": model, **given})
    options = {**settings.engines.get(name, {}), **given}
    return {"backend": settings.backend, "model": model, "cache": None if no_cache else SummaryCache(),
            "progress": Reporter(), **options}


@app.command()
@handles_errors
@engine_options
def brief(
    inputs: Inputs = None,
    urls: Urls = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output file: .docx, .md or .json.")] = Path(
        "outputs/briefing.docx"
    ),
    backend: Backend = None,
    max_chars: MaxChars = None,
    title: Annotated[str | None, typer.Option("--title", help="Briefing title (default 新闻简报).")] = None,
    template: Annotated[str | None, typer.Option("--template", help="plain | gongwen | your own .docx.")] = None,
    issue: Annotated[str | None, typer.Option("--issue", help="Issue number 期号 (12 → 第12期).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Compiling unit 编印单位.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Briefing date YYYY-MM-DD (default today).")] = None,
    no_cache: NoCache = False,
    no_dedup: Annotated[bool, typer.Option("--no-dedup", help="Keep every article as its own entry: "
                                                             "don't merge reprints or group related reports.")] = False,
    since: Annotated[str | None, typer.Option("--since", help="Only articles dated on or after YYYY-MM-DD "
                                                               "(undated ones are kept and counted).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only articles dated on or before YYYY-MM-DD.")] = None,
    sort: Annotated[str | None, typer.Option("--sort", help="Stories of a city: newest (default) | oldest "
                                                             "(by date, undated last) | input.")] = None,
    workers: Workers = None,
    split_by: SplitBy = None,
    *,
    engine_options: dict[str, Any],
) -> None:
    """Write a briefing from articles, grouped by province and city (or one briefing per region)."""
    from .compose.layout import reprint_count, story_count
    from .compose.split import write_split
    from .parallel import using
    from .pipeline import brief_paths
    from .text import safe_text

    title, issue, unit = (safe_text(v) if v else v for v in (title, issue, unit))  # options are input too
    if sort is not None:  # named as the user wrote it (Settings would name the config key)
        from .compose.briefing import check_order

        check_order(sort, "--sort")
    s = load_settings().with_overrides(backend=backend, max_chars=max_chars, title=title, template=template,
                                       issue=issue, unit=unit, dedup=False if no_dedup else None, sort=sort)
    first, last = _date(since, "--since"), _date(until, "--until")
    _check_brief_options(output, s.template, first, last, split_by)
    run = _run_options(s, engine_options, no_cache)
    with using(workers):  # one pool of processes for the whole run
        result = brief_paths(_inputs(inputs, urls, ["seeds"]), max_chars=s.max_chars, title=s.title, issue=s.issue,
                             unit=s.unit, date=_date(date), region_aliases=s.region_aliases, dedup=s.dedup,
                             since=first, until=last, order=s.sort, workers=workers,
                             keep_bodies=False, **run)  # to be written only: a month's bodies are let go
        stories, merged = story_count(result.items), reprint_count(result.items)
        counted = f"{stories} stories from {stories + merged} articles: {merged} reprints merged" if merged \
            else f"{stories} articles"
        if split_by:
            run["progress"]("render", 0, 1)
            parts = write_split(result, output, split_by, template=s.template)
            run["progress"]("render", 1, 1)
            _report_split(parts, output, counted, result)
            return
    run["progress"]("render", 0, 1)
    path = result.write(output, template=s.template)
    run["progress"]("render", 1, 1)
    typer.echo(f"wrote {path} ({counted}, {len(result.skipped)} skipped)")
    if period := result.period:
        typer.echo(f"  period {period.since or '…'} to {period.until or '…'}: left out {period.excluded} dated "
                   f"outside it, kept {period.undated} undated")
    for section in result.sections:
        cities = "、".join(f"{c.name} {story_count(c.items)}" for c in section.cities if c.name)
        typer.echo(f"  {section.name}: {story_count(section.items)} 篇" + (f"（{cities}）" if cities else "")
                   + f" — {section.items[0].article.title}")
    for skipped in result.skipped:
        typer.echo(f"  {'ignored' if skipped.ignored else 'skipped'} {skipped.location}: {skipped.reason}")


def _report_split(parts: Any, output: Path, counted: str, result: Any) -> None:
    from .compose.layout import story_count
    from .compose.split import INDEX, split_folder

    folder = split_folder(output)[0]
    typer.echo(f"wrote {len(parts)} briefings into {folder} ({counted}, {len(result.skipped)} skipped; "
               f"{INDEX}.md lists them)")
    for part in parts:
        typer.echo(f"  {part.file}: {story_count(part.briefing.items)} 篇")


@app.command()
@handles_errors
@engine_options
def summarize(
    files: Files = None,
    urls: Urls = None,
    backend: Backend = None,
    max_chars: MaxChars = None,
    as_json: AsJson = False,
    no_cache: NoCache = False,
    jsonl: JsonLines = False,
    workers: Workers = None,
    *,
    engine_options: dict[str, Any],
) -> None:
    """Print one summary per article."""
    from .ingest import load_articles
    from .pipeline import summarize_articles

    s = load_settings().with_overrides(backend=backend, max_chars=max_chars)
    run = _run_options(s, engine_options, no_cache)
    if jsonl:
        _stream_jsonl(_inputs(files, urls), s, run, workers)
        return
    articles = load_articles(_inputs(files, urls))
    summaries = summarize_articles(articles, max_chars=s.max_chars, **run)
    if as_json:
        rows = [{"file": str(a.path), "part": a.part, "title": a.title, "summary": x.text, "method": x.method}
                for a, x in zip(articles, summaries, strict=True)]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for a, x in zip(articles, summaries, strict=True):
        typer.echo(f"{a.name}  {a.title}\n  {x.text}\n  [{x.method}]\n")


def _stream_jsonl(inputs: list[str], s: Settings, run: dict[str, Any], workers: int | None) -> None:
    from .stream import stream_summaries

    run.pop("progress")  # stdout is the data; the lines are the progress
    for row in stream_summaries(inputs, max_chars=s.max_chars, workers=workers, aliases=s.region_aliases, **run):
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        sys.stdout.flush()  # a line as soon as it is done: a pipe reader, or a resumed run, sees it


@app.command()
@handles_errors
def engines() -> None:
    """List the engines --backend takes, with their options and defaults."""
    from .backends import ALIASES, BACKENDS
    from .backends.options import flag_name

    aliases = {v: k for k, v in ALIASES.items()}
    for backend in BACKENDS.values():
        alias = f" (also: {aliases[backend.name]})" if backend.name in aliases else ""
        typer.echo(f"{backend.name}{alias}: {backend.about}")
        for cls in backend.option_classes():
            for f in dataclasses.fields(cls):
                flag = flag_name(f)
                typer.echo(f"  {flag} (default {f.default}): {f.metadata['help']}")


def _article_json(article: Any) -> dict[str, Any]:
    data = dataclasses.asdict(article)
    data["path"] = str(article.path) if article.path else None
    data["date"] = article.date.isoformat() if article.date else None
    data["region"]["label"] = article.region.label()
    return data


@app.command()
@handles_errors
def ingest(files: Files = None, urls: Urls = None, as_json: AsJson = False) -> None:
    """Print what the reader understood: title, source, date, region and clean text."""
    from .ingest import load_articles

    articles = load_articles(_inputs(files, urls), aliases=load_settings().region_aliases)
    if as_json:
        typer.echo(json.dumps([_article_json(a) for a in articles], ensure_ascii=False, indent=2))
        return
    for a in articles:
        typer.echo(f"== {a.name}\n标题: {a.title}{'（生成）' if a.title_derived else ''}")
        typer.echo(f"来源: {a.source or '-'}  日期: {a.date or '-'}  作者: {'、'.join(a.authors) or '-'}")
        typer.echo(f"地区: {a.region.label()} (置信度 {a.region.confidence:.2f})  依据: {a.region.reason or '-'}")
        typer.echo(f"{a.text}\n")


@app.command("eval")
@handles_errors
@engine_options
def eval_(
    data: Annotated[Path, typer.Argument(help="JSON Lines file: one object a line with text and summary.")],
    backend: Backend = None,
    max_chars: MaxChars = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N items.")] = None,
    as_json: AsJson = False,
    *,
    engine_options: dict[str, Any],
) -> None:
    """Score summaries against references: char-level ROUGE-1/2/L F1, lengths, articles/s."""
    from .evaluate import evaluate, format_table, read_dataset
    from .pipeline import summarize_articles

    s = load_settings().with_overrides(backend=backend, max_chars=max_chars)
    options = _run_options(s, engine_options, no_cache=True)
    options.pop("progress")
    items = read_dataset(data, limit=limit)

    engines: set[str] = set()

    def run(articles: list[Any]) -> list[str]:
        summaries = summarize_articles(articles, max_chars=s.max_chars, **options)
        engines.update(x.engine for x in summaries)  # the engines that wrote them, fallbacks included
        return [x.text for x in summaries]

    report = evaluate("eval", run, items, max_chars=s.max_chars)
    report = dataclasses.replace(report, system="+".join(sorted(engines)))
    typer.echo(json.dumps(report.row(), ensure_ascii=False, indent=2) if as_json else format_table([report]))


cache_app = typer.Typer(help="The summary cache: model summaries kept between runs.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
@handles_errors
def cache_info() -> None:
    """Where the cache is and how many summaries it holds."""
    from .cache import SummaryCache

    store = SummaryCache()
    typer.echo(f"{store.directory}: {store.size()} summaries")


@cache_app.command("clear")
@handles_errors
def cache_clear() -> None:
    """Delete every cached summary."""
    from .cache import SummaryCache

    store = SummaryCache()
    typer.echo(f"removed {store.clear()} summaries from {store.directory}")
