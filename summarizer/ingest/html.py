"""Whole web pages → article text and metadata.

The article body comes from the extractor chain in ``extract`` (trafilatura, readability-lxml, the
page's scripts, our block reader). The title is chosen here, not by an extractor: an ``<h1>``
confirmed by the page ``<title>``, else the ``<title>`` (or og:title) minus its site and section
suffixes (``…_网易新闻``, ``…｜即時｜蘋果新聞網``). Lines above the headline are cut (and recorded), and
the byline under it, which extractors often leave out, is put back for ``furniture`` to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..text import CJK
from ..types import Removal
from .clean import html_to_text
from .extract import main_text, parse
from .furniture import split_furniture

_PAGE_RE = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.I)
_TAG_RE = re.compile(r"<[^>]*>")
# A short bracketed tag before a headline: [广告], 【独家】, [图].
_TITLE_TAG_RE = re.compile(r"^\s*[\[【〔(（][^\]】〕)）]{1,6}[\]】〕)）]\s*")
_MIN_PAGE = 2000  # characters: a shorter fragment is an article's markup, not a page
# Separators between a headline and the site/section names in <title>: 标题_网易新闻, 标题 - 社會 - 中時,
# 标题｜即時｜蘋果新聞網, 栏目--标题. A bare hyphen counts too (标题-新华网); hyphens inside words
# (COVID-19) rarely sit next to Chinese text on both sides.
_TITLE_SEP_RE = re.compile(rf"\s*(?:[_|｜]|--+|\s[-–—]\s)\s*|(?<=[{CJK}])-(?=[{CJK}])")


@dataclass(frozen=True, slots=True)
class Page:
    """What a web page says about its article; ``text`` has one paragraph per line."""

    text: str
    title: str | None = None
    date: str | None = None
    site: str | None = None
    url: str | None = None
    extractor: str = "trafilatura"
    removals: tuple[Removal, ...] = ()  # lines the reader cut above the headline


def looks_like_page(text: str) -> bool:
    """True for a whole HTML document, not a fragment of markup pasted into a text.

    A page has an <html>, <head> or <body> tag (or a doctype) near the top, whatever comes before
    it; a page saved without them (the body of a form, an archive's wrapper) still opens with a tag
    and is mostly markup, where a pasted fragment is mostly text.
    """
    if _PAGE_RE.search(text[:4000]):
        return True
    if not text.lstrip("\ufeff \t\r\n").startswith("<") or len(text) < _MIN_PAGE:
        return False
    return sum(len(m) for m in _TAG_RE.findall(text)) > 0.5 * len(text)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _head_titles(tree: Any) -> tuple[str | None, str | None, list[str]]:
    """(<title>, og:title, [<h1> texts]) of a parsed page; empty when it could not be parsed."""
    if tree is None:
        return None, None, []
    title = next((_collapse(t.text_content()) for t in tree.iter("title")), None)
    og = next((_collapse(m.get("content") or "") for m in tree.iter("meta")
               if (m.get("property") or m.get("name") or "").lower() == "og:title"), None)
    h1s = [_collapse(h.text_content()) for h in tree.iter("h1")]
    return title or None, og or None, [h for h in h1s if h]


def strip_site_suffix(title: str) -> str:
    """``标题_网易新闻`` → ``标题``: the longest part between separators is the headline.

    Site and section names (网易新闻, 社會, 中央社 CNA) are shorter than headlines; a headline that
    itself holds a separator (红色党建引领物业服务｜小区物业…) is kept whole only when an ``<h1>``
    confirms it (see ``page_title``). A leading tag (``[广告]``, 【独家】) is not part of it.
    """
    parts = _title_parts(_TITLE_TAG_RE.sub("", title).strip() or title)
    return max(parts, key=len) if parts else title.strip()


def _title_parts(title: str) -> list[str]:
    return [p.strip() for p in _TITLE_SEP_RE.split(title) if p and p.strip()]


def page_title(page: Any, fallback: str | None = None) -> str | None:
    """The article's headline: an ``<h1>`` found in <title>/og:title, else <title> minus site suffix.

    An ``<h1>`` that is the site's name (a logo: 某市人民政府 in 标题_某市人民政府) or only a tag
    ([广告]) is not the headline. ``page`` is the markup or its tree (``extract.parse``).
    """
    title, og, h1s = _head_titles(parse(page) if isinstance(page, str) else page)
    heads = [t for t in (title, og) if t]
    for h1 in (_TITLE_TAG_RE.sub("", h).strip() for h in h1s):
        if len(h1) >= 4 and any(h1 in t and not _is_site_part(h1, t) for t in heads):
            return h1
    for candidate in (*heads, fallback):
        if candidate:
            return strip_site_suffix(candidate)
    return next((h for h in h1s if len(h) >= 6), None)


def _is_site_part(text: str, title: str) -> bool:
    """``text`` is one of the shorter parts of ``title`` (a site or section name, not the headline)."""
    parts = _title_parts(title)
    return len(parts) > 1 and text in parts and text != max(parts, key=len)


def _site_name(raw: str | None) -> str | None:
    """trafilatura's sitename cleaned: 网易版权所有 → 网易, 社會 | 中央社 CNA → 中央社 CNA; domains dropped."""
    if not raw:
        return None
    parts = [p.replace("版权所有", "").replace("版權所有", "").strip() for p in _TITLE_SEP_RE.split(raw)]
    parts = [p for p in parts if re.search(f"[{CJK}]", p)]
    return parts[-1] if parts else None


def extract_page(markup: str) -> Page:
    """Read a web page: article text (``extract.main_text``'s chain), title, date, site and url.

    Args:
        markup: the whole page, decoded.

    Returns:
        A ``Page``; its ``text`` still holds bylines and furniture lines for ``furniture`` to sort out.
        Never raises for bad markup: the worst case is a page with empty text.
    """
    tree = parse(markup)
    main = main_text(markup, tree)
    doc = main.metadata
    text = main.text
    removals: list[Removal] = []
    title = page_title(tree, getattr(doc, "title", None))
    if title:
        text, above = drop_lines_before_title(text, title)
        removals.extend(Removal(line, "above headline") for line in above if line.strip())
        blocks = html_to_text(markup)  # where the byline is looked for: extractors often leave it out
        byline = byline_near_title(blocks, title)
        if byline and byline not in text:
            text = byline + "\n" + text
    return Page(
        text=text,
        title=title,
        date=getattr(doc, "date", None),
        site=_site_name(getattr(doc, "sitename", None)),
        url=getattr(doc, "url", None),
        extractor=main.extractor,
        removals=tuple(removals),
    )


def byline_near_title(blocks: str, title: str, reach: int = 6) -> str | None:
    """The byline line under the headline (来源/作者/date) in the page's block text (``html_to_text``),
    which extractors often leave out.

    It is put back above the body so ``furniture.split_furniture`` reads it like any other byline.
    """
    lines = [ln for ln in blocks.splitlines() if ln.strip()]
    at = next((i for i, ln in enumerate(lines) if ln.lstrip("# ").strip() == title), None)
    if at is None:
        return None
    for line in lines[at + 1: at + 1 + reach]:
        body, found = split_furniture([line])
        if not body and (found.labels.keys() & {"来源", "作者", "记者"}):
            return line
    return None


def drop_lines_before_title(text: str, title: str, window: int = 40) -> tuple[str, list[str]]:
    """Cut navigation and breadcrumbs above the headline (and the headline itself).

    Only when the headline appears among the first ``window`` lines: further down it is a
    quotation in the body, not the top of the article.

    Returns:
        (the text from the line after the headline, the lines cut)
    """
    lines = text.splitlines()
    for i, line in enumerate(lines[:window]):
        # trafilatura sometimes returns a page as one line that starts with the headline.
        line = _collapse(line).lstrip("#-• ")
        if line.startswith(title):
            rest = line[len(title):].strip()
            return "\n".join(([rest] if rest else []) + lines[i + 1:]), lines[:i]
    return text, []
