"""Build the .docx template(s) shipped in summarizer/compose/templates/.

Run after changing styles:  .venv/bin/python scripts/make_templates.py
The template owns every style the renderer uses; the renderer sets no fonts itself.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Cm, Pt, RGBColor

from summarizer.compose.fonts import set_east_asian_font

OUT = Path(__file__).resolve().parents[1] / "summarizer" / "compose" / "templates"

# (style, east-asian font, latin font, size pt, bold, colour)
DEFAULT = {
    "Normal": ("宋体", "Times New Roman", 11, None, None),
    "Title": ("黑体", "Arial", 22, True, RGBColor(0xB0, 0x00, 0x00)),
    "Subtitle": ("宋体", "Times New Roman", 11, False, RGBColor(0x40, 0x40, 0x40)),
    "Heading 1": ("黑体", "Arial", 16, True, RGBColor(0x1F, 0x3A, 0x5F)),
    "Heading 2": ("黑体", "Arial", 14, True, RGBColor(0x1F, 0x3A, 0x5F)),
    "Heading 3": ("黑体", "Arial", 12, True, RGBColor(0, 0, 0)),
    "Meta": ("宋体", "Times New Roman", 9, False, RGBColor(0x59, 0x59, 0x59)),
    "Engine Note": ("宋体", "Times New Roman", 8, False, RGBColor(0x80, 0x80, 0x80)),
    "List Bullet": ("宋体", "Times New Roman", 10, None, None),
}


def build(path: Path, spec: dict[str, tuple]) -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    for margin in ("left_margin", "right_margin"):
        setattr(section, margin, Cm(2.6))
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
    styles = doc.styles
    for name, (east_asian, latin, size, bold, colour) in spec.items():
        if name not in [s.name for s in styles]:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
        style = styles[name]
        set_east_asian_font(style, east_asian, latin)
        style.font.size = Pt(size)
        if bold is not None:
            style.font.bold = bold
        if colour is not None:
            style.font.color.rgb = colour
    styles["Normal"].paragraph_format.line_spacing = 1.3
    styles["Normal"].paragraph_format.space_after = Pt(4)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


if __name__ == "__main__":
    build(OUT / "default.docx", DEFAULT)
    print(f"wrote {OUT / 'default.docx'}")
