"""YAML front matter, read safely. Its own module so that PyYAML is imported only for a file that
has a front-matter block (``readers.split_front_matter`` finds the block first)."""

from __future__ import annotations

import yaml


class AliasError(ValueError):
    """The block uses an alias (*name): only YAML writes one, so the block is front matter, dropped unread."""


class _FrontMatterLoader(yaml.SafeLoader):
    """The safe loader without aliases: metadata never needs them, and nested aliases (a "billion
    laughs" of 963 bytes) expand to gigabytes."""

    def compose_node(self, parent: object, index: object) -> object:
        if self.check_event(yaml.AliasEvent):
            raise AliasError("front matter uses an alias (*name)")
        return super().compose_node(parent, index)  # type: ignore[arg-type]


def parse(block: str) -> dict[object, object] | None:
    """The mapping a front-matter block holds; None when it is malformed or not a mapping.

    Raises:
        AliasError: the block uses an alias.
    """
    try:
        data = yaml.load(block, Loader=_FrontMatterLoader)  # a SafeLoader: only plain data
    except (yaml.YAMLError, RecursionError):
        return None
    return data if isinstance(data, dict) else None
