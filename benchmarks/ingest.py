"""Ingest benchmark: every web page in ../shared/eval/html/ → what the reader understood.

Prints, per page: detected encoding, extractor, title, body length and any boilerplate marker
that survived in the body; then the share of pages with zero markers. Titles are checked by
reading the table (the pages come without labels). Skips cleanly when the data is absent.

    .venv/bin/python benchmarks/ingest.py [FOLDER]
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from common import EVAL

from summarizer.errors import SummarizerError
from summarizer.ingest.build import build_articles
from summarizer.ingest.readers import read_file

DEFAULT = EVAL / "html"
MARKERS = ("版权所有", "Copyright", "ICP备", "责任编辑", "关注我们", "扫一扫", "分享到", "上一篇", "下一篇",
           "相关新闻", "相关阅读", "热门推荐", "点击查看", "返回首页", "免责声明")


_CHARSET_RE = re.compile(rb"<meta[^>]*charset=[\"']?([\w-]+)", re.I)


def declared_charset(path: Path) -> str:
    """What the page says it is (the reader ignores it; shown to compare with what was detected)."""
    m = _CHARSET_RE.search(path.read_bytes())
    return m.group(1).decode("ascii").lower() if m else "-"


def main(folder: Path) -> int:
    pages = sorted(p for p in folder.glob("*.htm*") if p.is_file())
    if not pages:
        print(f"no pages in {folder}: skipped")
        return 0
    clean = crashed = 0
    started = time.perf_counter()
    print("| page | declared | detected | extractor | title | body chars | markers |")
    print("|---|---|---|---|---|---|---|")
    for page in pages:
        try:
            docs = read_file(page)
            article = build_articles(docs)[0]
        except SummarizerError as exc:
            crashed += 1
            print(f"| {page.name} | {declared_charset(page)} | | | error: {exc} | 0 | |")
            continue
        found = [m for m in MARKERS if m.lower() in article.text.lower()]
        clean += not found
        meta = docs[0].meta
        print(f"| {page.name} | {declared_charset(page)} | {docs[0].encoding} | {meta.get('extractor', '-')} "
              f"| {article.title} "
              f"| {len(article.text)} | {' '.join(found)} |")
    n = len(pages)
    print(f"\n{n} pages, {clean} with zero markers ({clean / n:.0%}), {crashed} unreadable; "
          f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
