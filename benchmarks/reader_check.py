"""What a reader sees: the dev data rendered to Word with ``summarizer brief``, read back as LibreOffice
prints it, and scanned for the faults a reader notices at once.

    .venv/bin/python benchmarks/reader_check.py [--only pages gold corpus] [--half even|odd] [--show N]
                                                [--keep DIR]

Sets (each split in halves, even and odd index in sorted order, as ``benchmarks/ingest.py`` does: tune
on one, check on the other): ``pages`` (the 31 pages of ``html/``), ``gold`` (the pages of
``html_gold/``), ``corpus`` (the first 300 texts of ``crud_corpus_dev.jsonl``, written out as .txt).
Each half is one briefing: ``python -m summarizer brief DIR -o briefing.docx``, converted to PDF by
LibreOffice (``scripts/lo_pdf.py`` when ``python3-uno`` is there, else ``soffice --convert-to pdf``)
and read with ``pdftotext``; without LibreOffice the .docx text is read with python-docx. Structure
(titles, key figures, keywords, the 综述) is read from the .docx styles; the words from the print.

Faults counted (the goal is zero for each):
- ``english``: Latin words in the print that are in no input (not in an article's text, title, source,
  file name or link): the briefing's own wording must be Chinese.
- ``fffd``: U+FFFD (a garbled span quoted).
- ``cut_number``: a key figure's quote, or a figure the 综述 quotes, cut inside a number of its source
  (…70米 of 770米), or a quote that lacks its figure.
- ``same_sentence``: two key figures of one article quoting one sentence of it.
- ``fragment_kw``: keywords that are not whole words by jieba's segmentation of the article (下停车场,
  级应急响应) or hold a function word (亲友鏖战之时: 之), judged by ``word_judge.py``: jieba errs too (it cuts
  names such as 格罗西), so read the examples; ``unit_kw``: keywords that are units (小时, 亿美元).
- ``empty_theme``: 综述 themes that are places, units or 中国/全国/国内, a 综述 without themes, and a
  "篇数较多" list whose counts are all 1.
- ``dateline_title``: titles that open on a dateline, byline or date, or are only a date;
  ``cut_title``: derived titles that are not whole clauses of the text.
- ``dateline``: a dateline in a summary rewritten into a form the source does not have (…电2月28日).
- ``quote``: summaries whose quotation marks are unbalanced, or whose quotation is not in the source.
- ``label_source``: a 来源 that is a byline label (采写：南都).
- ``blank_page``: pages whose content ends in the top 40% (not the last page, nor the one before 附录).

Needs jieba (``pip install -e '.[bench]'``) for the keyword judge; LibreOffice, poppler-utils and
fonts-noto-cjk for the print (else the .docx text stands in, and ``blank_page`` is not measured).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from common import EVAL, ROOT
from word_judge import Segmented

from summarizer import load_articles
from summarizer.regions import mentions
from summarizer.text import BYLINE_OPEN, CJK, split_sentences

CORPUS_TEXTS = 300
FAULTS = ("english", "fffd", "cut_number", "same_sentence", "fragment_kw", "unit_kw", "empty_theme",
          "dateline_title", "cut_title", "dateline", "quote", "label_source", "blank_page")
_LATIN_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+\.(?:html?|txt|md|docx?|jsonl?|shtml|php|aspx?|pdf)(?:#\d+)?")
# An amount's unit, with any numerals and multipliers before it (亿美元, 万人次, 小时).
_UNIT_RE = re.compile(r"[零一二两三四五六七八九十百千万亿]*(?:元|美元|欧元|日元|港元|英镑|人民币|人次|人|个|件|份|户|"
                      r"家|次|辆|台|套|条|项|名|吨|公斤|千克|斤|公里|千米|米|平方米|亩|小时|分钟|秒|天|年|月|日|周|倍)")
_GENERIC_THEMES = {"中国", "全国", "国内", "我国", "国家", "全省", "全市", "今年", "去年", "目前", "记者"}
_DATELINE_RE = re.compile(
    rf"^(?:据)?[{CJK}]{{0,12}}(?:\d{{1,2}}月\d{{1,2}}日)?(?:电|讯)(?:[（(【 ]|$)"
    rf"|^(?:\d{{4}}年)?\d{{1,2}}月(?:\d{{1,2}}日)?(?:[，, ]|$)|^\d{{4}}[-年./]\d{{1,2}}"
    rf"|^(?:本报|据|记者|通讯员)|{BYLINE_OPEN}|\d{{1,2}}月\d{{1,2}}日(?:电|讯|消息)$|正文$"
)
_MOVED_DATELINE_RE = re.compile(r"[社网报台站][^，。\s]{0,8}电\d{1,2}月\d{1,2}日")
_QUOTE_RE = re.compile(r"“([^“”]*)”")


@dataclass
class Item:
    title: str
    derived: bool
    meta: str = ""
    summary: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)  # (figure, quote)
    keywords: list[str] = field(default_factory=list)


@dataclass
class Read:
    overview: str
    items: list[Item]
    text: str  # what the reader sees (the PDF's text, or the .docx's)
    pages: int | None
    blank: list[int]


# --- inputs ----------------------------------------------------------------------------------------

def sets(only: set[str]) -> dict[str, list[tuple[str, bytes]]]:
    """Each set's inputs as (file name, content), in sorted order."""
    out: dict[str, list[tuple[str, bytes]]] = {}
    for name, folder in (("pages", EVAL / "html"), ("gold", EVAL / "html_gold")):
        if name in only and folder.is_dir():
            out[name] = [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.html"))]
    corpus = EVAL / "crud_corpus_dev.jsonl"
    if "corpus" in only and corpus.is_file():
        records = []
        with corpus.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    records.append(json.loads(line))
                if len(records) == CORPUS_TEXTS:
                    break
        out["corpus"] = [(f"{i:05d}.txt", r["text"].encode("utf-8")) for i, r in enumerate(records)]
    return out


# --- rendering -------------------------------------------------------------------------------------

def render(folder: Path, out: Path) -> float:
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "summarizer", "brief", str(folder), "-o", str(out), "--date", "2024-01-01"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"summarizer brief failed on {folder}:\n{done.stderr}")
    return time.perf_counter() - started


