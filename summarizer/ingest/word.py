"""Word files (.docx) → one ``RawDocument``: paragraphs and table rows in document order.

A .docx is a zip of XML parts. Its members' declared sizes are checked before anything is inflated
(``guard.check_archive``); python-docx parses without expanding entities. Headings keep a ``#``
prefix for ``meta`` (style names are looked up once per file, not once per paragraph: 16,000
paragraphs took 42 s that way). A package python-docx cannot open — a malformed styles or
properties part, a bare ``<Types/>`` content-types part, a missing relationship — is read from
``word/document.xml`` alone: the text survives, headings and title from properties do not.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from ..errors import UnreadableFileError
from ..types import SkipKind, SkippedFile
from .guard import check_archive
from .readers import RawDocument

log = logging.getLogger(__name__)

_HEADING_RE = re.compile(r"Heading (\d)")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAIN_PART = "word/document.xml"
# What zipfile raises for a damaged archive or member (bad headers, CRC, deflate stream, method).
_BROKEN_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError)


def read_docx(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
    """The text of a Word file, with its title and author from the document properties.

    Raises:
        UnreadableFileError: not a zip or a damaged one, too large unpacked, no readable main document.
    """
    from lxml import etree

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        check_archive(archive, path)
        try:
            lines, meta = _python_docx(data)
        except (etree.XMLSyntaxError, KeyError, AttributeError, TypeError, *_BROKEN_ZIP) as exc:
            # python-docx reads every part and needs the content types: a broken part anywhere costs
            # it the file. The main document part alone still holds the text.
            log.info("%s: python-docx cannot open it (%s: %s); reading %s alone", path, type(exc).__name__, exc,
                     _MAIN_PART)
            lines, meta = _bare_document(archive, path), {}
    except _BROKEN_ZIP as exc:
        raise UnreadableFileError(path, SkipKind.BAD_DOCX, error=f"{type(exc).__name__}: {exc}") from exc
    return [RawDocument(path, "\n".join(lines), False, meta, "docx")]


def _python_docx(data: bytes) -> tuple[list[str], dict[str, str]]:
    """Lines (headings marked) and the title and author from the document properties."""
    import docx  # python-docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    names = {s.style_id: s.name or "" for s in document.styles}  # once: a lookup per paragraph is slow
    lines = []
    for block in document.iter_inner_content():  # paragraphs and tables in document order
        if isinstance(block, Table):
            lines.extend(_table_rows(block))
            continue
        style = names.get(block._p.style or "", "")
        level = 1 if style == "Title" else int(m.group(1)) if (m := _HEADING_RE.match(style)) else 0
        text = block.text
        lines.append("#" * level + " " + text if level and text.strip() else text)
    core = document.core_properties
    return lines, {k: v for k, v in {"title": core.title, "author": core.author}.items() if v}


def _table_rows(table: Any) -> list[str]:
    """One line per row, cells joined by ｜ (a space would be dropped next to digits by cleaning);
    merged cells, which python-docx repeats, once."""
    rows = []
    for row in table.rows:
        cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
        if cells:
            rows.append("｜".join(cells))
    return rows


def _bare_document(archive: zipfile.ZipFile, path: Path) -> list[str]:
    """Every paragraph of the main document part, read with lxml alone (no entities, no network)."""
    from lxml import etree

    try:
        xml = archive.read(_MAIN_PART)
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    except KeyError as exc:
        raise UnreadableFileError(path, SkipKind.BAD_DOCX, error=f"no {_MAIN_PART}") from exc
    except etree.XMLSyntaxError as exc:
        raise UnreadableFileError(path, SkipKind.BAD_DOCX, error=f"malformed XML: {exc}") from exc
    lines = []
    for p in root.iter(f"{_W}p"):
        parts = [{f"{_W}t": e.text or "", f"{_W}tab": "\t", f"{_W}br": "\n"}.get(e.tag, "")
                 for e in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br")]
        lines.append("".join(parts))
    return lines
