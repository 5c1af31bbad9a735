"""Zip and tar archives (members in memory, unsafe names, bombs, nesting) and web addresses (a local server)."""

from __future__ import annotations

import gzip
import http.server
import io
import tarfile
import threading
import time
import zipfile
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from summarizer import load_articles
from summarizer.cli import app
from summarizer.ingest import archive, fetch, read_inputs
from summarizer.types import SkipKind
from tests.conftest import SEEDS

TEXT = (SEEDS / "001_1945b7801c5504d0.txt").read_text(encoding="utf-8")
PAGE = ("<html><head><meta charset='gbk'><title>物业服务守护小区_某某新闻网</title></head>"
        "<body><nav>首页 &gt; 新闻</nav><article><h1>物业服务守护小区</h1>"
        + "".join(f"<p>{p}</p>" for p in TEXT.split("\n") if p.strip() and not p.startswith("#"))
        + "</article><footer>版权所有</footer></body></html>")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def test_zip_members_are_read_as_files_named_inside_the_archive(tmp_path):
    inner = _zip({"deep/page.html": PAGE.encode("gbk")})
    data = _zip({"稿件/001.txt": TEXT.encode("utf-8"), "稿件/page.html": PAGE.encode("gbk"), "nested.zip": inner,
                 "../evil.txt": TEXT.encode(), "/etc/abs.txt": TEXT.encode(), "__MACOSX/._001.txt": b"x",
                 "notes.xyz": b"x", "empty.txt": b"", ".git/HEAD.txt": b"x", "稿件/~$002.docx": b"x",
                 "Thumbs.db": b"x"})
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "mail.zip").write_bytes(data)
    articles, skipped = read_inputs([tmp_path / "in" / "mail.zip"])
    names = sorted(str(a.path.relative_to(tmp_path / "in")) for a in articles)
    assert names == ["mail.zip!nested.zip!deep/page.html", "mail.zip!稿件/001.txt", "mail.zip!稿件/page.html"]
    kinds = {str(s.path).split("!", 1)[1]: s.kind for s in skipped}
    assert kinds == {"../evil.txt": SkipKind.UNSAFE_MEMBER, "/etc/abs.txt": SkipKind.UNSAFE_MEMBER,
                     "__MACOSX/._001.txt": SkipKind.HIDDEN, "notes.xyz": SkipKind.UNSUPPORTED,
                     "empty.txt": SkipKind.EMPTY_FILE, ".git/HEAD.txt": SkipKind.HIDDEN,  # as in a folder
                     "稿件/~$002.docx": SkipKind.LOCK_FILE, "Thumbs.db": SkipKind.HIDDEN}
    assert not (tmp_path / "evil.txt").exists() and not list(tmp_path.rglob("evil.txt"))  # nothing written


def test_a_zip_bomb_is_skipped_with_its_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_BYTES", 8 << 20)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z, z.open("zeros.txt", "w") as member:
        for _ in range(32):
            member.write(b"\x00" * (1 << 20))  # 32 MB of zeros: a few kB packed
    (tmp_path / "bomb.zip").write_bytes(out.getvalue())
    assert (tmp_path / "bomb.zip").stat().st_size < 100_000
    _, (skipped,) = read_inputs([tmp_path / "bomb.zip"])
    assert skipped.kind == SkipKind.ARCHIVE_LIMIT and "larger than 8 MB" in skipped.reason
    assert skipped.reason_zh == "压缩包解压后超过8兆字节，未读取"
    # Archives inside share the limit of the one they are in: 5 MB each, the second is one too many.
    five = _zip({"zeros.txt": b"\x00" * (5 << 20)})
    (tmp_path / "outer.zip").write_bytes(_zip({"a.zip": five, "b.zip": five}))
    _, skipped = read_inputs([tmp_path / "outer.zip"])
    assert [(s.path.name, s.kind) for s in skipped] == [("outer.zip!a.zip!zeros.txt", SkipKind.BINARY),
                                                        ("outer.zip!b.zip", SkipKind.ARCHIVE_LIMIT)]


