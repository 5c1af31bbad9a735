"""Ingest: paths → clean articles.

    files ─▶ encoding.decode ─▶ readers.read_file (RawDocument) ─▶ clean.* ─▶ meta.* ─▶ Article

``load_articles`` is the public entry point; ``read_inputs`` also returns the files that were
skipped, with reasons, so the briefing can list them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import InputError, UnreadableFileError
from ..types import Article, SkippedFile
from .build import build_articles
from .readers import SUPPORTED_SUFFIXES, read_file

log = logging.getLogger(__name__)

__all__ = ["SUPPORTED_SUFFIXES", "expand_paths", "load_articles", "read_inputs", "require_articles"]


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the supported files inside named folders (sorted, recursive).

    Raises:
        InputError: a path does not exist, or a folder holds no supported file.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"input not found: {path}")
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                raise InputError(
                    f"no articles in folder {path} (looked for {', '.join(sorted(SUPPORTED_SUFFIXES))})"
                )
            files.extend(found)
        else:
            files.append(path)
    if not files:
        raise InputError("no input files given")
    return files


def read_inputs(paths: Iterable[str | Path], progress: Callable[[str, int, int], None] | None = None,
                ) -> tuple[list[Article], list[SkippedFile]]:
    """Read every input; a file that cannot be read is logged, skipped and returned with its reason.

    ``progress`` is called as ``progress("ingest", files done, files)``.
    """
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    files = expand_paths(paths)
    for done, file in enumerate(files):
        if progress:
            progress("ingest", done, len(files))
        try:
            articles.extend(build_articles(read_file(file)))
        except UnreadableFileError as exc:
            log.warning("skipped %s: %s", file, exc.reason)
            skipped.append(SkippedFile(file, exc.reason))
    if progress:
        progress("ingest", len(files), len(files))
    return articles, skipped


def load_articles(paths: str | Path | Iterable[str | Path]) -> list[Article]:
    """Read files and folders into clean articles (unreadable files are skipped with a warning).

    Args:
        paths: a file or folder, or several.

    Returns:
        The articles, in file order (a file holding several stories gives several).

    Raises:
        InputError: a path is missing, a folder is empty, or no file could be read.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    articles, skipped = read_inputs(paths)
    require_articles(articles, skipped)
    return articles


def require_articles(articles: list[Article], skipped: list[SkippedFile]) -> None:
    """Raise when nothing could be read, naming every file and why.

    Raises:
        InputError: ``articles`` is empty.
    """
    if not articles:
        reasons = "; ".join(f"{s.path.name}: {s.reason}" for s in skipped)
        raise InputError(f"no article could be read ({reasons})")
