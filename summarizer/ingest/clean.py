"""Cleaning steps, each a small pure function. ``clean_body`` applies them in this order:

1. ``html_to_text``        HTML → text, one paragraph per line, entities decoded
2. ``strip_markdown``      Markdown markup → plain lines (heading marks kept as a prefix for meta)
3. ``join_hard_breaks``    OCR / narrow-column line breaks joined back into sentences (not for
                           web-page text, whose lines are already paragraphs)
   ``split_flattened``     paragraphs that were flattened into one line (a sentence end, then
                           spaces, then the next paragraph) put back on lines of their own
4. ``repair_mojibake``     UTF-8 read as Latin-1/cp1252 (``å°åŒº`` → ``小区``) repaired with ftfy,
                           which only changes text it can decode back exactly
5. ``mark_garbled``        mojibake that cannot be repaired (``!霸谛^(qū)``) replaced by
                           ``GARBLED`` (U+FFFD) and recorded, so no summary quotes it
6. ``strip_pinyin_notes``  小區(qū) → 小區 (real parentheses untouched)
7. ``normalize_spacing``   stray spaces between CJK characters and digits removed (``不足 50 人``)
8. ``to_simplified``       Traditional → Simplified (OpenCC ``tw2s``); the text before it is kept

Before these, a whole web page goes through ``html.extract_page`` and a newspaper page is cut
into stories by ``split.split_page``. Boilerplate and byline lines are separated in
``furniture.split_furniture``, after cleaning.
"""

from __future__ import annotations

import html
import re
import statistics
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

from ..text import CJK, CJK_RE, CLAUSE_MARKS, CLOSERS, END_MARKS, cjk_count, ends_sentence, foreign_script_count
from ..types import GARBLED

_BLOCK_TAGS = {
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "header", "footer", "blockquote", "ul", "ol", "figure", "figcaption", "hr",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "iframe"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag in {"h1", "h2", "h3"}:
                self.parts.append("#" * int(tag[1]) + " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment or page, one block per line; headings keep a ``#`` prefix."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts)).replace("\xa0", " ")
    return "\n".join(line.strip() for line in text.splitlines())


_MD_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# Emphasis is a pair of marks around text (**加粗**, __重点__, *斜体*, `代码`). A mark standing alone or in a
# longer run is the text's own: a fill-in blank (要______主的旨意), a footnote star (weights**), a rule.
# Marks with a digit or a Latin letter outside them are inside a word or a figure (3*4米、5*6米, x__init__y).
_MD_EMPHASIS_RE = re.compile(
    r"(?<![*_`0-9A-Za-z])(\*{1,3}|__|`)(?![*_`\s])(.+?)(?<![*_`\s])\1(?![*_`0-9A-Za-z])")


def strip_markdown(text: str) -> str:
    """Remove images, link targets and paired emphasis marks; heading marks (#) stay for ``meta``."""
    text = _MD_IMAGE_RE.sub("", text)
    text = _MD_LINK_RE.sub(r"\1", text)
    return _MD_EMPHASIS_RE.sub(r"\2", text)


def line_closed(line: str) -> bool:
    """A line after which print starts a new one: a sentence end, or ；/： (a list item ends, a list opens)."""
    return ends_sentence(line, also="；;：:")


def is_hard_wrapped(lines: list[str]) -> bool:
    """Short lines (median < 40 characters) of near-uniform length, most not ending a sentence.

    That is a column of OCR or narrow print; a web page's menus are short too, but ragged.
    """
    filled = [ln.strip() for ln in lines if ln.strip()]
    if len(filled) < 4:
        return False
    median = statistics.median(len(ln) for ln in filled)
    open_ended = sum(1 for ln in filled if not line_closed(ln)) / len(filled)
    uniform = sum(1 for ln in filled if abs(len(ln) - median) <= 0.25 * median) / len(filled)
    return median < 40 and open_ended >= 0.5 and uniform >= 0.5


def standalone_line(lines: list[str], i: int) -> bool:
    """A line with a blank line (or the edge) on both sides: a heading, not part of a paragraph."""
    before = i == 0 or not lines[i - 1].strip()
    after = i + 1 >= len(lines) or not lines[i + 1].strip()
    return before and after