def test_too_many_members_and_nesting_twice_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBERS", 3)
    (tmp_path / "many.zip").write_bytes(_zip({f"{i}.txt": TEXT.encode() for i in range(5)}))
    (tmp_path / "deep.zip").write_bytes(_zip({"a.zip": _zip({"b.zip": _zip({"c.txt": TEXT.encode()})})}))
    _, skipped = read_inputs([tmp_path / "many.zip", tmp_path / "deep.zip"])
    assert [(s.path.name, s.kind) for s in skipped] == [("many.zip", SkipKind.TOO_MANY_MEMBERS),
                                                        ("deep.zip!a.zip!b.zip", SkipKind.NESTED_ARCHIVE)]


def test_a_tar_gz_and_a_gzipped_file_are_read_and_a_broken_archive_is_a_skip(tmp_path):
    with tarfile.open(tmp_path / "pages.tar.gz", "w:gz") as tar:
        blob = TEXT.encode("utf-8")
        info = tarfile.TarInfo("pages/001.txt")
        info.size = len(blob)
        tar.addfile(info, io.BytesIO(blob))
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "note.txt.gz").write_bytes(gzip.compress(TEXT.encode("utf-8")))
    articles, skipped = read_inputs([tmp_path / "pages.tar.gz", tmp_path / "broken.zip", tmp_path / "note.txt.gz"])
    assert [a.path.name for a in articles] == ["001.txt", "note.txt.gz!note.txt"]
    assert "pages.tar.gz!pages" in str(articles[0].path)
    assert [s.kind for s in skipped] == [SkipKind.BAD_ARCHIVE]


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        if self.path == "/old":
            self.send_response(301)
            self.send_header("Location", "/news/1.html")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(2)
        if self.path in ("/news/1.html", "/slow"):
            body = PAGE.encode("gbk")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=gbk")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    """A web server on 127.0.0.1 for the test, stopped after it."""
    _Handler.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_brief_reads_a_web_address_and_a_rerun_needs_no_network(tmp_path, server):
    httpd, base = server
    result = CliRunner().invoke(app, ["brief", f"{base}/old", f"{base}/missing", "-o", str(tmp_path / "b.md")])
    assert result.exit_code == 0, result.output
    assert "1 articles, 1 skipped" in result.output
    assert "could not fetch the page HTTP 404" in result.output
    assert _Handler.hits == ["/old", "/news/1.html", "/missing"]  # the redirect followed
    markdown = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert "物业服务守护小区" in markdown and f"{base}/news/1.html" in markdown  # the page's final address
    httpd.shutdown()  # no server any more: the page comes from the store
    (article,) = load_articles([f"{base}/old"])
    assert article.title == "物业服务守护小区" and article.url == f"{base}/news/1.html"


def test_urls_file_and_shortcuts_name_addresses(tmp_path, server):
    _, base = server
    (tmp_path / "links.txt").write_text(f"# 今日链接\n\n{base}/news/1.html\n不是网址\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "新闻.url").write_text(f"[InternetShortcut]\r\nURL={base}/news/1.html\r\n")
    result = CliRunner().invoke(app, ["brief", str(tmp_path / "folder"), "--urls", str(tmp_path / "links.txt"),
                                      "-o", str(tmp_path / "b.md"), "--no-dedup"])
    assert result.exit_code == 0, result.output
    assert "2 articles, 0 skipped" in result.output
    (tmp_path / "none.txt").write_text("没有网址\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["brief", "--urls", str(tmp_path / "none.txt"), "-o", str(tmp_path / "c.md")])
    assert result.exit_code == 2 and "no web address in it" in result.output


def test_a_slow_or_too_large_answer_is_a_skip(server, monkeypatch):
    _, base = server
    monkeypatch.setattr(fetch, "TIMEOUT", 0.5)
    _, (slow,) = read_inputs([f"{base}/slow"])
    assert slow.kind == SkipKind.FETCH_TIMEOUT and slow.reason_zh == "网站在0.5秒内无响应"
    monkeypatch.setattr(fetch, "TIMEOUT", 10.0)
    monkeypatch.setattr(fetch, "MAX_BYTES", 1000)
    _, (large,) = read_inputs([f"{base}/news/1.html"])
    assert large.kind == SkipKind.FETCH_TOO_LARGE and "larger than" in large.reason
    assert str(large.path) == f"127.0.0.1:{base.rsplit(':', 1)[1]}/news/1.html"  # named by its address


def test_an_unreachable_address_is_a_skip_not_a_crash():
    _, (skipped,) = read_inputs(["http://127.0.0.1:9/nothing-listens-here"])
    assert skipped.kind == SkipKind.FETCH_FAILED and "网页下载失败" in skipped.reason_zh
