"""RawDocument → Article: clean the body, split off furniture, and settle the metadata."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from ..text import cjk_count, cjk_ratio
from ..types import NOTABLE_LOSS, Article, SkipKind, SkippedFile
from .clean import clean_body, to_simplified
from .furniture import split_furniture, trim_tail
from .meta import derive_title, parse_date, pop_title, split_source_label
from .readers import RawDocument
from .split import split_page

log = logging.getLogger(__name__)
MIN_BODY = 10  # characters: less is not an article


def build_articles(docs: list[RawDocument | SkippedFile]) -> tuple[list[Article], list[SkippedFile]]:
    """A file's documents → its articles, and an entry for each document (record) that gave none.

    Front matter and record fields win over what the text suggests.
    """
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    for doc in docs:
        if isinstance(doc, SkippedFile):
            skipped.append(doc)
            continue
        built = [_build(story) for story in split_page(doc)]
        found = [a for a in built if isinstance(a, Article)]
        if not found:
            kind, detail = next(b for b in built if not isinstance(b, Article))
            skipped.append(SkippedFile(doc.path, kind, detail, record=doc.record if doc.multi else None))
        articles.extend(found)
    return articles, skipped


def _build(doc: RawDocument) -> Article | tuple[SkipKind, str]:
    cleaned = clean_body(doc.body, is_html=doc.is_html, wrapped=not doc.from_page)
    text, original = cleaned.text, cleaned.original
    if text.strip() and cjk_ratio(text) < 0.2:
        return SkipKind.NOT_CHINESE, ""
    lines, furniture = split_furniture(text.splitlines())
    if doc.from_page:
        lines, tail = trim_tail(lines)
        for line in tail:
            furniture.remove(line, "page tail")
    meta = dict(doc.meta)
    known = meta.get("title")  # the body is Simplified by now: compare like with like
    headline, body_lines, kickers = pop_title(lines, to_simplified(known) if known else None)
    body = "\n".join(body_lines)
    if not body.strip() or cjk_ratio(body) < 0.2:
        return SkipKind.EMPTY_TEXT, ""
    if len(body) < MIN_BODY:
        return SkipKind.TOO_SHORT, str(len(body))

    source, label_date = None, None
    if "来源" in furniture.labels:
        source, label_date = split_source_label(furniture.labels["来源"])
    # A byline's 来源 names the outlet that wrote the story; a web page's site name may be a portal
    # that reposted it, so it comes last.
    source = meta.get("source") or source or furniture.outlet or meta.get("site")
    date = parse_date(meta.get("date")) or label_date or parse_date(furniture.labels.get("日期"))
    authors = tuple(dict.fromkeys(furniture.authors)) or _front_matter_authors(meta)

    title = meta.get("title") or headline or furniture.labels.get("标题") or furniture.labels.get("原标题")
    derived = not title
    title = to_simplified((title or derive_title(body)).strip())

    extra = {k: v for k, v in meta.items() if k not in {"title", "source", "date", "url"}}
    for label, value in furniture.labels.items():
        extra.setdefault(label, value)
    if kickers:
        extra.setdefault("kicker", " / ".join(kickers))
    removals = (*doc.removals, *furniture.removals)
    read = cjk_count(doc.body) + sum(cjk_count(r.text) for r in doc.removals)
    kept = cjk_count(body) + sum(cjk_count(t) for t in (*kickers, *furniture.captions)) \
        + (0 if derived else cjk_count(title))
    article = Article(
        title=title,
        text=body,
        path=Path(doc.path),
        source=to_simplified(source) if source else None,
        date=date,
        authors=authors,
        url=meta.get("url"),
        original_text="\n".join(ln for ln in original.splitlines() if ln.strip()) if original != text else None,
        title_derived=derived,
        captions=tuple(furniture.captions),
        meta=extra,
        part=doc.record,
        garbled=cleaned.garbled,
        removals=removals,
        cleaning_loss=max(0.0, 1 - kept / read) if read else 0.0,
    )
    if article.cleaning_loss > NOTABLE_LOSS:
        reasons = Counter(r.reason for r in removals).most_common(3)
        log.warning("%s: cleaning took out %.0f%% of its Chinese characters (%s)", article.name,
                    100 * article.cleaning_loss, ", ".join(f"{n} {why}" for why, n in reasons))
    return article


def _front_matter_authors(meta: dict[str, str]) -> tuple[str, ...]:
    value = meta.get("author") or meta.get("authors")
    return tuple(v for v in value.replace("、", ",").split(",") if v.strip()) if value else ()
