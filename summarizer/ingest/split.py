"""A newspaper page holding several stories → one document per story.

Only OCR / print text is split (hard-wrapped columns; see ``clean.is_hard_wrapped``), and only
where the page shows its boundaries:

1. A story's first line is indented (the OCR marks the start of a text block), while most
   paragraph starts are not; if most are, indentation is just paragraph style and nothing is split.
2. A piece with fewer than ``MIN_STORY`` Chinese characters is a caption or a stray block and
   stays with the story before it.
3. A headline block — short lines standing alone between blank lines, at the end of a piece —
   sits between two stories in reading order. Usually it heads the story after it, but OCR may
   read a story's columns before the headline that spans them (seed 002): it belongs to the
   neighbour whose text shares more of its words, the story after it on a tie.
4. In a headline block the main title (主题) is the last line without inner punctuation; lines
   above it are kickers (引题), lines below or starting with a dash are subtitles (副题).

Each story keeps the page's metadata (source, date …). A page whose front matter gives a title
is one article, as its author said.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

from ..text import CJK_RE, cjk_count
from .clean import is_hard_wrapped, line_closed, standalone_line
from .readers import RawDocument

MIN_STORY = 200
_INNER_PUNCT = re.compile(r"[，,；;：:]")


def split_page(doc: RawDocument) -> list[RawDocument]:
    """Cut a newspaper page into stories where the boundaries are clear; else ``[doc]``."""
    lines = doc.body.splitlines()
    if doc.is_html or doc.from_page or "title" in doc.meta or not is_hard_wrapped(lines):
        return [doc]
    # The first story runs from the top (a headline above its first indented line belongs to it).
    edges = [0, *story_starts(lines)[1:], len(lines)]
    pieces = _merge_short([lines[a:b] for a, b in itertools.pairwise(edges)])
    if len(pieces) < 2:
        return [doc]
    split = [split_trailing_headlines(piece) for piece in pieces]
    bodies = [body for body, _ in split]
    heads: list[list[str]] = [[] for _ in pieces]
    for i, (_, block) in enumerate(split):
        if not block:
            continue
        owner = i
        if i + 1 < len(bodies) and _overlap(block, bodies[i + 1]) >= _overlap(block, bodies[i]):
            owner = i + 1
        if heads[owner]:  # that story has its headline already
            owner = i
        if heads[owner]:  # both neighbours have one: keep the lines as text, lose nothing
            bodies[i] = bodies[i] + block
        else:
            heads[owner] = block
    docs = []
    for n, (body, block) in enumerate(zip(bodies, heads, strict=True)):
        meta = dict(doc.meta)
        meta.update(headline_meta(block))
        docs.append(dataclasses.replace(doc, body="\n".join(body), meta=meta, record=n))
    return docs


def story_starts(lines: list[str]) -> list[int]:
    """Indices of indented lines that start a paragraph, if indentation is rare (rule 1)."""
    paragraph_starts = indented = 0
    starts: list[int] = []
    prev = ""
    for i, raw in enumerate(lines):
        if not raw.strip():
            prev = ""
            continue
        if not prev or line_closed(prev):
            paragraph_starts += 1
        if raw[:1].isspace():
            indented += 1
            starts.append(i)
        prev = raw.strip()
    if len(starts) < 2 or indented * 3 > paragraph_starts:
        return []
    return starts


def _cjk(lines: list[str]) -> int:
    return sum(cjk_count(ln) for ln in lines)


def _merge_short(pieces: list[list[str]]) -> list[list[str]]:
    """Rule 2: short pieces join the story before them (the first joins the next)."""
    out: list[list[str]] = []
    for piece in pieces:
        if out and (_cjk(piece) < MIN_STORY or _cjk(out[-1]) < MIN_STORY):
            out[-1] = out[-1] + piece
        else:
            out.append(piece)
    return out


def split_trailing_headlines(lines: list[str]) -> tuple[list[str], list[str]]:
    """(body, headline block): trailing short lines that stand alone and do not end a sentence."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    block: list[str] = []
    i = end - 1
    while i >= 0:
        line = lines[i].strip()
        if line and (not standalone_line(lines, i) or not 4 <= len(line) <= 40 or line_closed(line)):
            break
        if line:
            block.insert(0, line)
        i -= 1
    if not block:
        return lines, []
    return lines[: i + 1], block


def _bigrams(text: str) -> set[str]:
    chars = "".join(CJK_RE.findall(text))
    return {chars[k:k + 2] for k in range(len(chars) - 1)}


def _overlap(block: list[str], body: list[str]) -> float:
    """Share of the headline's character bigrams found in a story's text (rule 3)."""
    head = _bigrams("".join(block))
    return len(head & _bigrams("".join(body))) / len(head) if head else 0.0


def headline_meta(block: list[str]) -> dict[str, str]:
    """Rule 4: {"title", "kicker", "subtitle"} from a headline block (empty for no block)."""
    if not block:
        return {}
    plain = [i for i, ln in enumerate(block) if not _INNER_PUNCT.search(ln) and not ln.startswith(("—", "-"))]
    at = plain[-1] if plain else 0
    meta = {"title": block[at]}
    if block[:at]:
        meta["kicker"] = " / ".join(block[:at])
    if block[at + 1:]:
        meta["subtitle"] = " / ".join(ln.lstrip("—- ") for ln in block[at + 1:])
    return meta
