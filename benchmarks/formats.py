"""Every reading format, end to end through ``load_articles``: characters read vs the source, and speed.

Files are built from the seed stories (``tests/format_files.py``): newspaper PDFs of 4, 6 and 8
columns, two stories side by side, a one-column report, a 3-column Word file printed to PDF by
LibreOffice, a 300-dpi render of a newspaper page and a photo-like image for OCR, a scanned PDF, the
Office formats through LibreOffice, .odt, .mhtml and .zip. For each: character-bag F1 of what the
briefing gets (titles + texts) against the source text, lines that run across two columns, the
articles found, and seconds (wall and CPU) per page.

``--peers`` also measures the PDF libraries' own reading order (pypdf, pdfplumber, PyMuPDF, PDFium)
and Tesseract (``chi_sim``) against RapidOCR on the same render, where installed.

    .venv/bin/python benchmarks/formats.py [--peers] [--no-ocr]

The machine is shared: compare rows of one run; CPU seconds are steadier than wall seconds.
"""

from __future__ import annotations

import argparse
import io
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from summarizer import load_articles
from summarizer.ingest import office
from summarizer.ingest.readers import read_file
from tests.format_files import (
    Story,
    char_f1,
    cjk_font,
    columned_docx,
    mixed_lines,
    newspaper_pdf,
    seed_stories,
    story_docx,
    text_image,
    wrap_chars,
)

OCR_TOLERANCE = 0.2  # an OCR line may misread a fifth of its character pairs and still be one column's


def _truth(stories: list[Story]) -> str:
    return "\n".join(s.text for s in stories)


def _timed(fn: Callable[[], object]) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def row(name: str, path: Path, truth: str, pages: int, stories: list[Story] | None = None,
        tolerance: float = 0.0) -> None:
    articles, wall, cpu = _timed(lambda: load_articles(path))
    # A title the reader made up from the text is not text read.
    read = "\n".join(a.text if a.title_derived else f"{a.title}\n{a.text}" for a in articles)  # type: ignore[attr-defined]
    mixed = "-"
    if stories is not None:
        (doc,) = read_file(path)
        mixed = str(len(mixed_lines(doc.body, stories, tolerance)))
    print(f"| {name} | {char_f1(read, truth):.3f} | {mixed} | {len(articles)} | {pages} "  # type: ignore[arg-type]
          f"| {wall / pages:.2f} | {cpu / pages:.2f} | {pages / wall:.2f} |")


def pdf_rows(tmp: Path, stories: list[Story]) -> None:
    font = cjk_font()
    for columns in (4, 6, 8):
        build = newspaper_pdf(tmp / f"news{columns}.pdf", stories, font, columns=columns)
        row(f"PDF, newspaper {columns} columns", tmp / f"news{columns}.pdf", _truth(stories), build.pages, stories)
    two = seed_stories(limit=2, max_chars=400)
    build = newspaper_pdf(tmp / "side.pdf", two, font, side_by_side=True)
    row("PDF, 2 stories side by side", tmp / "side.pdf", _truth(two), build.pages, two)
    build = newspaper_pdf(tmp / "report.pdf", stories[1:2], font, columns=1, header=None)
    row("PDF, one-column report", tmp / "report.pdf", _truth(stories[1:2]), build.pages, stories[1:2])
    if exe := office.soffice():
        docx = columned_docx(tmp / "cols.docx", stories, 3)
        (tmp / "lo.pdf").write_bytes(office.convert(exe, docx, docx.read_bytes(), "pdf"))
        import pypdfium2

        pages = len(pypdfium2.PdfDocument(tmp / "lo.pdf"))
        row("PDF, 3-column Word file via LibreOffice", tmp / "lo.pdf", _truth(stories), pages, stories)


