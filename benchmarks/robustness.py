"""Robustness benchmark: time and peak memory of ``summarizer brief`` on long articles and hostile files.

    .venv/bin/python benchmarks/robustness.py [--only long hostile] [--sizes 100k 1m 5m] [--timeout S]

Each case runs ``summarizer brief`` in a fresh process, as a user would, and is measured alone:
wall-clock seconds, CPU seconds (user + system: what the case costs on a machine others share) and
the process's peak resident memory (``wait4``'s ru_maxrss), with its exit code and what the run said
about the file (read, or the skip reason). Every case includes starting up (about 2 s of CPU), and a
hostile file's case the seed beside it.

- ``long``: one article of 100 KB, 1 MB and 5 MB of UTF-8 text (the seeds' paragraphs, numbered and
  repeated), alone in a folder. Goal (issue 19): 5 MB under 10 s and 1 GB.
- ``hostile``: each file beside one seed: a FIFO, a YAML alias bomb in front matter, a .docx with an
  entity bomb, one with 52 MB of XML in 240 KB, one of 16,000 paragraphs, .docx files with a broken
  document/styles/properties part or a bare ``<Types/>``, a UTF-8 BOM before GBK, UTF-16 without a
  BOM, control characters and lone surrogates, JSON nested 100,000 deep, a JSON Lines file with
  broken lines; then options: a 10,000-character title, and an output path under an existing file.

The machine is shared: compare cases within one run, and read wall seconds as an upper bound.
"""

from __future__ import annotations

import argparse
import codecs
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from common import ROOT

SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_3a66c6915ed1d9f5.txt"
TEXT = "小区物业为业主配送物资近六万份，居民普遍认可，社区表示将继续做好服务。"
SIZES = {"100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}


def measure(args: list[str], cwd: Path, timeout: float) -> tuple[str, float, float, float, str]:
    """Run ``summarizer ARGS`` in a new process: (exit code, wall seconds, CPU seconds, peak MB, its output)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "summarizer", *args], cwd=cwd, stdout=out,
                                stderr=subprocess.STDOUT)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                return "timeout", time.perf_counter() - start, _cpu(usage), usage.ru_maxrss / 1024, ""
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        return str(proc.returncode), seconds, _cpu(usage), usage.ru_maxrss / 1024, out.read()


def _cpu(usage: object) -> float:
    return usage.ru_utime + usage.ru_stime  # type: ignore[attr-defined]


def long_article(size: int) -> str:
    """About ``size`` bytes of UTF-8: the seeds' paragraphs, numbered so that no two are the same."""
    from summarizer import load_articles

    paragraphs = [p for a in load_articles(SEEDS) for p in a.text.splitlines() if len(p) > 20]
    lines, total, n = [], 0, 0
    while total < size:
        line = f"（{n}）{paragraphs[n % len(paragraphs)]}"
        lines.append(line)
        total += len(line.encode()) + 1
        n += 1
    return "\n".join(lines)


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _replace(data: bytes, part: str, edit: Callable[[bytes], bytes]) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, edit(body) if info.filename == part else body)
    return out.getvalue()


def _entity_bomb(xml: bytes) -> bytes:
    entities = '<!ENTITY a "lollollollol">' + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    body = xml.decode().split("?>", 1)[1].replace(TEXT, "&i;" + TEXT, 1)
    return f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>{body}'.encode()


def _alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    return "---\n" + "\n".join(lines) + "\n---\n" + TEXT * 3


