"""Real files of every format, built from seed stories: newspaper PDFs, page images, archives.

Used by the format tests and by ``benchmarks/formats.py``. The PDFs are laid out by hand with fpdf2
(the ``test`` extra) so the truth is known line by line: ``PageBuild.lines`` holds every line as
printed, and ``PageBuild.stories`` each story's title and paragraphs.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

# Debian's fonts-noto-cjk and the fallback font many images carry; fc-list finds others.
_FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),  # index 2: the SC face
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
PT = 25.4 / 72  # millimetres per point


@dataclass(frozen=True)
class CjkFont:
    path: Path
    index: int = 0  # the face within a .ttc collection


def cjk_font() -> CjkFont | None:
    """A font on this machine that covers Simplified Chinese, or None."""
    for path, index in _FONT_CANDIDATES:
        if Path(path).is_file():
            return CjkFont(Path(path), index)
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            path = Path(line.split(":")[0].strip())
            if path.suffix.lower() in (".ttf", ".otf") and path.is_file():
                return CjkFont(path)
    return None


@dataclass(frozen=True)
class Story:
    title: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join((self.title, *self.paragraphs))


@dataclass
class PageBuild:
    """What was printed: every line (in no particular order) and the stories, for checking a reading."""

    lines: list[str] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    pages: int = 0
    page_lines: dict[int, list[str]] = field(default_factory=dict)  # page number (from 1) → its lines

    def printed(self, line: str) -> None:
        self.lines.append(line)
        self.page_lines.setdefault(self.pages, []).append(line)


def seed_stories(limit: int | None = None, max_chars: int = 1200) -> list[Story]:
    """The seed articles as stories (title + paragraphs), each cut to about ``max_chars`` characters."""
    from summarizer import load_articles

    root = Path(__file__).resolve().parent.parent / "seeds"
    stories = []
    for article in load_articles(root)[:limit]:
        paragraphs, total = [], 0
        for para in article.text.replace("\ufffd", "").splitlines():  # a garbled span has no glyph to print
            if total >= max_chars:
                break
            paragraphs.append(para)
            total += len(para)
        stories.append(Story(article.title, tuple(paragraphs)))
    return stories


class _Layout:
    """fpdf2 with a CJK font, laying out stories in columns, one line at a time (text() calls)."""

    def __init__(self, font: CjkFont, *, size: float = 9.0, width: float = 210, height: float = 297,
                 margin: float = 12, header: tuple[str, str] | None = None) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(unit="mm", format=(width, height))
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("cjk", fname=str(font.path), collection_font_number=font.index)
        self.size, self.width, self.height, self.margin = size, width, height, margin
        self.header = header
        self.build = PageBuild()
        self.top = margin

    @property
    def leading(self) -> float:
        return self.size * PT * 1.5

    def new_page(self) -> None:
        self.pdf.add_page()
        self.build.pages += 1
        self.top = self.margin
        if self.header:
            self.pdf.set_font("cjk", size=7)
            left, right = self.header
            y = self.margin - 4
            self.pdf.text(self.margin, y, left)
            self.pdf.text(self.width - self.margin - self.pdf.get_string_width(right), y, right)
            number = f"— {self.build.pages} —"
            self.pdf.text((self.width - self.pdf.get_string_width(number)) / 2, self.height - self.margin / 2, number)
            self.top += 4

    def wrap(self, text: str, width: float, indent: float = 0.0, size: float | None = None) -> list[str]:
        """Break a paragraph into lines that fit ``width`` mm, the first one ``indent`` mm shorter."""
        self.pdf.set_font("cjk", size=size or self.size)
        lines, line, used, room = [], "", 0.0, width - indent
        for ch in text:
            w = self.pdf.get_string_width(ch)
            if used + w > room and line:
                lines.append(line)
                line, used, room = "", 0.0, width
            line += ch
            used += w
        if line:
            lines.append(line)
        return lines

    def story(self, story: Story, x: float, width: float, columns: int, gutter: float = 4) -> float:
        """Print a story: its headline across ``width``, its body in ``columns`` balanced columns. Returns
        the y where it ends; a body too long for the page runs on in the columns of the next page."""
        pdf = self.pdf
        head_size = self.size * 2.2
        y = self.top
        for line in self.wrap(story.title, width, size=head_size):
            y += head_size * PT * 1.3
            pdf.text(x + (width - pdf.get_string_width(line)) / 2, y, line)
            self.build.printed(line)
        y += self.leading / 2
        col_w = (width - gutter * (columns - 1)) / columns
        indent = 2 * self.size * PT  # two characters, as Chinese print starts a paragraph
        body: list[tuple[str, float]] = []
        for para in story.paragraphs:
            for i, line in enumerate(self.wrap(para, col_w, indent)):
                body.append((line, indent if i == 0 else 0.0))
        self.build.stories.append(story)
        pdf.set_font("cjk", size=self.size)
        while body:
            room = int((self.height - self.margin - 6 - y) // self.leading)
            per_column = min(room, -(-len(body) // columns))
            for c in range(columns):
                for k, (line, dx) in enumerate(body[c * per_column:(c + 1) * per_column]):
                    pdf.text(x + c * (col_w + gutter) + dx, y + (k + 1) * self.leading, line)
                    self.build.printed(line)
            bottom = y + (per_column + 1) * self.leading
            body = body[columns * per_column:]
            if body:
                self.new_page()
                pdf.set_font("cjk", size=self.size)
                y = self.top
        return bottom + self.leading

    def save(self, path: Path) -> PageBuild:
        self.pdf.output(str(path))
        return self.build


def newspaper_pdf(path: Path, stories: list[Story], font: CjkFont, *, columns: int = 4,
                  side_by_side: bool = False, header: tuple[str, str] | None = ("聊城日报", "第3版 社区")) -> PageBuild:
    """Stories printed as a newspaper page: each under its headline in ``columns`` columns, stacked down
    the page (a new page when the next does not fit); ``side_by_side`` puts two stories next to each other,
    each over half the page."""
    lay = _Layout(font, header=header)
    lay.new_page()
    full = lay.width - 2 * lay.margin
    if side_by_side:
        half = (full - 8) / 2
        for left, right in zip(stories[::2], stories[1::2], strict=False):
            top = lay.top
            end_left = lay.story(left, lay.margin, half, max(1, columns // 2))
            lay.top = top
            end_right = lay.story(right, lay.margin + half + 8, half, max(1, columns // 2))
            lay.top = max(end_left, end_right)
        return lay.save(path)
    for story in stories:
        if lay.top > lay.height * 0.6:
            lay.new_page()
        lay.top = lay.story(story, lay.margin, full, columns)
    return lay.save(path)


def render_png(pdf: Path, out: Path, dpi: int = 300) -> Path | None:
    """The PDF's first page as a PNG image (poppler's pdftoppm), or None without it."""
    if not shutil.which("pdftoppm"):
        return None
    stem = out.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                   check=True, capture_output=True)
    return stem.with_suffix(".png")


def text_image(path: Path, lines: list[str], font: CjkFont, *, size: int = 48, vertical: bool = False) -> Path:
    """Lines of text drawn black on white with a CJK font (Pillow), ``size`` pixels a character: about a
    10.5-point line scanned at 300 dpi. ``vertical`` writes each line as a column, right to left."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(str(font.path), size, index=font.index)
    pitch = int(size * 1.6)
    longest = max(len(line) for line in lines)
    if vertical:
        width, height = pitch * len(lines) + 2 * size, int(size * 1.1) * longest + 2 * size
    else:
        width, height = size * longest + 2 * size, pitch * len(lines) + 2 * size
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        if vertical:
            x = width - size - (i + 1) * pitch
            for k, ch in enumerate(line):
                draw.text((x, size + k * int(size * 1.1)), ch, font=face, fill="black")
        else:
            draw.text((size, size + i * pitch), line, font=face, fill="black")
    image.save(path)
    return path