def render(pdf: Path, out: Path, dpi: int = 300) -> tuple[Path, Path]:
    """Page 1 of a PDF as a PNG at ``dpi`` (PDFium), and as a PDF holding only that image (a scan)."""
    import pypdfium2
    from fpdf import FPDF

    page = pypdfium2.PdfDocument(pdf)[0]
    page.render(scale=dpi / 72).to_pil().save(out)
    scan = FPDF(unit="pt", format=(page.get_width(), page.get_height()))
    scan.add_page()
    scan.image(str(out), x=0, y=0, w=page.get_width())
    scan.output(str(out.with_suffix(".pdf")))
    return out, out.with_suffix(".pdf")


def ocr_rows(tmp: Path, stories: list[Story]) -> tuple[Path, str]:
    """The OCR rows; returns the 300-dpi render and the text printed on it."""
    font = cjk_font()
    build = newspaper_pdf(tmp / "ocr4.pdf", stories, font, columns=4)
    png, scan = render(tmp / "ocr4.pdf", tmp / "page300.png")
    page1 = "\n".join(build.page_lines[1])
    row("OCR, 300-dpi render of a 4-column page", png, page1, 1, stories, OCR_TOLERANCE)
    row("OCR, the same page as a scanned PDF", scan, page1, 1, stories, OCR_TOLERANCE)
    paragraph = stories[0].paragraphs[0][:130]
    photo = text_image(tmp / "photo.png", wrap_chars(paragraph, 13), font)
    row("OCR, image of one paragraph (48-px characters)", photo, paragraph, 1)
    return png, page1


