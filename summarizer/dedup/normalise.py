"""The text that duplicate detection compares, and where in it a report starts.

Comparison only: nothing here changes what an article says in the briefing. Reprints of one story
differ in their furniture — a crawler's header (``2023-08-18 14:03:05，正文：``), the dateline and
byline (``新华社北京7月24日电（记者高蕾）``, ``新京报讯``), a ``原标题：`` label, the footers after
the story (``来源：``, ``责任编辑：``, copyright and share notices) — and in width, case, spacing and
punctuation. Ingest already takes most of that out of an article (and keeps the title apart);
what is left, or what a text that did not come through ingest still holds, is dropped here by
shape and position only (the opening, the closing pieces), and bounded: at most ``HEAD_CHARS``
from the start and ``TAIL_SHARE`` of the text from the end. Width, case and punctuation are folded
later, over arrays (``encode``).

The language rules — sentence ends, clause marks, closing quotes, byline labels, datelines — are the shared
ones of ``summarizer.text``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

import numpy as np

from ..text import BYLINE_LABEL, CLAUSE_MARKS, CLOSERS, DATELINE_RE, END_MARKS
from ..types import Article

HEAD_CHARS = 100  # a header label (正文：) further in than this is part of the story
TAIL_SHARE = 0.3  # at most this share of a text is taken as closing furniture
TAIL_PIECE_CHARS = 160  # a closing piece longer than this is prose, whatever words it holds
HEADLINE_CHARS = 40  # a headline run into the credit that follows it is at most this long

_OPENERS = "“‘「『（(【[《"  # marks a clause may open with
_PUNCT = END_MARKS + CLAUSE_MARKS + CLOSERS + _OPENERS
# 正文： labels the body in exported records; whatever comes before it is the record's header
# (a date stamp, a source, a breadcrumb trail).
_BODY_LABEL_RE = re.compile(r"正文\s*[:：]")
# A date-time stamp opening a text that has no such label: 2023-08-10 12:34 / [2023/07/23 15:45]
_STAMP_RE = re.compile(
    r"^\W*(?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?\W*"
)
# The dateline or wire credit opening the story is ``text.DATELINE_RE``; the byline in brackets right
# after it: （记者高蕾） (通讯员 李四) （编译/潘剑） （新华社发 张三摄）
_BYLINE_RE = re.compile(rf"^\s*[（(【\[][^）)】\]]{{0,40}}?(?:{BYLINE_LABEL}|编译|报道|摄)[^）)】\]]{{0,40}}[）)】\]]")
_TITLE_LABEL_RE = re.compile(r"[【\[]?(?:本文)?(?:原标题|来源标题)[】\]]?\s*[:：]?")
# Words that mark a closing piece as furniture rather than news: the byline labels, and the
# words of rights notices and of a page's own calls to action — how Chinese news pages end, not
# any one outlet's habit.
_FURNITURE_WORDS_RE = re.compile(
    rf"{BYLINE_LABEL}|责编|转载|版权|声明|摄|供图|返回|查看更多|分享|点击|关注|扫码|下载|推荐阅读|猜你喜欢|往期|"
    r"广告|更多精彩|联系|邮箱|本网|本站|稿件|免责"
)
_CLOSING = frozenset(END_MARKS + CLOSERS + " \t\n\u3000")
_END_RE = re.compile(f"[{END_MARKS}]")
# Where a report starts inside a text: a wire credit opening a sentence or a clause (据新华社消息，
# / 8月17日，据清廉蓉城通报：), maybe right after a headline run into it (克里米亚又一弹药库遭袭据德新社
# 7月24日报道，), a dateline opening a sentence (新华社北京7月24日电) — ``credit_starts`` —, an item
# number (2、, ``item_starts``); ``encode`` records both. This is how a digest or a round-up strings
# reports together; inside one story the same words name a source.
_CREDIT_RE = re.compile(rf"据[^\s{re.escape(END_MARKS + CLAUSE_MARKS)}]{{1,16}}?(?:消息|报道|通报)\s*[，,：:]")
_DATELINE_IN_RE = re.compile("日电")  # … after a date: 7月24日电
_DATE_BEFORE_RE = re.compile(r"\d{1,2}月\d{1,2}$")
_SENTENCE_GAP = frozenset(END_MARKS + "\n")
_CLAUSE_GAP = frozenset(CLAUSE_MARKS)
_MARK_RE = re.compile(rf"[{re.escape(_PUNCT)}\s]")


def comparison_text(article: Article) -> str:
    """What of ``article`` is compared: its text and its photo captions (ingest keeps them apart;
    a reprint carries the same captions, or none), without the title — outlets retitle what they
    reprint."""
    return "\n".join((article.text, *article.captions)) if article.captions else article.text


def story_body(text: str) -> str:
    """``text`` without its header, dateline, byline and ``原标题`` label, and without the furniture
    pieces that close it. Width, case, spacing and punctuation are kept (``encode`` folds them)."""
    body = text.strip()
    if "正文" in body[:HEAD_CHARS] and (m := _BODY_LABEL_RE.search(body, 0, HEAD_CHARS)) is not None:
        body = body[m.end():]
    elif body[:1].isdigit() or body[:1] in "[【(（":
        body = _STAMP_RE.sub("", body, count=1)
    if "标题" in body:
        body = _drop_title_labels(body)
    for _ in range(2):  # 海外网7月25日电据韩联社25日报道: a dateline, then a credit
        start = body
        if (m := DATELINE_RE.match(body)) is not None:
            body = body[m.end():]
        if body[:1] in "（(【[" or (body[:1].isspace() and body.lstrip()[:1] in "（(【["):
            body = _BYLINE_RE.sub("", body, count=1)
        if len(body) == len(start):  # nothing opened it: a second look finds nothing either
            break
    return _drop_tail(body)


def _drop_title_labels(body: str) -> str:
    """``body`` without its ``原标题：`` labels (the title itself stays: it is story text too).

    The literal 标题 is found first; the label's shape is checked around it (a regex search for
    the whole label would try every position of the text)."""
    pieces, done = [], 0
    at = body.find("标题")
    while at >= 0:
        m = _TITLE_LABEL_RE.search(body, max(done, at - 4), at + 8)
        if m is not None and m.start() <= at < m.end():
            pieces.append(body[done:m.start()])
            done = m.end()
        at = body.find("标题", max(at + 2, done))
    return "".join(pieces) + body[done:] if pieces else body


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
        lo = max(floor - TAIL_PIECE_CHARS, 0)
        last = _END_RE.search(body[lo:stop][::-1])  # the last sentence end before ``stop``
        start = stop - last.start() if last else 0
        if start < floor or end - start > TAIL_PIECE_CHARS or not _FURNITURE_WORDS_RE.search(body, start, end):
            break
        end = start
    return body[:end]


def credit_starts(joined: str, starts: np.ndarray) -> list[int]:
    """Where a report opens with a credit or a dateline inside the texts ``joined`` end to end
    (``starts``: where each begins, and the end), as offsets into ``joined``; never a text's start."""
    found = []
    bounds = starts.tolist()
    for pattern, head, clause in ((_CREDIT_RE, HEADLINE_CHARS, True), (_DATELINE_IN_RE, 16, False)):
        for m in pattern.finditer(joined):
            i = bisect.bisect_right(bounds, m.start()) - 1
            at = m.start()
            if not clause:  # the literal 日电 is found fast; the date before it is checked here
                if (date := _DATE_BEFORE_RE.search(joined, max(bounds[i], at - 5), at)) is None:
                    continue
                at = date.start()
            if m.end() <= bounds[i + 1] and (at := _opening(joined, bounds[i], at, head, clause=clause)) is not None \
                    and at > bounds[i]:
                found.append(at)
    return found


