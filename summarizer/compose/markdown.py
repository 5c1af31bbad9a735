"""Briefing → Markdown (GitHub-flavoured): the same contents as the .docx, without the chart."""

from __future__ import annotations

import re
from pathlib import Path

from ..types import Briefing, BriefingItem
from . import layout


def anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows] + [""]


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
    masthead = [layout.issue_label(briefing.issue)] if briefing.issue else []
    masthead += [m for m in (briefing.unit, layout.chinese_date(briefing.date)) if m]
    lines = [f"# {briefing.title}", "", " · ".join(masthead), "", "## 目录", ""]
    lines += [f"{'  ' * (level - 1)}- [{text}](#{anchor(text)})" for level, text in layout.toc_entries(briefing)]
    lines += ["", f"## {layout.OVERVIEW}", ""]
    if briefing.overview:
        lines += [briefing.overview.text, ""]
    lines += [line for note in layout.overview_notes(briefing) for line in (f"<small>{note}</small>", "")]
    if rows := layout.region_rows(briefing):
        lines += [layout.REGION_TABLE, "", *_table(layout.REGION_HEADER, rows)]
        if note := layout.merged_note(briefing):
            lines += [f"<small>{note}</small>", ""]
    method = layout.mixed_methods(briefing)
    for section in briefing.sections:
        lines += [f"## {section.name}", ""]
        for city in section.cities:
            if name := layout.city_heading(section, city):
                lines += [f"### {name}", ""]
            for item in city.items:
                lines += ["#" + line if line.startswith("### ") else line for line in _item(item, method)]
    lines += [f"## {layout.APPENDIX}", "", f"### {layout.SOURCES}", ""]
    lines += _table(layout.SOURCE_HEADER, layout.source_rows(briefing))
    lines += [f"### {layout.SKIPPED}", ""]
    lines += [f"- {layout.skipped_line(s)}" for s in briefing.skipped] or [f"- {layout.NONE}"]
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(briefing: Briefing, path: Path) -> None:
    path.write_text(to_markdown(briefing), encoding="utf-8")
