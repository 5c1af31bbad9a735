"""A web page's main text: the extractor chain, one numbered function, chosen by evidence.

``main_text`` runs, in order:

1. **Reveal** what scripts would show: a block hidden by its style (``visibility:hidden``,
   ``display:none``, ``opacity:0``, the ``hidden`` attribute) that holds most of the page's Chinese
   text is the article waiting for a script (WeChat keeps its post in ``#js_content``, hidden until
   scripts run), so it is made visible. Small hidden blocks (menus, templates) stay hidden.
2. **trafilatura** reads the article (and the page's date, site name, url).
3. **readability-lxml** reads it too, the measured best peer on Chinese pages. The two readings are
   compared: when they agree (character-bag F1 ≥ ``AGREE``), readability's is taken, which keeps
   less of the page around the story; when they differ, the one whose text is more story (the
   share of its Chinese characters in sentence-shaped lines) wins; one that reads under
   ``MIN_TEXT`` characters never does.
4. **Scripts**: when both read less than ``MIN_ARTICLE`` characters and the page's inline scripts
   hold more Chinese text (a gallery's captions, an app page's article in its JSON state), the
   strings of those scripts are read.
5. **Blocks**: when everything above read under ``MIN_TEXT``, our own reader takes every visible block
   (``clean.html_to_text``) and the furniture rules clean it.

``MainText.extractor`` says which reading won and why, for ``ingest --json`` and the benchmark.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..text import cjk_count
from .clean import html_to_text
from .furniture import is_story_line

log = logging.getLogger(__name__)

MIN_TEXT = 50  # Chinese characters: a reading with fewer has missed the article
MIN_ARTICLE = 100  # below this, a page's scripts may hold the article instead
AGREE = 0.9  # character-bag F1 at which two readings are the same article
_HIDDEN_STYLE_RE = re.compile(
    r"(?:display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0*)?)(?=\s*(?:;|$|!))", re.I
)
_REVEAL_SHARE = 0.5  # a hidden block holding this share of the page's Chinese text is revealed
# A string literal in a script: "…" or '…' with the usual escapes.
_STRING_RE = re.compile(r'"((?:[^"\\\n]|\\.){20,})"|\'((?:[^\'\\\n]|\\.){20,})\'')
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class MainText:
    """The article text of a page (one paragraph per line), trafilatura's metadata, and the trace."""

    text: str
    extractor: str
    metadata: Any = None  # trafilatura's Document: title, date, sitename, url


def main_text(markup: str, tree: Any = None) -> MainText:
    """Run the chain of this module's docstring over a whole page.

    Args:
        markup: the page, decoded.
        tree: the page parsed by ``lxml.html`` (``parse``), or None when it could not be parsed.

    Never raises for bad markup: the worst case is an empty text.
    """
    # 1. Reveal
    if tree is not None and reveal_hidden(tree):
        import lxml.html

        markup = lxml.html.tostring(tree, encoding="unicode")
    # 2. trafilatura
    doc, traf = _trafilatura(markup)
    # 3. readability-lxml, and the choice between the two
    text, extractor = choose(traf, _readability(markup))
    # 4. Scripts
    if cjk_count(text) < MIN_ARTICLE and tree is not None:
        scripts = script_text(tree)
        if cjk_count(scripts) > max(2 * cjk_count(text), MIN_TEXT):
            text, extractor = scripts, "scripts (the extractors read little; the page's scripts hold its text)"
    # 5. Blocks
    if cjk_count(text) < MIN_TEXT:
        text, extractor = html_to_text(markup), "blocks (the extractors read little)"
    return MainText(text.strip(), extractor, doc)


def choose(traf: str, read: str) -> tuple[str, str]:
    """Step 3: trafilatura's or readability's reading, and why."""
    if cjk_count(read) < MIN_TEXT:
        return traf, "trafilatura"
    if cjk_count(traf) < MIN_TEXT:
        return read, "readability (trafilatura read little)"
    if char_f1(traf, read) >= AGREE:
        return read, "readability (agrees with trafilatura)"
    if story_share(read) >= story_share(traf):
        return read, "readability (more of its text is story than trafilatura's)"
    return traf, "trafilatura (more of its text is story than readability's)"


