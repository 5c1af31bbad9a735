"""Ingest benchmark: the checks a user makes after reading real input, on the dev data.

    .venv/bin/python benchmarks/ingest.py [--only corpus gold pages seeds] [--show N] [--json]

- ``corpus``: every record of ``crud_corpus_dev.jsonl`` written out as a ``.txt`` file and read with
  ``load_articles``, as a user would: articles lost (no article from the file) and the share of texts
  that keep at least 90% of their Chinese characters (in body, title and captions); then the
  removed characters by removal reason (not the headline: what its loss is made of), and what the
  texts under 90% lost (their recorded removals, most frequent first), for a person to judge.
- ``gold``: ``html_gold/`` pages against the main text written down by hand (``truth.jsonl``): body
  character-bag F1 (non-space characters as a multiset) per page and mean, for our reader and for
  trafilatura alone and readability-lxml alone (``pip install -e '.[bench]'``); lost = no article.
- ``pages``: the 31 pages in ``html/``: extractor, title, body length, boilerplate markers left.
- ``seeds``: the seeds' titles, sources, dates and last sentences against the facts the tests pin.

Every set is split in halves (even and odd index in sorted order) and each half is reported:
a rule tuned on one half must hold on the other. ``--show N`` lists the N worst items of each set.
Skips a set cleanly when its data is absent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from common import EVAL, ROOT

from summarizer import load_articles
from summarizer.errors import SummarizerError
from summarizer.ingest import read_inputs
from summarizer.ingest.encoding import decode
from summarizer.ingest.extract import char_f1
from summarizer.text import cjk_count
from summarizer.types import Article

MARKERS = ("版权所有", "Copyright", "ICP备", "责任编辑", "关注我们", "扫一扫", "分享到", "上一篇", "下一篇",
           "相关新闻", "相关阅读", "热门推荐", "点击查看", "返回首页", "免责声明", "首页 >", "当前位置")
KEEP = 0.9  # a text "keeps its text" when at least this share of its Chinese characters survives
# What the tests pin for the seeds (tests/test_ingest.py): title, source, date, last words.
SEED_FACTS = {
    "000": ("红色党建引领物业服务｜小区物业一天为近3000业户配送物资近6万份", "哈尔滨新闻网", "2021-12-14",
            "感觉特别有依靠。”"),
    "001": ("守护小区万家灯火 内江市激活物业行业“红色细胞”", None, None, "更是战斗在防疫一线物业人的一个缩影。"),
    "003": (None, None, None, "仁恒·海棠公园小区也被评为海南省首批“无疫小区”。"),
    "004": ("“红色管家”做好细节“小事儿” 彰显为民服务的大情怀", "大象新闻·东方今报", "2022-05-18",
            "成为提升社会治理体系和治理能力现代化水平的有效抓手。"),
}


def halves(n: int) -> dict[str, list[int]]:
    return {"even": list(range(0, n, 2)), "odd": list(range(1, n, 2))}


def kept_chars(articles: Sequence[Article]) -> int:
    """Chinese characters an article still carries as text: body, a title found in the text, captions."""
    return sum(cjk_count(a.text) + (0 if a.title_derived else cjk_count(a.title))
               + sum(cjk_count(c) for c in a.captions) for a in articles)


def corpus(show: int) -> dict[str, object] | None:
    path = EVAL / "crud_corpus_dev.jsonl"
    if not path.exists():
        print(f"{path} absent: corpus skipped")
        return None
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, rec in enumerate(records):
            file = Path(tmp) / f"{i:05d}.txt"
            file.write_text(rec["text"], encoding="utf-8")
            files.append(file)
        by_file: dict[str, list[Article]] = {}
        for article in load_articles(tmp):
            by_file.setdefault(article.path.name, []).append(article)  # type: ignore[union-attr]
        removed = Counter(r.reason for arts in by_file.values() for a in arts for r in a.removals)
    seconds = time.perf_counter() - started
    shares = []
    for i, rec in enumerate(records):
        total = cjk_count(rec["text"])
        shares.append(kept_chars(by_file.get(files[i].name, [])) / total if total else 1.0)
    out: dict[str, object] = {"texts": len(records), "seconds": round(seconds, 1)}
    print(f"## corpus: {len(records)} texts read with load_articles in {seconds:.1f} s\n")
    print("| half | texts | lost | keep ≥ 90% | mean kept |")
    print("|---|---|---|---|---|")
    for name, idx in {"all": list(range(len(records))), **halves(len(records))}.items():
        lost = sum(1 for i in idx if files[i].name not in by_file)
        keep = sum(1 for i in idx if shares[i] >= KEEP) / len(idx)
        mean = sum(shares[i] for i in idx) / len(idx)
        out[name] = {"lost": lost, "keep90": round(keep, 4), "mean_kept": round(mean, 4)}
        print(f"| {name} | {len(idx)} | {lost} | {keep:.2%} | {mean:.2%} |")
    print("\nremovals by reason: " + ", ".join(f"{k} {v}" for k, v in removed.most_common()))
    # Not the headline: where the removed characters went, so a person sees which kind of removal
    # (a notice, a byline …) the loss above is made of before judging it.
    chars: Counter[str] = Counter()
    for arts in by_file.values():
        for a in arts:
            for r in a.removals:
                chars[r.reason] += cjk_count(r.text)
    corpus_chars = sum(cjk_count(rec["text"]) for rec in records) or 1
    out["removed_chars"] = dict(chars.most_common())
    print("Chinese characters removed, by reason (share of the corpus's): "
          + ", ".join(f"{k} {v} ({v / corpus_chars:.2%})" for k, v in chars.most_common()))
    # What the texts under 90% lost, for a person to judge: their removals, most frequent first.
    under = [i for i in range(len(records)) if shares[i] < KEEP and files[i].name in by_file]
    spans = Counter((r.reason, r.text[:40]) for i in under for a in by_file[files[i].name] for r in a.removals
                    if cjk_count(r.text) >= 5)
    print(f"texts under {KEEP:.0%}: {len(under)}; what they lost most often:")
    for (reason, text), n in spans.most_common(8):
        print(f"  {n:4d} × {reason}: {text}…")
    for i in sorted(range(len(records)), key=lambda i: shares[i])[:show]:
        print(f"  {shares[i]:.0%} {records[i]['id']}: {records[i]['text'][:80]!r}")
    return out


def _trafilatura(markup: str) -> str:
    import trafilatura

    return trafilatura.extract(markup, include_comments=False, include_tables=True) or ""


def _readability(markup: str) -> str:
    import lxml.html
    from readability import Document

    summary = Document(markup).summary(html_partial=True)
    return "\n".join(t.strip() for t in lxml.html.fromstring(summary).itertext() if t.strip())


def _ours(path: Path) -> str | None:
    try:
        articles, _ = read_inputs([path])
    except SummarizerError:
        return None
    return "\n".join(a.text for a in articles) if articles else None


def gold(show: int) -> dict[str, object] | None:
    folder = EVAL / "html_gold"
    if not (folder / "truth.jsonl").exists():
        print(f"{folder} absent: gold skipped")
        return None
    truth = [json.loads(line) for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    truth.sort(key=lambda t: t["id"])
    peers: dict[str, Callable[[str], str]] = {"trafilatura": _trafilatura, "readability": _readability}
    rows = []
    started = time.perf_counter()
    for t in truth:
        path = folder / t["id"]
        markup = decode(path.read_bytes(), path)[0]
        ours = _ours(path)
        row = {"id": t["id"], "ours": char_f1(ours, t["body"]) if ours is not None else None}
        for name, peer in peers.items():
            try:
                row[name] = char_f1(peer(markup), t["body"])
            except Exception as exc:  # a peer failing on a page scores 0 there, as a user would see it
                logging.getLogger(__name__).info("%s failed on %s: %s", name, t["id"], exc)
                row[name] = 0.0
        rows.append(row)
    seconds = time.perf_counter() - started
    print(f"\n## gold pages: {len(rows)} pages, body character-bag F1 ({seconds:.1f} s)\n")
    print("| page | ours | trafilatura | readability |")
    print("|---|---|---|---|")
    for row in rows:
        ours = "lost" if row["ours"] is None else f"{row['ours']:.3f}"
        print(f"| {row['id']} | {ours} | {row['trafilatura']:.3f} | {row['readability']:.3f} |")
    out: dict[str, object] = {"pages": len(rows)}
    print("\n| half | pages | lost | ours | trafilatura | readability |")
    print("|---|---|---|---|---|---|")
    for name, idx in {"all": list(range(len(rows))), **halves(len(rows))}.items():
        sel = [rows[i] for i in idx]
        means = {k: sum(r[k] or 0.0 for r in sel) / len(sel) for k in ("ours", *peers)}
        lost = sum(1 for r in sel if r["ours"] is None)
        out[name] = {"lost": lost, **{k: round(v, 4) for k, v in means.items()}}
        print(f"| {name} | {len(sel)} | {lost} | {means['ours']:.3f} | {means['trafilatura']:.3f} "
              f"| {means['readability']:.3f} |")
    for row in sorted(rows, key=lambda r: r["ours"] or 0.0)[:show]:
        print(f"  {row['ours'] or 0:.3f} {row['id']}")
    return out


def pages(show: int) -> dict[str, object] | None:
    files = sorted(p for p in (EVAL / "html").glob("*.htm*") if p.is_file())
    if not files:
        print(f"{EVAL / 'html'} absent: pages skipped")
        return None
    print(f"\n## pages: {len(files)} pages in html/ (titles are checked by reading the table)\n")
    print("| page | extractor | title | body chars | markers |")
    print("|---|---|---|---|---|")
    clean: list[bool] = []
    lost: list[bool] = []
    for page in files:
        try:
            article = load_articles(page)[0]
        except SummarizerError as exc:
            clean.append(False)
            lost.append(True)
            print(f"| {page.name} | | error: {exc} | 0 | |")
            continue
        found = [m for m in MARKERS if m.lower() in article.text.lower()]
        clean.append(not found)
        lost.append(False)
        print(f"| {page.name} | {article.meta.get('extractor', '-')} | {article.title} | {len(article.text)} "
              f"| {' '.join(found)} |")
    out: dict[str, object] = {}
    for name, idx in {"all": list(range(len(files))), **halves(len(files))}.items():
        out[name] = {"pages": len(idx), "clean": sum(clean[i] for i in idx), "lost": sum(lost[i] for i in idx)}
        print(f"{name}: {len(idx)} pages, {out[name]['clean']} with zero markers, {out[name]['lost']} lost")
    return out


def seeds(show: int) -> dict[str, object]:
    articles = load_articles(ROOT / "seeds")
    print("\n## seeds: pinned facts\n")
    print("| seed | title | source | date | last words | kept |")
    print("|---|---|---|---|---|---|")
    failures = 0
    for prefix, (title, source, date, ending) in SEED_FACTS.items():
        a = next(a for a in articles if a.path is not None and a.path.name.startswith(prefix))
        ok = [(title is None or a.title == title), (source is None or a.source == source),
              (date is None or a.date == dt.date.fromisoformat(date)), a.text.endswith(ending)]
        failures += not all(ok)
        raw = cjk_count(a.path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
        print(f"| {prefix} | {a.title} {'✓' if ok[0] else '✗'} | {a.source} {'✓' if ok[1] else '✗'} "
              f"| {a.date} {'✓' if ok[2] else '✗'} | {'✓' if ok[3] else '✗'} | {kept_chars([a]) / raw:.0%} |")
    stories = [a for a in articles if a.path is not None and a.path.name.startswith("002")]
    print(f"002: {len(stories)} stories: " + " / ".join(a.title for a in stories))
    print(f"seeds: {len(articles)} articles, {failures} with a pinned fact broken")
    return {"articles": len(articles), "failures": failures, "stories_002": len(stories)}


SETS = {"corpus": corpus, "gold": gold, "pages": pages, "seeds": seeds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(SETS), default=list(SETS))
    parser.add_argument("--show", type=int, default=0, help="list the N worst items of each set")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    results = {}
    for name in args.only:
        results[name] = SETS[name](args.show)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
