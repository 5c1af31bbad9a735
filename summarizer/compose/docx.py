"""Briefing → .docx. Styles come from the template (``templates/plain.docx``, ``gongwen.docx`` or the user's).

Layout: masthead (title, 期号, 编印单位 and date over a red rule), 目录 (a TOC field), 综述 with its
notes, a bar chart and a table of regions × stories (综述 and 附录 in the Part Heading style, which
looks like Heading 1), one Heading 1 per province (and 多地/全国/其他地区) and Heading 2 per city,
each article (title, meta line, summary, 关键数据, 关键词, engine note), and an appendix with the
source list and the skipped files. A4; header: the title; footer: 第 X 页 共 Y 页 (PAGE/NUMPAGES).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from importlib import resources
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Cm, Pt

from ..errors import OutputError
from ..types import Briefing, BriefingItem
from . import layout
from .chart import province_chart  # imports matplotlib only when drawing
from .fields import add_field, add_toc, update_fields_on_open
from .wml import BodyWriter, body_writer, run, spooled

log = logging.getLogger(__name__)

TEMPLATES = {"plain": "plain.docx", "gongwen": "gongwen.docx"}
DEFAULT_TEMPLATE = "plain"
KEEP_ROWS = 10  # a region table up to this many rows is kept on one page
TABLE_STYLE = "Table Grid"  # the tables' borders, when the template has it
REQUIRED_STYLES = ("Title", "Subtitle", "Masthead", "TOC Heading", "toc 1", "toc 2", "Part Heading", "Heading 1",
                   "Heading 2", "Heading 3", "Normal", "Meta", "Key Figure", "Keywords", "Engine Note", "List Bullet",
                   "Table Text", "Caption", "Header", "Footer")


def check_template(template: str | Path | None) -> None:
    """Raise OutputError now if ``template`` is neither a packaged template's name nor a file."""
    name = str(template) if template is not None else DEFAULT_TEMPLATE
    if name not in TEMPLATES and not Path(name).is_file():
        raise OutputError(f"template {name} not found: give {' or '.join(TEMPLATES)}, or the path of a .docx")


def _open_template(template: str | Path | None) -> Any:  # a docx.document.Document
    check_template(template)
    name = str(template) if template is not None else DEFAULT_TEMPLATE
    if name in TEMPLATES:
        with resources.as_file(resources.files(__package__) / "templates" / TEMPLATES[name]) as path:
            doc = Document(str(path))
    else:
        try:
            doc = Document(name)
        except Exception as exc:  # python-docx raises several types for a bad file
            raise OutputError(f"cannot use template {name}: {exc}") from exc
    names = {s.name for s in doc.styles}
    missing = [s for s in REQUIRED_STYLES if s not in names]
    if missing:
        raise OutputError(f"template {name} lacks styles: {', '.join(missing)}; start from a copy of "
                          f"summarizer/compose/templates/plain.docx")
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):  # keep page setup, drop any sample content
            body.remove(child)
    return doc


def render_docx(briefing: Briefing, path: Path, *, template: str | Path | None = None) -> None:
    """Write ``briefing`` as a Word file at ``path``.

    Args:
        template: ``plain`` (default), ``gongwen``, or the path of a .docx holding ``REQUIRED_STYLES``.

    Raises:
        OutputError: the template is missing, unreadable or lacks a style.
    """
    doc = _open_template(template)
    _page_furniture(doc, briefing.title)
    with spooled(doc) as spool:
        with body_writer(doc) as body:
            _masthead(body, briefing)
            body.paragraph("目录", "TOC Heading")
            add_toc(body, layout.toc_entries(briefing), levels=layout.toc_levels(briefing))
            update_fields_on_open(doc)
            _overview(body, briefing)
            spool.start(body)  # the news and the appendix: written out story by story, not held as one tree
            method = layout.mixed_methods(briefing)
            for section in briefing.sections:
                # No page break before the news: what room the table leaves on its page is the news's (a
                # forced break left that page mostly blank).
                body.paragraph(section.name, "Heading 1")
                for city in section.cities:
                    if name := layout.city_heading(section, city):
                        body.paragraph(name, "Heading 2")
                    for item in city.items:
                        _add_item(body, item, method)
                        spool.flush()
            _appendix(body, briefing)
        _properties(doc, briefing)
        spool.save(path)


def _properties(doc: Any, briefing: Briefing) -> None:
    """File properties (shown by Word's Info pane and file managers) instead of the template's."""
    props = doc.core_properties
    props.title = _property(briefing.title)
    props.subject = _property(layout.issue_label(briefing.issue) if briefing.issue else "")
    props.author = props.last_modified_by = _property(briefing.unit or "")
    props.keywords = _property("、".join(s.name for s in briefing.sections))
    props.created = props.modified = dt.datetime.combine(briefing.date, dt.time())
    props.revision = 1


# Word's limit on a text property (python-docx enforces it); the masthead keeps the whole title.
_PROPERTY_LIMIT = 255


