"""Scans and photos → text, by OCR on the CPU, offline (``ocr`` extra: RapidOCR's PP-OCR models).

RapidOCR ships the PP-OCRv4 Chinese detection and recognition models inside its wheel, so nothing
is downloaded at run time; it was measured against Tesseract's ``chi_sim`` (README, "Scans and
photos"). The ``ocr`` extra installs its OpenVINO build (``rapidocr-openvino``), which needed a
quarter of the CPU time of the onnxruntime build (``rapidocr-onnxruntime``, same models, same API)
on the same page; either is used, OpenVINO first. Its line boxes go through the same layout as a
PDF's text layer (``layout``): columns in reading order, vertical lines right to left, headlines
standing alone, and the line breaks joined by the cleaning.

Every line comes with the recogniser's confidence. The document records the mean
(``ocr_confidence``) and, when most of a page's characters were read with less than ``LOW_SCORE``,
that page (``ocr_low_confidence``): the text is kept, flagged in its articles' ``meta`` and the log.
"""

from __future__ import annotations

import importlib
import logging
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import UnreadableFileError
from ..types import SkipKind, SkippedFile
from . import layout
from .extras import require
from .readers import RawDocument

log = logging.getLogger(__name__)

LOW_SCORE = 0.8  # a line recognised with less confidence is doubtful
LOW_SHARE = 0.5  # a page whose characters are mostly in doubtful lines is flagged


_BUILDS = ("rapidocr_openvino", "rapidocr_onnxruntime")  # the faster first (README, "Scans and photos")


def engine_module(path: Path) -> Any:
    """The installed RapidOCR build.

    Raises:
        UnreadableFileError: none is installed (the ``ocr`` extra).
    """
    for name in _BUILDS[:-1]:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return require(_BUILDS[-1], "ocr", path)


def ocr_engine(path: Path) -> Any:
    """The OCR engine of the installed build (``engine_module``), made once per process. A reader looks
    it up once per document and hands it to ``ocr_image`` for each page.

    Raises:
        UnreadableFileError: the ``ocr`` extra is not installed.
    """
    return _engine(engine_module(path).__name__)


@cache
def _engine(module: str) -> Any:
    # The angle classifier only turns lines read upside down; a scan or a photo of a page has none.
    return importlib.import_module(module).RapidOCR(use_cls=False)


def ocr_image(image: Any, engine: Any) -> list[layout.Box]:
    """The text lines ``engine`` (``ocr_engine``) finds in an image (an RGB/BGR/grey array), in pixels,
    with their confidence."""
    if image.ndim == 3 and image.shape[2] == 4:
        image = image[:, :, :3]  # drop alpha: the detector takes three channels
    result, _ = engine(image)
    boxes = []
    for points, text, score in result or ():
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        text = text.strip()
        if not text:
            continue
        vertical = (y1 - y0) > 1.5 * (x1 - x0) and len(text) > 1
        across, along = (x1 - x0, y1 - y0) if vertical else (y1 - y0, x1 - x0)
        # A box is drawn with a margin around its text: the characters' size is better told by the length
        # the text takes (a Chinese character is square, a Latin one about half as wide).
        size = min(across, along / sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text))
        boxes.append(layout.Box(text, x0, y0, x1, y1, size, vertical, float(score)))
    return boxes


def confidence_meta(pages: list[tuple[int, list[layout.Box]]]) -> dict[str, str]:
    """``ocr_confidence`` (character-weighted mean) and ``ocr_low_confidence`` (the numbers of the pages
    whose characters are mostly in lines read with less than ``LOW_SCORE``); ``pages`` are (number, lines)."""
    chars = sum(len(b.text) for _, page in pages for b in page)
    if not chars:
        return {}
    meta = {"ocr_confidence": f"{sum(b.score * len(b.text) for _, page in pages for b in page) / chars:.2f}"}
    low = []
    for number, page in pages:
        total = sum(len(b.text) for b in page)
        doubtful = sum(len(b.text) for b in page if b.score < LOW_SCORE)
        if total and doubtful > LOW_SHARE * total:
            low.append(str(number))
    if low:
        meta["ocr_low_confidence"] = ",".join(low)
    return meta


def read_image(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
    """A scan or photo (every frame of a multi-page TIFF) as one document.

    Raises:
        UnreadableFileError: the extra is missing, the image cannot be decoded, or no text was found.
    """
    engine = ocr_engine(path)  # first: cv2 comes with the extra
    import cv2
    import numpy as np

    buffer = np.frombuffer(data, dtype=np.uint8)
    ok, frames = cv2.imdecodemulti(buffer, cv2.IMREAD_COLOR)
    if not ok or not frames:
        raise UnreadableFileError(path, SkipKind.BAD_IMAGE)
    pages = [(frame.shape[0], ocr_image(frame, engine)) for frame in frames]
    return [paged_document(path, pages, range(1, len(pages) + 1))]


def paged_document(path: Path, pages: list[tuple[float, list[layout.Box]]], scanned: Iterable[int],
                   encoding: str = "ocr", meta: dict[str, str] | None = None) -> RawDocument:
    """Pages (height, lines: a PDF's text layer or OCR) → the document; the confidence of the ``scanned``
    ones (numbers from 1) is recorded, and logged when low.

    Raises:
        UnreadableFileError: no text was found on any page.
    """
    text, removals = layout.document_text(pages)
    if not text.strip():
        raise UnreadableFileError(path, SkipKind.NO_TEXT_FOUND)
    meta = {**(meta or {}), **confidence_meta([(n, pages[n - 1][1]) for n in scanned])}
    if "ocr_low_confidence" in meta:
        log.warning("%s: OCR is unsure of most of the text on page %s (mean confidence %s): check it",
                    path, meta["ocr_low_confidence"], meta["ocr_confidence"])
    return RawDocument(path, text, meta=meta, encoding=encoding, removals=tuple(removals))
