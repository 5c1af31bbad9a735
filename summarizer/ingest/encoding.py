"""Bytes → str. Trust the bytes, not a declared label: pages that say gb2312 may be UTF-8."""

from __future__ import annotations

import codecs
import contextlib

from ..errors import UnreadableFileError
from ..text import cjk_count
from ..types import SkipKind
from .guard import check_text

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
    """NUL bytes outside a UTF-16/32 text (more than a stray one or two), or many control characters:
    not a text file. A stray NUL in a text is dropped with the other controls (``text.safe_text``)."""
    sample = data[:4096]
    if any(sample.startswith(bom) for bom, _ in _BOMS):
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return sample.count(0) > max(2, len(sample) // 100) or controls > len(sample) * 0.05


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a BOM: its ASCII characters put a NUL in every other byte, all on
    one side (odd offsets for little-endian). Only if it decodes strictly to text without controls.
    (Text without any ASCII has no NULs: charset-normalizer's guess, in ``decode``, covers it.)"""
    sample = data[:4096]
    if len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    enough = max(2, len(sample) // 40)  # ASCII (digits, Latin, spaces) is 5% of the characters or more
    enc = "utf-16-le" if odd >= enough and not even else "utf-16-be" if even >= enough and not odd else None
    if enc is None:
        return None
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for c in text[:2048] if c < " " and c not in "\t\n\r")
    return (text, enc) if controls <= 0.01 * min(len(text), 2048) else None


def _utf16_chinese(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM and without ASCII (all Chinese and full-width marks): no NULs to tell it
    by, and its marks look like control bytes (。 is 02 30). It is that when it decodes strictly to
    mostly Chinese characters; no other encoding's bytes do (GBK read as UTF-16 gives Hangul,
    surrogates and private-use characters)."""
    if len(data) % 2:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data[:4096].decode(enc)
        except UnicodeDecodeError:
            continue
        if cjk_count(text) >= 0.6 * len(text):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                return None
    return None


def decode(data: bytes, name: object = "input", declared: str | None = None) -> tuple[str, str]:
    """Decode ``data``; returns (text, encoding name).

    Order: a BOM (a body that does not decode in the BOM's encoding — GBK after a UTF-8 BOM — goes
    on without it); UTF-16 without a BOM; the charset a container ``declared`` (an MHTML part's
    header), unless the bytes are binary or it does not decode them (a header that lies); strict
    UTF-8 (most files, and it almost never decodes other encodings by accident); then
    charset-normalizer's best guess among the Chinese encodings.

    Raises:
        UnreadableFileError: more than ``guard.MAX_TEXT_BYTES``, binary, or no encoding fits.
    """
    check_text(data, name)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                data = data[len(bom):]
                break
    if utf16 := _utf16_without_bom(data):
        return utf16
    if looks_binary(data):
        if utf16 := _utf16_chinese(data):
            return utf16
        raise UnreadableFileError(name, SkipKind.BINARY)
    if declared:
        with contextlib.suppress(LookupError, UnicodeDecodeError):  # an unknown name, or a header that lies
            return data.decode(declared), declared
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
