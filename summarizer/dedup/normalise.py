"""The text that duplicate detection compares, and the numbers it checks.

Comparison only: nothing here changes what an article says in the briefing. Reprints of one story
differ in their furniture — a crawler's header (``2023-08-18 14:03:05，正文：``), the dateline and
byline (``新华社北京7月24日电（记者高蕾）``, ``新京报讯``), a ``原标题：`` label, the footers after
the story (``来源：``, ``责任编辑：``, copyright and share notices) — and in width, case, spacing and
punctuation. All of that is dropped or folded here so that the shingles compared are the story's
words. Removal goes by shape and position only (the opening, the closing pieces) and is bounded:
at most ``HEAD_CHARS`` from the start and ``TAIL_SHARE`` of the text from the end.
"""

from __future__ import annotations

import re
import unicodedata

HEAD_CHARS = 100  # a header label (正文：) further in than this is part of the story
TAIL_SHARE = 0.3  # at most this share of a text is taken as closing furniture
TAIL_PIECE_CHARS = 160  # a closing piece longer than this is prose, whatever words it holds

# 正文： labels the body in exported records; whatever comes before it is the record's header
# (a date stamp, a source, a breadcrumb trail).
_BODY_LABEL_RE = re.compile(r"正文\s*[:：]")
# A date-time stamp opening a text that has no such label: 2023-08-10 12:34 / [2023/07/23 15:45]
_STAMP_RE = re.compile(
    r"^\W*(?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?\W*"
)
_OUTLET = r"[^\s，。,:：；;、！？!?（）()【】]"
# A dateline or wire credit opening the story, and the byline in brackets right after it:
# 新华社北京7月24日电（记者高蕾） / IT之家8月16日消息， / 新京报讯 / 据央视新闻消息， / 央视网消息：
_DATELINE_RE = re.compile(
    rf"^\s*(?:据?{_OUTLET}{{1,16}}?\d{{1,2}}月\d{{1,2}}日(?:电|讯|消息|报道)"
    rf"|{_OUTLET}{{1,12}}?讯(?!员)|据{_OUTLET}{{1,16}}?(?:消息|报道)|{_OUTLET}{{1,10}}?消息[:：])\s*[:：，,]?"
)
_BYLINE_RE = re.compile(r"^\s*[（(【\[][^）)】\]]{0,40}?(?:记者|通讯员|编译|报道|摄)[^）)】\]]{0,40}[）)】\]]")
_TITLE_LABEL_RE = re.compile(r"[【\[]?(?:本文)?(?:原标题|来源标题)[】\]]?\s*[:：]?")
# Words that mark a closing piece as furniture rather than news: credits, sources, rights, and the
# page's own calls to action — how Chinese news pages end, not any one outlet's habit.
_FURNITURE_WORDS_RE = re.compile(
    r"编辑|责编|校对|审核|监制|统筹|来源|转载|版权|声明|原标题|记者|通讯员|作者|摄影?|图源|供图|"
    r"返回|查看更多|分享|点击|关注|扫码|下载|推荐阅读|猜你喜欢|往期|广告|更多精彩|联系|邮箱|本网|本站|稿件|免责"
)
_SENTENCE_END = "。！？!?…"
_CLOSING = "。！？!?…”’」』）)】 \t\n"
# Where a report starts inside a text: a wire credit opening a sentence or a clause (据新华社消息，
# / 8月17日，据清廉蓉城通报：), maybe right after a headline run into it (克里米亚又一弹药库遭袭据德新社
# 7月24日报道，), a dateline opening a sentence (新华社北京7月24日电), an item number (2、). This is how
# a digest or a round-up strings reports together; inside one story the same words name a source.
REPORT_START_RE = re.compile(
    r"(?:^|[，,])\s*(?:[^，。,：:；;！？!?\s]{0,40}?据[^，。,：:！？\s]{1,16}?(?:消息|报道|通报)\s*[，,：:])"
    r"|^\s*(?:[^，。,：:！？\s]{0,16}?\d{1,2}月\d{1,2}日电|[2-9][、.](?=\D))"
)
# Sentences for comparison: text.py's ends (。！？!? and …, closing quotes staying with the
# sentence), and a line break or a gap of spaces — the line break of a record that lost its lines.
# A regular expression rather than text.split_sentences: a fifth of the time, and 《》 do not matter here.
_SENTENCE_RE = re.compile(r"[^。！？!?…\n]+?(?:[。！？!?…]+[”’」』）)]*|\n|\s{2,}|$)")
# What is kept for shingling: letters and digits (CJK included); punctuation, spaces and symbols go.
_NOT_WORD_RE = re.compile(r"[\W_]+")
# Numbers a reprint keeps: two or more digits, or a decimal (2.5). Single digits are list marks.
_NUMBER_RE = re.compile(r"\d+\.\d+|\d{2,}")


def story_body(text: str) -> str:
    """``text`` without its header, dateline, byline and ``原标题`` label, and without the furniture
    pieces that close it; width-folded (NFKC). Case, spacing and punctuation are kept."""
    body = unicodedata.normalize("NFKC", text).strip()
    if (m := _BODY_LABEL_RE.search(body, 0, HEAD_CHARS)) is not None:
        body = body[m.end():]
    else:
        body = _STAMP_RE.sub("", body, count=1)
    body = _TITLE_LABEL_RE.sub("", body)
    for _ in range(2):  # 海外网7月25日电据韩联社25日报道: a dateline, then a credit
        body = _BYLINE_RE.sub("", _DATELINE_RE.sub("", body, count=1), count=1)
    return _drop_tail(body)


def _drop_tail(body: str) -> str:
    """Drop closing pieces that name furniture (来源, 责任编辑, 版权 …), up to ``TAIL_SHARE`` of the text.

    A piece is what follows the last sentence end, or else the last sentence.
    """
    floor = int(len(body) * (1 - TAIL_SHARE))
    end = len(body)
    while end > floor:
        stop = end
        while stop > 0 and body[stop - 1] in _CLOSING:
            stop -= 1
        start = max(body.rfind(c, 0, stop) for c in _SENTENCE_END) + 1
        piece = body[start:end].strip()
        if start < floor or len(piece) > TAIL_PIECE_CHARS or not _FURNITURE_WORDS_RE.search(piece):
            break
        end = start
    return body[:end]


def comparison_text(body: str) -> str:
    """What reprints share: a ``story_body`` in lower case with only its letters and digits, each
    sentence once (a gallery repeats its caption, a bad export doubles the text)."""
    return compare_form(body)[0]


def compare_form(body: str) -> tuple[str, tuple[int, ...]]:
    """``comparison_text`` of ``body``, and where in it a report starts (``REPORT_START_RE``): a wire
    credit, a dateline, a numbered item — one place per sentence at most."""
    seen: dict[str, None] = {}
    starts: list[int] = []
    at = 0
    for sentence in _SENTENCE_RE.findall(body.lower()):
        words = _NOT_WORD_RE.sub("", sentence)
        if words in seen:
            continue
        seen[words] = None
        if (m := REPORT_START_RE.search(sentence)) is not None and at + m.start() > 0:
            starts.append(at + len(_NOT_WORD_RE.sub("", sentence[:m.start()])))
        at += len(words)
    return "".join(seen), tuple(starts)


def numbers(body: str) -> frozenset[str]:
    """The numbers of a story body (``story_body``): 2836, 36.5 — what a reprint keeps and a
    templated story (a stock report, a fine notice) changes."""
    return frozenset(_NUMBER_RE.findall(body))
