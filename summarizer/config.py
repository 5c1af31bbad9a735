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

    [engines.transformers]   # options of one engine (``summarizer engines`` lists them); the CLI's flags win
    dtype = "auto"              # auto (measured once per CPU) | mixed | bfloat16 | float32
    threads = 2

    [engines.openai]
    base_url = "http://127.0.0.1:8000/v1"
    api_key_env = "DASHSCOPE_API_KEY"   # the key is read from this environment variable, never from here

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

from .errors import ConfigError, SummarizerError

DEFAULT_CONFIG = Path("summarizer.toml")
MIN_CHARS = 10  # the shortest summary budget: below it no sentence fits, only a cut phrase
TABLES = ("brief", "regions", "engines")


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
    # [engines.NAME]: options of the engine NAME (checked against its options), used when it runs
    engines: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Check every value where settings are made — a TOML file, the CLI, or Python — so a bad one is
        one ConfigError before any work, never a crash deep in a run."""
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("region_aliases", "engines"):
                if not isinstance(value, Mapping):
                    raise ConfigError(f"{f.name} must be a table (a mapping), got {value!r}")
                continue
            kind = {"max_chars": int, "dedup": bool}.get(f.name, str)
            is_kind = isinstance(value, kind) and not (kind is int and isinstance(value, bool))  # True is no count
            if is_kind or (value is None and f.default is None):
                continue
            raise ConfigError(f"{f.name} must be {'a whole number' if kind is int else kind.__name__}, got {value!r}")
        if self.max_chars < MIN_CHARS:
            raise ConfigError(f"max_chars must be at least {MIN_CHARS} (characters per summary), got {self.max_chars}")
        from .compose.briefing import check_order

        check_order(self.sort, "sort")

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
    for key, value in data.items():
        if key in (*TABLES, "models"):
            continue
        if not isinstance(value, dict):
            raise ConfigError(f"{file}: {key} = … stands outside any table; settings go under [brief]")
        raise ConfigError(f"{file}: unknown table [{key}]; known tables: {', '.join(TABLES)}")
    for table in ("brief", "regions"):  # [engines] says what it holds itself
        if not isinstance(data.get(table, {}), dict):
            raise ConfigError(f"{file}: {table} must be a table, written [{table}] on a line of its own")
    section = data.get("brief", {})
    aliases = data.get("regions", {})
    bad = {k: v for k, v in aliases.items() if not isinstance(v, str)}
    if bad:
        raise ConfigError(f"{file}: [regions] maps a name to a region written as text, e.g. "
                          f'"铁塔社区" = "聊城市东昌府区"; got {bad!r}')
    known = {f.name: f for f in fields(Settings) if f.name not in {"region_aliases", "engines"}}
    if isinstance(section.get("issue"), int) and not isinstance(section["issue"], bool):
        section["issue"] = str(section["issue"])  # 期号 = 12 is as natural as "12"
    for key in section:  # the values are checked by Settings itself
        if key not in known:
            raise ConfigError(f"{file}: unknown key [brief].{key}; known keys: {', '.join(known)}")
    if "models" in data:
        raise ConfigError(f"{file}: [models] is now one table per engine, e.g. [engines.transformers] with "
                          "dtype, quantize, threads (`summarizer engines` lists each engine's options)")
    engines = _engines(file, data.get("engines", {}))
    try:
        return Settings().with_overrides(**section, engines=engines or None, region_aliases=aliases or None)
    except ConfigError as exc:
        raise ConfigError(f"{file}: [brief].{exc}") from None


def _engines(file: Path, section: Any) -> dict[str, dict[str, Any]]:
    """The [engines.NAME] tables, each checked against the options of the engine NAME."""
    from .backends import lookup, option_classes
    from .backends.options import parse

    if not isinstance(section, dict) or not all(isinstance(v, dict) for v in section.values()):
        raise ConfigError(f"{file}: [engines] holds one table per engine, e.g. [engines.transformers] then "
                          'dtype = "auto"')
    out = {}
    for name, table in section.items():
        try:
            canonical = lookup(name).name
            parse(option_classes(canonical), table, canonical)
        except SummarizerError as exc:
            raise ConfigError(f"{file}: [engines.{name}]: {exc}") from None
        out[canonical] = dict(table)
    return out