def to_pdf(docx: Path) -> Path | None:
    """The .docx printed by LibreOffice (fields updated through UNO where python3-uno is installed)."""
    if not (shutil.which("soffice") and shutil.which("pdftotext")):
        return None
    pdf = docx.with_suffix(".pdf")
    env = {"FONTCONFIG_FILE": str(ROOT / "scripts" / "fonts-cjk.conf")}
    with tempfile.TemporaryDirectory() as profile:
        uno = Path("/usr/bin/python3")
        has_uno = uno.exists() and subprocess.run([uno, "-c", "import uno"], capture_output=True).returncode == 0
        if has_uno:
            cmd = [str(uno), str(ROOT / "scripts" / "lo_pdf.py"), str(docx), str(pdf), profile]
        else:
            cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                   "--outdir", str(docx.parent), str(docx)]
        subprocess.run(cmd, capture_output=True, env={**_environ(), **env}, timeout=600)
    return pdf if pdf.is_file() else None


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout
    # LibreOffice spaces CJK from Latin and digits (2022 年); pdftotext breaks lines inside words.
    pages = [re.sub(rf"(?<=[{CJK}])[ \n]+|[ \n]+(?=[{CJK}])", "", p) for p in text.split("\f")]
    return [p for p in pages if p.strip()] if pages else []


def blank_pages(pdf: Path, pages: list[str]) -> list[int]:
    """Pages (1-based) whose content ends in the top 40% of the body: not the last page, nor the one before 附录."""
    if not shutil.which("pdftoppm"):
        return []
    import numpy as np
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", str(pdf), f"{tmp}/p"], check=True)
        files = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        out = []
        for n, file in enumerate(files, 1):
            if n == len(files) or (n < len(pages) and pages[n].lstrip().startswith(("新闻简报附录", "附录"))):
                continue
            pixels = np.asarray(Image.open(file).convert("L"))
            top, bottom = int(len(pixels) * 0.09), int(len(pixels) * 0.9)  # below the header, above the footer
            inked = np.flatnonzero(pixels[top:bottom].min(axis=1) < 200)
            if len(inked) and inked[-1] / (bottom - top) < 0.4:
                out.append(n)
        return out


