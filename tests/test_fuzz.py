"""Property: hostile files beside the seeds never cost the briefing (issue 19).

Random files — random bytes; random Unicode with control characters, lone surrogates, U+FFFD,
direction marks, emoji and long punctuation runs, in several encodings; JSON records holding such
strings; and random mutations of real .docx/.html/.json/.md files, down to their XML parts — are
written into a folder with the seeds, and ``summarizer brief`` runs on it, with such text in
``--title``/``--unit``/``--issue`` too. Whatever they hold: the run exits 0, every seed article is in
the briefing, every other file is in the briefing or its list of skipped files, the .docx reopens
with python-docx and the .json validates against its schema.

Derandomised, so ``make test`` runs the same examples every time; ``SUMMARIZER_FUZZ_EXAMPLES=500``
runs more (README, Reliability).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.compose.json import SCHEMA_FILE
from summarizer.text import safe_text
from tests.conftest import SEEDS

EXAMPLES = int(os.environ.get("SUMMARIZER_FUZZ_EXAMPLES", "200"))
SUFFIXES = [".txt", ".md", ".html", ".json", ".jsonl", ".docx"]
_SEED_TEXT = (SEEDS / "001_1945b7801c5504d0.txt").read_text(encoding="utf-8")
_SENTENCES = [s + "。" for s in _SEED_TEXT.replace("\n", "").split("。") if 8 < len(s) < 80][:20]

# The characters that broke renderers and converters: C0/C1 controls, lone surrogates, U+FFFD,
# noncharacters, direction marks and overrides, zero-width marks, line separators, emoji.
_HOSTILE = [chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7f, 0xa0)] + [
    "\ud800", "\udbff", "\udc00", "\udfff", "\ufffd", "\ufffe", "\uffff", "\u200e", "\u200f", "\u202a", "\u202b",
    "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2069", "\u200b", "\u200d", "\ufeff", "\u2028", "\u2029",
    "😀", "👨\u200d👩\u200d👧", "🇨🇳", "\U0010ffff", "亞", "區", "&#1;", "&#xd800;", "<", ">", "&", '"', "\\",
]
_PIECE = st.one_of(
    st.sampled_from(_SENTENCES),
    st.lists(st.sampled_from(_HOSTILE), max_size=12).map("".join),
    st.builds(lambda mark, n: mark * n, st.sampled_from(list("。，！？…—.!?*#-=~、")), st.integers(1, 300)),
    st.text(max_size=20),  # any code point hypothesis likes, surrogates included
    st.sampled_from(["---\n", "\n---\n", "title: 标题\n", "# 标题\n", "<p>", "</p>", "<html><body>", "{", "}",
                     '"text": ', "\n\n", "\t", "来源：某报\n", "2023-08-18 14:03:05，正文："]),
)
_TEXT = st.lists(_PIECE, max_size=25).map("".join)


def _encode(text: str, encoding: str) -> bytes:
    if encoding in ("utf-8", "utf-8-sig"):
        return text.encode(encoding, errors="surrogatepass")  # a lone surrogate as the bytes UTF-8 forbids
    return text.encode(encoding, errors="replace")


_ENCODED = st.builds(_encode, _TEXT, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16",
                                                      "utf-16-le", "utf-16-be"]))
_RECORD = st.fixed_dictionaries({"text": st.one_of(_TEXT, st.integers(), st.none())},
                                optional={"title": _TEXT, "source": _TEXT, "date": _TEXT, "标题": _TEXT,
                                          "extra": st.lists(_TEXT, max_size=3)})
_JSON = st.one_of(
    st.builds(lambda r, ascii_: json.dumps(r, ensure_ascii=ascii_), _RECORD, st.booleans()),
    st.builds(lambda rs: json.dumps(rs, ensure_ascii=True), st.lists(_RECORD, max_size=4)),
    st.builds(lambda rs, junk: "\n".join([json.dumps(r, ensure_ascii=True) for r in rs] + junk),
              st.lists(_RECORD, max_size=4), st.lists(_TEXT, max_size=2)),
).map(lambda s: s.encode("utf-8", errors="surrogatepass"))


def _docx(paragraphs: list[str], title: str) -> bytes:
    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(paragraphs[0], level=1)
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 1).text = "小区", "物业"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_HTML = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>小区物业服务_某某新闻网</title></head><body>"
         "<nav>首页 &gt; 新闻</nav><article><h1>小区物业服务</h1>"
         + "".join(f"<p>{s}</p>" for s in _SENTENCES) + "</article><footer>版权所有</footer></body></html>")
_REAL = {
    ".docx": _docx(["小区物业服务", *_SENTENCES], "小区物业服务"),
    ".html": _HTML.encode("utf-8"),
    ".json": json.dumps([{"title": "小区物业服务", "text": "\n".join(_SENTENCES)}], ensure_ascii=False).encode(),
    ".md": ("---\ntitle: 小区物业服务\nsource: 某某日报\n---\n" + _SEED_TEXT).encode("utf-8"),
}


def _mutate(data: bytes, ops: list[tuple[int, int, int, bytes]]) -> bytes:
    """Apply byte edits: 0 flip a byte, 1 delete a span, 2 insert bytes, 3 repeat a span, 4 truncate."""
    buf = bytearray(data)
    for op, at, length, extra in ops:
        if not buf:
            break
        i = at % len(buf)
        if op == 0:
            buf[i] ^= extra[0] if extra else 0xFF
        elif op == 1:
            del buf[i:i + length]
        elif op == 2:
            buf[i:i] = extra
        elif op == 3:
            buf[i:i] = bytes(buf[i:i + length]) * 3
        else:
            del buf[i:]
    return bytes(buf)


_OPS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 1 << 20), st.integers(1, 400), st.binary(max_size=40)),
                min_size=1, max_size=6)
_DOCX_PARTS = ["word/document.xml", "word/styles.xml", "docProps/core.xml", "[Content_Types].xml",
               "word/_rels/document.xml.rels", "_rels/.rels"]


def _mutate_part(data: bytes, part: str, ops: list[tuple[int, int, int, bytes]]) -> bytes:
    """A valid zip whose one XML part is mutated, so the damage reaches the XML parsers."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, _mutate(body, ops) if info.filename == part else body)
    return out.getvalue()


