"""Compose: ``briefing.build_briefing`` makes a Briefing (pure); renderers write it to a file."""

from __future__ import annotations

import contextlib
import os
import secrets
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


def write_briefing(briefing: Briefing, path: Path, *, template: str | Path | None = None) -> Path:
    """Render ``briefing`` by the suffix of ``path``, atomically: a temp file, then a rename.

    Raises:
        OutputError: unknown suffix, or the file cannot be written.
    """
    render = RENDERERS.get(path.suffix.lower())
    if render is None:
        raise OutputError(
            f"cannot write {path.name}: unknown output format {path.suffix or '(none)'}; "
            f"use one of {', '.join(sorted(RENDERERS))}"
        )
    if blocker := next((p for p in path.parents if p.is_file()), None):
        raise OutputError(f"cannot write {path}: {blocker} is a file, not a folder")
    # A fresh name the renderer creates itself, so the file gets the usual umask-based mode
    # (mkstemp would make it private, and reading the umask means changing it process-wide).
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        render(safe_value(briefing), tmp, template)  # the renderers' edge: every string writable
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return path
