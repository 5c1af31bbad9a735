"""Text on a page → text in reading order, shaped like OCR text for the cleaning and page splitting.

Shared by the PDF text layer (``pdf.py``, from characters) and OCR (``ocr.py``, from line boxes):

1. ``chars_to_lines``: characters on one baseline form a line, and a line ends at a gap wider than
   ``LINE_GAP`` characters — a column gutter — so a line never runs across two columns.
2. ``page_furniture``: lines in the top and bottom margins that are page numbers, repeat on
   several pages, or are set smaller than the body (a running head) are dropped and recorded.
3. ``reading_order``: recursive XY-cut. A region is cut along its widest whitespace: down its
   gutters (columns, or stories side by side: left to right, right to left for vertical text) or
   across its horizontal gaps (stories stacked, a headline over its columns: top to bottom). What
   cannot be cut is a block.
4. ``page_text``: blocks → lines. Headlines (set ``HEADLINE`` times the body size or larger)
   stand alone between blank lines, and the first line of a story's text after one is indented,
   the marks OCR text carries and ``split.split_page`` reads; blocks are separated by a blank line,
   so ``clean.join_hard_breaks`` joins a column that breaks mid-sentence to the next. Narrow
   columns keep their printed lines (the cleaning joins them, as for OCR); in wide blocks, which
   that cleaning leaves alone, the lines of a paragraph are joined here by their geometry.

Coordinates are in page units with y growing downwards.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass, replace

from ..types import Removal

LINE_GAP = 0.8  # characters: a wider gap between two characters on a baseline is a gutter
CUT_GAP_X = 0.5  # characters: a vertical gutter this wide, the region's whole height, is a column cut
CUT_GAP_Y = 0.25  # characters: a horizontal gap across the whole region, this tall and twice the
# usual gap between its lines, is a cut (between a headline and its text the gap is often under a line)
CROSSING = 40  # a gutter may be crossed by one line in this many (OCR boxes are not exact)
HEADLINE = 1.4  # a line set this many times the body size is a headline
HEADING = 1.15  # ... this many times, a heading: it stands alone but starts no story
MARGIN = 0.1  # share of the page height at the top and bottom where running heads and folios sit
WIDE = 30  # characters per line: a block this wide has its paragraphs joined here
_PAGE_NUMBER_RE = re.compile(r"^[-—–·\s第(（]*\d{1,4}\s*[/／]?\s*\d{0,4}[\s)）]*(?:版|页|頁)?[-—–·\s]*$")
_ASCII_WORD_RE = re.compile(r"[0-9A-Za-z]$")


@dataclass(frozen=True, slots=True)
class Box:
    """Text and where it is: a character, or a line (``vertical`` when its characters run downwards).

    ``size`` is the height of a character (its width for vertical text); ``score`` the recogniser's
    confidence for OCR text, 1 for a text layer.
    """

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    vertical: bool = False
    score: float = 1.0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def _merge(boxes: list[Box], text: str, vertical: bool = False) -> Box:
    chars = sum(len(b.text) for b in boxes) or 1
    return Box(text, min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes),
               max(b.y1 for b in boxes), statistics.median(b.size for b in boxes), vertical,
               sum(b.score * len(b.text) for b in boxes) / chars)


def chars_to_lines(chars: list[Box]) -> list[Box]:
    """Characters → lines (step 1): a line is a chain of characters, each beside the one before on its
    baseline, no further than ``LINE_GAP`` away; stacked single characters (vertical writing) become
    vertical lines.

    Characters are taken left to right and each joins the line it continues, so lines of columns whose
    baselines do not align never merge, and a line ends at a gutter. Open lines are kept in bands of
    height ``grid`` by the centre of their last character, so a character looks at its neighbours only.
    """
    if not chars:
        return []
    grid = max(statistics.median(b.size for b in chars), 1e-6)
    bands: dict[int, list[list[Box]]] = {}
    done: list[list[Box]] = []
    for ch in sorted(chars, key=lambda b: (b.x0, b.cy)):
        band = int(ch.cy // grid)
        best, best_dy = None, 0.0
        for key in (band - 1, band, band + 1):
            keep = []
            for line in bands.get(key, ()):
                last = line[-1]
                size = min(ch.size, last.size)
                gap = ch.x0 - last.x1
                if gap > LINE_GAP * max(ch.size, last.size):
                    done.append(line)  # nothing further right can continue it
                    continue
                keep.append(line)
                dy = abs(ch.cy - last.cy)
                if dy <= 0.5 * size and gap >= -0.5 * size and max(ch.size, last.size) <= 1.5 * size \
                        and (best is None or dy < best_dy):
                    best, best_dy = line, dy
            if key in bands:
                bands[key] = keep
        if best is None:
            bands.setdefault(band, []).append([ch])
        elif not (ch.text == best[-1].text and abs(ch.x0 - best[-1].x0) < 0.1 * ch.size):  # drawn twice (bold)
            old = int(best[-1].cy // grid)
            best.append(ch)
            if old != band:
                bands[old].remove(best)
                bands.setdefault(band, []).append(best)
    runs = done + [line for lines in bands.values() for line in lines]
    return _stack_vertical([b for b in (_line(run) for run in runs) if b.text])


def _glue(text: str, after: str) -> str:
    """``text`` and ``after`` with the word space Latin words and numbers need between them (CJK needs none)."""
    space = _ASCII_WORD_RE.search(text) and after[:1].isascii() and after[:1].isalnum()
    return f"{text} {after}" if space else text + after


def _line(run: list[Box]) -> Box:
    """A line's characters as one box; a gap of a quarter character between Latin words is a space."""
    text = ""
    for prev, ch in zip([None, *run], run, strict=False):
        gap = prev is not None and ch.x0 - prev.x1 > 0.25 * min(ch.size, prev.size)
        text = _glue(text, ch.text) if gap else text + ch.text
    return _merge(run, re.sub(r" {2,}", " ", text.strip()))


