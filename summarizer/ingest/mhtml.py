"""A page saved by a browser as one file (.mhtml/.mht, MIME like an e-mail): its HTML part, read as a page."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from pathlib import Path

from ..errors import UnreadableFileError
from ..types import SkipKind, SkippedFile
from .readers import RawDocument, read_html


def read_mhtml(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
    """The first text/html part through the HTML reader (``readers.read_html``: the limits, the
    charset its header declares, ``extract``'s chain); its address is the url.

    Raises:
        UnreadableFileError: no HTML part, or the part's text is too large or undecodable.
    """
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    payload = part.get_payload(decode=True) if part is not None else None
    if not payload:
        raise UnreadableFileError(path, SkipKind.NO_HTML_PART)
    docs = read_html(path, payload, part.get_content_charset())  # type: ignore[union-attr]
    url = part.get("Content-Location") or message.get("Snapshot-Content-Location")  # type: ignore[union-attr]
    if url and url.startswith(("http://", "https://")):
        docs = [dataclasses.replace(d, meta={"url": url, **d.meta}) if isinstance(d, RawDocument) else d
                for d in docs]
    return docs