_MUTATED = st.one_of(
    st.builds(lambda kind, ops: (kind, _mutate(_REAL[kind], ops)), st.sampled_from(sorted(_REAL)), _OPS),
    st.builds(lambda part, ops: (".docx", _mutate_part(_REAL[".docx"], part, ops)), st.sampled_from(_DOCX_PARTS),
              _OPS),
)
_FILE = st.one_of(
    st.tuples(st.sampled_from(SUFFIXES), st.binary(max_size=2000)),
    st.tuples(st.sampled_from([".txt", ".md", ".html"]), _ENCODED),
    st.tuples(st.sampled_from([".json", ".jsonl"]), _JSON),
    _MUTATED,
)
# File names with the characters above too (not "/" or NUL, which no file name holds; not "|" and
# newlines, which Markdown tables escape).
_NAME = st.text(alphabet=st.sampled_from([*"小区物业ab1 _-.#~$", "\x01", "\x1b", "\u202e", "😀", "\ufffd"]),
                max_size=8)
_FORMATS = st.sampled_from([".json", ".json", ".md", ".docx"])  # .docx is the slowest to write

runner = CliRunner()


@pytest.fixture(scope="module")
def seed_titles() -> dict[str, list[str]]:
    """Each seed file's article titles, as read on their own."""
    from summarizer import load_articles

    titles: dict[str, list[str]] = {}
    for article in load_articles(SEEDS):
        titles.setdefault(article.path.name, []).append(article.title)
    return titles


def _write(folder: Path, n: int, name: str, suffix: str, data: bytes) -> str:
    """Write one random file; its name as the briefing shows it (made safe)."""
    wanted = f"x{n}-{name}{suffix}"
    try:
        (folder / wanted).write_bytes(data)
        return safe_text(wanted)
    except (OSError, UnicodeEncodeError):  # a name this file system refuses
        (folder / f"x{n}{suffix}").write_bytes(data)
        return f"x{n}{suffix}"


def _json_articles(data: dict) -> Iterator[dict]:
    """Every article a JSON briefing holds: its items, and what is nested under them (a story's
    reprints and related reports, where the briefing groups them)."""
    stack = [i for s in data["sections"] for c in s["cities"] for i in c["items"]]
    while stack:
        article = stack.pop()
        yield article
        stack.extend([*article.get("related", ()), *article.get("reprints", ())])


def _document_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(files=st.lists(st.tuples(_NAME, _FILE), min_size=1, max_size=4), fmt=_FORMATS,
       options=st.lists(st.tuples(st.sampled_from(["--title", "--unit", "--issue"]), _TEXT), max_size=2))
def test_hostile_files_beside_the_seeds_never_cost_the_briefing(tmp_path_factory, seed_titles, files, fmt, options):
    folder = tmp_path_factory.mktemp("fuzz")
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    names = [_write(folder, n, name, suffix, data) for n, (name, (suffix, data)) in enumerate(files)]
    out = tmp_path_factory.mktemp("out") / f"briefing{fmt}"
    flags = [part for option in options for part in option]
    result = runner.invoke(app, ["brief", str(folder), "-o", str(out), "--no-cache", *flags])
    assert result.exit_code == 0, (result.output, result.exception)
    if fmt == ".json":
        data = json.loads(out.read_text(encoding="utf-8"))
        jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
        articles = list(_json_articles(data))
        for seed, titles in seed_titles.items():
            assert sorted(a["title"] for a in articles if Path(a["file"]).name == seed) == sorted(titles)
        accounted = {Path(a["file"]).name for a in articles} | {Path(s["file"]).name for s in data["skipped"]}
        assert set(names) <= accounted
        return
    text = _document_text(out) if fmt == ".docx" else out.read_text(encoding="utf-8")
    for title in (t for titles in seed_titles.values() for t in titles):
        assert title in text
    for name in names:  # in the source table (an article, or a copy merged into one) or in the skipped list
        assert name in text
