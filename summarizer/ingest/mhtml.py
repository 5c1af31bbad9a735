"""A page saved by a browser as one file (.mhtml/.mht, MIME like an e-mail): its HTML part, read as a page."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from pathlib import Path

from ..errors import UnreadableFileError
from ..types import SkipKind, SkippedFile
from .encoding import decode
from .html import looks_like_page
from .readers import RawDocument, _page_document


def read_mhtml(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
    """The first text/html part through the page reader (``extract``'s chain); its address is the url.

    Raises:
        UnreadableFileError: no HTML part.
    """
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    payload = part.get_payload(decode=True) if part is not None else None
    if not payload:
        raise UnreadableFileError(path, SkipKind.NO_HTML_PART)
    charset = part.get_content_charset()  # type: ignore[union-attr]
    try:
        markup, enc = (payload.decode(charset), charset) if charset else decode(payload, path)
    except (LookupError, UnicodeDecodeError):
        markup, enc = decode(payload, path)
    url = part.get("Content-Location") or message.get("Snapshot-Content-Location")  # type: ignore[union-attr]
    page = looks_like_page(markup)
    docs = _page_document(path, markup, enc) if page else [RawDocument(path, markup, True, {}, enc)]
    if url and url.startswith(("http://", "https://")):
        docs = [dataclasses.replace(d, meta={"url": url, **d.meta}) if isinstance(d, RawDocument) else d
                for d in docs]
    return docs
