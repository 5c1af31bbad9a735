"""The text that duplicate detection compares, and where in it a report starts.

Comparison only: nothing here changes what an article says in the briefing. Reprints of one story
differ in their furniture — a crawler's header (``2023-08-18 14:03:05，正文：``), the dateline and
byline (``新华社北京7月24日电（记者高蕾）``, ``新京报讯``), a ``原标题：`` label, the footers after
the story (``来源：``, ``责任编辑：``, copyright and share notices) — and in width, case, spacing and
punctuation. All of that is dropped or folded here so that the shingles compared are the story's
words. Removal goes by shape and position only (the opening, the closing pieces) and is bounded:
at most ``HEAD_CHARS`` from the start and ``TAIL_SHARE`` of the text from the end.
"""

from __future__ import annotations

import bisect
import re

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
_END_RE = re.compile("[。！？!?…]")
_CLOSING = "。！？!?…”’」』）)】 \t\n"
# Where a report starts inside a text: a wire credit opening a sentence or a clause (据新华社消息，
# / 8月17日，据清廉蓉城通报：), maybe right after a headline run into it (克里米亚又一弹药库遭袭据德新社
# 7月24日报道，), a dateline opening a sentence (新华社北京7月24日电), an item number (2、). This is how
# a digest or a round-up strings reports together; inside one story the same words name a source.
_CREDIT_RE = re.compile(r"据[^，。,：:！？\s]{1,16}?(?:消息|报道|通报)\s*[，,：:]")
_DATELINE_IN_RE = re.compile(r"\d{1,2}月\d{1,2}日电")
_ITEM_RE = re.compile(r"[2-9][、.](?=\D)")
_SENTENCE_GAP = "。！？!?…\n"
_CLAUSE_MARKS = "，,；;：:、"
HEADLINE_CHARS = 40  # a headline run into the credit that follows it is at most this long
# Full-width letters and digits (Ａ１) to their ASCII forms: the part of NFKC that reprints differ in
# and that survives comparison (punctuation goes anyway), at a fraction of its cost.
_WIDTH = {c: c - 0xFEE0 for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_FULL_WIDTH_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def story_body(text: str) -> str:
    """``text`` without its header, dateline, byline and ``原标题`` label, and without the furniture
    pieces that close it; full-width forms folded. Case, spacing and punctuation are kept."""
    body = (text.translate(_WIDTH) if _FULL_WIDTH_RE.search(text) else text).strip()
    if "正文" in body[:HEAD_CHARS] and (m := _BODY_LABEL_RE.search(body, 0, HEAD_CHARS)) is not None:
        body = body[m.end():]
    elif body[:1].isdigit() or body[:1] in "[【(（":
        body = _STAMP_RE.sub("", body, count=1)
    if "标题" in body:
        body = _TITLE_LABEL_RE.sub("", body)
    for _ in range(2):  # 海外网7月25日电据韩联社25日报道: a dateline, then a credit
        head = body[:40]
        if "电" in head or "讯" in head or "消息" in head or "报道" in head:
            body = _DATELINE_RE.sub("", body, count=1)
        if body.lstrip()[:1] in "（(【[":
            body = _BYLINE_RE.sub("", body, count=1)
    return _drop_tail(body)


def _drop_tail(body: str) -> str:
    """Drop closing pieces that name furniture (来源, 责任编辑, 版权 …), up to ``TAIL_SHARE`` of the text.

    A piece is what follows the last sentence end, or else the last sentence.
    """
    floor = int(len(body) * (1 - TAIL_SHARE))
    ends = [m.end() for m in _END_RE.finditer(body, max(0, floor - TAIL_PIECE_CHARS))]
    end = len(body)
    while end > floor:
        stop = end
        while stop > 0 and body[stop - 1] in _CLOSING:
            stop -= 1
        start = ends[i - 1] if (i := bisect.bisect_left(ends, stop)) else 0
        piece = body[start:end].strip()
        if start < floor or len(piece) > TAIL_PIECE_CHARS or not _FURNITURE_WORDS_RE.search(piece):
            break
        end = start
    return body[:end]


def report_starts(body: str) -> tuple[int, ...]:
    """Where in ``body`` (a ``story_body``) a report starts, other than at its beginning."""
    found = set()
    if "据" in body:
        for m in _CREDIT_RE.finditer(body):
            if (at := _opening(body, m.start(), HEADLINE_CHARS, clause=True)) is not None:
                found.add(at)
    if "日电" in body:
        for m in _DATELINE_IN_RE.finditer(body):
            if (at := _opening(body, m.start(), 16, clause=False)) is not None:
                found.add(at)
    for m in _ITEM_RE.finditer(body):
        if _opening(body, m.start(), 0, clause=False) is not None:
            found.add(m.start())
    return tuple(sorted(p for p in found if p > 0))


def _opening(body: str, at: int, head: int, *, clause: bool) -> int | None:
    """Where the sentence (or, with ``clause``, the clause) holding ``at`` starts, if at most
    ``head`` characters without punctuation come before ``at`` in it; else None."""
    start = at
    while start > 0 and at - start < head and not _is_mark(body[start - 1]):
        start -= 1
    if start == 0:
        return 0
    before, gap = body[start - 1], body[max(0, start - 2):start]
    if before in _SENTENCE_GAP or (clause and before in _CLAUSE_MARKS) or (len(gap) == 2 and gap.isspace()):
        return start
    return None


def _is_mark(char: str) -> bool:
    return char in _SENTENCE_GAP or char in _CLAUSE_MARKS or char.isspace() or char in "“”\"'（）()【】《》"
