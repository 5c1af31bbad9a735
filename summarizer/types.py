"""Typed values passed between the stages: ingest → regions → summarise → compose.

Every value is a frozen dataclass; a stage that wants to change one uses
``dataclasses.replace`` and hands the new value on. Nothing reaches back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from .spill import Spilled, joined

_T = TypeVar("_T")


def _pickled_by_fields(cls: type[_T]) -> type[_T]:
    """``cls`` (a frozen dataclass with slots) pickled as its class and field values, rebuilt by ``__init__``.

    The pickling dataclasses gives such a class calls ``dataclasses.fields`` for every value it
    rebuilds: a month's briefing unpickles each article several times on its way (worker → parent →
    spill → render worker), and that call was a third of it. Every field is an ``__init__`` argument, in order.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    names = [f.name for f in fields]
    if not all(f.init for f in fields):
        raise TypeError(f"{cls.__name__}: every field must be an __init__ argument to be pickled by fields")

    def __reduce__(self: _T) -> tuple[type[_T], tuple[object, ...]]:
        return cls, tuple(getattr(self, name) for name in names)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


@_pickled_by_fields
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


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Removal:
    """A span the reader took out of an article's text, and why (``reason`` is a short English key,
    such as ``date stamp``, ``byline``, ``widget``, ``notice``, ``breadcrumbs``, ``link list``)."""

    text: str
    reason: str


# Share of an article's Chinese characters that cleaning may take out before the reader is warned
# and the briefing says so under the article (issue 12: more than a fifth).
NOTABLE_LOSS = 0.2


@_pickled_by_fields
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
    # What cleaning took out of the text read (furniture, bylines, stamps), in reading order, and the
    # share of the Chinese characters read that is in neither text, title nor captions.
    removals: tuple[Removal, ...] = ()
    cleaning_loss: float = 0.0

    @property
    def name(self) -> str:
        """How people refer to this article in messages: its file name (and part), or its title."""
        if self.path is None:
            return self.title
        return f"{self.path.name}#{self.part + 1}" if self.part else self.path.name

    def without_body(self) -> Article:
        """This article as a briefing that is only to be printed holds it: without its body (text, the
        text before conversion, what cleaning removed) and the reader's extra metadata, which no
        renderer prints; itself if it has none of them."""
        if not self.text and self.original_text is None and not self.removals and not self.meta:
            return self
        return dataclasses.replace(self, text="", original_text=None, removals=(), meta={})


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class KeyFigure:
    """A number with its unit as written in a text (近6万份), its normalised value, and the sentence."""

    text: str
    value: float | None
    unit: str
    sentence: str = ""


class FallbackKind(StrEnum):
    """Why the extractive engine wrote a summary a model was asked for: a stable key; ``FALLBACK_WORDING``
    says it in Chinese for the briefing (``Summary.fallback`` keeps the details, for the CLI and logs)."""

    MODEL_UNAVAILABLE = "model_unavailable"
    ENGINE_FAILED = "engine_failed"
    EMPTY = "empty"
    UNSUPPORTED = "unsupported"


FALLBACK_WORDING: dict[FallbackKind, str] = {
    FallbackKind.MODEL_UNAVAILABLE: "模型无法加载",
    FallbackKind.ENGINE_FAILED: "模型运行出错",
    FallbackKind.EMPTY: "模型摘要为空",
    FallbackKind.UNSUPPORTED: "模型摘要中的数字或名称不见于原文",
}


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Summary:
    """What an engine wrote for one article.

    ``engine`` names the engine that produced ``text``; ``fallback`` says why a preferred
    engine was not used (None when none was tried and failed), ``fallback_kind`` which kind of
    reason that is; ``notes`` records anything a reader should know (for example that a long
    article was summarised in parts).
    """

    text: str
    engine: str
    model: str | None = None
    fallback: str | None = None
    notes: tuple[str, ...] = ()
    fallback_kind: FallbackKind | None = None

    @property
    def method(self) -> str:
        """One line for people: which engine wrote this, and why a fallback happened."""
        who = f"{self.engine} ({self.model})" if self.model else self.engine
        extra = list(self.notes)
        if self.fallback:
            extra.insert(0, f"fallback: {self.fallback}")
        return f"{who}; {'; '.join(extra)}" if extra else who