def office_rows(tmp: Path, stories: list[Story]) -> None:
    story = stories[1]
    story_docx(tmp / "story.docx", story)
    exe = office.soffice()
    for target in ("doc", "rtf", "odt"):
        if exe:
            (tmp / f"story.{target}").write_bytes(office.convert(exe, tmp / "story.docx",
                                                                 (tmp / "story.docx").read_bytes(), target))
    if exe:
        shutil.copy(tmp / "story.doc", tmp / "story.wps")
        for suffix in ("doc", "wps", "rtf", "odt"):
            row(f".{suffix} (saved by LibreOffice)", tmp / f"story.{suffix}", story.text, 1)
    body = "".join(f"<p>{p}</p>" for p in story.paragraphs)
    html = f"<html><head><title>{story.title}</title></head><body><article><h1>{story.title}</h1>{body}</article>" \
           "</body></html>"
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    page = MIMEMultipart("related")
    page.attach(MIMEText(html, "html", "utf-8"))
    (tmp / "page.mhtml").write_bytes(page.as_bytes())
    row(".mhtml", tmp / "page.mhtml", story.text, 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("稿件/page.html", html)
        z.write(tmp / "report.pdf", "稿件/report.pdf")
    (tmp / "mail.zip").write_bytes(out.getvalue())
    row(".zip (a page and a PDF)", tmp / "mail.zip", story.text + "\n" + story.text, 2)


def peers(tmp: Path, stories: list[Story], render300: tuple[Path, str] | None) -> None:
    """The libraries' own reading order on the same PDFs: F1, lines across columns, seconds per page."""
    print("\n## PDF libraries' own text order (same files)\n")
    print("| library | file | F1 | lines across columns | s/page (wall) |")
    print("|---|---|---|---|---|")

    def pypdf_text(path: Path) -> tuple[str, int]:
        import pypdf

        reader = pypdf.PdfReader(path)
        return "\n".join(p.extract_text() for p in reader.pages), len(reader.pages)

    def plumber_text(path: Path) -> tuple[str, int]:
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            return "\n".join(p.extract_text() or "" for p in pdf.pages), len(pdf.pages)

    def mupdf_text(path: Path) -> tuple[str, int]:
        import pymupdf

        pdf = pymupdf.open(path)
        return "\n".join(p.get_text(sort=True) for p in pdf), len(pdf)

    def pdfium_text(path: Path) -> tuple[str, int]:
        import pypdfium2

        pdf = pypdfium2.PdfDocument(path)
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))), len(pdf)

    def ours(path: Path) -> tuple[str, int]:
        import pypdfium2

        return read_file(path)[0].body, len(pypdfium2.PdfDocument(path))  # type: ignore[union-attr]

    files = [("news6.pdf", stories), ("side.pdf", seed_stories(limit=2, max_chars=400)), ("lo.pdf", stories)]
    for name, fn in [("pypdf", pypdf_text), ("pdfplumber", plumber_text), ("PyMuPDF sort=True", mupdf_text),
                     ("pypdfium2 text order", pdfium_text), ("ours (pypdfium2 + layout)", ours)]:
        for file, truth in files:
            if not (tmp / file).exists():
                continue
            try:
                (text, pages), wall, _ = _timed(lambda f=file, read=fn: read(tmp / f))  # type: ignore[misc]
            except ImportError:
                print(f"| {name} | {file} | not installed | | |")
                break
            print(f"| {name} | {file} | {char_f1(text, _truth(truth)):.3f} | {len(mixed_lines(text, truth))} "
                  f"| {wall / pages:.2f} |")
    if render300 is None:
        return
    png, truth = render300
    print("\n## OCR engines on the 300-dpi render of page 1 (4 columns)\n")
    print("| engine | F1 (page text) | lines across columns | s/page wall | s/page CPU |")
    print("|---|---|---|---|---|")
    from summarizer.ingest import ocr

    for build in ("rapidocr_openvino", "rapidocr_onnxruntime"):
        try:
            __import__(build)
        except ImportError:
            print(f"| RapidOCR {build} | not installed (pip install {build.replace('_', '-')}) | | | |")
            continue
        ocr._BUILDS = (build,)  # this build only
        ocr.read_image(png, png.read_bytes())  # the first call also loads the models: not timed
        (doc,), wall, cpu = _timed(lambda: ocr.read_image(png, png.read_bytes()))  # type: ignore[misc]
        print(f"| RapidOCR PP-OCRv4 ({build}) + layout | {char_f1(doc.body, truth):.3f} | "  # type: ignore[attr-defined]
              f"{len(mixed_lines(doc.body, stories, OCR_TOLERANCE))} | {wall:.1f} | {cpu:.1f} |")  # type: ignore[attr-defined]
    if shutil.which("tesseract"):
        for psm in ("3", "4"):
            start, cpu0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run(["tesseract", str(png), "-", "-l", "chi_sim", "--psm", psm], capture_output=True,
                                 text=True, check=False)
            wall = time.perf_counter() - start
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = used.ru_utime + used.ru_stime - cpu0.ru_utime - cpu0.ru_stime
            text = out.stdout.replace(" ", "")  # Tesseract puts a space between CJK characters
            print(f"| Tesseract 5 chi_sim --psm {psm} | {char_f1(text, truth):.3f} | "
                  f"{len(mixed_lines(text, stories, OCR_TOLERANCE))} | {wall:.1f} | {cpu:.1f} |")
    else:
        print("| Tesseract | not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim) | | | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", action="store_true", help="also the PDF libraries and Tesseract")
    parser.add_argument("--no-ocr", action="store_true", help="skip the OCR rows (slow: tens of seconds a page)")
    args = parser.parse_args()
    if cjk_font() is None:
        sys.exit("no CJK font on this machine: apt-get install fonts-noto-cjk")
    stories = seed_stories()
    print(f"{len(stories)} seed stories, {sum(len(s.text) for s in stories)} characters\n")
    print("| file | F1 | lines across columns | articles | pages | s/page wall | s/page CPU | pages/s |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        pdf_rows(tmp, stories)
        office_rows(tmp, stories)
        render300 = None if args.no_ocr else ocr_rows(tmp, stories)
        if args.peers:
            peers(tmp, stories, render300)


if __name__ == "__main__":
    main()
