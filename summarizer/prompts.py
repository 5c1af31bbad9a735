"""Prompt templates: text files with named ``{variables}``, in ``prompts/``.

Looked up in this order: a directory given by the caller (``--prompts DIR``), the copy inside
the installed package (``summarizer/prompts``, put there by the wheel build), and ``prompts/`` at
the top of a source checkout (the source of truth).
"""

from __future__ import annotations

import string
from pathlib import Path

from .errors import ConfigError

_PACKAGE_DIR = Path(__file__).resolve().parent / "prompts"
_CHECKOUT_DIR = Path(__file__).resolve().parent.parent / "prompts"


def prompt_dirs(override: str | Path | None = None) -> list[Path]:
    dirs = [Path(override)] if override else []
    return [*dirs, _PACKAGE_DIR, _CHECKOUT_DIR]


def load_prompt(name: str, override: str | Path | None = None) -> str:
    """The text of prompt ``name`` (e.g. ``summary``), from the first directory that has it.

    Raises:
        ConfigError: no directory holds ``{name}.txt``.
    """
    for directory in prompt_dirs(override):
        path = directory / f"{name}.txt"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    searched = ", ".join(str(d) for d in prompt_dirs(override))
    raise ConfigError(f"prompt {name}.txt not found (searched {searched})")


def render_prompt(template: str, **values: object) -> str:
    """Fill ``{name}`` fields; a field the template uses but the caller did not give is an error."""
    used = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    missing = used - values.keys()
    if missing:
        raise ConfigError(f"prompt needs values for: {', '.join(sorted(missing))}")
    return template.format(**{k: v for k, v in values.items() if k in used})


def prompts_digest(override: str | Path | None = None) -> str:
    """A short hash of the prompts ``load_prompt`` would pick (names and texts), for cache keys.

    Not of where they lie: the same prompts in another checkout or virtualenv give the same digest,
    so a summary cache in the user's cache dir serves them all.
    """
    import hashlib

    names = sorted({p.stem for d in prompt_dirs(override) if d.is_dir() for p in d.glob("*.txt")})
    digest = hashlib.sha256()
    for name in names:
        digest.update(f"{name}\0{load_prompt(name, override)}\0".encode())
    return digest.hexdigest()[:16]
