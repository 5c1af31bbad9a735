"""Page furniture and metadata: which lines are body, which are byline/boilerplate, and the
title, source, date and authors they tell us."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass, field

from ..text import cjk_ratio, split_clauses, split_sentences

# Lines that are page furniture, never body: breadcrumbs, share/follow prompts, tip-off notices,
# copyright/ICP lines, disclaimers, section menus.
_BOILERPLATE_RE = re.compile(
    r"^(>>|(首页|主页|当前位置|您的位置|你的位置)\s*[>＞»:：]|(免责|特别)?声明[:：]|.*(版权所有|版权声明|Copyright|©|ICP备|"
    r"ICP证|关注我们|关注官方|扫一扫|二维码|分享到|新闻线索|爆料|新闻热线|维权|上一篇|下一篇|相关新闻|相关阅读|"
    r"相关推荐|热门推荐|为您推荐|责任编辑|点击查看|阅读原文|All Rights Reserved|未经授权|不得转载|转载请|"
    r"不良信息举报|网友评论仅|仅代表作者|不代表.{0,12}(立场|观点)|下载.{0,12}(APP|客户端)|隐私(声明|政策)|最近文章))",
    re.I,
)
# Short lines (buttons, widgets, link lists) that are furniture when they are not a sentence.
_SHORT_FURNITURE_RE = re.compile(
    r"(热线|专线|举报|邮箱|APP|公众号|客户端|粉丝团|推荐|收藏|评论|字号|字級|复制链接|複製連結|图集|圖集|热帖|热词|"
    r"最近文章|知道了|在看|登录|注册)", re.I,
)
_SHORT = 40
_ENDS_SENTENCE_RE = re.compile(r"[。！？!?…][”’」』）)]*$")
_CJK_CHAR_RE = re.compile(r"[\u3400-\u9fff]")
# A breadcrumb trail: 新闻 > 国内 > 正文
_CRUMBS_RE = re.compile(r"^[^。，,]{1,12}(\s*[>＞»]\s*[^。，,>＞»]{1,16}){2,}$")
# A line that is only a date/time stamp (2020-01-03 18:13, 最新更新：2016/03/19 10:48).
_STAMP_RE = re.compile(
    r"^(发布时间|发布日期|最新更新|更新时间|最后更新|时间|日期)?\s*[:：]?\s*"
    r"(20\d{2}|19\d{2})\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?\s*(\d{1,2}:\d{2}(:\d{2})?)?\s*$"
)
_BULLET_RE = re.compile(r"^[•·●◆■□▪\-*]\s*")
# 来源:哈尔滨新闻网 / 记者：节永志 刘述波 / 编辑：王悦 / （作者:张玉娜）
_LABEL_RE = re.compile(
    r"^(?:-\s*)?[（(]?\s*(来源|记者|编辑|责任编辑|作者|通讯员|摄影|文/图|文图|原标题|本文原标题)\s*[:：]\s*(.+?)[）)]?$"
)
# 2019-09-26 12:11来源：证券时报网作者：李在山 — several labels on one short line.
_INLINE_LABEL_RE = re.compile(r"(来源|作者|记者|编辑|责任编辑)\s*[:：]\s*([^\s:：]+?)(?=\s|来源|作者|记者|编辑|$)")
# □大象新闻·东方今报记者 倪政伟 / 华西社区传媒记者 宋永坤 黎澎 受访者供图 / 实习生 赵瑞/文图
_REPORTER_RE = re.compile(r"^[□■]?\s*(?P<outlet>[^\s，。,]{2,20}?)?(记者|实习生|通讯员)\s+(?P<names>[^，。,]+)$")
_TRAILING_BYLINE_RE = re.compile(r"[（(]\s*(作者|记者|来源)\s*[:：]\s*([^）)]+)[）)]\s*$")
_DATE_RE = re.compile(r"(20\d{2}|19\d{2})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?")
_CAPTION_RE = re.compile(r"^[▲△↑]")


@dataclass
class Furniture:
    """What ``split_furniture`` took out of the body."""

    labels: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    outlet: str | None = None
    dropped: list[str] = field(default_factory=list)


def _names(value: str) -> list[str]:
    value = re.sub(r"(受访者供图|供图|/?文图|摄)$", "", value.strip())
    return [n for n in re.split(r"[\s、,，/]+", value) if n and len(n) <= 4]


def split_furniture(lines: list[str]) -> tuple[list[str], Furniture]:
    """Separate body lines from boilerplate, bylines (→ metadata) and photo captions."""
    body: list[str] = []
    found = Furniture()
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if _BULLET_RE.match(line) and len(_BULLET_RE.sub("", line)) <= 8:
            found.dropped.append(line)  # a menu item or share button
            continue
        if line.startswith("- ") and len(line) <= 2 * _SHORT and not _ENDS_SENTENCE_RE.search(line) \
                and not _LABEL_RE.match(line):
            found.dropped.append(line)  # an item of a related-links list
            continue
        if len(line) <= 12 and not _CJK_CHAR_RE.search(line):
            found.dropped.append(line)  # a counter, a button, an image's file name
            continue
        if m := _LABEL_RE.match(line):
            label, value = m.group(1), m.group(2).strip()
            found.labels.setdefault(label, value)
            if label in {"记者", "作者", "通讯员"}:
                found.authors.extend(_names(value))
            continue
        if m := _REPORTER_RE.match(line):
            if m.group("outlet") and not found.outlet:
                found.outlet = m.group("outlet").lstrip("□■ ")
            found.authors.extend(_names(m.group("names")))
            continue
        if _STAMP_RE.match(line):
            found.labels.setdefault("日期", line)
            continue
        if labels := _inline_labels(line):
            for label, value in labels:
                found.labels.setdefault(label, value)
                if label in {"记者", "作者"}:
                    found.authors.extend(_names(value))
            if d := _DATE_RE.search(line):
                found.labels.setdefault("日期", d.group(0))
            continue
        if _BOILERPLATE_RE.search(line) or _CRUMBS_RE.match(line) or _is_short_furniture(line):
            found.dropped.append(line)
            continue
        if _CAPTION_RE.match(line):
            found.captions.append(line.lstrip("▲△↑ "))
            continue
        if m := _TRAILING_BYLINE_RE.search(line):
            found.labels.setdefault(m.group(1), m.group(2).strip())
            if m.group(1) in {"作者", "记者"}:
                found.authors.extend(_names(m.group(2)))
            line = line[: m.start()].rstrip()
        body.append(line)
    return body, found


def _inline_labels(line: str) -> list[tuple[str, str]]:
    """Labels on a short byline line that is not a sentence and holds a date or two labels."""
    if len(line) > 80 or _ENDS_SENTENCE_RE.search(line):
        return []
    labels = _INLINE_LABEL_RE.findall(line)
    return labels if labels and (_DATE_RE.search(line) or len(labels) >= 2) else []


def _is_short_furniture(line: str) -> bool:
    """A widget or link: short, names a widget word, and is not a sentence (≤ 10: even if it is)."""
    if not _SHORT_FURNITURE_RE.search(line):
        return False
    return len(line) <= 10 or (len(line) <= _SHORT and not _ENDS_SENTENCE_RE.search(line))


def trim_tail(lines: list[str]) -> tuple[list[str], list[str]]:
    """Drop what follows the story on a web page: trailing link lists, widgets and foreign notices.

    From the end, a line goes while it is a list item (``- …``), is mostly not Chinese, or is
    short (≤ 40 characters) without closing punctuation; the last sentence of the story stays.

    Returns:
        (kept lines, dropped lines)
    """
    end = len(lines)
    while end > 1:
        line = lines[end - 1].strip()
        short_open = len(line) <= _SHORT and not _ENDS_SENTENCE_RE.search(line)
        if not (line.startswith("- ") or cjk_ratio(line) < 0.5 or short_open):
            break
        end -= 1
    return lines[:end], lines[end:]


def parse_date(value: str | None) -> dt.date | None:
    """A date from ISO, Chinese (2022年5月18日) or RFC 2822 (Tue, 14 Dec 2021 …) text."""
    if not value:
        return None
    if m := _DATE_RE.search(value):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.date()


def split_source_label(value: str) -> tuple[str, dt.date | None]:
    """``大象新闻·东方今报 2022-05-18 05:38:02`` → (outlet, date)."""
    date = parse_date(value)
    outlet = _DATE_RE.split(value)[0].strip() if date else value.strip()
    return outlet.split()[0] if outlet else value, date


_HEADING_RE = re.compile(r"^(#{1,6})\s*(.+)$")


def _looks_like_headline(line: str) -> bool:
    return 6 <= len(line) <= 40 and not re.search(r"[。！？!?：:，,；;]$", line)


def pop_title(lines: list[str], known_title: str | None = None) -> tuple[str | None, list[str], list[str]]:
    """Find the headline among the lines before the body starts.

    A Markdown heading wins (the highest level, then the first); else the first short line
    without closing punctuation, if it comes before the first body paragraph. Headings above
    the title are kickers (a series or column name) and are returned apart. When the title is
    already known (front matter, a web page's <h1>), a plain line is taken only if it repeats
    that title, so a short first paragraph is never lost.

    Returns:
        (title or None, the remaining lines without heading marks, kickers)
    """
    headings = [(i, len(m.group(1))) for i, ln in enumerate(lines) if (m := _HEADING_RE.match(ln))]
    title_at: int | None = None
    if headings:
        title_at = min(headings, key=lambda h: (h[1], h[0]))[0]
    elif known_title:
        title_at = next((i for i, ln in enumerate(lines[:5]) if ln.strip() == known_title.strip()), None)
    else:
        for i, line in enumerate(lines):
            if _looks_like_headline(line):
                title_at = i
                break
            if len(line) > 40 or split_sentences(line)[-1:] != [line]:
                break  # the body has begun: this text has no headline line
    if title_at is None:
        return None, [_HEADING_RE.sub(r"\2", ln) for ln in lines], []
    kickers = [_HEADING_RE.sub(r"\2", ln) for i, ln in enumerate(lines[:title_at]) if _HEADING_RE.match(ln)]
    rest = [_HEADING_RE.sub(r"\2", ln) for i, ln in enumerate(lines)
            if i != title_at and not (i < title_at and _HEADING_RE.match(ln))]
    return _HEADING_RE.sub(r"\2", lines[title_at]).strip(), rest, kickers


def derive_title(text: str, limit: int = 30) -> str:
    """A short title from the first sentence, cut at a clause boundary (for texts without one)."""
    first = next(iter(split_sentences(text)), text).strip()
    out = ""
    for clause in split_clauses(first):
        if out and len(out) + len(clause) > limit:
            break
        out += clause
    return out[:limit].rstrip("，,；;：:。") or first[:limit]
