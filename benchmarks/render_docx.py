"""Rendering the .docx: ms per article, and the XML it writes, to compare two versions of the renderer.

    .venv/bin/python benchmarks/render_docx.py build [--size 5000] [--work /tmp/r20]
    .venv/bin/python benchmarks/render_docx.py time [--work /tmp/r20] [--repeat 1] [--against OLD_DOCX_PY]
    .venv/bin/python benchmarks/render_docx.py dump DIR [--work /tmp/r20]
    .venv/bin/python benchmarks/render_docx.py diff DIR_A DIR_B

``build`` composes a few briefings once and pickles them (so two renderers get the same input): the
seeds with a masthead (期号, 编印单位) and two skipped files; 400 texts of ``reprints_dev.jsonl`` with
reprints merged (相关报道, 另见); the first 1,000 texts of ``crud_corpus_dev.jsonl`` in one briefing (a
long 来源列表); and ``--size`` of them (repeated, as ``scale.py`` builds them) for the split.

``time`` renders the split by province (``compose.split.write_split``, one process; then the same
parts' .docx alone) and the 1,000 in one file, and prints ms per article; ``--against`` times another
copy of ``compose/docx.py`` too (main's: ``git show main:summarizer/compose/docx.py > /tmp/old.py``),
alternately with this one, in the same run.

``dump`` writes every XML part of every rendered .docx (both templates for the seeds; pictures as their
hash) into DIR; ``diff`` compares two such folders part by part and prints the first difference of each
(``--drop TEXT``: after removing TEXT from both, e.g. ``'<w:rPr/>'``, an empty run format).
Reads ``../shared/eval`` (exits cleanly when absent); nothing it writes goes into the repo.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import pickle
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from common import EVAL, ROOT
from scale import build_corpus

from summarizer.compose import RENDERERS, layout, write_briefing
from summarizer.compose.split import split_briefing, write_split
from summarizer.ingest import read_inputs
from summarizer.pipeline import brief
from summarizer.text import safe_value
from summarizer.types import Briefing


def _brief(paths: list[Path], **options: object) -> Briefing:
    articles, skipped = read_inputs(paths)
    return brief(articles, skipped=skipped, backend="extractive", **options)


def build(size: int, work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    bad = work / "bad"
    bad.mkdir(exist_ok=True)
    (bad / "empty.txt").write_text("", encoding="utf-8")
    (bad / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    reprints = work / "reprints_400.jsonl"
    reprints.write_text("".join((EVAL / "reprints_dev.jsonl").read_text(encoding="utf-8").splitlines(True)[:400]),
                        encoding="utf-8")
    crud = work / "crud_1000.jsonl"
    crud.write_text("".join((EVAL / "crud_corpus_dev.jsonl").read_text(encoding="utf-8").splitlines(True)[:1000]),
                    encoding="utf-8")
    briefings = {
        "seeds": _brief([ROOT / "seeds", bad], issue="第3期", unit="某市物业管理协会"),
        "reprints": _brief([reprints, bad]),
        "crud1000": _brief([crud], dedup=False),
        "split": _brief([build_corpus(size, work)], dedup=False),
    }
    with (work / "briefings.pkl").open("wb") as out:
        pickle.dump(briefings, out)
    for name, b in briefings.items():
        print(f"{name}: {layout.story_count(b.items)} stories, {len(b.sections)} sections, {len(b.skipped)} skipped")


def _load(work: Path) -> dict[str, Briefing]:
    with (work / "briefings.pkl").open("rb") as handle:
        return pickle.load(handle)


def _articles(briefing: Briefing) -> int:
    return sum(1 + len(i.related) for i in briefing.items)


def _renderer(path: Path) -> Callable[[Briefing, Path, str | Path | None], None]:
    """``render_docx`` of another copy of ``compose/docx.py`` (e.g. main's), imported beside ours."""
    spec = importlib.util.spec_from_file_location("summarizer.compose._docx_against", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return lambda briefing, out, template: module.render_docx(briefing, out, template=template)


def timing(work: Path, repeat: int, against: Path | None) -> None:
    briefings = _load(work)
    split, whole = briefings["split"], briefings["crud1000"]
    parts = [safe_value(p.briefing) for p in split_briefing(split, "province")]
    renderers = {"this": RENDERERS[".docx"]}
    if against:
        renderers["against"] = _renderer(against)
    with tempfile.TemporaryDirectory() as tmp:
        # Warm up what the CLI has loaded before it renders: the word list, the region names, matplotlib.
        write_split(briefings["seeds"], Path(tmp) / "warm-up", "province")
        write_briefing(briefings["seeds"], Path(tmp) / "warm-up.docx")
        for k in range(repeat):
            for name, render in renderers.items():  # alternately, so both see the same load
                RENDERERS[".docx"] = render
                t0 = time.perf_counter()
                write_split(split, Path(tmp) / f"{name}-split{k}", "province")
                s = time.perf_counter() - t0
                print(f"{name}: write_split by province: {len(parts)} files, {_articles(split)} articles, "
                      f"{s:.2f} s, {1000 * s / _articles(split):.2f} ms/article")
                t0 = time.perf_counter()
                for n, part in enumerate(parts):
                    render(part, Path(tmp) / f"{name}-{k}-{n}.docx", None)
                s = time.perf_counter() - t0
                print(f"{name}: the same {len(parts)} .docx files rendered alone: {s:.2f} s, "
                      f"{1000 * s / _articles(split):.2f} ms/article")
                t0 = time.perf_counter()
                write_briefing(whole, Path(tmp) / f"{name}-whole{k}.docx")
                s = time.perf_counter() - t0
                print(f"{name}: write_briefing, one file: {_articles(whole)} articles, {s:.2f} s, "
                      f"{1000 * s / _articles(whole):.2f} ms/article")


def _explode(docx: Path, out: Path) -> None:
    with zipfile.ZipFile(docx) as z:
        for name in z.namelist():
            data = z.read(name)
            if not (name.endswith(".xml") or name.endswith(".rels")):
                data = hashlib.sha256(data).hexdigest().encode() + b"\n"  # pictures: their hash
                name += ".sha256"
            target = out / name.replace("/", "__")
            target.write_bytes(data)


def dump(folder: Path, work: Path) -> None:
    briefings = _load(work)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [("seeds-plain", briefings["seeds"], "plain"), ("seeds-gongwen", briefings["seeds"], "gongwen"),
                ("reprints", briefings["reprints"], None), ("crud1000", briefings["crud1000"], None)]
        for name, b, template in jobs:
            path = Path(tmp) / f"{name}.docx"
            write_briefing(b, path, template=template)
            (folder / name).mkdir(exist_ok=True)
            _explode(path, folder / name)
        # The split of the seeds' briefing too: a province's own (no chart) and the 其他地区 part.
        for key in ("split", "seeds"):
            parts = write_split(briefings[key], Path(tmp) / key, "province")
            for part in parts:
                (folder / f"{key}-{part.file}").mkdir(exist_ok=True)
                _explode(Path(tmp) / key / part.file, folder / f"{key}-{part.file}")
    print(f"dumped into {folder}")


_EMPTY_RE = re.compile(r"<([\w:]+)></\1>")


def diff(a: Path, b: Path, drop: list[str]) -> int:
    names = sorted({p.relative_to(a) for p in a.rglob("*") if p.is_file()}
                   | {p.relative_to(b) for p in b.rglob("*") if p.is_file()})
    differ = 0
    for name in names:
        x, y = a / name, b / name
        if not x.exists() or not y.exists():
            print(f"{name}: only in {'b' if not x.exists() else 'a'}")
            differ += 1
            continue
        left, right = x.read_text("utf-8", "replace"), y.read_text("utf-8", "replace")
        for text in drop:  # then an element left empty is written as lxml writes it
            left, right = (_EMPTY_RE.sub(r"<\1/>", t.replace(text, "")) for t in (left, right))
        if left == right:
            continue
        differ += 1
        cut = next((i for i, (p, q) in enumerate(zip(left, right, strict=False)) if p != q), min(len(left), len(right)))
        print(f"{name}: differs at char {cut} of {len(left)}/{len(right)}")
        print(f"    a: …{left[max(0, cut - 150):cut + 150]}…")
        print(f"    b: …{right[max(0, cut - 150):cut + 150]}…")
    print(f"{len(names)} parts compared, {differ} differ")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("build", "time", "dump", "diff"))
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "render_docx")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--against", type=Path, help="time: also time this copy of compose/docx.py")
    parser.add_argument("--drop", action="append", default=[], help="diff: remove this text from both first")
    args = parser.parse_args()
    if args.command in ("build",) and not (EVAL / "crud_corpus_dev.jsonl").exists():
        print(f"{EVAL} not found: nothing to do")
        return 0
    if args.command == "build":
        build(args.size, args.work)
    elif args.command == "time":
        timing(args.work, args.repeat, args.against)
    elif args.command == "dump":
        dump(args.dirs[0], args.work)
    else:
        return diff(*args.dirs[:2], args.drop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
