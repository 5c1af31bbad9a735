"""Word 97 / WPS / RTF through LibreOffice (skipped without it), OpenDocument in Python, saved pages (.mhtml)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart

import pytest

from summarizer import load_articles
from summarizer.ingest import office, read_inputs
from summarizer.types import SkipKind
from tests.format_files import char_f1, mhtml_page, seed_stories, story_docx

needs_office = pytest.mark.skipif(office.soffice() is None,
                                  reason="needs LibreOffice (apt-get install libreoffice-writer)")


@pytest.fixture(scope="module")
def story():
    return seed_stories(limit=2, max_chars=600)[1]


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory, story):
    """The story written with python-docx, then saved by LibreOffice as .doc and .rtf (a .wps is a Word 97
    file inside: the .doc under that name)."""
    folder = tmp_path_factory.mktemp("office")
    story_docx(folder / "story.docx", story)
    profile = (folder / "profile").as_uri()
    for target in ("doc", "rtf"):
        subprocess.run([office.soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
                        "--outdir", str(folder), str(folder / "story.docx")], check=True, capture_output=True,
                       timeout=300)
    shutil.copy(folder / "story.doc", folder / "story.wps")
    (folder / "story.docx").unlink()
    return folder


@needs_office
@pytest.mark.parametrize("suffix", [".doc", ".wps", ".rtf"])
def test_office_files_are_read_through_libreoffice(saved_by_libreoffice, story, suffix):
    (article,) = load_articles(saved_by_libreoffice / f"story{suffix}")
    assert article.title == story.title  # the heading, not the placeholder title property LibreOffice writes
    assert char_f1(article.text, "\n".join(story.paragraphs)) >= 0.98


def test_without_libreoffice_a_doc_is_skipped_with_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    _, (skipped,) = read_inputs([tmp_path / "old.doc"])
    assert skipped.kind == SkipKind.NEEDS_LIBREOFFICE
    assert "apt-get install libreoffice-writer" in skipped.reason and ".doc" in skipped.reason_zh


@needs_office
def test_a_file_libreoffice_cannot_convert_is_a_skip(tmp_path):
    (tmp_path / "junk.doc").write_bytes(b"\x00\x01 this is no document at all " * 10)
    _, skipped = read_inputs([tmp_path / "junk.doc"])
    assert [s.kind for s in skipped] in ([SkipKind.CONVERSION_FAILED], [SkipKind.EMPTY_TEXT])


def test_an_odt_is_read_without_libreoffice(tmp_path, monkeypatch, story):
    monkeypatch.setattr(office, "soffice", lambda: None)
    ns = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' \
         'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    paras = "".join(f"<text:p>{p}</text:p>" for p in story.paragraphs)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body><office:text>'
               f'<text:h text:outline-level="1">{story.title}</text:h>{paras}</office:text></office:body>'
               "</office:document-content>")
    with zipfile.ZipFile(tmp_path / "story.odt", "w") as odt:
        odt.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        odt.writestr("content.xml", content)
    (article,) = load_articles(tmp_path / "story.odt")
    assert article.title == story.title
    assert char_f1(article.text, "\n".join(story.paragraphs)) >= 0.99


def test_a_page_saved_as_mhtml_is_read_as_a_page(tmp_path, story):
    body = "".join(f"<p>{p}</p>" for p in story.paragraphs)
    html = (f"<html><head><title>{story.title}_某某新闻网</title></head><body><nav>首页 &gt; 新闻</nav>"
            f"<article><h1>{story.title}</h1>{body}</article><footer>版权所有 某某新闻网</footer></body></html>")
    (tmp_path / "saved.mhtml").write_bytes(mhtml_page(html, "gb18030"))
    (article,) = load_articles(tmp_path / "saved.mhtml")
    assert article.title == story.title
    assert article.url == "https://news.example.cn/2023/11/28/123.html"
    assert char_f1(article.text, "\n".join(story.paragraphs)) >= 0.97


def test_an_mhtml_without_a_page_is_a_skip(tmp_path):
    page = MIMEMultipart("related")
    page.attach(MIMEImage(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "png"))
    (tmp_path / "pic.mht").write_bytes(page.as_bytes())
    _, (skipped,) = read_inputs([tmp_path / "pic.mht"])
    assert skipped.kind == SkipKind.NO_HTML_PART