@dataclass(frozen=True, slots=True)
class DigitRuns:
    """The runs of digits, with inner dots (36.5, 2.27), of texts end to end (``digit_runs``)."""

    start: np.ndarray  # where each run starts (offsets into the texts' code points)
    width: np.ndarray  # characters in it
    dots: np.ndarray  # dots in it

    @property
    def digits(self) -> np.ndarray:
        return self.width - self.dots


def digit_runs(classes: np.ndarray, starts: np.ndarray) -> DigitRuns:
    """The digit runs of texts end to end, from the ``char_classes`` of their code points
    (``starts``: where each text begins, and the end). Full-width digits and dots count
    (３６．５); a run never crosses from one text into the next."""
    pos = np.flatnonzero(classes & (DIGIT | DOT))
    if len(pos) == 0:
        return DigitRuns(*(np.zeros(0, np.int64),) * 3)
    is_digit = (classes[pos] & DIGIT).astype(bool)
    # a dot counts between two digits next to it
    next_to = pos[1:] == pos[:-1] + 1
    after = np.concatenate((next_to & is_digit[1:], [False]))
    before = np.concatenate(([False], next_to & is_digit[:-1]))
    keep = is_digit | (before & after)
    pos, is_digit = pos[keep], is_digit[keep]
    first_char = np.zeros(len(classes) + 1, dtype=bool)
    first_char[starts] = True
    opens = np.concatenate(([True], pos[1:] != pos[:-1] + 1)) | first_char[pos]
    run = np.cumsum(opens) - 1
    width = np.bincount(run)
    return DigitRuns(pos[opens], width, width - np.bincount(run, weights=is_digit).astype(np.int64))


