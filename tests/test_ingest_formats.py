"""PDF (text layer) and OCR (scans, photos), on real files built from the seeds; the layout on synthetic boxes."""

from __future__ import annotations

import sys

import pytest

from summarizer import load_articles
from summarizer.errors import UnreadableFileError
from summarizer.ingest import layout, office, read_inputs
from summarizer.ingest.layout import Box
from summarizer.ingest.ocr import confidence_meta
from summarizer.ingest.readers import read_file
from summarizer.types import SkipKind
from tests.format_files import (
    char_f1,
    cjk_font,
    columned_docx,
    mixed_lines,
    newspaper_pdf,
    seed_stories,
    text_image,
    wrap_chars,
)

FONT = cjk_font()
needs_font = pytest.mark.skipif(FONT is None, reason="no CJK font on this machine (apt-get install fonts-noto-cjk)")


def _have(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


needs_pdf = pytest.mark.skipif(not (_have("pypdfium2") and _have("fpdf")),
                               reason="needs the pdf and test extras (pip install -e '.[pdf,test]')")
needs_ocr = pytest.mark.skipif(not (_have("rapidocr_openvino") or _have("rapidocr_onnxruntime")),
                               reason="needs the ocr extra (pip install -e '.[ocr]')")


@pytest.fixture(scope="module")
def stories():
    return seed_stories()


@needs_font
@needs_pdf
@pytest.mark.parametrize("columns", [4, 6, 8])
def test_a_newspaper_pdf_is_read_in_columns_and_becomes_its_stories(tmp_path, stories, columns):
    pdf = tmp_path / "page.pdf"
    newspaper_pdf(pdf, stories, FONT, columns=columns)
    (doc,) = read_file(pdf)
    assert mixed_lines(doc.body, stories) == []  # no line runs across two columns
    articles = load_articles(pdf)
    assert char_f1("\n".join(a.title + "\n" + a.text for a in articles), "\n".join(s.text for s in stories)) >= 0.98
    # Each story is found (its title is an article's title) and read from its own text.
    titles = {a.title: a for a in articles}
    found = [s for s in stories if s.title in titles]
    assert len(found) >= len(stories) - 1, sorted(titles)
    for story in found:
        assert char_f1(titles[story.title].text, "\n".join(story.paragraphs)) >= 0.9, story.title


@needs_font
@needs_pdf
def test_stories_side_by_side_are_read_one_after_the_other(tmp_path):
    two = seed_stories(limit=2, max_chars=400)
    pdf = tmp_path / "side.pdf"
    newspaper_pdf(pdf, two, FONT, columns=4, side_by_side=True)
    articles = load_articles(pdf)
    assert [a.title for a in articles] == [s.title for s in two]
    for article, story in zip(articles, two, strict=True):
        assert char_f1(article.text, "\n".join(story.paragraphs)) >= 0.97


@needs_font
@needs_pdf
def test_running_heads_and_page_numbers_are_dropped_and_recorded(tmp_path, stories):
    pdf = tmp_path / "page.pdf"
    printed = newspaper_pdf(pdf, stories[:3], FONT, header=("聊城日报", "第3版 社区"))
    (doc,) = read_file(pdf)
    assert "聊城日报" not in doc.body and "第3版" not in doc.body
    reasons = {(r.text, r.reason) for r in doc.removals}
    assert ("— 1 —", "page number") in reasons and ("聊城日报", "page header") in reasons
    assert len([r for r in doc.removals if r.reason == "page number"]) == printed.pages


@needs_font
@needs_pdf
def test_a_plain_document_pdf_keeps_its_paragraphs(tmp_path, stories):
    """One wide column (a report printed from Word): lines joined into paragraphs by their geometry."""
    pdf = tmp_path / "report.pdf"
    newspaper_pdf(pdf, stories[1:2], FONT, columns=1, header=None)
    (article,) = load_articles(pdf)
    assert article.title == stories[1].title
    assert char_f1(article.text, "\n".join(stories[1].paragraphs)) >= 0.98
    # A sentence broken at the right edge is one line again.
    first = stories[1].paragraphs[0]
    assert first in article.text


@needs_font
@needs_pdf
@pytest.mark.skipif(office.soffice() is None, reason="needs LibreOffice (apt-get install libreoffice-writer)")
def test_a_pdf_printed_by_libreoffice_from_a_three_column_word_file(tmp_path, stories):
    docx = columned_docx(tmp_path / "cols.docx", stories[:3], 3)
    pdf = tmp_path / "cols.pdf"
    pdf.write_bytes(office.convert(office.soffice(), docx, docx.read_bytes(), "pdf"))
    (doc,) = read_file(pdf)
    assert mixed_lines(doc.body, stories[:3]) == []
    articles = load_articles(pdf)
    assert char_f1("\n".join(f"{a.title}\n{a.text}" for a in articles), "\n".join(s.text for s in stories[:3])) >= 0.98


def test_a_broken_pdf_is_a_skip(tmp_path):
    pytest.importorskip("pypdfium2")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot really")
    _, skipped = read_inputs([bad])
    assert [s.kind for s in skipped] == [SkipKind.BAD_PDF]


@needs_font
@needs_pdf
def test_a_password_protected_pdf_is_a_skip(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.add_font("cjk", fname=str(FONT.path), collection_font_number=FONT.index)
    pdf.set_font("cjk", size=12)
    pdf.text(20, 20, "有密码的文件")
    pdf.output(str(tmp_path / "locked.pdf"))
    _, (skipped,) = read_inputs([tmp_path / "locked.pdf"])
    assert skipped.kind == SkipKind.ENCRYPTED and skipped.reason_zh == "文件有密码保护"


def test_without_the_extra_a_pdf_is_skipped_naming_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # import fails as if not installed
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    _, (skipped,) = read_inputs([pdf])
    assert skipped.kind == SkipKind.MISSING_EXTRA
    assert "pip install 'summarizer[pdf]'" in skipped.reason



@needs_pdf
def test_scanned_pages_without_the_ocr_extra_are_named_and_the_extra_looked_up_once(tmp_path, monkeypatch):
    from fpdf import FPDF

    from summarizer.ingest import ocr

    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    monkeypatch.setitem(sys.modules, "rapidocr_openvino", None)
    lookups = []
    real = ocr.engine_module
    monkeypatch.setattr(ocr, "engine_module", lambda path: lookups.append(path) or real(path))
    pdf = FPDF(unit="pt", format=(300, 300))
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(text="The text layer of the first page is read as it is.")
    pdf.add_page()  # two pages with no text layer: scans
    pdf.add_page()
    pdf.output(str(tmp_path / "mixed.pdf"))
    (doc,) = read_file(tmp_path / "mixed.pdf")
    assert "first page" in doc.body and doc.meta["unread_pages"] == "2,3"
    assert lookups == [tmp_path / "mixed.pdf"]  # once per document, not once per scanned page

@needs_font
@needs_ocr
def test_a_photo_of_seed_text_is_read_by_ocr(tmp_path, stories):
    """A clean image of a seed paragraph (48-pixel characters: 11-point print at 300 dpi)."""
    paragraph = stories[0].paragraphs[0][:130]
    image = text_image(tmp_path / "photo.png", wrap_chars(paragraph, 13), FONT)
    (doc,) = read_file(image)
    assert char_f1(doc.body, paragraph) >= 0.95
    assert float(doc.meta["ocr_confidence"]) >= 0.9 and "ocr_low_confidence" not in doc.meta
    (article,) = load_articles(image)
    assert article.meta["ocr_confidence"] == doc.meta["ocr_confidence"]  # recorded on the article


@needs_font
@needs_ocr
def test_a_blurred_noisy_photo_is_read_but_flagged(tmp_path, stories):
    import numpy as np
    from PIL import Image, ImageFilter

    paragraph = stories[0].paragraphs[0][:130]
    clean = text_image(tmp_path / "clean.png", wrap_chars(paragraph, 13), FONT, size=24)
    pixels = np.array(Image.open(clean).filter(ImageFilter.GaussianBlur(1.2))).astype(float)
    pixels += np.random.default_rng(0).normal(0, 40, pixels.shape)
    Image.fromarray(pixels.clip(0, 255).astype("uint8")).save(tmp_path / "bad.png")
    (doc,) = read_file(tmp_path / "bad.png")  # read, and flagged (the articles from it carry the meta)
    assert doc.body.strip() and doc.meta["ocr_low_confidence"] == "1" and float(doc.meta["ocr_confidence"]) < 0.8


@needs_font
@needs_ocr
def test_vertical_text_in_a_photo_is_read_right_to_left(tmp_path):
    columns = ["竖排文字第一列内容", "物业服务守护小区", "业主生活物资配送"]
    image = text_image(tmp_path / "vertical.png", columns, FONT, vertical=True)
    (doc,) = read_file(image)
    assert doc.body.split() == columns


@needs_font
@needs_ocr
@needs_pdf
def test_a_scanned_pdf_without_text_layer_is_read_by_ocr(tmp_path, stories):
    from fpdf import FPDF

    paragraph = stories[3].paragraphs[0][:90]
    image = text_image(tmp_path / "scan.png", wrap_chars(paragraph, 15), FONT)
    pdf = FPDF(unit="pt", format=(300, 300))
    pdf.add_page()
    pdf.image(str(image), x=0, y=0, w=300)
    pdf.output(str(tmp_path / "scan.pdf"))
    (doc,) = read_file(tmp_path / "scan.pdf")
    assert char_f1(doc.body, paragraph) >= 0.9
    assert "ocr_confidence" in doc.meta


def test_a_broken_image_is_a_skip(tmp_path):
    if not (_have("rapidocr_openvino") or _have("rapidocr_onnxruntime")):
        pytest.skip("needs the ocr extra")
    bad = tmp_path / "x.png"
    bad.write_bytes(b"\x89PNG not an image")
    with pytest.raises(UnreadableFileError) as err:
        read_file(bad)
    assert err.value.skipped.kind == SkipKind.BAD_IMAGE


def test_without_the_ocr_extra_an_image_is_skipped_naming_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    monkeypatch.setitem(sys.modules, "rapidocr_openvino", None)
    image = tmp_path / "a.jpg"
    image.write_bytes(b"\xff\xd8\xff")
    _, (skipped,) = read_inputs([image])
    assert skipped.kind == SkipKind.MISSING_EXTRA and skipped.detail == "ocr"


# --- the layout on synthetic boxes ---

def _row(text: str, x: float, y: float, size: float = 10.0) -> list[Box]:
    return [Box(ch, x + i * size, y, x + (i + 1) * size, y + size, size) for i, ch in enumerate(text)]


def test_a_line_never_runs_across_a_gutter():
    # Two columns on one baseline, 9 units apart (under one character): two lines, not one.
    chars = _row("左栏的文字", 0, 0) + _row("右栏的文字", 59, 0)
    assert sorted(b.text for b in layout.chars_to_lines(chars)) == ["右栏的文字", "左栏的文字"]
    # Inside a line, a Latin word space drawn as a gap stays a space.
    spaced = _row("GDP", 0, 0) + _row("up", 34, 0)
    assert [b.text for b in layout.chars_to_lines(spaced)] == ["GDP up"]


def test_columns_are_read_down_then_across_and_a_headline_over_them_first():
    head = [Box("大标题横跨两栏", 0, 0, 210, 30, 30)]
    left = [Box(f"左栏第{i}行文字", 0, 40 + 12 * i, 100, 50 + 12 * i, 10) for i in range(5)]
    right = [Box(f"右栏第{i}行文字", 110, 40 + 12 * i, 210, 50 + 12 * i, 10) for i in range(5)]
    blocks = layout.reading_order(right + head + left)
    assert [[b.text for b in block] for block in blocks] == [[head[0].text], [b.text for b in left],
                                                             [b.text for b in right]]
    text = layout.page_text(blocks, 10)
    assert text.startswith("大标题横跨两栏\n\n 左栏第0行文字")  # the headline alone, its story's first line indented


def test_vertical_text_is_read_in_columns_right_to_left():
    columns = ["竖排第一列", "竖排第二列", "竖排第三列"]
    chars = [Box(ch, 100 - 20 * c, 12 * k, 110 - 20 * c, 12 * k + 10, 10)
             for c, col in enumerate(columns) for k, ch in enumerate(col)]
    lines = layout.chars_to_lines(chars)
    assert all(b.vertical for b in lines)
    blocks = layout.reading_order(lines)
    assert [b.text for block in blocks for b in block] == columns


def test_a_text_layer_of_unmapped_glyphs_is_read_as_a_scan():
    from summarizer.ingest.pdf import _usable_layer

    real = [Box("小区物业为业主配送物资近六万份，守护万家灯火", 0, 0, 220, 10, 10)]
    unmapped = [Box("\ue001\ue002\ue003" * 8, 0, 20, 240, 30, 10)]
    assert _usable_layer(real) and not _usable_layer(unmapped) and not _usable_layer(real[:0])


def test_a_page_mostly_read_with_low_confidence_is_flagged():
    sure = [Box("清楚的文字" * 4, 0, 0, 200, 10, 10, score=0.98)]
    unsure = [Box("模糊的文字" * 4, 0, 20, 200, 30, 10, score=0.55), Box("看不清", 0, 40, 30, 50, 10, score=0.6)]
    meta = confidence_meta([(1, sure), (2, sure + unsure)])
    assert meta["ocr_low_confidence"] == "2"
    assert 0.6 < float(meta["ocr_confidence"]) < 0.9
    assert "ocr_low_confidence" not in confidence_meta([(1, sure + unsure[1:])])