def read(docx: Path) -> Read:
    from docx import Document

    doc = Document(str(docx))
    items: list[Item] = []
    overview = ""
    part = ""
    for p in doc.paragraphs:
        style, text = p.style.name, p.text.strip()
        if style == "Part Heading":
            part = text
        elif style == "Normal" and part == "综述" and not overview:
            overview = text
        elif style == "Heading 3":
            derived = text.endswith("（标题由系统生成）")
            items.append(Item(text.removesuffix("（标题由系统生成）"), derived))
        elif items and style == "Meta" and not items[-1].meta:
            items[-1].meta = text
        elif items and style == "Normal" and not items[-1].summary:
            items[-1].summary = text
        elif items and style == "Key Figure":
            bold = "".join(r.text for r in p.runs if r.bold)
            items[-1].figures.append((bold, text[len(bold):].strip()))
        elif items and style == "Keywords":
            items[-1].keywords = [k for k in text.partition("：")[2].split("、") if k]
    pdf = to_pdf(docx)
    if pdf is None:
        body = "\n".join(p.text for p in doc.paragraphs)
        cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
        return Read(overview, items, body + "\n" + cells, None, [])
    pages = pdf_pages(pdf)
    return Read(overview, items, "\n".join(pages), len(pages), blank_pages(pdf, pages))


# --- the judges ------------------------------------------------------------------------------------

class Judge:
    """What the faults are judged against: the inputs as the library reads them, and jieba."""

    def __init__(self, folder: Path) -> None:
        self._cut: dict[str, Segmented] = {}
        logging.disable(logging.WARNING)
        articles = load_articles([folder])
        logging.disable(logging.NOTSET)
        self.by_key = {}
        for a in articles:
            self.by_key[a.url or a.name] = a
            self.by_key[a.name] = a
        self.sources = "\n".join(f"{a.title}\n{a.text}\n{a.source or ''}" for a in articles)
        self.words = {w.lower() for w in _LATIN_RE.findall(self.sources)}
        # pdftotext joins a word broken at a hyphen or a line (V-NAND → VNAND): letters run together
        self.letters = re.sub(r"[^a-z]", "", self.sources.lower())
        self.names = "\n".join(f"{a.name} {a.url or ''} {a.path or ''}" for a in articles).lower()

    def article_text(self, item: Item) -> str:
        key = item.meta.rpartition(" · ")[2]
        article = self.by_key.get(key)
        return f"{article.title}\n{article.text}" if article else self.sources

    def foreign(self, word: str) -> bool:
        low = word.lower()
        return low not in self.words and low not in self.names and low not in self.letters

    def whole(self, keyword: str, text: str) -> bool:
        """Whether ``keyword`` is whole words of ``text`` by jieba (``word_judge``), the text cut once."""
        if text not in self._cut:
            self._cut[text] = Segmented(text)
        return self._cut[text].whole(keyword)


def unit_word(word: str) -> bool:
    return _UNIT_RE.fullmatch(word) is not None


def place(word: str) -> bool:
    found = mentions(word)
    return bool(found) and sum(len(name) for name, _, _ in found) >= len(word) - 1


def scan(doc: Read, judge: Judge) -> tuple[Counter[str], dict[str, list[str]]]:
    faults: Counter[str] = Counter()
    examples: dict[str, list[str]] = {k: [] for k in FAULTS}

    def fault(kind: str, example: str) -> None:
        faults[kind] += 1
        examples[kind].append(example)

    for word in _LATIN_RE.findall(_URL_RE.sub(" ", doc.text)):
        if judge.foreign(word):
            fault("english", word)
    for m in re.finditer("\ufffd+", doc.text):
        fault("fffd", doc.text[max(0, m.start() - 10):m.end() + 10])
    for quote in _overview_quotes(doc.overview):
        if _cuts_number(quote, judge.sources):
            fault("cut_number", quote)
    for item in doc.items:
        text = judge.article_text(item)
        sentences = split_sentences(text)
        seen: set[int] = set()
        for figure, quote in item.figures:
            core = _core(quote)
            if _cuts_number(core, text) or figure not in core:
                fault("cut_number", f"{figure} {quote}")
            at = next((k for k, sentence in enumerate(sentences) if core in sentence), -1)
            if at in seen:
                fault("same_sentence", f"{figure} {quote}")
            elif at >= 0:
                seen.add(at)
        for keyword in item.keywords:
            if unit_word(keyword):
                fault("unit_kw", keyword)
            elif not judge.whole(keyword, text):
                fault("fragment_kw", keyword)
        if _DATELINE_RE.search(item.title) or re.fullmatch(r"[\d年月日号]+", item.title):
            fault("dateline_title", item.title + ("（生成）" if item.derived else ""))
        elif item.derived and not _whole_clauses(item.title, text):
            fault("cut_title", item.title)
        for m in _MOVED_DATELINE_RE.finditer(item.summary):
            if m.group(0) not in text:
                fault("dateline", m.group(0))
        if item.summary.count("“") != item.summary.count("”"):
            fault("quote", item.summary)
        else:
            flat = text.replace("\n", "")
            for m in _QUOTE_RE.finditer(item.summary):
                inner = m.group(1).strip("…")
                if inner and inner not in flat:
                    fault("quote", m.group(0))
        source = item.meta.partition(" · ")[0]
        if re.search(BYLINE_OPEN, source):
            fault("label_source", source)
    _themes(doc.overview, len(doc.items), fault)
    for page in doc.blank:
        fault("blank_page", f"page {page}")
    return faults, examples