def item_starts(runs: DigitRuns, raw: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Where an item number (2、 3. … 9、) opens a sentence, among the ``digit_runs`` of ``raw``:
    offsets into ``raw``. (A text's first character is no report starting *inside* it: the
    caller leaves it out.)"""
    one = runs.start[(runs.width == 1) & (runs.start > 0) & (runs.start + 2 < len(raw))]
    first, mark = raw[one], raw[one + 1]
    item = (first >= 0x32) & (first <= 0x39) & ((mark == 0x3001) | (mark == 0x2E)) & ~(classes[one + 2] & DIGIT)
    at = one[item.astype(bool)]
    return at[(classes[at - 1] & SENTENCE_ENDED).astype(bool)]


def _opening(body: str, floor: int, at: int, head: int, *, clause: bool) -> int | None:
    """Where the sentence (or, with ``clause``, the clause) holding ``at`` starts, if at most
    ``head`` characters without punctuation come before ``at`` in it; else None. A space is a
    gap: inside Chinese prose there is none, so it marks where a line or a headline ended."""
    lo = max(floor, at - head)
    mark = _MARK_RE.search(body[lo:at][::-1])  # the last mark or space before ``at``
    start = at - mark.start() if mark else lo
    if start == floor:
        return floor
    before = body[start - 1]
    if before in _SENTENCE_GAP or (clause and before in _CLAUSE_GAP) or before.isspace():
        return start
    return None


# Character classes, as bits (``char_classes``): a digit, a dot, a character after which a
# sentence (or a line) has ended — a sentence end, a space —, and one after which a clause may
# start — those, a clause mark, an opening quote or bracket. Not a closing quote: text that goes
# on right after ” goes on with the same sentence (“双减”政策).
DIGIT, DOT, SENTENCE_ENDED, CLAUSE_OPENS = 1, 2, 4, 8


@cache
def _class_table() -> np.ndarray:
    table = np.zeros(0x10000, dtype=np.uint8)
    for c in range(0x10000):
        if chr(c).isspace():
            table[c] |= SENTENCE_ENDED | CLAUSE_OPENS
    table[[ord(c) for c in END_MARKS]] |= SENTENCE_ENDED | CLAUSE_OPENS
    table[[ord(c) for c in CLAUSE_MARKS + _OPENERS]] |= CLAUSE_OPENS
    table[0x30:0x3A] |= DIGIT
    table[0xFF10:0xFF1A] |= DIGIT
    table[[0x2E, 0xFF0E]] |= DOT
    return table


def char_classes(bmp: np.ndarray) -> np.ndarray:
    """The class bits of each code point (``bmp``: code points, those beyond the BMP as 0xFFFF)."""
    return _class_table()[bmp]
