"""Format readers: one file → one or more ``RawDocument`` (text or HTML, plus metadata found).

Readers only undo the container (front matter, Word XML, JSON records); cleaning the words is
``clean``'s job and finding title/source/date is ``meta``'s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import UnreadableFileError
from .encoding import decode
from .html import extract_page, looks_like_page

# Front matter: a YAML block fenced by --- lines at the very top (blank lines before it allowed).
_FRONT_MATTER_RE = re.compile(r"\A\s*---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
# A body is treated as HTML when it holds block-level tags, even inside a .txt/.md file (seed 000).
_HTML_HINT_RE = re.compile(r"<(p|div|br|img|h[1-6]|span|table|article|section)\b[^>]*>", re.I)


@dataclass(frozen=True, slots=True)
class RawDocument:
    path: Path
    body: str
    is_html: bool = False
    meta: Mapping[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    record: int = 0  # index within a .json/.jsonl file
    # True for a web page's extracted blocks: lines are paragraphs already (no OCR line joining)
    # and trailing widgets are trimmed.
    from_page: bool = False


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split YAML front matter from a document; malformed front matter is left in the body."""
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return {}, text
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return {}, text
    if not isinstance(data, dict):
        return {}, text
    meta = {str(k).lower(): _flatten(v) for k, v in data.items() if v is not None}
    return meta, text[m.end():]


def _flatten(value: object) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _read_text(path: Path, data: bytes) -> list[RawDocument]:
    text, enc = decode(data, path)
    if looks_like_page(text):  # a saved web page with a .txt name
        return _page_document(path, text, enc)
    meta, body = split_front_matter(text)
    return [RawDocument(path, body, bool(_HTML_HINT_RE.search(body)), meta, enc)]


def _read_html(path: Path, data: bytes) -> list[RawDocument]:
    text, enc = decode(data, path)
    if not looks_like_page(text):  # a fragment: every block is the article
        return [RawDocument(path, text, True, {}, enc)]
    return _page_document(path, text, enc)


def _page_document(path: Path, markup: str, enc: str) -> list[RawDocument]:
    page = extract_page(markup)
    meta = {k: v for k, v in {"title": page.title, "date": page.date, "site": page.site, "url": page.url,
                              "extractor": page.extractor}.items() if v}
    return [RawDocument(path, page.text, False, meta, enc, from_page=True)]


_TEXT_KEYS = ("text", "content", "body", "正文", "article", "内容")
# Chinese field names seen in exported records, mapped to the names front matter uses.
_FIELD_ALIASES = {"标题": "title", "题目": "title", "来源": "source", "媒体": "source", "日期": "date",
                  "时间": "date", "发布时间": "date", "作者": "author", "记者": "author", "链接": "url",
                  "网址": "url", "地区": "region", "地域": "region"}


def _read_json(path: Path, data: bytes) -> list[RawDocument]:
    text, enc = decode(data, path)
    try:
        if path.suffix.lower() == ".jsonl":
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            loaded = json.loads(text)
            records = loaded if isinstance(loaded, list) else [loaded]
    except json.JSONDecodeError as exc:
        raise UnreadableFileError(path, f"not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    docs = []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            continue
        body = next((rec[k] for k in _TEXT_KEYS if isinstance(rec.get(k), str) and rec[k].strip()), None)
        if body is None:
            continue
        meta = {}
        for key, value in rec.items():
            if key not in _TEXT_KEYS and value is not None:
                name = _FIELD_ALIASES.get(str(key).strip(), str(key).lower())
                meta.setdefault(name, _flatten(value))
        docs.append(RawDocument(path, body, bool(_HTML_HINT_RE.search(body)), meta, enc, i))
    if not docs:
        raise UnreadableFileError(path, f"no record with a text field ({', '.join(_TEXT_KEYS)})")
    return docs


def _read_docx(path: Path, data: bytes) -> list[RawDocument]:
    import io
    import zipfile

    import docx  # python-docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFileError(path, f"not a readable Word file ({exc})") from exc
    lines = []
    for block in document.iter_inner_content():  # paragraphs and tables in document order
        if isinstance(block, Table):
            lines.extend(_table_rows(block))
            continue
        style = (block.style.name if block.style is not None else "") or ""
        level = 1 if style == "Title" else int(m.group(1)) if (m := re.match(r"Heading (\d)", style)) else 0
        lines.append("#" * level + " " + block.text if level and block.text.strip() else block.text)
    core = document.core_properties
    meta = {k: v for k, v in {"title": core.title, "author": core.author}.items() if v}
    return [RawDocument(path, "\n".join(lines), False, meta, "docx")]


def _table_rows(table: object) -> list[str]:
    """One line per row, cells joined by ｜ (a space would be dropped next to digits by cleaning);
    merged cells, which python-docx repeats, once."""
    rows = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
        if cells:
            rows.append("｜".join(cells))
    return rows


READERS: dict[str, Callable[[Path, bytes], list[RawDocument]]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".markdown": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".json": _read_json,
    ".jsonl": _read_json,
    ".docx": _read_docx,
}
SUPPORTED_SUFFIXES = frozenset(READERS)


def read_file(path: Path) -> list[RawDocument]:
    """Read one file with the reader for its suffix.

    Raises:
        UnreadableFileError: unsupported suffix, unreadable, binary, undecodable or empty.
    """
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableFileError(path, f"unsupported file type {path.suffix or '(none)'}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(path, f"cannot read file ({exc.strerror})") from exc
    if not data.strip():
        raise UnreadableFileError(path, "empty file")
    return reader(path, data)