def wrap_chars(text: str, width: int) -> list[str]:
    """A paragraph cut into lines of ``width`` characters, as a narrow column prints it."""
    return [text[i:i + width] for i in range(0, len(text), width)]


def char_f1(read: str, truth: str) -> float:
    """Character-bag F1 over all non-space characters, full- and half-width forms counted as one (NFKC)."""
    from summarizer.ingest.extract import char_f1 as f1

    return f1(unicodedata.normalize("NFKC", read), unicodedata.normalize("NFKC", truth))


def mixed_lines(body: str, stories: list[Story], tolerance: float = 0.0) -> list[str]:
    """The lines of a reading that are not part of one paragraph or title: a line run across two columns
    (line k of one column, then line k of the next) is not. For OCR, whose characters may be misread,
    ``tolerance`` is the share of a line's character pairs that may be missing from its paragraph."""
    flat = ["".join(unicodedata.normalize("NFKC", p).split()) for s in stories for p in (s.title, *s.paragraphs)]
    lines = ["".join(unicodedata.normalize("NFKC", ln).split()) for ln in body.splitlines() if ln.strip()]
    if not tolerance:
        return [ln for ln in lines if not any(ln in p for p in flat)]
    pairs = [{p[i:i + 2] for i in range(len(p) - 1)} for p in flat]
    mixed = []
    for ln in lines:
        own = {ln[i:i + 2] for i in range(len(ln) - 1)}
        if own and max(len(own & p) for p in pairs) < (1 - tolerance) * len(own):
            mixed.append(ln)
    return mixed


def story_docx(path: Path, story: Story) -> Path:
    """A story as a Word file (python-docx): its title a heading, then its paragraphs."""
    import docx

    document = docx.Document()
    document.add_heading(story.title, 1)
    for para in story.paragraphs:
        document.add_paragraph(para)
    document.save(path)
    return path


def columned_docx(path: Path, stories: list[Story], columns: int = 3) -> Path:
    """The stories in a Word file set in ``columns`` columns (python-docx), headings for titles: LibreOffice
    prints it as a PDF from another producer than fpdf2."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    section = document.sections[0]._sectPr  # python-docx has no API for columns
    for old in section.findall(qn("w:cols")):
        section.remove(old)
    cols = OxmlElement("w:cols")
    section.append(cols)
    cols.set(qn("w:num"), str(columns))
    cols.set(qn("w:space"), "340")  # twentieths of a point: 17 pt gutters
    for story in stories:
        document.add_heading(story.title, 1)
        for para in story.paragraphs:
            document.add_paragraph(para).paragraph_format.first_line_indent = Pt(21)
    document.save(path)
    return path


def mhtml_page(html: str, charset: str | None) -> bytes:
    """``html`` saved as a browser saves a page (.mhtml): its HTML part, declaring ``charset`` (None: none), and
    a picture."""
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    page = MIMEMultipart("related")
    page["Snapshot-Content-Location"] = "https://news.example.cn/2023/11/28/123.html"
    part = MIMEText(html, "html", charset or "utf-8")
    if charset is None:
        part.del_param("charset")
    part["Content-Location"] = "https://news.example.cn/2023/11/28/123.html"
    page.attach(part)
    page.attach(MIMEImage(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "png"))
    return page.as_bytes()
