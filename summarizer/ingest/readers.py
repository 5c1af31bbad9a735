"""Format readers: one file → one or more ``RawDocument`` (text or HTML, plus metadata found).

Readers only undo the container (front matter, Word XML, JSON records); cleaning the words is
``clean``'s job and finding title/source/date is ``meta``'s.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UnreadableFileError
from ..types import Removal, SkipKind, SkippedFile
from .encoding import decode
from .guard import MAX_FRONT_MATTER_CHARS, read_regular
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
    multi: bool = False  # one of several records of a file: a record that gives nothing is named
    removals: tuple[Removal, ...] = ()  # what the reader already took out (a page's lines above its headline)
    # True for a web page's extracted blocks: lines are paragraphs already (no OCR line joining)
    # and trailing widgets are trimmed.
    from_page: bool = False


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split YAML front matter from a document. Malformed front matter, or a block not closed within
    ``guard.MAX_FRONT_MATTER_CHARS``, is left in the body (it may be text between rules); front matter
    with aliases, which only YAML writes, is dropped unread."""
    m = _FRONT_MATTER_RE.match(text[:MAX_FRONT_MATTER_CHARS])
    if not m:
        return {}, text
    from .frontmatter import AliasError, parse  # PyYAML only for a file that has front matter

    try:
        data = parse(m.group(1))
    except AliasError:
        return {}, text[m.end():]
    if data is None:
        return {}, text
    meta = {str(k).lower(): _flatten(v) for k, v in data.items() if v is not None}
    return meta, text[m.end():]