class SkipKind(StrEnum):
    """Why an input gave no article: a stable key; ``SKIP_WORDING`` says it in English and Chinese."""

    UNSUPPORTED = "unsupported"
    HIDDEN = "hidden"
    LOCK_FILE = "lock_file"
    EMPTY_FILE = "empty_file"
    UNREADABLE = "unreadable"
    BINARY = "binary"
    UNDECODABLE = "undecodable"
    BAD_JSON = "bad_json"
    NOT_A_RECORD = "not_a_record"
    NO_TEXT_FIELD = "no_text_field"
    BAD_DOCX = "bad_docx"
    EMPTY_TEXT = "empty_text"
    TOO_SHORT = "too_short"
    NOT_CHINESE = "not_chinese"
    # format readers (ingest/pdf, ocr, office, mhtml, archive, fetch)
    MISSING_EXTRA = "missing_extra"
    NEEDS_LIBREOFFICE = "needs_libreoffice"
    CONVERSION_FAILED = "conversion_failed"
    BAD_PDF = "bad_pdf"
    ENCRYPTED = "encrypted"
    BAD_IMAGE = "bad_image"
    NO_TEXT_FOUND = "no_text_found"
    NO_HTML_PART = "no_html_part"
    BAD_ARCHIVE = "bad_archive"
    UNSAFE_MEMBER = "unsafe_member"
    ARCHIVE_LIMIT = "archive_limit"
    TOO_MANY_MEMBERS = "too_many_members"
    NESTED_ARCHIVE = "nested_archive"
    NO_WEB_ADDRESS = "no_web_address"
    FETCH_FAILED = "fetch_failed"
    FETCH_TIMEOUT = "fetch_timeout"
    FETCH_TOO_LARGE = "fetch_too_large"
    # issue 19: what the reader's guard (ingest/guard.py) refuses or catches
    NOT_A_FILE = "not_a_file"
    BROKEN_LINK = "broken_link"
    LINK_LOOP = "link_loop"
    TOO_LARGE = "too_large"
    TOO_LARGE_UNPACKED = "too_large_unpacked"
    TIMEOUT = "timeout"
    READ_FAILED = "read_failed"
    PROCESS_FAILED = "process_failed"  # read, but its regions, summary or keywords could not be found


