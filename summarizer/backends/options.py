"""Engine options: one frozen dataclass per engine or generator, checked when it is built.

trafilatura passes one settings object to its extractor; here every engine and generator declares
``Options``, a dataclass whose fields say their type, default, help line and allowed values
(``option``). The CLI builds its flags from these fields and the config file checks its tables
against them, so adding an option is one field; an unknown option or a bad value is an error that
names the valid ones, never silence.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigError

# ``model`` is an option of every model engine; one help line for the flag they share.
MODEL_HELP = ("The model: hub id or folder (transformers, seq2seq), a .gguf file (llama.cpp), the served "
              "model's name (openai; default: the server's first).")


def option(default: Any, help: str, *, choices: Mapping[str, Any] | None = None, minimum: float | None = None,
           flag: str | None = None) -> Any:
    """A field of an ``Options`` dataclass.

    Args:
        default: the value when not given (None: the engine decides, e.g. one thread per core).
        help: one line for ``--help`` and the README.
        choices: accepted spellings → the value they stand for (``{"bf16": "bfloat16", …}``).
        minimum: the smallest number accepted.
        flag: the command-line flag when it is not ``--`` + the name with dashes.
    """
    return dataclasses.field(default=default, metadata={"help": help, "choices": choices, "minimum": minimum,
                                                        "flag": flag})


@dataclasses.dataclass(frozen=True, kw_only=True)
class Options:
    """Base of every engine's options: checks types, allowed values and minimums after init."""

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            value = _coerce(f.name, value, hints[f.name], f.metadata)
            object.__setattr__(self, f.name, value)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]


def _coerce(name: str, value: Any, hint: Any, meta: Mapping[str, Any]) -> Any:
    """``value`` as the field's type, spelled canonically; a ConfigError names the field and the choices."""
    kinds = [t for t in typing.get_args(hint) if t is not type(None)] if _is_union(hint) else [hint]
    kind = kinds[0]
    choices = meta.get("choices")
    if choices is not None:
        key = str(value).lower()
        if key not in choices:
            raise ConfigError(f"unknown {name}={value!r}; choose one of: {', '.join(dict.fromkeys(map(str, choices)))}")
        return choices[key]
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{name} must be true or false, got {value!r}")
        return value
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float) or (kind is int and value != int(value)):
            raise ConfigError(f"{name} must be a {'whole ' if kind is int else ''}number, got {value!r}")
        value = kind(value)
        minimum = meta.get("minimum")
        if minimum is not None and value < minimum:
            raise ConfigError(f"{name} must be at least {minimum:g}, got {value!r}")
        return value
    if kind is Path:
        return Path(value).expanduser()
    if kind is not str:  # a type these checks do not know: the engine checks it
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be text, got {value!r}")
    return value


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


def field_type(cls: type[Options], name: str) -> Any:
    """The plain type of field ``name`` (``int`` for ``int | None``), for the CLI's flags."""
    hint = typing.get_type_hints(cls)[name]
    kinds = [t for t in typing.get_args(hint) if t is not type(None)] if _is_union(hint) else [hint]
    return kinds[0]


def parse(classes: Iterable[type[Options]], values: Mapping[str, Any], owner: str) -> list[Options]:
    """Split ``values`` over ``classes`` (each key goes to the class that has the field) and build them.

    Raises:
        ConfigError: a key belongs to none of them (the message names the valid ones), or a value is bad.
    """
    classes = list(classes)
    valid = [n for c in classes for n in c.names()]
    unknown = [k for k in values if k not in valid]
    if unknown:
        raise ConfigError(f"{', '.join(sorted(unknown))}: not an option of the {owner} engine; "
                          f"its options: {', '.join(valid) or '(none)'}")
    try:
        return [c(**{k: v for k, v in values.items() if k in c.names() and v is not None}) for c in classes]
    except ConfigError as exc:
        raise ConfigError(f"{owner} engine: {exc}") from None


@dataclasses.dataclass(frozen=True, kw_only=True)
class NoOptions(Options):
    """For engines that take none (the extractive engine)."""


def public(options: Options) -> dict[str, str]:
    """The options as text, for cache keys (no option holds a secret: keys come from the environment)."""
    return {f.name: str(getattr(options, f.name)) for f in dataclasses.fields(options)}


def flag_name(f: Any) -> str:
    """The command-line flag of an option field: its own (``metadata["flag"]``) or ``--name-with-dashes``."""
    return f.metadata.get("flag") or "--" + f.name.replace("_", "-")
