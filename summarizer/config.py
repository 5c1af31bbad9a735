"""Settings: defaults in code, a TOML file overrides only the keys it sets.

The file is ``summarizer.toml`` in the working directory, or the path in
``$SUMMARIZER_CONFIG``. Example::

    [brief]
    title = "物业行业新闻简报"
    backend = "auto"
    max_chars = 150
    issue = 12                  # 期号 (shown as 第12期; a text such as "2024年第3期" is kept as is)
    unit = "某某协会秘书处"      # 编印单位
    template = "gongwen"        # plain (default) | gongwen | path/to/your.docx
    dedup = true                # merge reprints into one entry, group related reports (false: every article)
    sort = "newest"             # stories of a city: newest | oldest (by date, undated last) | input

    [models]             # the model engines (chat, seq2seq); the CLI's --quantize/--threads/--dtype win
    dtype = "auto"              # chat: auto (mixed on bf16 hardware, else float32) | mixed | bfloat16 | float32
    quantize = "none"           # none | int8 (dynamic int8 weights, float32 activations)
    threads = 2                 # CPU threads (default: one per physical core)

    [regions]            # names the region resolver should read as a place (or "" for: not a place)
    "铁塔社区" = "山东省聊城市东昌府区"
    "东方今报" = ""
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_CONFIG = Path("summarizer.toml")


@dataclass(frozen=True, kw_only=True)
class Settings:
    title: str = "新闻简报"
    backend: str = "auto"
    model: str | None = None
    max_chars: int = 150
    template: str | None = None  # plain | gongwen | a .docx path (see compose/docx.py)
    dedup: bool = True  # merge reprints, group related reports (summarizer.dedup)
    sort: str = "newest"  # the stories of a city: newest | oldest | input (compose.briefing.ORDERS)
    # [regions]: a name (estate, outlet, nickname) → the region it stands for; "" = not a place.
    region_aliases: Mapping[str, str] = field(default_factory=dict)
    issue: str | None = None  # 期号 on the masthead
    unit: str | None = None  # 编印单位 on the masthead
    # [models]: engine options; None leaves the engine's default
    dtype: str | None = None
    quantize: str | None = None
    threads: int | None = None

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given keys replaced; None values mean "not given" and are ignored."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def load_settings(path: str | Path | None = None) -> Settings:
    """Read settings from ``path`` (or the default locations); missing file → defaults.

    Raises:
        ConfigError: the file is not valid TOML or sets an unknown key or a wrong type.
    """
    explicit = path is not None or "SUMMARIZER_CONFIG" in os.environ
    file = Path(path or os.environ.get("SUMMARIZER_CONFIG") or DEFAULT_CONFIG)
    if not file.is_file():
        if explicit:
            raise ConfigError(f"config file not found: {file}")
        return Settings()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML ({exc})") from exc
    section = data.get("brief", {})
    aliases = data.get("regions", {})
    bad = {k: v for k, v in aliases.items() if not isinstance(v, str)} if isinstance(aliases, dict) else aliases
    if bad:
        raise ConfigError(f"{file}: [regions] maps a name to a region written as text, e.g. "
                          f'"铁塔社区" = "聊城市东昌府区"; got {bad!r}')
    known = {f.name: f for f in fields(Settings) if f.name not in {"region_aliases", *_MODEL_KEYS}}
    if isinstance(section.get("issue"), int) and not isinstance(section["issue"], bool):
        section["issue"] = str(section["issue"])  # 期号 = 12 is as natural as "12"
    for key, value in section.items():
        if key not in known:
            raise ConfigError(f"{file}: unknown key [brief].{key}; known keys: {', '.join(known)}")
        expected = {"max_chars": int, "dedup": bool}.get(key, str)
        if not isinstance(value, expected):
            raise ConfigError(f"{file}: [brief].{key} must be {expected.__name__}, got {value!r}")
    return Settings().with_overrides(**section, **_models(file, data.get("models", {})), region_aliases=aliases or None)


_MODEL_KEYS = ("dtype", "quantize", "threads")


def _models(file: Path, section: Any) -> dict[str, Any]:
    """The [models] section, checked: the engines' own option checks, as config errors naming the file."""
    from .backends.hf import dtype_option, quantize_option  # no torch: the checks are plain Python
    from .errors import ModelLoadError

    if not isinstance(section, dict):
        raise ConfigError(f"{file}: [models] must be a table, e.g. [models] then dtype = \"auto\"")
    for key, value in section.items():
        if key not in _MODEL_KEYS:
            raise ConfigError(f"{file}: unknown key [models].{key}; known keys: {', '.join(_MODEL_KEYS)}")
        if key == "threads":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{file}: [models].threads must be a whole number of at least 1, got {value!r}")
            continue
        try:
            (dtype_option if key == "dtype" else quantize_option)(value if isinstance(value, str) else repr(value))
        except ModelLoadError as exc:
            raise ConfigError(f"{file}: [models].{key}: {exc}") from None
    return dict(section)
