"""Build the .docx templates shipped in summarizer/compose/templates/: plain.docx and gongwen.docx.

Run after changing styles:  .venv/bin/python scripts/make_templates.py
The template owns every style the renderer uses; the renderer sets no fonts itself.

gongwen.docx follows the layout conventions of 党政机关公文 (GB/T 9704-2012): 方正小标宋 title,
黑体 / 楷体 / 仿宋 headings, 仿宋 三号 body at a fixed 28 pt line pitch, margins 37/35/28/26 mm.
Fonts a reader may lack get a Chinese fallback in the font table (w:altName, GB2312 charset),
and only faces that ship with Windows and WPS (黑体 楷体 仿宋 宋体) are used below the title.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from summarizer.compose.fonts import set_east_asian_font

OUT = Path(__file__).resolve().parents[1] / "summarizer" / "compose" / "templates"
RED, BLACK, NAVY = RGBColor(0xC0, 0, 0), RGBColor(0, 0, 0), RGBColor(0x1F, 0x3A, 0x5F)
GREY, DARK = RGBColor(0x80, 0x80, 0x80), RGBColor(0x59, 0x59, 0x59)
C = WD_ALIGN_PARAGRAPH.CENTER

# Every style the renderer uses: East-Asian face (ea), Latin face, size (pt); options: bold, italic,
# colour, align, line (multiple) or exact (pt; None = single), before/after (pt), indent (cm),
# first_chars (first-line indent in characters), rule (bottom border colour), tab / toc (right tab).
PLAIN: dict[str, dict[str, Any]] = {
    "Normal": dict(ea="宋体", latin="Times New Roman", size=11, line=1.3, after=4),
    "Title": dict(ea="黑体", latin="Arial", size=26, bold=True, colour=RED, align=C, after=6),
    "Subtitle": dict(ea="宋体", latin="Times New Roman", size=12, colour=DARK, align=C, after=2, italic=False),
    "Masthead": dict(ea="宋体", latin="Times New Roman", size=11, rule=RED, after=12, tab=True),
    "TOC Heading": dict(ea="黑体", latin="Arial", size=14, bold=True, colour=NAVY, before=6, after=6),
    "toc 1": dict(ea="黑体", latin="Arial", size=11, after=2, toc=True),
    "toc 2": dict(ea="宋体", latin="Times New Roman", size=10.5, indent=0.74, after=0, toc=True),
    "Heading 1": dict(ea="黑体", latin="Arial", size=16, bold=True, colour=NAVY, before=18, after=6),
    "Heading 2": dict(ea="黑体", latin="Arial", size=14, bold=True, colour=NAVY, before=12, after=4),
    "Heading 3": dict(ea="黑体", latin="Arial", size=12, bold=True, colour=BLACK, before=10, after=2),
    "Meta": dict(ea="宋体", latin="Times New Roman", size=9, colour=DARK, after=2),
    "Key Figure": dict(ea="宋体", latin="Times New Roman", size=10, indent=0.74, after=0),
    "Keywords": dict(ea="宋体", latin="Times New Roman", size=9, colour=DARK, after=2),
    "Engine Note": dict(ea="宋体", latin="Times New Roman", size=8, colour=GREY, after=8),
    "List Bullet": dict(ea="宋体", latin="Times New Roman", size=10),
    "Table Text": dict(ea="宋体", latin="Times New Roman", size=10, line=1.0, after=0),
    "Caption": dict(ea="宋体", latin="Times New Roman", size=9, colour=DARK, align=C, bold=False),
    "Header": dict(ea="宋体", latin="Times New Roman", size=9, colour=DARK, align=C),
    "Footer": dict(ea="宋体", latin="Times New Roman", size=9, align=C),
}

GONGWEN: dict[str, dict[str, Any]] = {
    # 三号 = 16 pt; GB/T 9704: 22 lines a page at a fixed pitch, first line indented two characters.
    "Normal": dict(ea="仿宋", latin="Times New Roman", size=16, exact=28, first_chars=2, after=0),
    "Title": dict(ea="方正小标宋简体", latin="Times New Roman", size=36, colour=RED, align=C, exact=None,
                  first_chars=0, after=6),
    "Subtitle": dict(ea="仿宋", latin="Times New Roman", size=16, align=C, first_chars=0, colour=BLACK, italic=False),
    "Masthead": dict(ea="仿宋", latin="Times New Roman", size=14, rule=RED, first_chars=0, after=12, tab=True),
    "TOC Heading": dict(ea="黑体", latin="Times New Roman", size=16, align=C, first_chars=0, before=6, after=6),
    "toc 1": dict(ea="黑体", latin="Times New Roman", size=14, first_chars=0, exact=24, toc=True),
    "toc 2": dict(ea="仿宋", latin="Times New Roman", size=14, first_chars=0, indent=1.0, exact=24, toc=True),
    "Heading 1": dict(ea="黑体", latin="Times New Roman", size=16, bold=False, colour=BLACK, first_chars=0,
                      before=12, after=0),
    "Heading 2": dict(ea="楷体", latin="Times New Roman", size=16, bold=False, colour=BLACK, first_chars=2,
                      before=6, after=0),
    "Heading 3": dict(ea="仿宋", latin="Times New Roman", size=16, bold=True, colour=BLACK, first_chars=2,
                      before=6, after=0),
    "Meta": dict(ea="仿宋", latin="Times New Roman", size=12, colour=DARK, first_chars=2, exact=20),
    "Key Figure": dict(ea="仿宋", latin="Times New Roman", size=14, first_chars=2, exact=24),
    "Keywords": dict(ea="仿宋", latin="Times New Roman", size=12, colour=DARK, first_chars=2, exact=20),
    "Engine Note": dict(ea="仿宋", latin="Times New Roman", size=10.5, colour=GREY, first_chars=2, exact=18,
                        after=6),
    "List Bullet": dict(ea="仿宋", latin="Times New Roman", size=14, first_chars=0, exact=24),
    "Table Text": dict(ea="仿宋", latin="Times New Roman", size=12, first_chars=0, line=1.0, exact=None),
    "Caption": dict(ea="仿宋", latin="Times New Roman", size=12, align=C, first_chars=0, bold=False, colour=DARK,
                    exact=None),
    "Header": dict(ea="仿宋", latin="Times New Roman", size=10.5, align=C, first_chars=0, exact=None),
    "Footer": dict(ea="宋体", latin="Times New Roman", size=14, align=C, first_chars=0, exact=None),
}

OUTLINE_SUCCESSORS = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")  # CT_PPr order
PBDR_SUCCESSORS = tuple(f"w:{t}" for t in (
    "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
    "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
    "cnfStyle", "rPr", "sectPr", "pPrChange"))

# An article's lines stay together down to its engine note; a caption stays with its table or chart.
KEEP_WITH_NEXT = {"Title", "Subtitle", "Meta", "Key Figure", "Keywords", "Caption", "TOC Heading", "Part Heading"}
# 综述 and 附录 look like Heading 1 and sit at outline level 1 (so the TOC's \u switch lists them),
# but Heading 1 itself is kept for the region sections: a reader (or a script) that walks the
# Heading 1 paragraphs gets exactly the provinces.
for _spec in (PLAIN, GONGWEN):
    _spec["Part Heading"] = {**_spec["Heading 1"], "base": "Heading 1", "outline": 0}

# Font table entries: a reader without the face gets the alternative (Word reads w:altName; the
# GB2312 charset makes any Office pick a Chinese face rather than a Latin one).
FALLBACKS = {"方正小标宋简体": "宋体", "仿宋": "FangSong", "楷体": "KaiTi", "黑体": "SimHei", "宋体": "SimSun"}


def _set_page(doc: Any, top: float, bottom: float, left: float, right: float) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(1.75)


def _no_borders(style: Any) -> None:
    """Drop borders a base template put on a style (python-docx's Title has a blue bottom rule)."""
    ppr = style.element.get_or_add_pPr()
    for borders in ppr.findall(qn("w:pBdr")):
        ppr.remove(borders)


def _bottom_rule(style: Any, colour: RGBColor) -> None:
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "4"), ("color", str(colour))):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    # Word refuses pPr children out of schema order (ECMA-376 CT_PPrBase): pBdr goes before these.
    ppr.insert_element_before(borders, *PBDR_SUCCESSORS)