# The one table of skip wording: English for the CLI and logs, Chinese for the briefing. ``{detail}``
# is the language-neutral specific (a suffix, a line number); the English also gets the error text.
SKIP_WORDING: dict[SkipKind, tuple[str, str]] = {
    SkipKind.UNSUPPORTED: ("unsupported file type {detail}", "不支持的文件类型 {detail}"),
    SkipKind.HIDDEN: ("hidden file or folder, ignored", "隐藏文件，已忽略"),
    SkipKind.LOCK_FILE: ("Office lock file, ignored", "办公软件的临时锁定文件，已忽略"),
    SkipKind.EMPTY_FILE: ("empty file", "空文件"),
    SkipKind.UNREADABLE: ("cannot read file", "无法读取文件"),
    SkipKind.BINARY: ("binary file, not text", "二进制文件，不是文本"),
    SkipKind.UNDECODABLE: ("cannot decode: not UTF-8, GB18030, Big5 or UTF-16", "无法识别文字编码"),
    SkipKind.BAD_JSON: ("not valid JSON (line {detail})", "格式错误，无法解析（第{detail}行）"),
    SkipKind.NOT_A_RECORD: ("not a record (an object with a text field)", "不是一条文章记录"),
    SkipKind.NO_TEXT_FIELD: ("no text field ({detail})", "记录中没有正文字段"),
    SkipKind.BAD_DOCX: ("not a readable Word file", "文档已损坏，无法打开"),
    SkipKind.EMPTY_TEXT: ("no article text left after cleaning", "正文为空"),
    SkipKind.TOO_SHORT: ("article text too short ({detail} characters)", "正文过短（{detail}字）"),
    SkipKind.NOT_CHINESE: ("no Chinese article text", "不是中文文章"),
    SkipKind.MISSING_EXTRA: ("needs the {detail} extra: pip install 'summarizer[{detail}]'",
                             "缺少读取此类文件的组件（{detail}）"),
    SkipKind.NEEDS_LIBREOFFICE: ("needs LibreOffice to read {detail} files: apt-get install libreoffice-writer "
                                 "(or install LibreOffice and put soffice on PATH)",
                                 "缺少文档转换软件，无法读取 {detail} 文件"),
    SkipKind.CONVERSION_FAILED: ("LibreOffice could not convert it", "无法转换此文档"),
    SkipKind.BAD_PDF: ("not a readable PDF", "文件已损坏，无法打开"),
    SkipKind.ENCRYPTED: ("password-protected", "文件有密码保护"),
    SkipKind.BAD_IMAGE: ("not a readable image", "图片已损坏，无法打开"),
    SkipKind.NO_TEXT_FOUND: ("no text found in the scan or image", "图片中未识别出文字"),
    SkipKind.NO_HTML_PART: ("no web page inside the saved file", "网页存档中没有网页内容"),
    SkipKind.BAD_ARCHIVE: ("not a readable archive", "压缩包已损坏，无法打开"),
    SkipKind.UNSAFE_MEMBER: ("unsafe name in the archive ({detail}), not read", "压缩包内文件名不安全，未读取"),
    SkipKind.ARCHIVE_LIMIT: ("archive larger than {detail} MB when unpacked (a zip bomb?), not read",
                             "压缩包解压后超过{detail}兆字节，未读取"),
    SkipKind.TOO_MANY_MEMBERS: ("more than {detail} files in the archive, not read",
                                "压缩包内文件超过{detail}个，未读取"),
    SkipKind.NESTED_ARCHIVE: ("archive inside an archive inside an archive, not read", "压缩包嵌套过深，未读取"),
    SkipKind.NO_WEB_ADDRESS: ("no web address in the shortcut", "快捷方式中没有网址"),
    SkipKind.FETCH_FAILED: ("could not fetch the page {detail}", "网页下载失败 {detail}"),
    SkipKind.FETCH_TIMEOUT: ("no answer from the site within {detail} s", "网站在{detail}秒内无响应"),
    SkipKind.FETCH_TOO_LARGE: ("page larger than {detail} MB, not read", "网页超过{detail}兆字节，未读取"),
    SkipKind.NOT_A_FILE: ("{detail}, not a regular file: not opened", "不是普通文件，未读取"),
    SkipKind.BROKEN_LINK: ("broken or looping link", "链接失效或循环"),
    SkipKind.LINK_LOOP: ("folder already read (a link loop or a second link to it)", "文件夹已读取过（重复链接）"),
    SkipKind.TOO_LARGE: ("file too large ({detail})", "文件过大，未读取"),
    SkipKind.TOO_LARGE_UNPACKED: ("too large once unpacked ({detail})", "解压后过大，未读取"),
    SkipKind.TIMEOUT: ("reading took longer than {detail}", "读取超时"),
    SkipKind.READ_FAILED: ("the reader failed ({detail})", "读取出错"),
    SkipKind.PROCESS_FAILED: ("processing the article failed ({detail})", "处理出错"),
}


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class SkippedFile:
    """An input that gave no article, and why — listed in the briefing's appendix.

    ``record`` is the index of the record within a .json/.jsonl file (None for a whole file);
    ``detail`` fills the wording's ``{detail}``; ``error`` is the underlying message, for the log.
    """

    path: Path
    kind: SkipKind
    detail: str = ""
    error: str = ""
    record: int | None = None

    @property
    def name(self) -> str:
        """The file name, and the record (``a.jsonl#3``, counted from 1 as ``Article.name`` does)."""
        return self.path.name + self._record

    @property
    def location(self) -> str:
        """The path as given, and the record (``data/a.jsonl#3``): for CLI and log messages."""
        return str(self.path) + self._record

    @property
    def _record(self) -> str:
        return f"#{self.record + 1}" if self.record is not None else ""

    @property
    def ignored(self) -> bool:
        """Left alone on purpose (a hidden or lock file), not a file that failed."""
        return self.kind in (SkipKind.HIDDEN, SkipKind.LOCK_FILE)

    @property
    def reason(self) -> str:
        """Why, in English (CLI and log messages)."""
        text = SKIP_WORDING[self.kind][0].format(detail=self.detail).strip()
        return f"{text}: {self.error}" if self.error else text

    @property
    def reason_zh(self) -> str:
        """Why, in Chinese (the briefing)."""
        return SKIP_WORDING[self.kind][1].format(detail=self.detail).strip()


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Story:
    """One story of a run (``summarizer.dedup``): its most complete version, the other copies of it
    (reprints, never summarised), and — when it is shown as 相关报道 under another story, a
    different report on the same event — that story's index in the list."""

    primary: Article
    reprints: tuple[Article, ...] = ()
    related_to: int | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class BriefingItem:
    """One story in the briefing: the primary article and its summary, the reprints merged into it
    (另见：…), and the related reports grouped under it (相关报道), each an item of its own."""

    article: Article
    summary: Summary
    key_figures: tuple[KeyFigure, ...] = ()
    keywords: tuple[str, ...] = ()
    reprints: tuple[Article, ...] = ()
    related: tuple[BriefingItem, ...] = ()

    def without_bodies(self) -> BriefingItem:
        """This item with its articles' bodies left out (``Article.without_body``); itself if it holds none."""
        bare, reprints = self.article.without_body(), tuple(a.without_body() for a in self.reprints)
        related = tuple(i.without_bodies() for i in self.related)
        if bare is self.article and all(map(operator.is_, (*reprints, *related), (*self.reprints, *self.related))):
            return self
        return dataclasses.replace(self, article=bare, reprints=reprints, related=related)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class CitySection:
    name: str  # a city name, or 其他 for articles known only to their province
    # A tuple; or, in a briefing composed from disk (``pipeline.brief_paths``, a month of texts), a
    # ``spill.Spilled`` view, read when iterated: the renderers take the items one at a time.
    items: Sequence[BriefingItem]


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class ProvinceSection:
    name: str  # a province name, 多地 (scope "multi"), 全国 (scope "national") or 其他地区
    code: str | None
    cities: tuple[CitySection, ...]
    scope: str = "local"  # "local" for a province section, else the Region.scope it gathers

    @property
    def items(self) -> Sequence[BriefingItem]:
        return joined([city.items for city in self.cities])


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Overview:
    """The 综述 at the top of a briefing, and who wrote it: ``method`` for people and the JSON
    (``model-free``, maybe with ``; fallback: 原因``, or the engine), ``model`` the model that wrote it."""

    text: str
    method: str = "model-free"
    model: str | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Period:
    """The dates a briefing covers (either end may be open), by each article's date: how many dated
    articles fell outside and were left out, and how many had no date and were kept."""

    since: dt.date | None = None
    until: dt.date | None = None
    excluded: int = 0
    undated: int = 0


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Briefing:
    """A composed briefing: masthead, 综述, sections in division-code order, and the skipped files.

    ``issue`` (期号) and ``unit`` (编印单位) are masthead lines, omitted when None; ``period`` the dates
    it covers when the articles were chosen by date.
    """

    title: str
    date: dt.date
    sections: tuple[ProvinceSection, ...]
    skipped: tuple[SkippedFile, ...] = ()
    issue: str | None = None
    unit: str | None = None
    overview: Overview | None = None
    period: Period | None = None

    @property
    def items(self) -> Sequence[BriefingItem]:
        return joined([city.items for section in self.sections for city in section.cities])

    def without_bodies(self) -> Briefing:
        """This briefing with its articles' bodies left out (``Article.without_body``): no renderer
        prints them (the 综述 that checks names against them is written already), and a month's bodies
        are most of what a briefing holds while it is written out (``brief_paths(keep_bodies=False)``,
        which ``cli brief`` asks for; ``compose.split`` sends its workers this). Items that hold no
        body are this briefing's own, not copies (sections are new); a city's items on disk
        (``spill.Spilled``) were spilled without their bodies."""
        def section(s: ProvinceSection) -> ProvinceSection:
            cities = tuple(c if isinstance(c.items, Spilled)
                           else dataclasses.replace(c, items=tuple(i.without_bodies() for i in c.items))
                           for c in s.cities)
            return dataclasses.replace(s, cities=cities)

        return dataclasses.replace(self, sections=tuple(map(section, self.sections)))

    def write(self, path: str | Path, *, template: str | Path | None = None) -> Path:
        """Render to ``path``; the format follows its suffix (.docx, .md, .json). Written atomically.

        ``template`` (Word only): ``plain`` (default), ``gongwen``, or the path of your own .docx.

        Raises:
            OutputError: the suffix has no renderer, or the file cannot be written.
        """
        from .compose import write_briefing  # compose imports python-docx: only when writing

        return write_briefing(self, Path(path), template=template)
