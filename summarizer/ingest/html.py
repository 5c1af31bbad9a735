"""Whole web pages → article text and metadata.

The article body comes from trafilatura (a maintained main-content extractor); when it finds
nothing — some Chinese portals keep the story in markup it does not recognise — our own
``clean.html_to_text`` reads every visible block and ``meta.split_furniture`` drops the furniture.
The title is chosen here, not by trafilatura: an ``<h1>`` confirmed by the page ``<title>``, else
the ``<title>`` (or og:title) minus its site and section suffixes (``…_网易新闻``, ``…｜即時｜蘋果新聞網``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

from .clean import html_to_text
from .furniture import split_furniture

log = logging.getLogger(__name__)

# A page rather than a fragment of markup pasted into a text file.
_PAGE_RE = re.compile(r"\A\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head)\b", re.I | re.S)
# Separators between a headline and the site/section names in <title>: 标题_网易新闻, 标题 - 社會 - 中時,
# 标题｜即時｜蘋果新聞網, 栏目--标题. A bare hyphen counts too (标题-新华网); hyphens inside words
# (COVID-19) rarely sit next to Chinese text on both sides.
_TITLE_SEP_RE = re.compile(r"\s*(?:[_|｜]|--+|\s[-–—]\s)\s*|(?<=[\u3400-\u9fff])-(?=[\u3400-\u9fff])")
_MIN_TEXT = 50  # characters: below this trafilatura is taken to have missed the article


@dataclass(frozen=True, slots=True)
class Page:
    """What a web page says about its article; ``text`` has one paragraph per line."""

    text: str
    title: str | None = None
    date: str | None = None
    site: str | None = None
    url: str | None = None
    extractor: str = "trafilatura"


def looks_like_page(text: str) -> bool:
    """True for a whole HTML document (doctype, <html> or <head> first), not a pasted fragment."""
    return bool(_PAGE_RE.match(text[:2000]))


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _head_titles(markup: str) -> tuple[str | None, str | None, list[str]]:
    """(<title>, og:title, [<h1> texts]) read with lxml; empty when the markup cannot be parsed."""
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):
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
    confirms it (see ``page_title``).
    """
    parts = [p.strip() for p in _TITLE_SEP_RE.split(title) if p and p.strip()]
    return max(parts, key=len) if parts else title.strip()


def page_title(markup: str, fallback: str | None = None) -> str | None:
    """The article's headline: an ``<h1>`` found in <title>/og:title, else <title> minus site suffix."""
    title, og, h1s = _head_titles(markup)
    for h1 in h1s:
        if len(h1) >= 4 and any(h1 in t for t in (title, og) if t):
            return h1
    for candidate in (title, og, fallback):
        if candidate:
            return strip_site_suffix(candidate)
    return next((h for h in h1s if len(h) >= 6), None)


def _site_name(raw: str | None) -> str | None:
    """trafilatura's sitename cleaned: 网易版权所有 → 网易, 社會 | 中央社 CNA → 中央社 CNA; domains dropped."""
    if not raw:
        return None
    parts = [p.replace("版权所有", "").replace("版權所有", "").strip() for p in _TITLE_SEP_RE.split(raw)]
    parts = [p for p in parts if re.search(r"[\u3400-\u9fff]", p)]
    return parts[-1] if parts else None


def extract_page(markup: str) -> Page:
    """Read a web page: article text (trafilatura, or our fallback), title, date, site and url.

    Args:
        markup: the whole page, decoded.

    Returns:
        A ``Page``; its ``text`` still holds bylines and furniture lines for ``meta`` to sort out.
        Never raises for bad markup: the worst case is a page with empty text.
    """
    doc = None
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(
            markup, with_metadata=True, include_comments=False, include_tables=True,
            output_format="python",
        )
    except ImportError as exc:  # a broken install, not a bad page: say so, or every page quietly reads worse
        _warn_install(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except Exception as exc:  # a third-party parser on arbitrary markup: any failure means "use the fallback"
        log.info("trafilatura failed (%s); using the plain block reader", exc)
    text = (getattr(doc, "text", None) or "").strip()
    extractor = "trafilatura"
    blocks = html_to_text(markup)  # the fallback's text, and where the byline is looked for
    if len(text) < _MIN_TEXT:
        text, extractor = blocks, "fallback"
    title = page_title(markup, getattr(doc, "title", None))
    if title:
        text = drop_lines_before_title(text, title)
        byline = byline_near_title(blocks, title)
        if byline and byline not in text:
            text = byline + "\n" + text
    return Page(
        text=text,
        title=title,
        date=getattr(doc, "date", None),
        site=_site_name(getattr(doc, "sitename", None)),
        url=getattr(doc, "url", None),
        extractor=extractor,
    )


@cache  # once per run, not once per page
def _warn_install(reason: str) -> None:
    log.warning("trafilatura cannot run (%s): web pages are read with the plain block reader, which keeps "
                "navigation and related links; repair the install: pip install 'lxml[html_clean]' trafilatura",
                reason)


def byline_near_title(blocks: str, title: str, reach: int = 6) -> str | None:
    """The byline line under the headline (来源/作者/date) in the page's block text (``html_to_text``),
    which extractors often leave out.

    It is put back above the body so ``meta.split_furniture`` reads it like any other byline.
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


def drop_lines_before_title(text: str, title: str, window: int = 40) -> str:
    """Cut navigation and breadcrumbs above the headline (and the headline itself).

    Only when the headline appears among the first ``window`` lines: further down it is a
    quotation in the body, not the top of the article.
    """
    lines = text.splitlines()
    for i, line in enumerate(lines[:window]):
        # trafilatura sometimes returns a page as one line that starts with the headline.
        line = _collapse(line).lstrip("#-• ")
        if line.startswith(title):
            rest = line[len(title):].strip()
            return "\n".join(([rest] if rest else []) + lines[i + 1:])
    return text