def _first_line_chars(style: Any, chars: int) -> None:
    """Indent in characters (w:firstLineChars), which tracks the font size, unlike a fixed length."""
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), "0" if chars == 0 else str(int(chars * style.font.size.pt * 20)))


def _style(doc: Any, name: str, opts: dict[str, Any], width: float) -> None:
    styles = doc.styles
    if name not in [s.name for s in styles]:
        styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).base_style = styles[opts.get("base", "Normal")]
    style = styles[name]
    if name.startswith("toc "):
        # Word's own TOC styles (name "toc 1", id TOC1): what a TOC update applies to its entries.
        style.style_id = name.replace("toc ", "TOC")
        style.element.attrib.pop(qn("w:customStyle"), None)
    _no_borders(style)
    set_east_asian_font(style, opts["ea"], opts["latin"])
    style.font.size = Pt(opts["size"])
    for key in ("bold", "italic"):
        if key in opts:
            setattr(style.font, key, opts[key])
    if "colour" in opts:
        style.font.color.rgb = opts["colour"]
    fmt = style.paragraph_format
    if "align" in opts:
        fmt.alignment = opts["align"]
    if opts.get("exact"):
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(opts["exact"])
    elif "line" in opts or "exact" in opts:
        fmt.line_spacing = opts.get("line", 1.0)
    for key, attr in (("before", "space_before"), ("after", "space_after")):
        if key in opts:
            setattr(fmt, attr, Pt(opts[key]))
    if "indent" in opts:
        fmt.left_indent = Cm(opts["indent"])
    if "first_chars" in opts:
        _first_line_chars(style, opts["first_chars"])
    if opts.get("rule"):
        _bottom_rule(style, opts["rule"])
    if opts.get("tab") or opts.get("toc"):
        # Unit on the left, date (or a TOC page number) at the right margin.
        leader = WD_TAB_LEADER.DOTS if opts.get("toc") else WD_TAB_LEADER.SPACES
        fmt.tab_stops.add_tab_stop(Cm(width), WD_TAB_ALIGNMENT.RIGHT, leader)
    if name.startswith("Heading") or name in KEEP_WITH_NEXT:
        fmt.keep_with_next = True
    if "outline" in opts:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(opts["outline"]))
        style.element.get_or_add_pPr().insert_element_before(level, *OUTLINE_SUCCESSORS)


