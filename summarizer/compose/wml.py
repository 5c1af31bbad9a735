"""A document body written with lxml directly: paragraphs, runs and tables appended in order.

python-docx puts each new paragraph or table before the body's ``w:sectPr``, which it finds by
searching the body's children (``insert_element_before`` → ``first_child_found_in``): each paragraph
costs as much as the document is long, and a month's briefing spent most of its rendering there
(3.9 ms an article at 5,000, issue 20). ``BodyWriter`` takes the ``w:sectPr`` out, appends, and puts
it back last. It writes the XML python-docx's ``add_paragraph``, ``add_run`` and ``add_table`` write,
element and attribute order included (``tests/test_compose_wml.py`` compares them), less the empty
``w:rPr`` python-docx leaves in a table cell's run when told it is not bold. python-docx still opens the
template, sets the odd paragraph format, adds the picture and saves.
"""

from __future__ import annotations

import itertools
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from lxml import etree
from lxml.etree import SubElement

_P, _PPR, _PSTYLE, _KEEP_NEXT = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:keepNext")
_R, _RPR, _B, _T, _TAB, _BR = qn("w:r"), qn("w:rPr"), qn("w:b"), qn("w:t"), qn("w:tab"), qn("w:br")
_VAL, _W, _TYPE, _SPACE = qn("w:val"), qn("w:w"), qn("w:type"), qn("xml:space")
_TR, _TC, _TC_PR, _TC_W = qn("w:tr"), qn("w:tc"), qn("w:tcPr"), qn("w:tcW")
_PARAGRAPH = WD_STYLE_TYPE.PARAGRAPH
T = TypeVar("T")
_BREAKS_RE = re.compile(r"([\t\r\n])")  # python-docx: a tab is w:tab, a line end w:br
# python-docx's default table look (CT_Tbl._tbl_xml): banded rows, first row and column emphasised.
_TABLE_LOOK = (("firstColumn", "1"), ("firstRow", "1"), ("lastColumn", "0"), ("lastRow", "0"), ("noHBand", "0"),
               ("noVBand", "1"), ("val", "04A0"))


