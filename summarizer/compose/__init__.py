"""Compose: ``briefing.build_briefing`` makes a Briefing (pure); renderers write it to a file."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import OutputError
from ..text import safe_value
from ..types import Briefing


def _docx(briefing: Briefing, path: Path, template: str | Path | None) -> None:
    from .docx import render_docx

    render_docx(briefing, path, template=template)


def _markdown(briefing: Briefing, path: Path, template: str | Path | None) -> None:
    from .markdown import render_markdown

    render_markdown(briefing, path)


def _json(briefing: Briefing, path: Path, template: str | Path | None) -> None:
    from .json import render_json

    render_json(briefing, path)


RENDERERS: dict[str, Callable[[Briefing, Path, str | Path | None], None]] = {
    ".docx": _docx, ".md": _markdown, ".json": _json,
}


def check_output(path: Path) -> None:
    """Fail now, before any work, if ``path`` cannot take a briefing: an unknown format (its suffix), a
    folder in its place, or a folder that is not writable.

    Raises:
        OutputError: saying which, with the formats there are.
    """
    if path.suffix.lower() not in RENDERERS:
        raise OutputError(
            f"cannot write {path.name}: unknown output format {path.suffix or '(none)'}; "
            f"use one of {', '.join(sorted(RENDERERS))}"
        )
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; give a file name such as {path / 'briefing.docx'}")
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the folders that do not exist yet are created, inside this one
    if folder.is_file():
        raise OutputError(f"cannot write {path}: {folder} is a file, not a folder")
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {path}: {folder} is not a folder you can write to")


# A temp file this old is a killed run's, not a writer's at work (rendering takes seconds).
STALE_TEMP = 3600  # seconds
_TEMP_RE = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{12}\.tmp")


def _remove_stale_temps(path: Path) -> None:
    """Remove the half-written temp files of ``path`` that a killed run left (a kill between creating
    and renaming one leaves it; nothing else would ever remove it)."""
    now = time.time()
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        m = _TEMP_RE.fullmatch(tmp.name)
        with contextlib.suppress(OSError):
            if m and m["name"] == path.name and tmp.is_file() and now - tmp.stat().st_mtime > STALE_TEMP:
                tmp.unlink()


def write_briefing(briefing: Briefing, path: Path, *, template: str | Path | None = None) -> Path:
    """Render ``briefing`` by the suffix of ``path``, atomically: a temp file, then a rename.

    Raises:
        OutputError: unknown suffix, or the file cannot be written.
    """
    check_output(path)
    render = RENDERERS[path.suffix.lower()]
    # A fresh name the renderer creates itself, so the file gets the usual umask-based mode
    # (mkstemp would make it private, and reading the umask means changing it process-wide).
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(path)
        render(safe_value(briefing), tmp, template)  # the renderers' edge: every string writable
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return path
