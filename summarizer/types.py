"""Typed values passed between the stages: ingest → regions → summarise → compose.

Every value is a frozen dataclass; a stage that wants to change one uses
``dataclasses.replace`` and hands the new value on. Nothing reaches back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Region:
    """Where an article's story happened, with full official division names.

    ``province``/``city``/``county`` are names such as 海南省 / 海口市 / 秀英区 (a municipality
    gives the same name as province and city). ``code`` is the division code of the most
    specific level found. ``scope`` is ``"local"`` for one place, ``"multi"`` for a story
    spread over several provinces, ``"national"`` for a national story and ``"unknown"``
    when nothing was found. ``confidence`` is in [0, 1]; ``evidence`` lists the mentions
    counted (``lead:秀英区``); ``reason`` quotes the winning evidence in words a person can check
    (``电头：中新网新疆新闻8月16日电``).
    """

    province: str | None = None
    city: str | None = None
    county: str | None = None
    confidence: float = 0.0
    evidence: tuple[str, ...] = ()
    code: str | None = None
    scope: str = "unknown"
    reason: str = ""

    @property
    def known(self) -> bool:
        return self.province is not None

    def label(self) -> str:
        """A short human label such as 海南省海口市秀英区 (or 其他地区 when unknown)."""
        parts = [p for p in (self.province, self.city, self.county) if p]
        # Municipalities repeat the name (北京市/北京市): say it once.
        deduped = [p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1]]
        return "".join(deduped) or "其他地区"


UNKNOWN_REGION = Region()


# Stands in the text for a span the reader found garbled (mojibake); never quote a sentence holding it.
GARBLED = "\ufffd"


@dataclass(frozen=True, slots=True)
class Article:
    """One news story as the reader understood it.

    ``text`` is the clean Simplified-Chinese body, one paragraph per line.
    ``original_text`` keeps the body before Traditional→Simplified conversion (same as
    ``text`` for Simplified input) so a briefing may quote either.
    """

    title: str
    text: str
    path: Path | None = None
    source: str | None = None
    date: dt.date | None = None
    authors: tuple[str, ...] = ()
    url: str | None = None
    region: Region = UNKNOWN_REGION
    original_text: str | None = None
    title_derived: bool = False
    captions: tuple[str, ...] = ()
    # Extra metadata the reader found (front matter keys, editor, region hint …), as strings.
    meta: Mapping[str, str] = field(default_factory=dict, compare=False)
    # Position within its file when one file held several stories (a newspaper page), else 0.
    part: int = 0
    # Spans of the source that were garbled (mojibake); each is ``GARBLED`` in ``text``.
    garbled: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """How people refer to this article in messages: its file name (and part), or its title."""
        if self.path is None:
            return self.title
        return f"{self.path.name}#{self.part + 1}" if self.part else self.path.name


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """A number with its unit as written in a text (近6万份), its normalised value, and the sentence."""

    text: str
    value: float | None
    unit: str
    sentence: str = ""


@dataclass(frozen=True, slots=True)
class Summary:
    """What an engine wrote for one article.

    ``engine`` names the engine that produced ``text``; ``fallback`` says why a preferred
    engine was not used (None when none was tried and failed); ``notes`` records anything a
    reader should know (for example that a long article was summarised in parts).
    """

    text: str
    engine: str
    model: str | None = None
    fallback: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def method(self) -> str:
        """One line for people: which engine wrote this, and why a fallback happened."""
        who = f"{self.engine} ({self.model})" if self.model else self.engine
        extra = list(self.notes)
        if self.fallback:
            extra.insert(0, f"fallback: {self.fallback}")
        return f"{who}; {'; '.join(extra)}" if extra else who


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """An input that could not be read, and why — listed in the briefing's appendix."""

    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class BriefingItem:
    article: Article
    summary: Summary
    key_figures: tuple[KeyFigure, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CitySection:
    name: str  # a city name, or 其他 for articles known only to their province
    items: tuple[BriefingItem, ...]


@dataclass(frozen=True, slots=True)
class ProvinceSection:
    name: str  # a province name, 多地 (scope "multi"), 全国 (scope "national") or 其他地区
    code: str | None
    cities: tuple[CitySection, ...]
    scope: str = "local"  # "local" for a province section, else the Region.scope it gathers

    @property
    def items(self) -> tuple[BriefingItem, ...]:
        return tuple(item for city in self.cities for item in city.items)


@dataclass(frozen=True, slots=True)
class Overview:
    """The 综述 at the top of a briefing, and who wrote it (a model, or the model-free composer)."""

    text: str
    method: str = "model-free"


@dataclass(frozen=True, slots=True)
class Briefing:
    """A composed briefing: masthead, 综述, sections in division-code order, and the skipped files.

    ``issue`` (期号) and ``unit`` (编印单位) are masthead lines, omitted when None.
    """

    title: str
    date: dt.date
    sections: tuple[ProvinceSection, ...]
    skipped: tuple[SkippedFile, ...] = ()
    issue: str | None = None
    unit: str | None = None
    overview: Overview | None = None

    @property
    def items(self) -> tuple[BriefingItem, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def write(self, path: str | Path, *, template: str | Path | None = None) -> Path:
        """Render to ``path``; the format follows its suffix (.docx, .md, .json). Written atomically.

        ``template`` (Word only): ``plain`` (default), ``gongwen``, or the path of your own .docx.

        Raises:
            OutputError: the suffix has no renderer, or the file cannot be written.
        """
        from .compose import write_briefing  # compose imports python-docx: only when writing

        return write_briefing(self, Path(path), template=template)