class BodyWriter:
    """Appends to ``doc``'s body; use inside ``body_writer(doc)``, which puts the ``w:sectPr`` back."""

    def __init__(self, doc: Any) -> None:  # a docx.document.Document
        self._doc = doc
        self._body = doc.element.body
        self._style_ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}
        self._defaults: dict[WD_STYLE_TYPE, Any] = {}
        self._names: set[str] | None = None
        self.spool: Spool | None = None  # set by Spool.start: long tables are written out as they grow

    def style_id(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        """The template's id of style ``name``, None for the default style of its kind (it needs no mark),
        as python-docx's ``get_style_id`` says; but looked up once a writer, and the default found once a
        kind (python-docx scans every style of the template for it at each lookup: 4 ms here).

        Raises:
            KeyError: the template has no such style.
            ValueError: the style is of another kind (a table style for a paragraph).
        """
        if (name, kind) not in self._style_ids:
            style = self._doc.styles[name]
            if style.type != kind:
                raise ValueError(f"style {name!r} is a {style.type} style, not a {kind} one")
            if kind not in self._defaults:
                self._defaults[kind] = self._doc.styles.default(kind)
            self._style_ids[(name, kind)] = None if style == self._defaults[kind] else style.style_id
        return self._style_ids[(name, kind)]

    def has_style(self, name: str) -> bool:
        """Whether the template defines a style of that name (of any kind)."""
        if self._names is None:
            self._names = {s.name for s in self._doc.styles}
        return name in self._names

    def paragraph(self, text: str = "", style: str | None = None, *, parent: Any = None,
                  keep_with_next: bool | None = None) -> Any:
        """A new ``w:p`` at the end of ``parent`` (the body): ``text`` in one run (none if empty), in ``style``.

        ``keep_with_next``: True or False writes ``w:keepNext`` (False overrides a style that sets it).
        """
        p = SubElement(self._body if parent is None else parent, _P)
        style_id = self._style_ids.get((style, _PARAGRAPH)) if style else None
        if style_id is None and style:
            style_id = self.style_id(style)
        if style_id is not None or keep_with_next is not None:
            ppr = SubElement(p, _PPR)
            if style_id is not None:
                SubElement(ppr, _PSTYLE).set(_VAL, style_id)
            if keep_with_next is not None:
                keep = SubElement(ppr, _KEEP_NEXT)
                if not keep_with_next:
                    keep.set(_VAL, "0")
        if text:
            run(p, text)
        return p

    def add_paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        """``paragraph`` as python-docx's proxy, for code written against ``Document.add_paragraph``."""
        return Paragraph(self.paragraph(text, style), self._doc)

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[float], *,
              style: str | None = None, keep_together: bool = False) -> None:
        """A fixed-layout table of ``widths`` (cm) in table style ``style`` (if the template has it): a bold
        header row repeated on every page, then ``rows``, every cell one paragraph in Table Text. The
        widths go on the grid (what LibreOffice reads) and on every cell (what Word reads).

        ``keep_together``: keep-with-next on every row but the last, so the table stays on one page
        (``rows`` must then be a sequence); otherwise each paragraph says it need not (a table style may
        ask for it). Other rows are read as they are written (a month's list of sources).
        """
        tbl = SubElement(self._body, qn("w:tbl"))
        tbl_pr = SubElement(tbl, qn("w:tblPr"))
        if style and self.has_style(style) and (style_id := self.style_id(style, WD_STYLE_TYPE.TABLE)) is not None:
            SubElement(tbl_pr, qn("w:tblStyle")).set(_VAL, style_id)
        width = SubElement(tbl_pr, qn("w:tblW"))
        width.set(_TYPE, "auto")
        width.set(_W, "0")
        SubElement(tbl_pr, qn("w:tblLayout")).set(_TYPE, "fixed")
        look = SubElement(tbl_pr, qn("w:tblLook"))
        for name, value in _TABLE_LOOK:
            look.set(qn(f"w:{name}"), value)
        twips = [str(Cm(w).twips) for w in widths]
        grid = SubElement(tbl, qn("w:tblGrid"))
        for w in twips:
            SubElement(grid, qn("w:gridCol")).set(_W, w)
        last = len(rows) if keep_together else 0  # type: ignore[arg-type]

        def row(parent: Any, numbered: tuple[int, Sequence[str]]) -> None:
            n, values = numbered
            tr = SubElement(parent, _TR)
            if n == 0:
                SubElement(SubElement(tr, qn("w:trPr")), qn("w:tblHeader")).set(_VAL, "true")
            keep = keep_together and n < last
            for value, w in zip(values, twips, strict=True):
                tc = SubElement(tr, _TC)
                tc_w = SubElement(SubElement(tc, _TC_PR), _TC_W)
                tc_w.set(_TYPE, "dxa")
                tc_w.set(_W, w)
                # Every cell gets a run, an empty one too, as python-docx's add_run("") gives.
                run(self.paragraph(style="Table Text", parent=tc, keep_with_next=keep), value, bold=n == 0)

        numbered = enumerate(itertools.chain([header], rows))
        if self.spool is not None:  # a month's list of sources: a row is ~12 KB as lxml elements
            self.spool.stream(tbl, numbered, row)
        else:
            for each in numbered:
                row(tbl, each)


def run(p: Any, text: str, *, bold: bool = False) -> Any:
    """A new ``w:r`` at the end of paragraph ``p`` holding ``text`` (tabs and line ends as python-docx
    writes them; spaces at either end kept)."""
    r = SubElement(p, _R)
    if bold:
        SubElement(SubElement(r, _RPR), _B)
    for piece in _BREAKS_RE.split(text) if ("\t" in text or "\n" in text or "\r" in text) else (text,):
        if piece == "\t":
            SubElement(r, _TAB)
        elif piece in ("\r", "\n"):
            SubElement(r, _BR)
        elif piece:
            t = SubElement(r, _T)
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(_SPACE, "preserve")
    return r


@contextmanager
def body_writer(doc: Any) -> Iterator[BodyWriter]:
    """A ``BodyWriter`` on ``doc``, with the body's ``w:sectPr`` (page setup: it must come last) set aside
    meanwhile; python-docx's own ``add_paragraph`` appends too then."""
    body = doc.element.body
    sect_pr = body.find(qn("w:sectPr"))
    if sect_pr is not None:
        body.remove(sect_pr)
    try:
        yield BodyWriter(doc)
    finally:
        if sect_pr is not None:
            body.append(sect_pr)


# The one mark in a saved document.xml where the spooled body goes (a comment no renderer writes).
_SPOOL_MARK = "summarizer:spooled-body"
_DOCUMENT_XML = "word/document.xml"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _scratch() -> Any:
    """An element of a document of its own, declaring only the ``w`` namespace, that a ``Spool`` writes into."""
    return OxmlElement("w:body", nsdecls={"w": _W_NS})