def _flatten(value: object) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _read_text(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
    text, enc = decode(data, path)
    if looks_like_page(text):  # a saved web page with a .txt name
        return _page_document(path, text, enc)
    meta, body = split_front_matter(text)
    return [RawDocument(path, body, bool(_HTML_HINT_RE.search(body)), meta, enc)]


def read_html(path: Path, data: bytes, charset: str | None = None) -> list[RawDocument | SkippedFile]:
    """A page through the page reader (``extract``'s chain), or a fragment as it is: every block the article.

    ``charset``: what the container declares (an MHTML part's header), for ``encoding.decode``.

    Raises:
        UnreadableFileError: too large, binary or undecodable (``encoding.decode``).
    """
    text, enc = decode(data, path, charset)
    if not looks_like_page(text):  # a fragment: every block is the article
        return [RawDocument(path, text, True, {}, enc)]
    return _page_document(path, text, enc)


def _page_document(path: Path, markup: str, enc: str) -> list[RawDocument | SkippedFile]:
    page = extract_page(markup)
    meta = {k: v for k, v in {"title": page.title, "date": page.date, "site": page.site, "url": page.url,
                              "extractor": page.extractor}.items() if v}
    return [RawDocument(path, page.text, False, meta, enc, from_page=True, removals=page.removals)]


_TEXT_KEYS = ("text", "content", "body", "正文", "article", "内容")
# Chinese field names seen in exported records, mapped to the names front matter uses.
_FIELD_ALIASES = {"标题": "title", "题目": "title", "来源": "source", "媒体": "source", "日期": "date",
                  "时间": "date", "发布时间": "date", "作者": "author", "记者": "author", "链接": "url",
                  "网址": "url", "地区": "region", "地域": "region"}


def _read_json(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
    """One document per record; a record that is bad, not an object or has no text is a skipped entry
    naming it, and the other records still go through."""
    text, enc = decode(data, path)
    if path.suffix.lower() == ".jsonl":
        indexed = _json_lines(path, text)
    else:
        loaded = _parse_record(path, text, 1)
        if isinstance(loaded, SkippedFile):
            raise UnreadableFileError(path, loaded.kind, loaded.detail, error=loaded.error)
        indexed = list(enumerate(loaded)) if isinstance(loaded, list) else [(None, loaded)]
    if not indexed:
        raise UnreadableFileError(path, SkipKind.EMPTY_FILE)
    return record_documents(path, indexed, enc)


def read_json_lines(path: Path, text: str, enc: str, first: int = 0) -> list[RawDocument | SkippedFile]:
    """The documents of a slice of a JSON Lines file whose first line is line ``first`` (from 0) of
    the file: record indices and line numbers are the file's (``parallel`` reads a large file so)."""
    return record_documents(path, _json_lines(path, text, first), enc)


def _json_lines(path: Path, text: str, first: int = 0) -> list[tuple[int | None, object]]:
    # Records are split on "\n" only: str.splitlines would also split at U+2028 or \x85, which a
    # JSON string may hold unescaped. A record's index is its line's, so #5 is line 5.
    return [(n - 1, _parse_record(path, line, n)) for n, line in enumerate(text.split("\n"), start=first + 1)
            if line.strip()]


def record_documents(path: Path, indexed: list[tuple[int | None, object]], enc: str = "utf-8"
                     ) -> list[RawDocument | SkippedFile]:
    """Records (index, parsed JSON value) of ``path`` as documents, or the entries saying why not: not an
    object, no text field (a ``SkippedFile`` from parsing stays one). Also for records read elsewhere
    (a Ray Data batch: ``ray_data``)."""
    out: list[RawDocument | SkippedFile] = []
    for i, rec in indexed:
        if isinstance(rec, SkippedFile):
            out.append(dataclasses.replace(rec, record=i))
        elif not isinstance(rec, dict):
            out.append(SkippedFile(path, SkipKind.NOT_A_RECORD, record=i))
        elif (body := next((rec[k] for k in _TEXT_KEYS if isinstance(rec.get(k), str) and rec[k].strip()),
                           None)) is None:
            out.append(SkippedFile(path, SkipKind.NO_TEXT_FIELD, "/".join(_TEXT_KEYS), record=i))
        else:
            meta = {}
            for key, value in rec.items():
                if key not in _TEXT_KEYS and value is not None:
                    name = _FIELD_ALIASES.get(str(key).strip(), str(key).lower())
                    meta.setdefault(name, _flatten(value))
            out.append(RawDocument(path, body, bool(_HTML_HINT_RE.search(body)), meta, enc, i or 0,
                                   multi=i is not None))
    return out


def _parse_record(path: Path, text: str, lineno: int) -> object:
    """A JSON value (a JSON Lines record starting on line ``lineno``), or the skipped entry saying
    which line is broken: bad syntax, nesting too deep to parse, a number too long to convert."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return SkippedFile(path, SkipKind.BAD_JSON, str(lineno + exc.lineno - 1), error=exc.msg)
    except (ValueError, RecursionError) as exc:
        return SkippedFile(path, SkipKind.BAD_JSON, str(lineno), error=str(exc) or "nested too deeply")


def _read_docx(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
    from .word import read_docx  # python-docx and lxml only when a Word file is read

    return read_docx(path, data)


Reader = Callable[[Path, bytes], list[RawDocument | SkippedFile]]
READERS: dict[str, Reader] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".markdown": _read_text,
    ".html": read_html,
    ".htm": read_html,
    ".json": _read_json,
    ".jsonl": _read_json,
    ".docx": _read_docx,
}


def _lazy(module: str, name: str) -> Reader:
    """A reader in a module of its own, imported when a file needs it (so are its optional dependencies)."""

    def read(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
        return getattr(importlib.import_module(f"{__package__}.{module}"), name)(path, data)  # type: ignore[no-any-return]

    return read


# The format readers (issue 13): PDF, scans and photos, Office files through LibreOffice, saved pages,
# archives, Internet shortcuts.
READERS.update({
    ".pdf": _lazy("pdf", "read_pdf"),
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp"), _lazy("ocr", "read_image")),
    **dict.fromkeys((".doc", ".wps", ".rtf", ".odt"), _lazy("office", "read_office")),
    **dict.fromkeys((".mhtml", ".mht"), _lazy("mhtml", "read_mhtml")),
    **dict.fromkeys((".zip", ".tar", ".tgz", ".gz"), _lazy("archive", "read_archive")),
    ".url": _lazy("fetch", "read_shortcut"),
})
SUPPORTED_SUFFIXES = frozenset(READERS)


# Files the system writes beside the user's, hidden or not: macOS's resource forks in a zip, Windows'
# thumbnail cache.
_SYSTEM_FILES = frozenset({"__MACOSX", "Thumbs.db"})


def ignored(name: str) -> SkipKind | None:
    """Whether a file or folder named ``name`` is one that holds no article, and which kind: hidden
    (.git, .DS_Store, ``_SYSTEM_FILES``) or an Office lock file (~$报告.docx). For folders and archives."""
    if name.startswith("~$"):
        return SkipKind.LOCK_FILE
    if name.startswith(".") or name in _SYSTEM_FILES:
        return SkipKind.HIDDEN
    return None


def read_file(path: Path) -> list[RawDocument | SkippedFile]:
    """Read one file with the reader for its suffix: its documents, and its records that gave none.

    Raises:
        UnreadableFileError: unsupported suffix, not a regular file, too large, unreadable, binary,
            undecodable or empty.
    """
    _reader(path)  # before reading: a file of a type no reader takes is not opened
    return read_bytes(path, read_regular(path))


def read_bytes(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
    """``data`` read as a file named ``path`` (a file's, or an archive member's, bytes).

    Raises:
        UnreadableFileError: unsupported suffix, empty, or what its reader raises.
    """
    reader = _reader(path)
    if not data.strip():
        raise UnreadableFileError(path, SkipKind.EMPTY_FILE)
    return reader(path, data)


def _reader(path: Path) -> Reader:
    if (reader := READERS.get(path.suffix.lower())) is None:
        raise UnreadableFileError(path, SkipKind.UNSUPPORTED, path.suffix.lower())
    return reader
