"""The one helper that sets a style's East-Asian font.

python-docx's ``font.name`` sets only the Latin font (w:ascii/w:hAnsi), which leaves Chinese
text in the Latin face (python-docx issues #154, #346); Word and LibreOffice read ``w:eastAsia``.
"""

from __future__ import annotations

from docx.oxml.ns import qn


def set_east_asian_font(style: object, east_asian: str, latin: str | None = None) -> None:
    """Set ``w:rFonts/@w:eastAsia`` (and optionally the Latin faces) on a style or run."""
    font = style.font  # type: ignore[attr-defined]
    if latin:
        font.name = latin
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.get_or_add_rFonts()
    # Theme attributes (w:eastAsiaTheme …) win over explicit names in Word: drop them.
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    rfonts.set(qn("w:eastAsia"), east_asian)


def east_asian_font(style: object) -> str | None:
    rpr = style.element.rPr  # type: ignore[attr-defined]
    if rpr is None or rpr.rFonts is None:
        return None
    return rpr.rFonts.get(qn("w:eastAsia"))
