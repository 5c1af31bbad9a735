"""Briefing → Markdown (GitHub-flavoured): the same contents as the .docx, without the chart."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ..types import Briefing, BriefingItem
from . import layout


def anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> Iterator[str]:
    yield from ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    yield from ("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    yield ""


def _note(item: BriefingItem, method: bool) -> list[str]:
    note = layout.engine_note(item, method=method)
    return [f"<small>{note}</small>"] if note else []


def _item(item: BriefingItem, method: bool) -> list[str]:
    lines = [f"### {layout.item_title(item)}", ""]
    if meta := layout.meta_line(item):
        lines += [f"*{meta}*", ""]
    if see_also := layout.see_also(item):
        lines += [f"*{see_also}*", ""]
    lines += [item.summary.text, ""]
    if item.key_figures:
        lines += [layout.FIGURES, ""] + [f"- **{f.text}**　{layout.excerpt(f)}" for f in item.key_figures] + [""]
    if item.keywords:
        lines += [layout.KEYWORDS + "、".join(item.keywords), ""]
    lines += [*_note(item, method), ""]
    if item.related:
        lines += [f"**{layout.RELATED}**", ""]
    for related in item.related:
        meta = layout.meta_line(related)
        lines.append(f"- **{layout.item_title(related)}**" + (f"　*{meta}*" if meta else ""))
        if see_also := layout.see_also(related):
            lines.append(f"  *{see_also}*")
        lines += [f"  {related.summary.text}", *(f"  {n}" for n in _note(related, method))]
    return [*lines, ""] if item.related else lines


def to_markdown(briefing: Briefing) -> str:
    """The whole briefing as Markdown text."""
    return "\n".join(_lines(briefing)).rstrip() + "\n"


def _lines(briefing: Briefing) -> Iterator[str]:
    """The briefing's lines, a story's at a time: a month's briefing is written as it is read."""
    masthead = [layout.issue_label(briefing.issue)] if briefing.issue else []
    masthead += [m for m in (briefing.unit, layout.chinese_date(briefing.date)) if m]
    yield from [f"# {briefing.title}", "", " · ".join(masthead), "", "## 目录", ""]
    yield from (f"{'  ' * (level - 1)}- [{text}](#{anchor(text)})" for level, text in layout.toc_entries(briefing))
    yield from ["", f"## {layout.OVERVIEW}", ""]
    if briefing.overview:
        yield from [briefing.overview.text, ""]
    yield from (line for note in layout.overview_notes(briefing) for line in (f"<small>{note}</small>", ""))
    if rows := layout.region_rows(briefing):
        yield from [layout.REGION_TABLE, "", *_table(layout.REGION_HEADER, rows)]
        if note := layout.merged_note(briefing):
            yield from [f"<small>{note}</small>", ""]
    method = layout.mixed_methods(briefing)
    for section in briefing.sections:
        yield from [f"## {section.name}", ""]
        for city in section.cities:
            if name := layout.city_heading(section, city):
                yield from [f"### {name}", ""]
            for item in city.items:
                yield from ("#" + line if line.startswith("### ") else line for line in _item(item, method))
    yield from [f"## {layout.APPENDIX}", "", f"### {layout.SOURCES}", ""]
    yield from _table(layout.SOURCE_HEADER, layout.source_rows(briefing))
    yield from [f"### {layout.SKIPPED}", ""]
    yield from [f"- {layout.skipped_line(s)}" for s in briefing.skipped] or [f"- {layout.NONE}"]


def render_markdown(briefing: Briefing, path: Path) -> None:
    """``to_markdown(briefing)`` written to ``path`` as its lines come: never the whole text in memory."""
    with path.open("w", encoding="utf-8") as out:
        _write_stripped(out, _lines(briefing))


def _write_stripped(out: IO[str], lines: Iterable[str]) -> None:
    """``"\\n".join(lines).rstrip() + "\\n"`` written to ``out`` a line at a time: whitespace is held
    back until something follows it, so what ends the text is dropped as ``rstrip`` drops it."""
    pending = ""
    for k, line in enumerate(lines):
        text = pending + ("\n" if k else "") + line
        kept = text.rstrip()
        if kept:
            out.write(kept)
            pending = text[len(kept):]
        else:
            pending = text
    out.write("\n")
