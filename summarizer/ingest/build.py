"""RawDocument → Article: clean the body, split off furniture, and settle the metadata."""

from __future__ import annotations

from pathlib import Path

from ..errors import UnreadableFileError
from ..text import cjk_ratio
from ..types import Article
from .clean import clean_body, to_simplified
from .meta import derive_title, parse_date, pop_title, split_furniture, split_source_label, trim_tail
from .readers import RawDocument
from .split import split_page


def build_articles(docs: list[RawDocument]) -> list[Article]:
    """Turn a file's documents into articles; front matter wins over what the text suggests.

    Raises:
        UnreadableFileError: nothing readable is left after cleaning.
    """
    stories = [story for doc in docs for story in split_page(doc)]
    articles = [a for a in (_build(story) for story in stories) if a is not None]
    if not articles:
        raise UnreadableFileError(docs[0].path, "no Chinese article text found after cleaning")
    return articles


def _build(doc: RawDocument) -> Article | None:
    cleaned = clean_body(doc.body, is_html=doc.is_html, wrapped=not doc.from_page)
    text, original = cleaned.text, cleaned.original
    lines, furniture = split_furniture(text.splitlines())
    if doc.from_page:
        lines, tail = trim_tail(lines)
        furniture.dropped.extend(tail)
    meta = dict(doc.meta)
    known = meta.get("title")  # the body is Simplified by now: compare like with like
    headline, body_lines, kickers = pop_title(lines, to_simplified(known) if known else None)
    body = "\n".join(body_lines)
    if len(body) < 10 or cjk_ratio(body) < 0.2:
        return None

    source, label_date = None, None
    if "来源" in furniture.labels:
        source, label_date = split_source_label(furniture.labels["来源"])
    # A byline's 来源 names the outlet that wrote the story; a web page's site name may be a portal
    # that reposted it, so it comes last.
    source = meta.get("source") or source or furniture.outlet or meta.get("site")
    date = parse_date(meta.get("date")) or label_date or parse_date(furniture.labels.get("日期"))
    authors = tuple(dict.fromkeys(furniture.authors)) or _front_matter_authors(meta)

    title = meta.get("title")
    derived = False
    if not title:
        title = headline
    if not title:
        title, derived = derive_title(body), True
    title = to_simplified(title.strip())

    extra = {k: v for k, v in meta.items() if k not in {"title", "source", "date", "url"}}
    for label, value in furniture.labels.items():
        extra.setdefault(label, value)
    if kickers:
        extra.setdefault("kicker", " / ".join(kickers))
    return Article(
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
    )


def _front_matter_authors(meta: dict[str, str]) -> tuple[str, ...]:
    value = meta.get("author") or meta.get("authors")
    return tuple(v for v in value.replace("、", ",").split(",") if v.strip()) if value else ()
