"""Cleaning steps, each a small pure function. ``clean_body`` applies them in this order:

1. ``html_to_text``        HTML → text, one paragraph per line, entities decoded
2. ``strip_markdown``      Markdown markup → plain lines (heading marks kept as a prefix for meta)
3. ``join_hard_breaks``    OCR / narrow-column line breaks joined back into sentences
4. ``strip_pinyin_notes``  小區(qū) → 小區 (real parentheses untouched)
5. ``to_simplified``       Traditional → Simplified (OpenCC ``tw2s``)
6. ``normalize_spacing``   stray spaces between CJK characters and digits removed (``不足 50 人``)

Boilerplate and byline lines are separated in ``meta.split_furniture``, after cleaning.
"""

from __future__ import annotations

import html
import re
import statistics
from functools import cache
from html.parser import HTMLParser

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
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__|\*|`)")


def strip_markdown(text: str) -> str:
    """Remove images, link targets and emphasis marks; heading marks (#) stay for ``meta``."""
    text = _MD_IMAGE_RE.sub("", text)
    text = _MD_LINK_RE.sub(r"\1", text)
    return _MD_EMPHASIS_RE.sub("", text)


_SENTENCE_END = tuple("。！？!?…；;：:")
_CLOSERS = "”’」』）)"


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip().rstrip(_CLOSERS)
    return stripped.endswith(_SENTENCE_END) or not stripped


def join_hard_breaks(text: str) -> str:
    """Join lines broken by a page's column width back into paragraphs (``水\\n饺`` → ``水饺``).

    Only applies to hard-wrapped text, recognised by short lines (median < 40 characters) of
    near-uniform length (a column), most of which do not end a sentence; a web page's menus are
    short too, but ragged. Then a line joins the previous one unless the previous ended
    a sentence or the line is indented (a new paragraph). Across a blank line it joins only when
    the previous line ran to the full column width, mid-sentence (a column break, not a paragraph).
    """
    lines = text.splitlines()
    filled = [ln.strip() for ln in lines if ln.strip()]
    if len(filled) < 4:
        return text
    median = statistics.median(len(ln) for ln in filled)
    open_ended = sum(1 for ln in filled if not _ends_sentence(ln)) / len(filled)
    uniform = sum(1 for ln in filled if abs(len(ln) - median) <= 0.25 * median) / len(filled)
    if median >= 40 or open_ended < 0.5 or uniform < 0.5:
        return text
    out: list[str] = []
    blank_before = False
    for raw in lines:
        line = raw.strip()
        if not line:
            blank_before = True
            continue
        indented = raw[:1].isspace()
        prev = out[-1] if out else ""
        full_width = len(prev) >= 0.8 * median
        join = (
            prev
            and not indented
            and not _ends_sentence(prev)
            and (not blank_before or full_width)
        )
        if join:
            out[-1] = prev + line
        else:
            out.append(line)
        blank_before = False
    return "\n".join(out)


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A pinyin syllable with a tone mark in ASCII or full-width brackets right after a CJK character.
_PINYIN_NOTE_RE = re.compile(
    rf"(?<=[\u3400-\u9fff])[(（](?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}[)）]"
)


def strip_pinyin_notes(text: str) -> str:
    """Remove pinyin glosses such as ``區(qū)``; (2020) and （作者:张玉娜） are left alone."""
    return _PINYIN_NOTE_RE.sub("", text)


@cache
def _converter(profile: str) -> object:
    import opencc

    return opencc.OpenCC(profile)


def traditional_share(text: str) -> float:
    """Share of CJK characters that OpenCC ``t2s`` would change: ~0 for Simplified text."""
    cjk = [c for c in text if "\u3400" <= c <= "\u9fff"]
    if not cjk:
        return 0.0
    converted = _converter("t2s").convert("".join(cjk))  # type: ignore[attr-defined]
    return sum(a != b for a, b in zip(cjk, converted, strict=False)) / len(cjk)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese with OpenCC ``tw2s``; Simplified text passes unchanged.

    ``tw2s`` rather than ``t2s``: t2s leaves Taiwan forms such as 看著 unconverted. But tw2s
    also turns Simplified 显著 into 显着, so it only runs on text that is Traditional (more than
    2% of its characters differ under t2s; Simplified news scores ~0, Traditional ~20%).
    """
    if traditional_share(text) < 0.02:
        return text
    return _converter("tw2s").convert(text)  # type: ignore[attr-defined]


_CJK = r"\u3400-\u9fff"
_SPACE_CJK_RE = re.compile(rf"(?<=\d)[ \t\u3000]+(?=[{_CJK}])|(?<=[{_CJK}])[ \t\u3000]+(?=\d)")


def normalize_spacing(text: str) -> str:
    """Drop spaces OCR puts around digits in CJK text (``不足 50 人`` → ``不足50人``).

    Spaces between two CJK words are kept: in titles and bylines they separate phrases and names.
    """
    return "\n".join(_SPACE_CJK_RE.sub("", line).strip() for line in text.splitlines())


def clean_body(body: str, *, is_html: bool) -> tuple[str, str]:
    """Run the cleaning steps in order; returns (simplified text, text before conversion)."""
    text = html_to_text(body) if is_html else body
    text = strip_markdown(text)
    text = join_hard_breaks(text)
    text = strip_pinyin_notes(text)
    original = normalize_spacing(text)
    return to_simplified(original), original
