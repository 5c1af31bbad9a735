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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .types import Article, FallbackKind, Summary

if TYPE_CHECKING:
    from .backends import Capabilities

log = logging.getLogger(__name__)


def default_dir() -> Path:
    if env := os.environ.get("SUMMARIZER_CACHE_DIR"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("summarizer")) / "summaries"


_ENTRIES = "[0-9a-f][0-9a-f]/*.json"  # entries live under two hex digits; probes/ (hf's dtype probe) is not one


def text_key(*parts: object) -> str:
    payload = json.dumps([str(p) for p in parts], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cache_key(article: Article, fingerprint: str, max_chars: int) -> str:
    return text_key(article.text, article.title, fingerprint, max_chars)


class SummaryCache:
    """Summaries stored one file per key under ``directory``."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory else default_dir()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def _read(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("text"), str):
                raise ValueError("not a cache entry")
            return data
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable cache entry %s: %s", path, exc)
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            return None

    def _write(self, key: str, data: dict[str, Any]) -> None:
        """Store ``data``; a cache that cannot be written is logged, never fatal."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("cannot write summary cache %s: %s", path, exc)

    def get(self, key: str) -> Summary | None:
        data = self._read(key)
        if data is None:
            return None
        try:
            kind = data.get("fallback_kind")
            return Summary(data["text"], data["engine"], data.get("model"), data.get("fallback"),
                           tuple(data.get("notes", ())), FallbackKind(kind) if kind else None)
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, key: str, summary: Summary) -> None:
        self._write(key, {"text": summary.text, "engine": summary.engine, "model": summary.model,
                          "fallback": summary.fallback, "notes": list(summary.notes),
                          "fallback_kind": summary.fallback_kind})

    def get_text(self, key: str) -> str | None:
        data = self._read(key)
        return data["text"] if data is not None else None

    def put_text(self, key: str, text: str) -> None:
        self._write(key, {"text": text})

    def clear(self) -> int:
        """Delete every entry; returns how many were removed."""
        removed = 0
        if self.directory.is_dir():
            for path in self.directory.glob(_ENTRIES):
                path.unlink(missing_ok=True)
                removed += 1
            for path in self.directory.glob("[0-9a-f][0-9a-f]/.tmp-*"):  # leftovers of a crash mid-write
                path.unlink(missing_ok=True)
        return removed

    def size(self) -> int:
        return sum(1 for _ in self.directory.glob(_ENTRIES)) if self.directory.is_dir() else 0


class CachedEngine:
    """A model engine behind the cache: it is loaded only when something is not cached yet.

    ``fingerprint`` and ``capabilities`` are known without loading (remembered from the first run
    with the same request), so a briefing whose summaries, titles and 综述 are all cached never
    loads the model.
    """

    def __init__(self, name: str, model: str, fingerprint: str, capabilities: Capabilities, cache: SummaryCache,
                 load: Callable[[], Any]) -> None:
        self.name, self.model_name, self.fingerprint, self.capabilities = name, model, fingerprint, capabilities
        self._cache, self._load = cache, load
        self._engine: Any = None

    @property
    def engine(self) -> Any:
        if self._engine is None:
            log.info("loading the %s engine (%s): some results are not cached", self.name, self.model_name)
            self._engine = self._load()
        return self._engine

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        return list(self.engine.summarize(articles, max_chars=max_chars))

    def retry(self, articles: Sequence[Article], *, max_chars: int, problems: Sequence[Sequence[str]]) -> list[Summary]:
        return list(self.engine.retry(articles, max_chars=max_chars, problems=problems))

    def titles(self, articles: Sequence[Article], *, max_chars: int = 30) -> list[str | None]:
        """The engine's titles, those not cached yet generated together (a failed request's None is not kept)."""
        keys = [text_key("title", self.fingerprint, a.title, a.text, max_chars) for a in articles]
        out = [self._cache.get_text(k) for k in keys]
        todo = [i for i, t in enumerate(out) if t is None]
        if todo:
            fresh = self.engine.titles([articles[i] for i in todo], max_chars=max_chars)
            for i, text in zip(todo, fresh, strict=True):
                out[i] = text
                if text is not None:
                    self._cache.put_text(keys[i], text)
        return out

    def complete(self, prompt: str, *, max_chars: int) -> str:
        key = text_key("complete", self.fingerprint, prompt, max_chars)
        if (text := self._cache.get_text(key)) is not None:
            return text
        text = str(self.engine.complete(prompt, max_chars=max_chars))
        self._cache.put_text(key, text)
        return text