def _property(text: str) -> str:
    return text if len(text) <= _PROPERTY_LIMIT else text[: _PROPERTY_LIMIT - 1] + "…"


def _page_furniture(doc: Any, title: str) -> None:
    for section in doc.sections:
        section.header.is_linked_to_previous = False
        header = section.header.paragraphs[0]
        header.text, header.style = title, doc.styles["Header"]
        footer = section.footer.paragraphs[0]
        footer.text, footer.style = "", doc.styles["Footer"]
        footer.add_run("第 ")
        add_field(footer, "PAGE", "1")
        footer.add_run(" 页 共 ")
        add_field(footer, "NUMPAGES", "1")
        footer.add_run(" 页")


def _masthead(body: BodyWriter, briefing: Briefing) -> None:
    body.paragraph(briefing.title, "Title")
    if briefing.issue:
        body.paragraph(layout.issue_label(briefing.issue), "Subtitle")
    body.paragraph(f"{briefing.unit or ''}\t{layout.chinese_date(briefing.date)}", "Masthead")


def _overview(body: BodyWriter, briefing: Briefing) -> None:
    body.paragraph(layout.OVERVIEW, "Part Heading")
    if briefing.overview:
        body.paragraph(briefing.overview.text)
    for note in layout.overview_notes(briefing):
        body.paragraph(note, "Engine Note")
    # The chart, then the table, then the news, with no forced breaks: a picture too tall for the room
    # left goes to the next page, so it comes right after the 综述's few lines, where the page has room;
    # the table after it flows on over pages (its header repeated), and the news follows.
    counts = layout.province_counts(briefing)
    png = province_chart(counts) if len(counts) > 1 else None  # one bar compares nothing (a province's own briefing)
    if png is not None:
        holder = body.add_paragraph(style="Caption")
        holder.paragraph_format.keep_with_next = True  # the picture with its caption
        # Single spacing and a gap: LibreOffice otherwise lets the picture cover the text above.
        holder.paragraph_format.line_spacing, holder.paragraph_format.space_before = 1.0, Pt(8)
        picture = holder.add_run().add_picture(io.BytesIO(png), width=Cm(14))
        # Alt text: screen readers and text extraction get the numbers the picture shows.
        picture._inline.docPr.set("descr", "各省份新闻篇数：" + "，".join(f"{n}{c}篇" for n, c in counts))
        body.paragraph("图1　各省份新闻篇数", "Caption")
    if rows := layout.region_rows(briefing):
        body.paragraph(layout.REGION_TABLE, "Caption", keep_with_next=True)
        # A table of a few rows stays on one page; a longer one may break (a long one kept whole would
        # leave the rest of its page blank).
        body.table(layout.REGION_HEADER, rows, (4.0, 7.5, 2.0), style=TABLE_STYLE, keep_together=len(rows) <= KEEP_ROWS)
        if note := layout.merged_note(briefing):
            body.paragraph(note, "Engine Note")


def _add_item(body: BodyWriter, item: BriefingItem, method: bool) -> None:
    paragraph = body.paragraph
    paragraph(layout.item_title(item), "Heading 3")
    if meta := layout.meta_line(item):
        paragraph(meta, "Meta")
    if see_also := layout.see_also(item):
        paragraph(see_also, "Meta")
    paragraph(item.summary.text)
    if item.key_figures:
        paragraph(layout.FIGURES, "Meta")
        for figure in item.key_figures:
            line = paragraph(style="Key Figure")
            run(line, figure.text, bold=True)
            run(line, f"　{layout.excerpt(figure)}")
    if item.keywords:
        paragraph(layout.KEYWORDS + "、".join(item.keywords), "Keywords")
    if note := layout.engine_note(item, method=method):
        paragraph(note, "Engine Note")
    if item.related:
        run(paragraph(style="Meta"), layout.RELATED, bold=True)
    for related in item.related:
        line = paragraph(style="List Bullet")
        run(line, layout.item_title(related), bold=True)
        if meta := layout.meta_line(related):
            run(line, f"　{meta}")
        if see_also := layout.see_also(related):
            paragraph(see_also, "Meta")
        paragraph(related.summary.text)
        if note := layout.engine_note(related, method=method):
            paragraph(note, "Engine Note")


def _appendix(body: BodyWriter, briefing: Briefing) -> None:
    body.add_paragraph(layout.APPENDIX, "Part Heading").paragraph_format.page_break_before = True
    body.paragraph(layout.SOURCES, "Heading 2")
    body.table(layout.SOURCE_HEADER, layout.source_rows(briefing), (1.2, 6.0, 2.8, 2.2, 3.8), style=TABLE_STYLE)
    body.paragraph(layout.SKIPPED, "Heading 2")
    if not briefing.skipped:
        body.paragraph(layout.NONE, "List Bullet")
    for skipped in briefing.skipped:
        body.paragraph(layout.skipped_line(skipped), "List Bullet")

