"""The guard every reader runs behind (ingest/guard.py): hostile files become entries, never crashes."""

from __future__ import annotations

import codecs
import io
import json
import os
import time
import zipfile
from pathlib import Path

import docx
import pytest

from summarizer.ingest import guard, read_inputs, readers, word
from summarizer.ingest.readers import split_front_matter
from summarizer.text import safe_text
from summarizer.types import SkipKind
from tests.format_files import mhtml_page

TEXT = "小区物业为业主配送物资近六万份，居民普遍认可，社区表示将继续做好服务。"


def _kinds(skipped) -> dict[str, SkipKind]:
    return {s.name: s.kind for s in skipped}


def _docx(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading("物业服务有新招", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _replace_part(data: bytes, part: str, body: bytes) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, body if info.filename == part else source.read(info.filename))
    return out.getvalue()


def test_a_fifo_is_an_entry_and_never_blocks(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")  # nobody writes to it: opening it for reading would block
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    articles, skipped = read_inputs([tmp_path / "pipe.txt", tmp_path])
    assert [a.name for a in articles] == ["good.txt"]
    assert [(s.name, s.kind) for s in skipped] == [("pipe.txt", SkipKind.NOT_A_FILE)] * 2
    assert skipped[0].reason == "a FIFO, not a regular file: not opened"


def test_link_loops_broken_links_and_unreadable_folders_are_listed(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")  # a folder that contains itself
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    (tmp_path / "locked").mkdir()
    real_iterdir = Path.iterdir

    def iterdir(self):
        if self.name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)  # the tests run as root, which reads any folder
    articles, skipped = read_inputs([tmp_path])
    assert [a.name for a in articles] == ["good.txt"]
    assert _kinds(skipped) == {"loop": SkipKind.LINK_LOOP, "dangling.txt": SkipKind.BROKEN_LINK,
                               "self.txt": SkipKind.BROKEN_LINK, "locked": SkipKind.UNREADABLE}
    assert "Permission denied" in next(s for s in skipped if s.name == "locked").reason


def test_files_over_the_size_limits_are_refused_before_parsing(tmp_path, monkeypatch):
    (tmp_path / "big.txt").write_text(TEXT * 10, encoding="utf-8")
    (tmp_path / "big.docx").write_bytes(_docx([TEXT] * 50))
    monkeypatch.setattr(guard, "MAX_FILE_BYTES", 200)
    assert _kinds(read_inputs([tmp_path / "big.txt"])[1]) == {"big.txt": SkipKind.TOO_LARGE}
    monkeypatch.setattr(guard, "MAX_FILE_BYTES", 10 << 20)
    monkeypatch.setattr(guard, "MAX_TEXT_BYTES", 500)
    (entry,) = read_inputs([tmp_path / "big.txt"])[1]
    assert entry.reason == "file too large (1 KB of text > 0 KB)"

    def never(*_):
        raise AssertionError("parsed a file over the limit")

    monkeypatch.setattr(word, "_python_docx", never)
    monkeypatch.setattr(guard, "MAX_TEXT_BYTES", 100_000)  # python-docx's styles part declares 438 KB
    (entry,) = read_inputs([tmp_path / "big.docx"])[1]
    assert entry.kind == SkipKind.TOO_LARGE_UNPACKED
    assert entry.reason == "too large once unpacked (word/styles.xml: 341 KB > 98 KB)"
    monkeypatch.setattr(guard, "MAX_TEXT_BYTES", 10 << 20)
    monkeypatch.setattr(guard, "MAX_UNPACKED_BYTES", 500_000)
    (entry,) = read_inputs([tmp_path / "big.docx"])[1]
    assert entry.kind == SkipKind.TOO_LARGE_UNPACKED and entry.reason.endswith("> 488 KB)")


@pytest.mark.parametrize("charset", ["gb18030", None])
def test_text_in_a_container_is_held_to_the_text_limit_as_a_file_is(tmp_path, monkeypatch, charset):
    """An MHTML page's HTML part (its charset declared or not) and a zip member: the .txt file's reason."""
    page = "<html><head><title>物业服务有新招</title></head><body>" + f"<p>{TEXT}</p>" * 20 + "</body></html>"
    data = page.encode(charset or "utf-8")  # the bytes of the MHTML part (undeclared: UTF-8)
    (tmp_path / "page.txt").write_bytes(data)
    (tmp_path / "page.mhtml").write_bytes(mhtml_page(page, charset))
    with zipfile.ZipFile(tmp_path / "pages.zip", "w") as archive:
        archive.writestr("page.html", data)
    names = [tmp_path / n for n in ("page.txt", "page.mhtml", "pages.zip")]
    articles, skipped = read_inputs(names)
    assert not skipped and [a.title for a in articles] == ["物业服务有新招"] * 3  # within the limit: read
    monkeypatch.setattr(guard, "MAX_TEXT_BYTES", len(data) - 1)
    articles, skipped = read_inputs(names)
    assert not articles and [s.kind for s in skipped] == [SkipKind.TOO_LARGE] * 3
    (reason,) = {s.reason for s in skipped}  # one reason for all three
    assert reason.startswith("file too large (") and " KB of text > " in reason


def test_a_yaml_alias_bomb_is_not_expanded():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    bomb = "---\n" + "\n".join(lines) + "\n---\n" + TEXT
    assert len(bomb.encode()) < 1000  # nine levels of nine: 9**9 strings if expanded
    assert split_front_matter(bomb) == ({}, TEXT)  # YAML, but not read
    assert split_front_matter("---\ntitle: 标题\ntags: [a, b]\n---\n正文")[0] == {"title": "标题", "tags": "a、b"}


def test_json_records_are_read_one_by_one_and_named_by_line(tmp_path):
    lines = [json.dumps({"text": TEXT}, ensure_ascii=False), "", "[" * 100_000 + "]" * 100_000,
             '{"text": ' + "1" * 5000 + "}", json.dumps({"text": "居民点赞。" + TEXT, "note": "a\u2028b"},
                                                        ensure_ascii=False)]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    articles, skipped = read_inputs([tmp_path])
    assert [a.name for a in articles] == ["feed.jsonl", "feed.jsonl#5"]  # U+2028 inside a string splits nothing
    assert [(s.name, s.kind, s.detail) for s in skipped] == [
        ("deep.json", SkipKind.BAD_JSON, "1"), ("feed.jsonl#3", SkipKind.BAD_JSON, "3"),
        ("feed.jsonl#4", SkipKind.BAD_JSON, "4")]
    assert "nested too deeply" in skipped[0].reason or "recursion" in skipped[0].reason


def test_odd_encodings_are_read(tmp_path):
    (tmp_path / "bom_gbk.txt").write_bytes(codecs.BOM_UTF8 + TEXT.encode("gbk"))
    (tmp_path / "le.txt").write_bytes(("2023年 ABC " + TEXT).encode("utf-16-le"))
    (tmp_path / "be.txt").write_bytes(("2023年 ABC " + TEXT).encode("utf-16-be"))
    chinese_only = "".join(c for c in TEXT if not c.isascii())  # no NUL byte to tell UTF-16 by
    (tmp_path / "le_cjk.txt").write_bytes(chinese_only.encode("utf-16-le"))
    (tmp_path / "be_cjk.txt").write_bytes(chinese_only.encode("utf-16-be"))
    articles, skipped = read_inputs([tmp_path])
    assert skipped == [] and len(articles) == 5
    assert all(a.text.endswith("社区表示将继续做好服务。") for a in articles)


@pytest.mark.parametrize(("part", "body"), [
    ("word/styles.xml", b"<w:styles><broken"),
    ("docProps/core.xml", b"<cp:coreProperties><broken"),
    ("[Content_Types].xml", b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
])
def test_a_docx_with_a_broken_package_part_keeps_its_text(tmp_path, part, body):
    (tmp_path / "w.docx").write_bytes(_replace_part(_docx([TEXT]), part, body))
    (article,) = read_inputs([tmp_path / "w.docx"])[0]
    assert article.text == TEXT


def test_a_docx_with_a_broken_document_or_an_entity_bomb_is_an_entry(tmp_path):
    data = _docx([TEXT])
    (tmp_path / "broken.docx").write_bytes(_replace_part(data, "word/document.xml", b"<w:document><broken"))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode().split("?>", 1)[1]
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
                                                      for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    bomb = f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>' + xml.replace(TEXT, "&i;" + TEXT)
    (tmp_path / "bomb.docx").write_bytes(_replace_part(data, "word/document.xml", bomb.encode()))
    (tmp_path / "crc.docx").write_bytes(data.replace(b"word/document.xml", b"word/document.xmL", 1))
    articles, skipped = read_inputs([tmp_path])
    assert articles == []
    assert _kinds(skipped) == {"broken.docx": SkipKind.BAD_DOCX, "bomb.docx": SkipKind.BAD_DOCX,
                               "crc.docx": SkipKind.BAD_DOCX}


def test_a_docx_of_many_paragraphs_keeps_every_paragraph_and_its_headings(tmp_path):
    (tmp_path / "long.docx").write_bytes(_docx([f"第{i}段：{TEXT}" for i in range(3000)]))
    (article,) = read_inputs([tmp_path / "long.docx"])[0]
    assert article.title == "物业服务有新招"  # the Heading 1, found through the style map
    assert article.text.count("\n") == 2999 and article.text.endswith("第2999段：" + TEXT)


def test_whatever_a_reader_raises_is_an_entry_naming_the_error(tmp_path, monkeypatch):
    def broken(path, data):
        raise RuntimeError("the reader broke")

    monkeypatch.setitem(readers.READERS, ".new", broken)  # a reader added later gets the guard too
    (tmp_path / "a.new").write_text(TEXT, encoding="utf-8")
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    articles, skipped = read_inputs([tmp_path / "a.new", tmp_path / "good.txt"])
    assert [a.name for a in articles] == ["good.txt"]
    (entry,) = skipped
    assert entry.kind == SkipKind.READ_FAILED and entry.reason == "the reader failed (RuntimeError): the reader broke"
    assert entry.reason_zh == "读取出错"


def test_a_reader_that_takes_too_long_is_stopped(tmp_path, monkeypatch):
    def slow(path, data):
        try:
            while True:
                time.sleep(0.01)
        except Exception:  # a reader's own catch-all must not swallow the time limit
            return []

    monkeypatch.setitem(readers.READERS, ".slow", slow)
    monkeypatch.setattr("summarizer.ingest.MAX_SECONDS_PER_FILE", 0.2)
    (tmp_path / "a.slow").write_text(TEXT, encoding="utf-8")
    (entry,) = read_inputs([tmp_path / "a.slow"])[1]
    assert entry.kind == SkipKind.TIMEOUT and entry.reason == "reading took longer than 0.2 s"


def test_text_is_made_safe_where_it_enters(tmp_path):
    (tmp_path / "ctrl.txt").write_text("物业服务\x01\x1b有新招\r\n" + TEXT * 3 + "\x0b\x00", encoding="utf-8")
    (tmp_path / "surrogate.json").write_text(json.dumps({"title": "亞\ud800", "text": TEXT + "\udc00"}),
                                             encoding="utf-8")
    articles, _ = read_inputs([tmp_path])
    by_name = {a.name: a for a in articles}
    assert by_name["ctrl.txt"].title == "物业服务有新招" and by_name["ctrl.txt"].text == TEXT * 3
    assert by_name["surrogate.json"].title == "亚\ufffd"  # then Traditional → Simplified, which cannot take it
    assert by_name["surrogate.json"].text.endswith("\ufffd")
    for article in articles:
        for value in (article.title, article.text, *article.meta.values()):
            assert safe_text(value) == value
