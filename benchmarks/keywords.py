"""Keywords on the dev corpus: CPU per article, whole words by an outside judge, and what changed against
another revision, all in one run.

    .venv/bin/python benchmarks/keywords.py [--n 2564] [--rounds 3] [--against REV] [--show 20]

The texts are ``../shared/eval/crud_corpus_dev.jsonl`` read as the user's run reads them
(``summarizer.load_articles``), each ``title + "\\n" + text``, split in halves by even and odd index (tune
on one, check on the other). Printed:

- CPU ms per article of ``keywords.keywords`` over all texts, one process, the best of ``--rounds``
  rounds; beside it ``text.segment`` alone on the same lead windows' runs (the part of the cost that is
  the segmentation), and with ``--against`` the keywords of revision REV (its
  ``summarizer/compose/keywords.py`` from git, run on this checkout's other modules) interleaved
  round by round, so a noisy machine slows both alike: compare the ratio.
- per half, keywords that are not whole words by ``word_judge.py`` (jieba; it errs on names it lacks,
  so read the examples);
- with ``--against``: texts whose keywords changed, keywords gained and lost, and examples.
"""

from __future__ import annotations

import argparse
import logging
import re
import subprocess
import sys
import time
import types
from collections.abc import Callable, Sequence

from common import EVAL, ROOT

from summarizer import load_articles
from summarizer.compose import keywords as current
from summarizer.lexicon import stopwords, word_idf
from summarizer.text import CJK, lead_window, segment

CORPUS = EVAL / "crud_corpus_dev.jsonl"
_RUN_RE = re.compile(f"[{CJK}]{{2,}}")


def reference(rev: str) -> types.ModuleType:
    """``summarizer/compose/keywords.py`` as of ``rev``, as a module of this checkout's package."""
    source = subprocess.run(["git", "show", f"{rev}:summarizer/compose/keywords.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("summarizer.compose._keywords_ref")
    module.__package__ = "summarizer.compose"
    exec(compile(source, f"{rev}:keywords.py", "exec"), module.__dict__)  # our own file, from git
    return module


def cpu(func: Callable[[], object]) -> float:
    started = time.process_time()
    func()
    return time.process_time() - started


def segment_all(texts: Sequence[str]) -> None:
    for text in texts:
        for m in _RUN_RE.finditer(lead_window(text)):
            segment(m.group())


def fragments(found: list[list[str]], texts: Sequence[str], half: int) -> tuple[int, int, list[str]]:
    """(keywords, not whole, examples) of one half by jieba's judge."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from word_judge import Segmented

    n, bad = 0, []
    for words, text in list(zip(found, texts, strict=True))[half::2]:
        judge = Segmented(text) if words else None
        n += len(words)
        bad += [w for w in words if judge and not judge.whole(w)]
    return n, len(bad), bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=0, help="first N texts (default all)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", help="a git revision to compare with (main, HEAD~1)")
    parser.add_argument("--show", type=int, default=20, help="examples of fragments and changes")
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"{CORPUS} absent: nothing measured")
        return
    logging.disable(logging.WARNING)
    texts = [f"{a.title}\n{a.text}" for a in load_articles([CORPUS])]
    if args.n:
        texts = texts[:args.n]
    word_idf(), stopwords(), segment("预热")  # the word lists are read once, not timed
    ref = reference(args.against) if args.against else None
    times: dict[str, list[float]] = {"keywords": [], "segment only": [], f"keywords @ {args.against}": []}
    for _ in range(args.rounds):
        times["keywords"].append(cpu(lambda: current.keywords(texts)))
        times["segment only"].append(cpu(lambda: segment_all(texts)))
        if ref is not None:
            times[f"keywords @ {args.against}"].append(cpu(lambda: ref.keywords(texts)))
    print(f"{len(texts)} texts, {sum(map(len, texts)) / len(texts):.0f} characters on average; "
          f"CPU ms per article, best of {args.rounds} rounds:")
    best = {name: min(t) * 1000 / len(texts) for name, t in times.items() if t}
    for name, ms in best.items():
        print(f"  {name:24} {ms:6.3f} ms  ({ms / best['keywords']:.2f}x keywords)")
    found = current.keywords(texts)
    old = ref.keywords(texts) if ref is not None else None
    for half, name in ((0, "even"), (1, "odd")):
        n, bad, examples = fragments(found, texts, half)
        line = f"{name} half: {bad} of {n} keywords not whole by jieba"
        if old is not None:
            n_old, bad_old, _ = fragments(old, texts, half)
            line += f" (@ {args.against}: {bad_old} of {n_old})"
        print(line + (": " + "、".join(examples[:args.show]) if examples else ""))
    if old is not None:
        changed = [(i, o, f) for i, (o, f) in enumerate(zip(old, found, strict=True)) if o != f]
        gained = sum(len(set(f) - set(o)) for _, o, f in changed)
        lost = sum(len(set(o) - set(f)) for _, o, f in changed)
        reordered = sum(set(o) == set(f) for _, o, f in changed)
        print(f"changed against {args.against}: {len(changed)} of {len(texts)} texts "
              f"({reordered} only reordered); {lost} keywords lost, {gained} gained of "
              f"{sum(map(len, old))}")
        for i, o, f in changed[:args.show]:
            print(f"  #{i}: -{'、'.join(w for w in o if w not in f)}  +{'、'.join(w for w in f if w not in o)}")


if __name__ == "__main__":
    main()