def _stack_vertical(lines: list[Box]) -> list[Box]:
    """Runs of three or more one-character lines stacked closely in one column: vertical text."""
    singles = sorted((b for b in lines if len(b.text) == 1), key=lambda b: (round(b.x0 / max(b.size, 1e-6)), b.y0))
    used: set[int] = set()
    stacks: list[Box] = []
    run: list[Box] = []

    def close() -> None:
        if len(run) >= 3:
            stacks.append(_merge(run, "".join(b.text for b in run), vertical=True))
            used.update(id(b) for b in run)

    for b in singles:
        if run and (abs(b.x0 - run[-1].x0) > 0.3 * b.size or b.y0 - run[-1].y1 > 0.5 * b.size):
            close()
            run = []
        run.append(b)
    close()
    return [b for b in lines if id(b) not in used] + stacks


def body_size(lines: list[Box]) -> float:
    """The size most characters are set in (character-weighted median)."""
    sizes = sorted((b.size, len(b.text)) for b in lines)
    total = sum(n for _, n in sizes)
    seen = 0
    for size, n in sizes:
        seen += n
        if seen * 2 >= total:
            return size
    return 1.0


def page_furniture(pages: list[tuple[float, list[Box]]]) -> tuple[list[list[Box]], list[Removal]]:
    """Drop running heads, feet and folios (step 2); ``pages`` are (height, lines). Returns the kept
    lines of each page and what was removed.

    In the top or bottom ``MARGIN`` of a page, a line goes when it is a page number, when it comes back
    on another page (digits aside), or when it is one of at most three short pieces set smaller than
    the body outside all body-size text (a running head: paper, date, page).
    """
    def key(b: Box) -> str:
        return re.sub(r"\d+", "#", b.text.replace(" ", ""))

    def band(b: Box, height: float) -> int:
        return -1 if b.y1 <= MARGIN * height else 1 if b.y0 >= (1 - MARGIN) * height else 0

    seen: dict[str, int] = {}
    for height, lines in pages:
        for k in {key(b) for b in lines if band(b, height)}:
            seen[k] = seen.get(k, 0) + 1
    kept_pages: list[list[Box]] = []
    removals: list[Removal] = []
    for height, lines in pages:
        size = body_size(lines)
        body = [b for b in lines if b.size >= 0.9 * size]
        top = min((b.y0 for b in body), default=height)
        bottom = max((b.y1 for b in body), default=0.0)
        small = {side: [b for b in lines if band(b, height) == side and b.size < 0.9 * size and len(b.text) < 40
                        and (b.y1 <= top if side < 0 else b.y0 >= bottom)] for side in (-1, 1)}
        heads = {id(b) for side in small.values() if len(side) <= 3 for b in side}
        kept = []
        for b in lines:
            number = bool(band(b, height) and _PAGE_NUMBER_RE.match(b.text))
            if number or (band(b, height) and seen.get(key(b), 0) >= 2) or id(b) in heads:
                removals.append(Removal(b.text, "page number" if number else "page header"))
            else:
                kept.append(b)
        kept_pages.append(kept)
    return kept_pages, removals


def reading_order(lines: list[Box]) -> list[list[Box]]:
    """The page's blocks in reading order (step 3), each its lines in order."""
    if not lines:
        return []
    size = body_size(lines)
    return _cut(lines, size)


def _gaps(spans: list[tuple[float, float]], min_gap: float, usual: float = 0.0,
          crossing: int = 0, weights: list[int] | None = None) -> list[tuple[float, float]]:
    """(width, midpoint) of the gaps between ``spans``, at least ``min_gap`` wide and ``usual`` times the
    median gap: stretches that spans of total weight at most ``crossing`` run across."""
    weights = weights or [1] * len(spans)
    events = sorted([(a, w) for (a, _), w in zip(spans, weights, strict=True)]
                    + [(b, -w) for (_, b), w in zip(spans, weights, strict=True)])
    gaps, cover, opened = [], 0, None
    for x, step in events:
        before, cover = cover, cover + step
        if before > crossing >= cover:
            opened = x
        elif cover > crossing >= before and opened is not None:
            if x > opened:
                gaps.append((x - opened, (x + opened) / 2))
            opened = None
    floor = max(min_gap, usual * statistics.median(g for g, _ in gaps)) if gaps else min_gap
    return [(g, mid) for g, mid in gaps if g >= floor]