def join_hard_breaks(text: str) -> str:
    """Join lines broken by a page's column width back into paragraphs (``水\\n饺`` → ``水饺``).

    Only applies to hard-wrapped text (``is_hard_wrapped``). Then a line joins the previous one
    unless the previous ended a sentence or the line is indented (a new paragraph). Across a
    blank line it joins only when the previous line ran to the full column width, mid-sentence
    (a column break, not a paragraph). A line standing alone between blank lines is a heading and
    is never joined to, nor is the next line joined to it.
    """
    lines = text.splitlines()
    if not is_hard_wrapped(lines):
        return text
    median = statistics.median(len(ln.strip()) for ln in lines if ln.strip())
    out: list[str] = []
    blank_before = False
    prev_standalone = False
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            blank_before = True
            continue
        indented = raw[:1].isspace()
        prev = out[-1] if out else ""
        full_width = len(prev) >= 0.8 * median
        standalone = standalone_line(lines, i)
        join = (
            prev
            and not indented
            and not standalone
            and not prev_standalone
            and not line_closed(prev)
            and (not blank_before or full_width)
        )
        if join:
            out[-1] = prev + line
        else:
            out.append(line)
        blank_before = False
        prev_standalone = standalone
    return "\n".join(out)


# A sentence end (with its closing quotes) followed by spaces: where a paragraph break was flattened.
_FLATTENED_RE = re.compile(  # not after an ellipsis: a link list's 标题… 2019-09-09 stays one item
    rf"([。！？!?][{re.escape(CLOSERS)}]*)[ \t\u3000\xa0]+(?=[^\s{re.escape(CLOSERS + CLAUSE_MARKS + END_MARKS)}])"
)
_SPACE_RUN_RE = re.compile(r"[ \t\u3000\xa0]{2,}")


def split_flattened(text: str) -> str:
    """Put paragraphs flattened into one line back on their own lines, and runs of spaces to one.

    Text exported from a database or a web form often loses its line breaks and keeps the spaces
    that indented each paragraph (``…开工。  外环东抬工程…``). Text is never removed here.
    """
    lines = (_SPACE_RUN_RE.sub(" ", _FLATTENED_RE.sub("\\1\n", line)) for line in text.splitlines())
    return "\n".join(lines)


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_SYLLABLE = rf"(?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}"
# A pinyin syllable with a tone mark in ASCII or full-width brackets right after a CJK character.
_PINYIN_NOTE_RE = re.compile(rf"(?<=[{CJK}])[(（]{_SYLLABLE}[)）]")
# Mojibake in pinyin-annotated text (GBK bytes read out of step): a note hanging on a stray ASCII
# byte (谛^(qū), 轱L(fēng)), or a note that lost its opening bracket (?yōu)).
_BROKEN_NOTE_RE = re.compile(
    rf"[!-'*-~][(（]{_SYLLABLE}[)）]|(?<![(（{CJK}a-zü{_TONED}]){_SYLLABLE}[)）]"
)
# The damage starts where a lead byte lost its high bit: a stray ASCII symbol up to 3 characters
# before the broken note; the characters between are mis-paired bytes.
_DAMAGE_START_RE = re.compile(rf"[!-/:-@\[-`{{-~][{CJK}]{{0,3}}$")


# A Latin-1 letter followed by a byte from the C1/Latin-1 continuation range: how UTF-8 looks when
# read as Latin-1 or cp1252. Text without it never needs ftfy (and skips importing it).
_LATIN_MOJIBAKE_RE = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf\u0152-\u02dc\u2013-\u2122]")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 decoded as Latin-1/cp1252 (``å°åŒº`` → ``小区``) with ftfy's ``fix_encoding``."""
    if not _LATIN_MOJIBAKE_RE.search(text):
        return text
    import ftfy

    return ftfy.fix_encoding(text)


def mark_garbled(text: str) -> tuple[str, tuple[str, ...]]:
    """Replace clearly garbled spans by ``GARBLED`` (U+FFFD); return the text and the spans.

    Repairing them is not reliable (the lost bytes are gone), so they are marked instead: a
    sentence holding ``GARBLED`` must not be quoted. Text that already holds U+FFFD (a decoder
    gave up there) counts as garbled too.
    """
    spans: list[tuple[int, int]] = []
    for m in _BROKEN_NOTE_RE.finditer(text):
        start = m.start()
        if d := _DAMAGE_START_RE.search(text, max(0, start - 4), start):
            start = d.start()
        if spans and start <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], m.end())
        else:
            spans.append((start, m.end()))
    garbled = tuple(text[a:b] for a, b in spans)
    for a, b in reversed(spans):
        text = text[:a] + GARBLED + text[b:]
    if GARBLED in text and not garbled:
        garbled = (GARBLED,)
    return text, garbled


