"""PDF → text in reading order: the text layer through PDFium (``pdf`` extra), scanned pages through OCR.

pypdfium2 was chosen by measurement (README, "PDF"): it gives every character's box quickly, renders
a page for OCR without poppler, and is Apache-2.0 / BSD, so it can be embedded (PyMuPDF is fast too,
but AGPL). The reading order is ours (``layout``): PDFium's own text order, like the other libraries',
runs some lines across columns.

A page whose text layer holds fewer than ``MIN_LAYER`` characters, or mostly glyphs without a
Unicode mapping (``UNMAPPED``; common in Chinese e-paper PDFs), is read as a scan: it is rendered at
``OCR_DPI`` and read by ``ocr``. Without the ``ocr`` extra such pages are named in the log and in the
document's ``unread_pages``; a PDF with no text layer at all is skipped, naming the extra.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..errors import UnreadableFileError
from ..types import SkipKind, SkippedFile
from . import layout
from .extras import require
from .ocr import ocr_engine, ocr_image, paged_document
from .readers import RawDocument

log = logging.getLogger(__name__)

MIN_LAYER = 20  # characters: a page with fewer in its text layer is a scan
UNMAPPED = 0.3  # a page whose text layer is more than this share of unmapped glyphs is read by OCR
OCR_DPI = 300


def read_pdf(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
    """A PDF's pages as one document (``split.split_page`` cuts an e-paper page into its stories).

    Raises:
        UnreadableFileError: the extra is missing, the file is not a PDF or is encrypted, or it holds no
        text (and OCR is not installed or found none).
    """
    pdfium = require("pypdfium2", "pdf", path)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        kind = SkipKind.ENCRYPTED if "password" in str(exc).lower() else SkipKind.BAD_PDF
        raise UnreadableFileError(path, kind, error=str(exc)) from exc
    pages: list[tuple[float, list[layout.Box]]] = []
    scanned: list[int] = []
    unread: list[str] = []
    ocr: Any = None  # the OCR engine, or why there is none: looked up at the first scanned page, once
    try:
        for number in range(1, len(document) + 1):
            page = document[number - 1]
            height = page.get_height()
            lines = layout.chars_to_lines(_chars(page, height))
            if not _usable_layer(lines):
                if ocr is None:
                    try:
                        ocr = ocr_engine(path)
                    except UnreadableFileError as exc:
                        ocr = exc
                if isinstance(ocr, UnreadableFileError):
                    if len(unread) == number - 1 == len(document) - 1:  # all scans, and no OCR to read them
                        raise ocr
                    unread.append(str(number))
                else:
                    lines = _ocr_page(page, ocr)
                    scanned.append(number)
            pages.append((height, lines))
    finally:
        document.close()
    if unread:
        log.warning("%s: page %s scanned, not read (install the ocr extra: pip install 'summarizer[ocr]')",
                    path, ",".join(unread))
    meta = {"unread_pages": ",".join(unread)} if unread else {}
    return [paged_document(path, pages, scanned, encoding="pdf", meta=meta)]


def _usable_layer(lines: list[layout.Box]) -> bool:
    """A text layer worth reading: ``MIN_LAYER`` characters at least, most of them real. A font embedded
    without its Unicode map gives private-use codes or U+FFFD; such a page is read as a scan."""
    text = "".join(b.text for b in lines).replace(" ", "")
    unmapped = sum(1 for c in text if "\ue000" <= c <= "\uf8ff" or c == "\ufffd")
    return len(text) >= MIN_LAYER and unmapped <= UNMAPPED * len(text)


def _chars(page: object, height: float) -> list[layout.Box]:
    """The page's characters with their boxes (PDFium's loose box: the font's full height), y downwards."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()  # type: ignore[attr-defined]
    out = []
    try:
        for i in range(textpage.count_chars()):
            code = raw.FPDFText_GetUnicode(textpage, i)
            if code < 32 or raw.FPDFText_IsGenerated(textpage, i) == 1 or 0xD800 <= code < 0xE000:
                continue  # line breaks, and spaces PDFium inferred: the layout finds its own
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            if right > left and top > bottom:
                out.append(layout.Box(chr(code), left, height - top, right, height - bottom, top - bottom))
    finally:
        textpage.close()
    return out


def _ocr_page(page: object, engine: Any) -> list[layout.Box]:
    """A scanned page read by ``engine`` (``ocr.ocr_engine``), in page units."""
    bitmap = page.render(scale=OCR_DPI / 72)  # type: ignore[attr-defined]
    try:
        image = bitmap.to_numpy()
    finally:
        bitmap.close()
    return [layout.scaled(b, 72 / OCR_DPI) for b in ocr_image(image, engine)]
