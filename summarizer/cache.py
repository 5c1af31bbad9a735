"""A summary cache on disk, so re-running a briefing only summarises what changed.

Keyed by (cleaned text, title, engine fingerprint, max_chars): the fingerprint is what an
engine says identifies its output — engine name, model, prompt template, generation settings
(``fingerprint`` attribute). Engines without one are not cached; the extractive engine is not
cached on purpose, since it is faster than a disk read.

Entries are single JSON files written atomically (temp file + rename), so a crash mid-write
leaves either the old entry or none; an unreadable entry counts as a miss and is removed.
Location: ``$SUMMARIZER_CACHE_DIR``, else the user's cache dir (platformdirs) / summaries.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from .types import Article, Summary

log = logging.getLogger(__name__)


def default_dir() -> Path:
    if env := os.environ.get("SUMMARIZER_CACHE_DIR"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("summarizer")) / "summaries"


def cache_key(article: Article, fingerprint: str, max_chars: int) -> str:
    payload = json.dumps([article.text, article.title, fingerprint, max_chars], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class SummaryCache:
    """Summaries stored one file per key under ``directory``."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory else default_dir()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Summary | None:
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Summary(data["text"], data["engine"], data.get("model"), data.get("fallback"),
                           tuple(data.get("notes", ())))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable cache entry %s: %s", path, exc)
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            return None

    def put(self, key: str, summary: Summary) -> None:
        """Store ``summary``; a cache that cannot be written is logged, never fatal."""
        path = self._path(key)
        data = {"text": summary.text, "engine": summary.engine, "model": summary.model,
                "fallback": summary.fallback, "notes": list(summary.notes)}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("cannot write summary cache %s: %s", path, exc)

    def clear(self) -> int:
        """Delete every entry; returns how many were removed."""
        removed = 0
        if self.directory.is_dir():
            for path in self.directory.glob("*/*.json"):
                path.unlink(missing_ok=True)
                removed += 1
            for path in self.directory.glob("*/.tmp-*"):  # leftovers of a crash mid-write
                path.unlink(missing_ok=True)
        return removed

    def size(self) -> int:
        return sum(1 for _ in self.directory.glob("*/*.json")) if self.directory.is_dir() else 0
