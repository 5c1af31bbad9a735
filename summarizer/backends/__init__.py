"""Summarisation engines, and the registry that names them (``--backend NAME``).

    backends/
      base.py          the engine protocol and its declared capabilities
      options.py       one validated options dataclass per engine and generator
      registry         (here) name → engine, or name → generator driven by the prompt engine
      extractive/      the extractive engine and its internals (spans, headline)
      engine.py        the prompt-driven engine: prompts, guard retry, titles, 综述, map-reduce
      output.py        what it does with model text: hygiene, when to stop, long inputs in parts
      generators/      transport: transformers, llama.cpp, OpenAI-compatible HTTP — one file each

A registry entry is either an engine class (it summarises by itself) or a generator class (the
prompt engine drives it). Adding a way to run models is one generator file plus one line in
``BACKENDS``; its ``Options`` become CLI flags and config keys. Entries load their module only
when used, and modules import torch, llama_cpp or httpx only when a model is loaded, so
``import summarizer`` and the extractive path stay light.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UnknownBackendError
from .base import Capabilities, Completing, Engine, Retrying, Summarizer, Titling
from .options import NoOptions, Options, parse

__all__ = ["ALIASES", "BACKENDS", "Backend", "Capabilities", "Completing", "Engine", "Retrying", "Summarizer",
           "Titling", "backend_names", "get_backend", "lookup", "option_classes", "register_backend",
           "resolve_backend"]


@dataclass(frozen=True)
class Backend:
    """One name ``--backend`` takes: an engine class, or a generator class the prompt engine drives."""

    name: str
    target: str | Callable[..., Any]  # "module:Class" (relative to this package), or the class/factory itself
    about: str = ""
    generator: bool = False
    options: type[Options] | None = field(default=None, compare=False)  # None: the class's own ``Options``

    def load(self) -> Any:
        if not isinstance(self.target, str):
            return self.target
        module, cls = self.target.split(":")
        return getattr(importlib.import_module(module, __name__), cls)

    def option_classes(self) -> list[type[Options]]:
        """The options this entry takes: the prompt engine's and the generator's, or the engine's."""
        own = self.options or self.load().Options
        if not self.generator:
            return [own]
        from .engine import EngineOptions

        return [EngineOptions, own]


BACKENDS: dict[str, Backend] = {
    # Its options declared here: the CLI builds its flags from the registry without importing numpy.
    "extractive": Backend("extractive", ".extractive:ExtractiveSummarizer",
                          "sentences and clauses picked from the article: no model, cannot invent a fact",
                          options=NoOptions),
    "transformers": Backend("transformers", ".generators.transformers:CausalGenerator",
                            "a chat model in-process with Hugging Face transformers (folder or hub id)", True),
    "seq2seq": Backend("seq2seq", ".generators.transformers:Seq2SeqGenerator",
                       "an encoder-decoder summariser in-process (mT5, Pegasus, BART)", True),
    "llama.cpp": Backend("llama.cpp", ".generators.llamacpp:LlamaCppGenerator",
                         "a .gguf file in-process with llama-cpp-python (the llama extra)", True),
    "openai": Backend("openai", ".generators.openai:OpenAIGenerator",
                      "any OpenAI-compatible /v1/chat/completions server (vLLM, llama.cpp, Ollama, cloud APIs)", True),
}
ALIASES = {"chat": "transformers"}  # the name the transformers engine had before the generators


def backend_names() -> list[str]:
    return ["auto", *BACKENDS]


def lookup(name: str) -> Backend:
    """The registry entry for ``name`` (or its alias).

    Raises:
        UnknownBackendError: no engine has that name.
    """
    try:
        return BACKENDS[ALIASES.get(name, name)]
    except KeyError:
        raise UnknownBackendError(f"unknown backend {name!r}; choose one of: {', '.join(backend_names())}") from None


def register_backend(name: str, target: Callable[..., Any], *, options: type[Options] | None = None,
                     generator: bool = False, about: str = "") -> None:
    """Make an engine (or, with ``generator=True``, a generator) available as ``--backend name``.

    ``target`` is called with its validated options object: a class declaring ``Options`` (as
    ``Engine`` subclasses do), or any factory, then with ``options`` naming its options class.
    """
    if options is None and not generator and not (isinstance(target, type) and issubclass(target, Engine)):
        options = NoOptions
    BACKENDS[name] = Backend(name, target, about, generator, options)


def option_classes(name: str) -> list[type[Options]]:
    return lookup(name).option_classes()


def get_backend(name: str, **options: Any) -> Summarizer:
    """Build the engine registered as ``name`` with ``options`` (checked against its options classes).

    Raises:
        UnknownBackendError: no engine has that name.
        ConfigError: an option the engine does not take (naming those it does), or a bad value.
        ModelLoadError: the engine's model cannot be loaded.
    """
    backend = lookup(name)
    values = parse(backend.option_classes(), options, backend.name)
    target = backend.load()
    if not backend.generator:
        engine: Summarizer = target(values[0])
        return engine
    from .engine import PromptEngine

    engine_options, generator_options = values
    return PromptEngine(backend.name, target(generator_options), engine_options)  # type: ignore[arg-type]


def resolve_backend(backend: str, options: Mapping[str, Any]) -> str:
    """The engine ``backend`` stands for, without loading anything.

    ``auto``: ``openai`` when a ``base_url`` is given; for a ``model``, ``llama.cpp`` for a .gguf
    file, ``seq2seq`` for a local encoder-decoder folder (config.json ``is_encoder_decoder``),
    else ``transformers``; without a model, ``extractive``.

    Raises:
        UnknownBackendError: ``backend`` is not a known engine.
    """
    if backend != "auto":
        return lookup(backend).name
    model = options.get("model")
    if options.get("base_url"):
        return "openai"
    if not model:
        return "extractive"
    if str(model).lower().endswith(".gguf"):
        return "llama.cpp"
    config = Path(str(model)).expanduser() / "config.json"
    if config.is_file():
        try:
            if json.loads(config.read_text(encoding="utf-8")).get("is_encoder_decoder"):
                return "seq2seq"
        except (OSError, json.JSONDecodeError):
            pass
    return "transformers"
