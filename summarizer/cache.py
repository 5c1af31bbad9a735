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
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .text import safe_text, safe_value
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
            self._discard(path, str(exc))
            return None

    def _discard(self, path: Path, why: str) -> None:
        """An entry that cannot be used is a miss, and is removed so the next run writes a good one."""
        log.warning("ignoring unusable cache entry %s: %s", path, why)
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)

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
        summary = _summary(data)
        if summary is None:
            self._discard(self._path(key), "not the shape of a summary")
        return summary

    def put(self, key: str, summary: Summary) -> None:
        summary = safe_value(summary)  # a model's output may hold what no file can (a lone surrogate)
        self._write(key, {"text": summary.text, "engine": summary.engine, "model": summary.model,
                          "fallback": summary.fallback, "notes": list(summary.notes),
                          "fallback_kind": summary.fallback_kind})

    def get_text(self, key: str) -> str | None:
        data = self._read(key)
        return safe_text(data["text"]) if data is not None else None

    def put_text(self, key: str, text: str) -> None:
        self._write(key, {"text": safe_text(text)})

    def _entries(self) -> list[Path]:
        """The entry files: named by their key under two hex digits, not a writer's hidden temp file
        (pathlib's ``*`` matches dot files) and not a folder that happens to end in .json."""
        if not self.directory.is_dir():
            return []
        return [p for p in self.directory.glob(_ENTRIES) if not p.name.startswith(".") and p.is_file()]

    def clear(self) -> int:
        """Delete every entry, and whatever else is in the entries' folders (temp files a killed run
        left, anything put there by hand); returns how many entries were removed."""
        removed = len(self._entries())
        if self.directory.is_dir():
            for folder in self.directory.glob("[0-9a-f][0-9a-f]"):
                if folder.is_dir() and not folder.is_symlink():
                    shutil.rmtree(folder, ignore_errors=True)
                else:
                    folder.unlink(missing_ok=True)
        return removed

    def size(self) -> int:
        return len(self._entries())


def _summary(data: dict[str, Any]) -> Summary | None:
    """The Summary an entry holds, made safe as any text entering is; None for any other shape (an entry
    written by hand or by another version must not be shown as a summary verbatim)."""
    optional = (str, type(None))
    notes = data.get("notes", [])
    kind = data.get("fallback_kind")
    if not (isinstance(data.get("engine"), str) and data["engine"]
            and all(isinstance(data.get(k), optional) for k in ("model", "fallback", "fallback_kind"))
            and isinstance(notes, list) and all(isinstance(n, str) for n in notes)
            and (kind is None or kind in {k.value for k in FallbackKind})):
        return None
    return safe_value(Summary(data["text"], data["engine"], data.get("model"), data.get("fallback"), tuple(notes),
                              FallbackKind(kind) if kind else None))


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
