"""Word fields (PAGE, NUMPAGES, TOC) as complex fields, which Word, WPS and LibreOffice all update.

A complex field is runs: ``fldChar begin`` · ``instrText`` · ``fldChar separate`` · the current
result · ``fldChar end``. The result we write is a readable placeholder (for the TOC: the headings
themselves), so a reader that does not update fields still shows something sensible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# CT_Settings children that follow w:updateFields (ECMA-376 part 1, 17.15.1.78).
_AFTER_UPDATE_FIELDS = {
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
}


def _fld_char(paragraph: Any, kind: str, dirty: bool = False) -> None:
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")  # ask the reader to recompute it on open
    run._r.append(char)


def _instruction(paragraph: Any, text: str) -> None:
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {text} "
    run._r.append(instr)


def add_field(paragraph: Any, instruction: str, placeholder: str) -> None:
    """Append a whole field (e.g. ``PAGE``) to ``paragraph``, showing ``placeholder`` until updated."""
    _fld_char(paragraph, "begin")
    _instruction(paragraph, instruction)
    _fld_char(paragraph, "separate")
    paragraph.add_run(placeholder)
    _fld_char(paragraph, "end")


def add_toc(doc: Any, entries: Sequence[tuple[int, str]], levels: int = 2) -> None:
    """A TOC field over heading levels 1–``levels`` whose current result lists ``entries`` (level, text)."""
    entries = list(entries) or [(1, "（更新域以生成目录）")]
    for i, (level, text) in enumerate(entries):
        paragraph = doc.add_paragraph(style=f"toc {level}")
        if i == 0:
            _fld_char(paragraph, "begin", dirty=True)
            _instruction(paragraph, f'TOC \\o "1-{levels}" \\h \\z \\u')
            _fld_char(paragraph, "separate")
        paragraph.add_run(text)
        if i == len(entries) - 1:
            _fld_char(paragraph, "end")


def update_fields_on_open(doc: Any) -> None:
    """Set ``w:updateFields`` so Word and LibreOffice fill in TOC page numbers when the file opens."""
    settings = doc.settings.element
    flag = settings.find(qn("w:updateFields"))
    if flag is None:
        flag = OxmlElement("w:updateFields")
        # Word rejects settings.xml whose children are out of schema order: go before the first successor.
        later = next((c for c in settings if c.tag.split("}")[-1] in _AFTER_UPDATE_FIELDS), None)
        if later is None:
            settings.append(flag)
        else:
            later.addprevious(flag)
    flag.set(qn("w:val"), "true")


def instructions(element: Any) -> list[str]:
    """Every field instruction under ``element`` (a document body, header or footer), stripped."""
    return [t.text.strip() for t in element.iter(qn("w:instrText")) if t.text]