def _core(quote: str) -> str:
    """A quote without its 「」, its … and the quotation marks that pair a cut (“…, …”)."""
    core = quote.strip("「」").removeprefix("“…").removesuffix("…”").strip("…")
    return core


def _cuts_number(quote: str, source: str) -> bool:
    """Whether ``quote`` (a cut of ``source``) begins or ends inside a number wherever it is there
    (…70米 of 770米)."""
    core = _core(quote)
    starts = [m.start() for m in re.finditer(re.escape(core), source)] if core else []

    def cut(at: int) -> bool:
        before = source[at - 1] if at else ""
        after = source[at + len(core)] if at + len(core) < len(source) else ""
        return ((before.isdigit() or before in ".．") and core[0].isdigit()) or (core[-1].isdigit() and after.isdigit())

    return bool(starts) and all(map(cut, starts))


def _whole_clauses(title: str, text: str) -> bool:
    """Whether a derived title is whole clauses of the text (or, marked with …, its start cut between words)."""
    if title.endswith("…"):
        return title[:-1] in text
    return bool(re.search(re.escape(title) + r"(?:[，,。！？!?；;：:、\s”）)]|$)", text))


def _overview_quotes(overview: str) -> list[str]:
    """The clauses the 综述 quotes for its figures (重要数据：A（城市）；B（城市）。)."""
    m = re.search(r"重要数据：(.+)。?$", overview)
    return [re.sub(r"（[^（）]*）$", "", part) for part in m.group(1).rstrip("。").split("；")] if m else []


def _themes(overview: str, n_items: int, fault: object) -> None:
    m = re.search(r"主要内容涉及(.+?)等方面", overview)
    if m is None:
        if n_items >= 3:
            fault("empty_theme", "(no themes)")  # type: ignore[operator]
    else:
        for theme in m.group(1).split("、"):
            if theme in _GENERIC_THEMES or unit_word(theme) or place(theme):
                fault("empty_theme", theme)  # type: ignore[operator]
    if (m := re.search(r"篇数较多的是([^。]+)", overview)) and set(re.findall(r"(\d+)篇", m.group(1))) == {"1"}:
        fault("empty_theme", m.group(0))  # type: ignore[operator]


# --- main ------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", default=["pages", "gold", "corpus"])
    parser.add_argument("--half", choices=["even", "odd"], help="only this half (default both)")
    parser.add_argument("--show", type=int, default=0, help="examples of each fault")
    parser.add_argument("--keep", type=Path, help="keep the briefings (.docx, .pdf) in this folder")
    args = parser.parse_args()
    try:
        import jieba  # noqa: F401  (word_judge imports it when first asked)
    except ImportError:
        raise SystemExit("jieba is needed to judge keywords: pip install -e '.[bench]'") from None
    data = sets(set(args.only))
    if not data:
        print(f"no dev data under {EVAL}: nothing checked")
        return
    print("| set | half | articles | pages | brief s | " + " | ".join(FAULTS) + " |")
    print("|---|---|---|---|---|" + "---|" * len(FAULTS))
    shown: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, inputs in data.items():
            for half, start in (("even", 0), ("odd", 1)):
                if args.half and half != args.half:
                    continue
                folder = Path(tmp) / f"{name}-{half}"
                folder.mkdir()
                for file, content in inputs[start::2]:
                    (folder / file).write_bytes(content)
                out = (args.keep or Path(tmp)) / f"{name}-{half}.docx"
                out.parent.mkdir(parents=True, exist_ok=True)
                seconds = render(folder, out)
                doc = read(out)
                faults, examples = scan(doc, Judge(folder))
                print(f"| {name} | {half} | {len(doc.items)} | {doc.pages or '—'} | {seconds:.0f} | "
                      + " | ".join(str(faults[k]) for k in FAULTS) + " |", flush=True)
                for kind in FAULTS if args.show else ():
                    for example in examples[kind][:args.show]:
                        shown.append(f"{name}-{half} {kind}: {example[:160]}")
    if shown:
        print("\n" + "\n".join(shown))


if __name__ == "__main__":
    main()