def _replace_theme_fonts(doc: Any, spec: dict[str, dict[str, Any]]) -> None:
    """Name real faces wherever the base template names theme fonts (Heading 4…9, "… Char" styles,
    table styles): a theme's East-Asian face depends on the reader's language settings. Theme
    "major" fonts become the heading faces, "minor" ones the body faces."""
    faces = {"major": spec["Heading 1"], "minor": spec["Normal"]}
    for rfonts in doc.styles.element.iter(qn("w:rFonts")):
        themes = [k for k in rfonts.attrib if k.endswith("Theme") or k.endswith("theme")]
        if not themes:
            continue
        source = faces["major" if any(rfonts.get(k, "").startswith("major") for k in themes) else "minor"]
        for key in themes:
            del rfonts.attrib[key]
        for attr, face in (("ascii", source["latin"]), ("hAnsi", source["latin"]), ("eastAsia", source["ea"])):
            rfonts.set(qn(f"w:{attr}"), face)


def _font_table(doc: Any) -> None:
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    xml = part.blob.decode("utf-8")
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{"modern" if name == "黑体" else "roman"}"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in FALLBACKS.items()
    )
    part._blob = re.sub(r"</w:fonts>\s*$", entries + "</w:fonts>", xml).encode("utf-8")


def _defaults(doc: Any, east_asian: str) -> None:
    """Document defaults: Chinese as the East-Asian language, so fallbacks pick a Chinese face."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    rfonts = rpr.find(qn("w:rFonts"))
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    rfonts.set(qn("w:eastAsia"), east_asian)


def build(path: Path, spec: dict[str, dict[str, Any]], margins: tuple[float, float, float, float]) -> None:
    doc = Document()
    _set_page(doc, *margins)
    width = 21.0 - margins[2] - margins[3]
    _defaults(doc, spec["Normal"]["ea"])
    for name, opts in spec.items():
        _style(doc, name, opts, width)
    _replace_theme_fonts(doc, spec)
    _font_table(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    print(f"wrote {path}")


if __name__ == "__main__":
    build(OUT / "plain.docx", PLAIN, (2.5, 2.5, 2.6, 2.6))
    build(OUT / "gongwen.docx", GONGWEN, (3.7, 3.5, 2.8, 2.6))
