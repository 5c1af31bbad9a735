"""What every engine is, and what it declares it can do besides summarising.

An engine is anything with ``name``, ``model_name``, ``capabilities``, ``fingerprint`` and
``summarize(articles, *, max_chars) -> list[Summary]`` (one summary per article, same order).
``Capabilities`` says which optional methods it has; the pipeline reads those flags and never
probes for methods. ``Engine`` is a base class with the defaults (no options, nothing optional,
never cached).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from ..types import Article, Summary
from .options import NoOptions, Options


@dataclass(frozen=True)
class Capabilities:
    """The optional methods an engine has, and how much work it takes at once."""

    retry: bool = False  # retry(articles, *, max_chars, problems) -> list[Summary]: the strict second try
    titles: bool = False  # titles(articles, *, max_chars) -> list[str | None]: headlines
    overview: bool = False  # complete(prompt, *, max_chars) -> str: the 综述 from a rendered prompt
    batch: int = 8  # articles it works on together; the pipeline hands it a few batches a call


class Summarizer(Protocol):
    name: str
    model_name: str | None  # the model for people (Summary.model), None for an engine without one
    capabilities: Capabilities
    # What decides the output besides the article (engine, model, prompts, settings): the summary
    # cache's key part. None: the engine is never cached.
    fingerprint: str | None

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        """One summary per article, in order, each at most ``max_chars`` characters."""
        ...


class Retrying(Summarizer, Protocol):
    def retry(self, articles: Sequence[Article], *, max_chars: int,
              problems: Sequence[Sequence[str]]) -> list[Summary]:
        """Summarise again, told per article what was not in the source (``[""]``: the summary was empty)."""
        ...


class Titling(Summarizer, Protocol):
    def titles(self, articles: Sequence[Article], *, max_chars: int = 30) -> list[str | None]:
        """A headline per article: "" where the model wrote none, None where its request failed (try again later)."""
        ...


class Completing(Protocol):
    def complete(self, prompt: str, *, max_chars: int) -> str:
        """One answer to a rendered prompt (e.g. ``prompts/overview.txt``), cleaned, within ``max_chars``."""
        ...


class Engine:
    """A base for engines: takes its ``Options``, declares nothing optional, is never cached."""

    name: ClassVar[str] = "engine"
    Options: ClassVar[type[Options]] = NoOptions
    capabilities: ClassVar[Capabilities] = Capabilities()
    fingerprint: str | None = None
    model_name: str | None = None

    def __init__(self, options: Options | None = None) -> None:
        self.options = options if options is not None else self.Options()

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        raise NotImplementedError