def _gutters(lines: list[Box], size: float) -> list[tuple[float, float]]:
    """The region's column gutters. One line in ``CROSSING`` of column width may run into one (an OCR box a
    little too wide must not hide it); a wider line, such as a headline over the columns, never does."""
    width = statistics.median(b.x1 - b.x0 for b in lines)
    crossing = len(lines) // CROSSING
    weights = [1 if b.x1 - b.x0 <= 1.2 * width else crossing + 1 for b in lines]
    return _gaps([(b.x0, b.x1) for b in lines], CUT_GAP_X * size, crossing=crossing, weights=weights)


def _partition(lines: list[Box], cuts: list[float], axis: str) -> list[list[Box]]:
    parts: list[list[Box]] = [[] for _ in range(len(cuts) + 1)]
    for b in lines:
        centre = (b.x0 + b.x1) / 2 if axis == "x" else b.cy
        parts[sum(1 for c in cuts if centre > c)].append(b)
    return [p for p in parts if p]


def _cut(lines: list[Box], size: float) -> list[list[Box]]:
    """Cut along the wider of the region's widest gutter and widest horizontal gap (a gutter on a tie):
    stories stacked on a page are further apart than its columns, and stories side by side further
    apart than the lines under their headlines, even where a gutter runs past a short headline."""
    if len(lines) == 1:
        return [lines]
    x_cuts = _gutters(lines, size)
    y_cuts = _gaps([(b.y0, b.y1) for b in lines], CUT_GAP_Y * size, usual=2)
    if x_cuts and (not y_cuts or max(x_cuts)[0] >= max(y_cuts)[0]):
        columns = _partition(lines, [mid for _, mid in x_cuts], "x")
        if sum(len(b.text) for b in lines if b.vertical) * 2 > sum(len(b.text) for b in lines):
            columns.reverse()  # vertical writing reads its columns right to left
        return [block for col in columns for block in _cut(col, size)]
    if y_cuts:
        return [block for band in _partition(lines, [mid for _, mid in y_cuts], "y") for block in _cut(band, size)]
    return [sorted(lines, key=lambda b: (b.y0, b.x0))]


def _joined(lines: list[Box]) -> str:
    out = ""
    for b in lines:
        out = _glue(out, b.text)
    return out


def _paragraphs(block: list[Box], size: float) -> list[str]:
    """A wide block's lines joined into paragraphs: a paragraph starts indented, or after a line that
    stops short of the block's right edge."""
    left = min(b.x0 for b in block)
    right = max(b.x1 for b in block)
    paras: list[list[Box]] = []
    for b in block:
        starts = not paras or b.x0 - left > size or paras[-1][-1].x1 < right - 1.5 * size
        if starts:
            paras.append([b])
        else:
            paras[-1].append(b)
    return [_joined(p) for p in paras]


def _level(line: Box, size: float) -> int:
    """2 for a headline, 1 for a heading, 0 for body text."""
    ratio = line.size / size if size else 1.0
    return 2 if ratio >= HEADLINE else 1 if ratio >= HEADING else 0


def page_text(blocks: list[list[Box]], size: float) -> str:
    """Blocks in reading order → text shaped as OCR text (step 4)."""
    out: list[str] = []
    story_start = False
    for block in blocks:
        for level, group in itertools.groupby(block, key=lambda b: _level(b, size)):
            run = list(group)
            if level:  # a headline or heading: its lines are one line, standing alone
                out.extend(["", _joined(run), ""])
                story_start = story_start or level == 2
                continue
            wide = not run[0].vertical and statistics.median(len(b.text) for b in run) >= WIDE
            lines = _paragraphs(run, size) if wide else [b.text for b in run]
            if story_start:
                lines[0] = " " + lines[0]
                story_start = False
            out.extend(lines)
        out.append("")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


def document_text(pages: list[tuple[float, list[Box]]]) -> tuple[str, list[Removal]]:
    """Pages of lines → the document's text in reading order, and the margin furniture removed."""
    kept, removals = page_furniture(pages)
    size = body_size([b for page in kept for b in page])
    texts = [page_text(reading_order(lines), size) for lines in kept]
    return "\n\n".join(t for t in texts if t), removals


def scaled(box: Box, factor: float) -> Box:
    return replace(box, x0=box.x0 * factor, y0=box.y0 * factor, x1=box.x1 * factor, y1=box.y1 * factor,
                   size=box.size * factor)