def char_f1(a: str, b: str) -> float:
    """Character-bag F1 of two texts over their non-space characters."""
    ca, cb = Counter(c for c in a if not c.isspace()), Counter(c for c in b if not c.isspace())
    common = sum((ca & cb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(ca.values()), common / sum(cb.values())
    return 2 * precision * recall / (precision + recall)


def story_share(text: str) -> float:
    """Share of a reading's Chinese characters that stand in story lines (``furniture.is_story_line``)."""
    lines = [ln.strip().strip("|").strip() for ln in text.splitlines()]
    total = sum(cjk_count(ln) for ln in lines)
    return sum(cjk_count(ln) for ln in lines if is_story_line(ln)) / total if total else 0.0


def parse(markup: str) -> Any:
    """The page as an ``lxml.html`` tree, or None when lxml cannot parse it."""
    import lxml.etree
    import lxml.html

    # lxml refuses a str that declares its encoding (<?xml … encoding="gbk"?>): it is decoded already.
    markup = re.sub(r"\A\s*<\?xml[^>]*>", "", markup)
    try:
        return lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):
        return None


def reveal_hidden(tree: Any) -> int:
    """Step 1: make visible the hidden blocks that hold most of the page's Chinese text; how many."""
    total = cjk_count(tree.text_content())
    revealed = 0
    for el in tree.xpath("//body//*[@hidden or @style]"):
        style = el.get("style") or ""
        if el.get("hidden") is None and not _HIDDEN_STYLE_RE.search(style):
            continue
        if total and cjk_count(el.text_content()) >= _REVEAL_SHARE * total:
            el.attrib.pop("hidden", None)
            el.set("style", _HIDDEN_STYLE_RE.sub("", style))
            revealed += 1
    return revealed


def script_text(tree: Any) -> str:
    """Step 4: the Chinese strings of a page's inline scripts, one a line, in order, each once.

    A string may hold JSON in turn (``JSON.parse("{\\"sub_abstracts\\": …}")``) or HTML; both are read.
    """
    lines: list[str] = []
    for script in tree.iter("script"):
        if script.get("src") or not script.text:
            continue
        for m in _STRING_RE.finditer(script.text):
            for value in _leaves(_unescape(m.group(1) or m.group(2))):
                for line in html_to_text(value).splitlines() if _TAG_RE.search(value) else [value]:
                    if cjk_count(line) >= 8:
                        lines.append(line.strip())
    return "\n".join(dict.fromkeys(lines))


def _leaves(value: str, depth: int = 0) -> list[str]:
    """The string values inside ``value`` when it is a JSON object or array, else ``[value]``."""
    if depth > 3 or value[:1] not in "[{":
        return [value]
    try:
        data = json.loads(value)
    except ValueError:
        return [value]
    out: list[str] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.extend(_leaves(item, depth + 1))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return out


def _unescape(literal: str) -> str:
    try:
        return json.loads(f'"{literal}"')
    except ValueError:
        return literal.replace('\\"', '"').replace("\\'", "'").replace("\\/", "/")


def _trafilatura(markup: str) -> tuple[Any, str]:
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False, include_tables=True,
                                          output_format="python")
    except ImportError as exc:  # a broken install, not a bad page: say so, or every page quietly reads worse
        _warn_install("trafilatura", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return None, ""
    except Exception as exc:  # a third-party parser on arbitrary markup: any failure means "use the next step"
        log.info("trafilatura failed (%s); trying the next reader", exc)
        return None, ""
    return doc, table_rows(getattr(doc, "text", None) or "")


_CELL_SEP_RE = re.compile(r"(?<!\\)\|")
_RULE_RE = re.compile(r"^[|\s:-]+$")


def table_rows(text: str) -> str:
    """trafilatura writes table rows as ``| a | b |``: one line per row, its non-empty cells joined by ｜
    as the Word reader joins them (a layout table's empty cells and rules go)."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if not (stripped.startswith("|") and stripped.endswith("|")):
            out.append(line)
        elif not _RULE_RE.match(stripped):
            cells = [c.strip().replace("\\|", "|") for c in _CELL_SEP_RE.split(stripped)]
            out.append("｜".join(c for c in cells if c))
    return "\n".join(out)


def _readability(markup: str) -> str:
    try:
        from readability import Document

        summary = Document(markup).summary(html_partial=True)
    except ImportError as exc:
        _warn_install("readability-lxml", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return ""
    except Exception as exc:  # same as above: a failure on one page means "use the other reading"
        log.info("readability failed (%s); using the other reading", exc)
        return ""
    return html_to_text(summary)


@cache  # once per run, not once per page
def _warn_install(package: str, reason: str) -> None:
    log.warning("%s cannot run (%s): web pages are read without it, which keeps more navigation and related "
                "links; repair the install: pip install 'lxml[html_clean]' trafilatura readability-lxml",
                package, reason)
