"""Briefing → .docx. Styles come from the template (``templates/default.docx`` or the user's)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from docx import Document

from ..errors import OutputError
from ..types import Briefing, BriefingItem

DEFAULT_TEMPLATE = "default.docx"
REQUIRED_STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Normal", "Meta",
                   "Engine Note", "List Bullet")


def _open_template(template: str | Path | None) -> Any:  # a docx.document.Document
    if template is None:
        with resources.as_file(resources.files(__package__) / "templates" / DEFAULT_TEMPLATE) as path:
            doc = Document(str(path))
    else:
        try:
            doc = Document(str(template))
        except Exception as exc:  # python-docx raises several types for a bad file
            raise OutputError(f"cannot use template {template}: {exc}") from exc
    names = {s.name for s in doc.styles}
    missing = [s for s in REQUIRED_STYLES if s not in names]
    if missing:
        raise OutputError(f"template {template or DEFAULT_TEMPLATE} lacks styles: {', '.join(missing)}")
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):  # keep page setup, drop any sample content
            body.remove(child)
    return doc


def _meta_line(item: BriefingItem) -> str:
    a = item.article
    parts = [a.source, a.date.isoformat() if a.date else None, a.region.county, a.url or a.name]
    return " · ".join(p for p in parts if p)


def render_docx(briefing: Briefing, path: Path, *, template: str | Path | None = None) -> None:
    doc = _open_template(template)
    doc.add_paragraph(briefing.title, style="Title")
    doc.add_paragraph(
        f"{briefing.date:%Y年%m月%d日} · 共 {len(briefing.items)} 篇 · {len(briefing.sections)} 个地区",
        style="Subtitle",
    )
    for section in briefing.sections:
        doc.add_heading(section.name, level=1)
        for city in section.cities:
            if city.name:
                doc.add_heading(city.name, level=2)
            for item in city.items:
                _add_item(doc, item)
    if briefing.skipped:
        doc.add_heading("附录：未能读取的文件", level=1)
        for skipped in briefing.skipped:
            doc.add_paragraph(f"{skipped.path.name}：{skipped.reason}", style="List Bullet")
    doc.save(str(path))


def _add_item(doc: Any, item: BriefingItem) -> None:
    title = item.article.title + ("（标题由系统生成）" if item.article.title_derived else "")
    doc.add_heading(title, level=3)
    if meta := _meta_line(item):
        doc.add_paragraph(meta, style="Meta")
    doc.add_paragraph(item.summary.text)
    if item.key_figures:
        doc.add_paragraph("关键数据：" + "；".join(f.text for f in item.key_figures), style="Meta")
    note = f"摘要：{item.summary.method}"
    region = item.article.region
    if region.known and region.confidence < 0.5:
        note += f"；地区判断置信度低（{region.confidence:.0%}）"
    doc.add_paragraph(note, style="Engine Note")