def hostile_files(folder: Path) -> dict[str, Path]:
    """Write each hostile file in its own folder beside one seed; name → the file."""
    base = _docx([TEXT, TEXT + "居民点赞。"])
    makers: dict[str, tuple[str, Callable[[], bytes] | None]] = {
        "fifo": (".txt", None),
        "yaml alias bomb (963 B)": (".md", lambda: _alias_bomb().encode()),
        "docx entity bomb": (".docx", lambda: _replace(base, "word/document.xml", _entity_bomb)),
        "docx 52 MB of XML": (".docx", lambda: _replace(base, "word/document.xml", lambda x: x.replace(
            b"<w:body>", b"<w:body>" + f"<w:p><w:r><w:t>{TEXT}</w:t></w:r></w:p>".encode() * 400_000, 1))),
        "docx 16,000 paragraphs": (".docx", lambda: _docx([f"第{i}段。{TEXT}" for i in range(16_000)])),
        "docx broken document.xml": (".docx", lambda: _replace(base, "word/document.xml", lambda x: x[:200])),
        "docx broken styles.xml": (".docx", lambda: _replace(base, "word/styles.xml", lambda x: x[:200])),
        "docx broken core.xml": (".docx", lambda: _replace(base, "docProps/core.xml", lambda x: x[:200])),
        "docx bare <Types/>": (".docx", lambda: _replace(base, "[Content_Types].xml", lambda x: (
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'))),
        "UTF-8 BOM + GBK": (".txt", lambda: codecs.BOM_UTF8 + (TEXT * 3).encode("gbk")),
        "UTF-16 without BOM": (".txt", lambda: ("2023年 ABC " + TEXT * 3).encode("utf-16-le")),
        "controls, surrogates": (".json", lambda: json.dumps({"title": "标题\x01\ud800", "text": TEXT * 3 + "\udc00"})
                                 .encode()),
        "JSON nested 100,000 deep": (".json", lambda: b"[" * 100_000 + b"]" * 100_000),
        "JSONL broken lines": (".jsonl", lambda: "\n".join([json.dumps({"text": TEXT * 3}), "{broken",
                                                             '{"text": ' + "1" * 5000 + "}"]).encode()),
    }
    files = {}
    for n, (name, (suffix, make)) in enumerate(makers.items()):
        case = folder / f"case{n}"
        case.mkdir(parents=True)
        (case / SEED.name).write_bytes(SEED.read_bytes())
        path = case / f"hostile{suffix}"
        if make is None:
            os.mkfifo(path)
        else:
            path.write_bytes(make())
        files[name] = path
    return files


def outcome(output: str, path: Path) -> str:
    """What the run said about ``path``: its skip line, else 'read'; or the error / traceback's last line."""
    lines = output.strip().splitlines()
    if any(line.startswith("Traceback") for line in lines):
        return "TRACEBACK: " + lines[-1][:70]
    if lines and lines[-1].startswith("error:"):
        return lines[-1][:90]
    said = [line.strip() for line in lines if path.name in line and line.strip().startswith(("skipped", "ignored"))]
    return said[0].split(": ", 1)[1][:90] if said else "read"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=["long", "hostile"], default=["long", "hostile"])
    parser.add_argument("--sizes", nargs="+", choices=sorted(SIZES), default=list(SIZES))
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a case is stopped")
    args = parser.parse_args()
    print(f"{'case':34} {'exit':>7} {'wall s':>7} {'CPU s':>6} {'peak MB':>8}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases: list[tuple[str, list[str], Path]] = []
        if "long" in args.only:
            for size in args.sizes:
                folder = root / f"long-{size}"
                folder.mkdir()
                (folder / "article.txt").write_text(long_article(SIZES[size]), encoding="utf-8")
                cases.append((f"article of {size.upper()}B", ["brief", str(folder)], folder / "article.txt"))
        if "hostile" in args.only:
            for name, path in hostile_files(root / "hostile").items():
                cases.append((name, ["brief", str(path.parent)], path))
            (root / "existing.docx").write_bytes(b"")
            cases.append(("--title of 10,000 characters", ["brief", str(SEED), "--title", "物业简报" * 2500], SEED))
            cases.append(("-o existing.docx/x.docx", ["brief", str(SEED), "-o", str(root / "existing.docx" / "x.docx")],
                          SEED))
        for name, argv, path in cases:
            if "-o" not in argv:
                argv = [*argv, "-o", str(root / "out" / "briefing.docx")]
            code, seconds, cpu, peak, output = measure(argv, ROOT, args.timeout)
            print(f"{name:34} {code:>7} {seconds:7.1f} {cpu:6.1f} {peak:8.0f}  {outcome(output, path)}", flush=True)


if __name__ == "__main__":
    main()
