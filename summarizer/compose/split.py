"""One briefing per region: a Briefing cut by province (or city), written into a folder with an index.

A month of news in one .docx is not what a reader wants; a province's office wants its own. Each part is
the briefing's sections for one region, with a 综述 of its own (model-free: it counts and names that
region's stories) and the masthead of the whole; the files that could not be read are listed once, in
the index. The parts are rendered across processes (``parallel.map_ordered``, inside
``parallel.using``), and the folder is written completely or not at all: into a temporary folder
beside it, then renamed into place.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError
from ..types import Briefing, ProvinceSection
from . import RENDERERS, layout, write_briefing
from .overview import compose_overview

BY = ("province", "city")
INDEX = "index"  # index.md for people, index.json for programs
_UNSAFE_RE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')  # not in a file name on Windows or POSIX


@dataclass(frozen=True, slots=True)
class Part:
    """One region's briefing and the file it goes to (a name inside the folder)."""

    label: str  # 黑龙江省, 黑龙江省哈尔滨市, 多地, 其他地区
    province: str
    city: str | None
    file: str
    briefing: Briefing


def split_briefing(briefing: Briefing, by: str, *, suffix: str = ".docx") -> list[Part]:
    """``briefing`` as one briefing per province (``by="province"``) or per city (``"city"``), in its order.

    Sections that are not one province (多地, 全国, 其他地区) are one part each whatever ``by`` says.

    Raises:
        ValueError: ``by`` is not one of ``BY``.
    """
    if by not in BY:
        raise ValueError(f"split by province or city, got {by!r}")
    regions: list[tuple[str, str, str | None, ProvinceSection]] = []
    for section in briefing.sections:
        if by == "province" or section.scope != "local":
            regions.append((section.name, section.name, None, section))
            continue
        for city in section.cities:
            label = section.name if city.name == section.name else f"{section.name}{city.name}"
            regions.append((label, section.name, city.name, dataclasses.replace(section, cities=(city,))))
    width = len(str(len(regions)))
    parts = []
    for n, (label, province, city, section) in enumerate(regions, start=1):
        title = f"{briefing.title}（{label}）"
        part = dataclasses.replace(briefing, title=title, sections=(section,), skipped=(),
                                   overview=compose_overview((section,), title=title))
        parts.append(Part(label, province, city, f"{n:0{width}d}-{_UNSAFE_RE.sub('_', label)}{suffix}", part))
    return parts


def split_folder(output: Path) -> tuple[Path, str]:
    """The folder and the format for ``--split-by`` given ``-o``: ``outputs/briefing.docx`` → the folder
    ``outputs/briefing`` of .docx files; a path without a suffix is the folder, of .docx files.

    Raises:
        OutputError: an unknown format, or a file where the folder would go.
    """
    suffix = output.suffix.lower()
    if suffix and suffix not in RENDERERS:
        raise OutputError(f"cannot write briefings as {suffix}: use one of {', '.join(sorted(RENDERERS))}")
    folder = output.with_suffix("") if suffix else output
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"cannot write the briefings into {folder}: it is a file")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / f"{INDEX}.json").is_file():
        raise OutputError(f"cannot write the briefings into {folder}: it holds other files; give a new or "
                          f"empty folder (a folder of earlier briefings, with its {INDEX}.json, is replaced)")
    return folder, suffix or ".docx"


def _render(job: tuple[Briefing, Path, str | Path | None]) -> Path:
    briefing, path, template = job
    return write_briefing(briefing, path, template=template)


def write_split(briefing: Briefing, output: Path, by: str, *, template: str | Path | None = None) -> list[Part]:
    """Write one briefing per region and the index into the folder ``split_folder(output)`` names.

    Returns:
        The parts, in the index's order.

    Raises:
        OutputError: as ``split_folder``, or a file cannot be written (nothing is left half-written).
        ValueError: ``by`` is not one of ``BY``.
    """
    from ..parallel import CHUNK, map_ordered, release_memory

    folder, suffix = split_folder(output)
    parts = split_briefing(briefing, by, suffix=suffix)
    tmp = folder.with_name(f".{folder.name}.{secrets.token_hex(6)}.tmp")
    try:
        tmp.mkdir(parents=True)
        # Across processes when there is a month to render; a few dozen stories render faster here than
        # workers start (parallel._stream says the same of reading).
        # The largest parts first: started last, the largest (其他地区 is often a third of a month)
        # would keep one worker busy long after the others are done.
        largest_first = sorted(parts, key=lambda p: -layout.story_count(p.briefing.items))
        jobs = [(p.briefing.without_bodies(), tmp / p.file, template) for p in largest_first]
        release_memory()  # what reading and composing freed, before the largest parts are sent
        map_ordered(_render, jobs, chunk=1 if layout.story_count(briefing.items) > CHUNK else len(jobs))
        _write_index(briefing, parts, by, tmp)
        _replace(tmp, folder)
    except OSError as exc:
        raise OutputError(f"cannot write the briefings into {folder}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return parts


def _replace(tmp: Path, folder: Path) -> None:
    """``tmp`` renamed to ``folder``; an earlier folder of briefings there is moved aside first, then removed."""
    old = None
    if folder.exists():
        old = folder.with_name(f".{folder.name}.{secrets.token_hex(6)}.old")
        os.replace(folder, old)
    os.replace(tmp, folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_index(briefing: Briefing, parts: Sequence[Part], by: str, folder: Path) -> None:
    rows = [{"region": p.label, "province": p.province, "city": p.city, "file": p.file,
             "stories": layout.story_count(p.briefing.items), "reprints": layout.reprint_count(p.briefing.items)}
            for p in parts]
    skipped = [{"file": s.location, "reason": s.reason, "reason_zh": s.reason_zh, "ignored": s.ignored}
               for s in briefing.skipped]
    data = {"title": briefing.title, "date": briefing.date.isoformat(), "by": by, "issue": briefing.issue,
            "unit": briefing.unit, "stories": sum(r["stories"] for r in rows),  # type: ignore[misc]
            "briefings": rows, "skipped": skipped}
    (folder / f"{INDEX}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    level = "省份" if by == "province" else "城市"
    lines = [f"# {briefing.title}：分地区简报目录", "",
             f"{layout.chinese_date(briefing.date)}　共 {data['stories']} 篇，按{level}分为 {len(parts)} 份简报。", "",
             "| 序号 | 地区 | 篇数 | 文件 |", "|---|---|---|---|"]
    lines += [f"| {n} | {r['region']} | {r['stories']} | [{r['file']}]({r['file']}) |"
              for n, r in enumerate(rows, start=1)]
    if briefing.skipped:
        lines += ["", f"## {layout.APPENDIX}", ""]
        lines += [f"- {layout.skipped_line(s)}" for s in briefing.skipped]
    (folder / f"{INDEX}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


__all__ = ["BY", "Part", "split_briefing", "split_folder", "write_split"]
