"""Where a place name is in the text but the story is not there: biographies and digests.

A news story is about the place where its event happens. Two common ways a text names other
places: a person's background (生于上海, 曾在南京生活, 在南京逝世, ``（男，39岁，太原市人）``), which
describes the person, not the event; and a digest of separate items (``午间公告：当升科技：……。
金陵药业：……。``), where each item has its own place and the digest as a whole has none unless
at least half of its items share it.
"""

from __future__ import annotations

import re
from itertools import pairwise

# Background of a person, right before the name: born in, native of, once lived in.
_BIO_BEFORE = re.compile(r"(?:生于|出生于|出生在|祖籍|籍贯|原籍|曾在|曾经在)$")
# ... or right after it: 江苏籍, 在南京逝世.
_BIO_AFTER = re.compile(r"(?:籍|逝世|去世|病逝)")
# A parenthesis describing a person by sex or age, hometown included: （男，39岁，太原市人）.
_PERSON_NOTE = re.compile(r"[（(][^（）()]{0,30}?(?:[男女][，,、]|\d{1,3}岁)[^（）()]{0,30}?[）)]")
BIO_LOOKBEHIND = 4  # characters before a name searched for _BIO_BEFORE

# A digest item opens a sentence with a short label and a colon (当升科技：…) and says at least a
# clause. Labels that introduce a quote (张三说：, 问：) or name a form field (时间：, 建设地点：,
# 项目名称： — a notice's fields belong to one story) do not open an item.
_ITEM = re.compile(r"(?:^|(?<=[。！？\n]))\s*([^\s，。！？：:；、“”\"（）()]{2,8})[：:](?=[^\n。]{12})")
_NOT_ITEM = re.compile(r"(?:说|表示|称|问|答|指出|介绍|认为|强调|透露|提醒|记者|编辑|来源|原标题|摘要|导语|注"
                       r"|时间|日期|地点|地址|内容|主题|对象|电话|联系人|备注|名称|单位|方式|范围|规模|金额|期限"
                       r"|要求|条件|编号|类型)$")
DIGEST_ITEMS = 3  # distinct labelled items before a text counts as a digest


def person_notes(text: str) -> list[tuple[int, int]]:
    """Spans of parentheses that describe a person (sex, age, hometown)."""
    return [m.span() for m in _PERSON_NOTE.finditer(text)]


def biographical(text: str, start: int, end: int, notes: list[tuple[int, int]]) -> bool:
    """Whether the name at ``text[start:end]`` is a person's birthplace, hometown or past residence."""
    if _BIO_BEFORE.search(text, max(0, start - BIO_LOOKBEHIND), start) or _BIO_AFTER.match(text, end):
        return True
    return any(a <= start and end <= b for a, b in notes)


def digest_items(text: str) -> list[str]:
    """The items of a digest (one per labelled sentence, plus any text before the first); [] if not one."""
    items = [m for m in _ITEM.finditer(text) if not _NOT_ITEM.search(m.group(1))]
    if len({m.group(1) for m in items}) < DIGEST_ITEMS:
        return []
    bounds = [0, *(m.start() for m in items), len(text)]
    return [text[a:b] for a, b in pairwise(bounds) if text[a:b].strip()]
