"""Briefing → JSON for pipelines and web pages; the schema is ``briefing.schema.json`` beside this file.

Top level: ``schema`` ("summarizer.briefing/2"), masthead (``title issue unit date``), ``overview``,
``counts``, ``sections`` (province → cities → items) and ``skipped``. Dates are ISO 8601 strings.
Each item is one story: its ``reprints`` (the other copies, merged) and its ``related`` reports
(other stories on the same event, each an item). Version 2 counts stories, not articles.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..types import Article, Briefing, BriefingItem
from .layout import counts, reprint_count, story_count

SCHEMA_ID = "summarizer.briefing/2"
SCHEMA_FILE = Path(__file__).with_name("briefing.schema.json")


def _copy(a: Article) -> dict[str, Any]:
    return {"title": a.title, "source": a.source, "date": a.date.isoformat() if a.date else None, "url": a.url,
            "file": str(a.path) if a.path else None, "part": a.part}


def _item(item: BriefingItem) -> dict[str, Any]:
    a, s, r = item.article, item.summary, item.article.region
    return {
        **_copy(a),
        "title_derived": a.title_derived,
        "region": {"province": r.province, "city": r.city, "county": r.county, "code": r.code, "scope": r.scope,
                   "confidence": round(r.confidence, 3), "label": r.label(), "reason": r.reason},
        "summary": {"text": s.text, "engine": s.engine, "model": s.model, "fallback": s.fallback,
                    "method": s.method},
        "key_figures": [{"text": f.text, "value": f.value, "unit": f.unit, "sentence": f.sentence}
                        for f in item.key_figures],
        "keywords": list(item.keywords),
        "reprints": [_copy(c) for c in item.reprints],
        "related": [_item(i) for i in item.related],
    }


def to_json_data(briefing: Briefing) -> dict[str, Any]:
    """The briefing as plain data following ``briefing.schema.json``."""
    return _data(briefing, lambda items: [_item(i) for i in items])


def _data(briefing: Briefing, stories: Callable[[Sequence[BriefingItem]], Any]) -> dict[str, Any]:
    """``to_json_data``, each city's items as ``stories`` gives them (a list, or ``_Stories`` to stream)."""
    n, n_prov, n_city = counts(briefing.sections)
    merged = reprint_count(briefing.items)
    return {
        "schema": SCHEMA_ID,
        "title": briefing.title,
        "issue": briefing.issue,
        "unit": briefing.unit,
        "date": briefing.date.isoformat(),
        "overview": {"text": briefing.overview.text, "method": briefing.overview.method}
        if briefing.overview else None,
        "counts": {"stories": n, "reprints": merged, "articles": n + merged, "provinces": n_prov,
                   "cities": n_city, "skipped": len(briefing.skipped)},
        "sections": [
            {"name": s.name, "code": s.code, "scope": s.scope, "stories": story_count(s.items),
             "cities": [{"name": c.name or None, "items": stories(c.items)} for c in s.cities]}
            for s in briefing.sections
        ],
        "skipped": [{"file": str(k.path), "reason": k.reason} for k in briefing.skipped],
    }


class _Stories:
    """A city's items, made into JSON data one at a time as ``_encoded`` reaches them."""

    def __init__(self, items: Sequence[BriefingItem]) -> None:
        self.items = items


_INDENT = "  "


def _encoded(value: Any, level: int = 0) -> Iterator[str]:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` in pieces, ``_Stories`` read as arrays of
    their items: a month's briefing is written a story at a time, never held as one text."""
    inner = "\n" + _INDENT * (level + 1)
    if isinstance(value, dict) and value:
        yield "{"
        for k, (key, each) in enumerate(value.items()):
            yield ("," if k else "") + inner + json.dumps(key, ensure_ascii=False) + ": "
            yield from _encoded(each, level + 1)
        yield "\n" + _INDENT * level + "}"
    elif isinstance(value, _Stories) and value.items:
        yield "["
        for k, each in enumerate(value.items):  # a story's data is small: dumped whole, indented to its place
            yield ("," if k else "") + inner + json.dumps(_item(each), ensure_ascii=False,
                                                          indent=len(_INDENT)).replace("\n", inner)
        yield "\n" + _INDENT * level + "]"
    elif isinstance(value, list | tuple) and value:
        yield "["
        for k, each in enumerate(value):
            yield ("," if k else "") + inner
            yield from _encoded(each, level + 1)
        yield "\n" + _INDENT * level + "]"
    else:
        yield json.dumps([] if isinstance(value, _Stories) else value, ensure_ascii=False)


def render_json(briefing: Briefing, path: Path) -> None:
    """``to_json_data(briefing)`` written to ``path`` as JSON (indented by two), a story at a time."""
    with path.open("w", encoding="utf-8") as out:
        for piece in _encoded(_data(briefing, _Stories)):
            out.write(piece)
        out.write("\n")
