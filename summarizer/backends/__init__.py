"""Summarisation engines behind one narrow interface, and the registry that names them.

An engine is anything with ``name`` and ``summarize(articles, *, max_chars) -> list[Summary]``
(one summary per article, same order). Engines are registered by name with a factory; the
factory imports its heavy dependencies (torch, transformers) only when called, so
``import summarizer`` and the extractive path stay light.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

from ..errors import UnknownBackendError
from ..types import Article, Summary


@runtime_checkable
class Summarizer(Protocol):
    name: str

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        """One summary per article, in order, each at most ``max_chars`` characters."""
        ...


Factory = Callable[..., Summarizer]


def _lazy(module: str, cls: str) -> Factory:
    def factory(**options: Any) -> Summarizer:
        engine: Summarizer = engine_class(module, cls)(**options)
        return engine

    factory.target = (module, cls)  # type: ignore[attr-defined]
    return factory


def engine_class(module: str, cls: str) -> Any:
    return getattr(importlib.import_module(module, __name__), cls)


def engine_methods(name: str) -> frozenset[str]:
    """Which optional methods (``retry``, ``title``, ``complete``) the engine ``name`` has, without
    building it (building a model engine loads the model)."""
    target = getattr(BACKENDS.get(name), "target", None)
    if target is None:
        return frozenset()
    cls = engine_class(*target)
    return frozenset(m for m in ("retry", "title", "complete") if callable(getattr(cls, m, None)))


BACKENDS: dict[str, Factory] = {
    "extractive": _lazy(".extractive", "ExtractiveSummarizer"),
    "seq2seq": _lazy(".seq2seq", "Seq2SeqSummarizer"),
    "chat": _lazy(".chat", "ChatSummarizer"),
}


def register_backend(name: str, factory: Factory) -> None:
    """Make an engine available by name (to the library, the CLI and the config file)."""
    BACKENDS[name] = factory


def get_backend(name: str, **options: Any) -> Summarizer:
    """Build the engine registered as ``name``.

    Raises:
        UnknownBackendError: no engine has that name.
        ModelLoadError: the engine's model cannot be loaded.
    """
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise UnknownBackendError(
            f"unknown backend {name!r}; choose one of: {', '.join(BACKENDS)}"
        ) from None
    return factory(**options)