def strip_pinyin_notes(text: str) -> str:
    """Remove pinyin glosses such as ``區(qū)``; (2020) and （作者:张玉娜） are left alone."""
    return _PINYIN_NOTE_RE.sub("", text)


@cache
def _converter(profile: str) -> object:
    import opencc

    return opencc.OpenCC(profile)


def traditional_share(text: str) -> float:
    """Share of CJK characters that OpenCC ``t2s`` would change: ~0 for Simplified text."""
    cjk = "".join(CJK_RE.findall(text))
    if not cjk:
        return 0.0
    converted = _converter("t2s").convert(cjk)  # type: ignore[attr-defined]
    if converted == cjk:  # Simplified text, nearly always: no character to compare
        return 0.0
    return sum(a != b for a, b in zip(cjk, converted, strict=False)) / len(cjk)


# What OpenCC cannot convert: a NUL ends its C string (the rest would be lost) and a lone surrogate
# has no UTF-8 form. Ingest makes text safe before this (``text.safe_text``); other callers may not.
_OPAQUE_RE = re.compile("([\x00\ud800-\udfff]+)")

# 鍊 is Taiwan's form of both 链 (chain) and 炼 (refine); OpenCC reads it as 炼 outside the chain words its
# phrase table lists (项链, 拉链), so 狗鍊 became 狗炼. It means refine only after a verb of refining (鍛鍊,
# 修鍊, 提鍊 …) or before what is refined (鍊金, 鍊鋼); elsewhere it is a chain: read it as 鏈, always 链.
_CHAIN_RE = re.compile("(?<![修提精冶磨熬淬鍛錘歷試锻锤历试])鍊(?![金丹鋼钢油製制乳])")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese with OpenCC ``tw2s``; Simplified text passes unchanged.

    ``tw2s`` rather than ``t2s``: t2s leaves Taiwan forms such as 看著 unconverted. But tw2s
    also turns Simplified 显著 into 显着, so it only runs on text that is Traditional (more than
    2% of its characters differ under t2s; Simplified news scores ~0, Traditional ~20%).
    Japanese and Korean kanji are not Traditional Chinese: a text whose kana and Hangul are a fifth
    of its Chinese characters or more (Japanese prose has about as many as kanji) is left as it is;
    in others, a line with them over 5% of its Chinese characters is, so a Taiwanese page's language
    menu (日本語, 한국어) does not keep its article Traditional.
    """
    if traditional_share(text) < 0.02:
        return text  # Simplified already
    if not (foreign := foreign_script_count(text)):
        return _tw2s(text)
    if foreign >= 0.2 * cjk_count(text):
        return text  # Japanese or Korean, its kanji-only lines (東京都) too
    return "\n".join(line if foreign_script_count(line) > 0.05 * cjk_count(line) else _tw2s(line)
                     for line in text.split("\n"))


def _tw2s(text: str) -> str:
    convert = _converter("tw2s").convert  # type: ignore[attr-defined]
    pieces = _OPAQUE_RE.split(_CHAIN_RE.sub("鏈", text))  # odd pieces: what OpenCC cannot take, passed as they are
    return "".join(piece if i % 2 else convert(piece) for i, piece in enumerate(pieces))


_SPACE_CJK_RE = re.compile(rf"(?<=\d)[ \t\u3000]+(?=[{CJK}])|(?<=[{CJK}])[ \t\u3000]+(?=\d)")


def normalize_spacing(text: str) -> str:
    """Drop spaces OCR puts around digits in CJK text (``不足 50 人`` → ``不足50人``).

    Spaces between two CJK words are kept: in titles and bylines they separate phrases and names.
    """
    return "\n".join(_SPACE_CJK_RE.sub("", line).strip() for line in text.splitlines())


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A body after cleaning: Simplified text, the text before conversion, and garbled spans."""

    text: str
    original: str
    garbled: tuple[str, ...] = ()


def clean_body(body: str, *, is_html: bool, wrapped: bool = True) -> Cleaned:
    """Run the cleaning steps in the order of this module's docstring."""
    text = html_to_text(body) if is_html else body
    text = strip_markdown(text)
    if wrapped:
        text = join_hard_breaks(text)
    text = split_flattened(text)
    text, garbled = mark_garbled(repair_mojibake(text))
    text = strip_pinyin_notes(text)
    original = normalize_spacing(text)
    return Cleaned(to_simplified(original), original, garbled)
