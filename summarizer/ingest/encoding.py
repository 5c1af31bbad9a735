"""Bytes → str. Trust the bytes, not a declared label: pages that say gb2312 may be UTF-8."""

from __future__ import annotations

import codecs

from ..errors import UnreadableFileError
from ..types import SkipKind

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LENIENT = ("utf-8", "gb18030", "big5")
_MAX_BROKEN = 0.01  # share of characters that may be undecodable bytes before a file counts as not text


def looks_binary(data: bytes) -> bool:
    """NUL bytes outside a UTF-16/32 text, or many control characters: not a text file."""
    sample = data[:4096]
    if any(sample.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.05


def decode(data: bytes, name: object = "input") -> tuple[str, str]:
    """Decode ``data``; returns (text, encoding name).

    Order: a BOM; strict UTF-8 (most files, and it almost never decodes other encodings by
    accident); then charset-normalizer's best guess among the Chinese encodings.

    Raises:
        UnreadableFileError: the bytes are binary or no encoding fits.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    if looks_binary(data):
        raise UnreadableFileError(name, SkipKind.BINARY)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_16", "utf_8"]).best()
    if best is None:
        best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    # A page of GBK with a few broken bytes (a truncated character, a bad copy) fits no encoding
    # strictly: read it in the one that breaks least, when that is a handful of characters. Each
    # broken byte becomes U+FFFD, which cleaning marks as garbled, so no summary quotes it.
    text, enc = min(((data.decode(e, errors="replace"), e) for e in _LENIENT), key=lambda te: te[0].count("\ufffd"))
    if text.count("\ufffd") <= _MAX_BROKEN * len(text):
        return text, enc
    raise UnreadableFileError(name, SkipKind.UNDECODABLE)