class Spool:
    """The news written out as it is finished, so a month's briefing is never held as one tree.

    A briefing of 20,000 stories held as lxml elements took ~20 KB a story. From ``start`` on, the
    writer appends to a scratch element of a document of its own (declaring only the ``w`` namespace:
    moving elements out of the real body cost more than writing them); every ``BATCH`` stories
    ``flush`` serialises its children, as the whole document would serialise them, into a temporary
    file and starts a new scratch element: emptying the old one with ``clear()`` cost 0.75 ms a table
    row, three times what building it did (lxml detaches each child into a document of its own), while a
    tree let go is only freed. ``save`` saves the (small) document and writes the spooled XML where the
    mark is (``tests/test_compose_wml.py``: byte for byte the file held whole gives).
    """

    BATCH = 100  # stories written out at once: one serialisation a batch
    ROWS = 500  # rows of a long table written out at once

    def __init__(self, doc: Any) -> None:
        self._doc = doc
        self._mark: Any = None
        self._scratch = _scratch()
        self._writer: BodyWriter | None = None
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close(), through spooled)
        self._waiting = 0

    def start(self, writer: BodyWriter) -> None:
        """Spool what ``writer`` appends from here on; its place in the body is marked (the body's end:
        inside ``body_writer``, before the page setup)."""
        self._mark = etree.Comment(_SPOOL_MARK)
        self._doc.element.body.append(self._mark)
        writer._body = self._scratch
        writer.spool = self
        self._writer = writer

    def flush(self, *, now: bool = False) -> None:
        """Count a finished story; every ``BATCH`` (or ``now``) write out what the scratch holds."""
        self._waiting += 1
        if self._mark is None or (self._waiting < self.BATCH and not now) or not len(self._scratch):
            return
        self._waiting = 0
        self._file.write(self._serialised())

    def stream(self, element: Any, items: Iterable[T], build: Callable[[Any, T], None]) -> None:
        """``element`` (the last one written, its fixed children in place) with ``build(parent, item)``
        called for each of ``items``, written out ``ROWS`` at a time: the element's opening part first,
        then its new children batch by batch in a holder of the same tag, then its closing tag."""
        close = f"</{element.prefix}:{etree.QName(element).localname}>".encode()
        head = self._serialised()
        if not head.endswith(close):
            raise RuntimeError("stream: the element must be the last one written, with children")
        self._file.write(head[: -len(close)])
        batch = list(itertools.islice(items := iter(items), self.ROWS))
        while batch:
            holder = SubElement(self._scratch, element.tag)
            for item in batch:
                build(holder, item)
            rows = self._serialised()
            self._file.write(rows[rows.index(b">") + 1 : -len(close)])  # without the holder's tags
            batch = list(itertools.islice(items, self.ROWS))
        self._file.write(close)

    def _serialised(self) -> bytes:
        """What the scratch holds, serialised without its own tags; a new, empty scratch in its place."""
        data = etree.tostring(self._scratch, encoding="UTF-8")
        self._scratch = _scratch()
        if self._writer is not None:
            self._writer._body = self._scratch
        return data[data.index(b">") + 1 : data.rindex(b"<")]

    def save(self, path: Path) -> None:
        """The document saved at ``path`` with the spooled elements in place of the mark (as ``doc.save``
        when nothing was spooled)."""
        if self._mark is None:
            self._doc.save(str(path))
            return
        self.flush(now=True)
        with tempfile.TemporaryFile() as small:
            self._doc.save(small)
            small.seek(0)
            with zipfile.ZipFile(small) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
                for info in source.infolist():
                    if info.filename != _DOCUMENT_XML:
                        out.writestr(info, source.read(info))
                        continue
                    head, mark, tail = source.read(info).partition(f"<!--{_SPOOL_MARK}-->".encode())
                    if not mark:
                        raise RuntimeError("the spool's mark is missing from the saved document")
                    with out.open(info, "w", force_zip64=True) as document:  # its size is the small one's
                        document.write(head)
                        self._file.seek(0)
                        shutil.copyfileobj(self._file, document)
                        document.write(tail)

    def close(self) -> None:
        self._file.close()


@contextmanager
def spooled(doc: Any) -> Iterator[Spool]:
    """A ``Spool`` on ``doc`` (``start`` it inside ``body_writer``), its temporary file removed after."""
    spool = Spool(doc)
    try:
        yield spool
    finally:
        spool.close()
