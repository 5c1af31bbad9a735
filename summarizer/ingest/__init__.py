"""Ingest: paths → clean articles.

    files ─▶ encoding.decode ─▶ readers.read_file (RawDocument; pages: html/extract) ─▶ clean.*
          ─▶ furniture.split_furniture ─▶ meta.* ─▶ Article (with its removals), or a SkippedFile

``load_articles`` is the public entry point; ``read_inputs`` also returns the inputs that gave no
article, each a ``SkippedFile`` with its reason, so the briefing can list them. Every input is
accounted for: each file, and each record of a .json/.jsonl file, ends as articles or as an entry —
files of unsupported types in a folder too, and hidden and Office lock files, named as ignored.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from .. import regions
from ..errors import InputError, UnreadableFileError
from ..types import Article, SkipKind, SkippedFile
from .build import build_articles
from .fetch import WebAddress, is_url, read_url
from .guard import MAX_SECONDS_PER_FILE, ReadTimeout, failure, safe_document, time_limit
from .readers import SUPPORTED_SUFFIXES, RawDocument, ignored, read_file

log = logging.getLogger(__name__)

__all__ = ["SUPPORTED_SUFFIXES", "load_articles", "read_inputs", "require_articles", "scan_paths"]


def _walk(folder: Path, seen: set[Path]) -> Iterator[Path | SkippedFile]:
    """A folder's files in sorted order, recursively; hidden entries and lock files named, not read.

    A folder reached twice (a symlink loop, a second link to it) is walked once and named the second
    time; an unreadable folder and a link that leads nowhere are entries too.
    """
    real = folder.resolve()
    if real in seen:
        yield SkippedFile(folder, SkipKind.LINK_LOOP)
        return
    seen.add(real)
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        yield SkippedFile(folder, SkipKind.UNREADABLE, error=exc.strerror or type(exc).__name__)
        return
    for entry in entries:
        if kind := ignored(entry.name):
            yield SkippedFile(entry, kind)
        elif entry.is_dir():
            yield from _walk(entry, seen)
        elif entry.is_symlink() and not entry.exists():
            yield SkippedFile(entry, SkipKind.BROKEN_LINK)
        elif entry.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield SkippedFile(entry, SkipKind.UNSUPPORTED, entry.suffix.lower())
        else:
            yield entry


def scan_paths(paths: Iterable[str | Path]) -> list[Path | WebAddress | SkippedFile]:
    """Files named directly, and every entry of named folders (sorted, recursive), in order; web
    addresses (``http(s)://``) as they are, to be fetched.

    A folder's supported files are returned to be read; its other entries come as ``SkippedFile``:
    unsupported types, hidden files and folders, Office lock files. A file named directly is read
    whatever its name (unless it is a lock file), so the reader says what is wrong with it.

    Raises:
        InputError: a path does not exist, or a folder is empty.
    """
    out: list[Path | WebAddress | SkippedFile] = []
    seen: set[Path] = set()
    for raw in paths:
        if is_url(raw):
            out.append(WebAddress(str(raw).strip()))
            continue
        path = Path(raw)
        if not path.exists():
            raise InputError(f"input not found: {path}")
        if path.is_dir():
            found = list(_walk(path, seen))
            if not found:
                raise InputError(f"no articles in folder {path}: it is empty "
                                 f"(reads {', '.join(sorted(SUPPORTED_SUFFIXES))})")
            out.extend(found)
        elif ignored(path.name) == SkipKind.LOCK_FILE:
            out.append(SkippedFile(path, SkipKind.LOCK_FILE))
        else:
            out.append(path)
    if not out:
        raise InputError("no input files given")
    return out


def read_path(path: Path | WebAddress) -> tuple[list[Article], list[SkippedFile]]:
    """One file's (or web address's) articles and the entries for what in it gave none (the whole file,
    records, archive members).

    Behind the guard (``read_guarded``).
    """
    where = path.path if isinstance(path, WebAddress) else path
    return read_guarded(where, lambda: read_url(path) if isinstance(path, WebAddress) else read_file(path))


def read_guarded(path: Path, read: Callable[[], Iterable[RawDocument | SkippedFile]], *,
                 record: int | None = None) -> tuple[list[Article], list[SkippedFile]]:
    """The articles of what ``read()`` gives, behind the guard (``guard``): whatever it raises, or a
    read that takes too long, becomes the entry of ``path`` (at ``record``, a slice of a .jsonl file);
    the text it returns is made safe (``text.safe_text``)."""
    try:
        with time_limit(MAX_SECONDS_PER_FILE):
            return build_articles([safe_document(doc) for doc in read()])
    except UnreadableFileError as exc:
        return [], [exc.skipped if record is None else dataclasses.replace(exc.skipped, record=record)]
    except (Exception, ReadTimeout) as exc:  # the guard: one bad file never costs the run
        log.debug("reading %s failed (from record %s)", path, record, exc_info=True)
        return [], [dataclasses.replace(failure(path, exc), record=record)]


def read_inputs(paths: Iterable[str | Path], progress: Callable[[str, int, int], None] | None = None,
                ) -> tuple[list[Article], list[SkippedFile]]:
    """Read every input: the articles, and an entry (logged) for each file or record that gave none.

    ``progress`` is called as ``progress("ingest", inputs done, inputs)``.

    Raises:
        InputError: a path does not exist, or a folder is empty.
    """
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    entries = scan_paths(paths)
    for done, entry in enumerate(entries):
        if progress:
            progress("ingest", done, len(entries))
        found, missed = ([], [entry]) if isinstance(entry, SkippedFile) else read_path(entry)
        articles.extend(found)
        for miss in missed:
            log.log(logging.INFO if miss.ignored else logging.WARNING, "skipped %s: %s", miss.location, miss.reason)
        skipped.extend(missed)
    if progress:
        progress("ingest", len(entries), len(entries))
    return articles, skipped


def load_articles(paths: str | Path | Iterable[str | Path], *,
                  aliases: Mapping[str, str] | None = None) -> list[Article]:
    """Read files and folders into clean articles with their regions (what gives none is skipped with a warning).

    Args:
        paths: a file or folder, or several.
        aliases: extra region names, as for ``regions.resolve`` (a ``[regions]`` table).

    Returns:
        The articles, in file order (a file holding several stories gives several), each with
        ``region`` resolved.

    Raises:
        InputError: a path is missing, a folder is empty, or no file could be read.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    articles, skipped = read_inputs(paths)
    require_articles(articles, skipped)
    return [dataclasses.replace(a, region=regions.resolve(a, aliases=aliases)) for a in articles]


def require_articles(articles: list[Article], skipped: list[SkippedFile]) -> None:
    """Raise when nothing could be read, naming every input and why.

    Raises:
        InputError: ``articles`` is empty.
    """
    if not articles:
        reasons = "; ".join(f"{s.name}: {s.reason}" for s in skipped)
        raise InputError(f"no article could be read ({reasons})")
