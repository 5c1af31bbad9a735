"""Page furniture: which lines and spans of a text are the story, which are bylines, stamps and widgets.

Removing text is the most dangerous step of the reader, so furniture is decided by a line's shape
and position, never by a word alone, and every removal is recorded (``types.Removal``):

1. **Short lines** (≤ 40 characters, not a sentence) are furniture anywhere when their shape says
   so: a byline (来源：…, 记者 …, several labels with a date) or date stamp, which become metadata; a
   breadcrumb trail (首页 > 新闻), a menu item, a related-link item (``- …``, the headline-length lines
   after a list head such as 相关推荐, a headline with its time stamp), buttons (评论 55 赞 3), a token
   without Chinese, or a line naming a page widget that exists nowhere else (版权所有, 分享到, 上一篇).
2. **At the edges** of the text — before its first and after its last line of story (a sentence-
   length line) — a short line with a weaker widget word (热线, 评论, 公众号 …), a bar of links, a
   paragraph that opens as a notice (免责声明：…, 转载请注明 …), a one- or two-sentence rights or
   privacy notice, and, in a Chinese text, a Japanese or Korean line go too. In the middle they stay:
   a subhead may name 评论, and a story may quote a 声明.
3. **Spans, not paragraphs**, at the two ends of the story: a leading date stamp, breadcrumbs, a
   ``正文：`` label or a bracketed dateline tag (【环球时报记者 文简】, 〔即时新闻／综合报导〕) is cut from
   the first lines and the rest of the paragraph stays; at the end of the last paragraph a credit
   (（完）, 【编辑:刘阳禾】, 来源：浦东发布 …) or a closing notice sentence (广告声明：…) is cut.
   A cut never splits a bracket: (央视新闻客户端 总台记者 贺威通) goes whole. A sentence-length paragraph
   is never deleted because it contains a word.
4. If these rules would leave no story line at all, the edge rules are not applied: a text that is
   all notice is kept whole rather than lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..text import (
    AUTHOR_LABELS,
    BYLINE_LABEL,
    CJK_RE,
    CLAUSE_MARKS,
    CLOSE_BRACKETS,
    CLOSERS,
    END_MARKS,
    OPEN_BRACKETS,
    cjk_ratio,
    ends_sentence,
    foreign_script_count,
    split_sentences,
)
from ..types import Removal
from .meta import DATE_RE

SHORT = 40  # characters: a line this short that is not a sentence may be furniture

# Widgets and page parts that no story line is: copyright/ICP lines, share and follow prompts,
# prev/next links, the heads of link lists.
_FURNITURE_RE = re.compile(
    r"版权所有|版权声明|Copyright|©|ICP备|ICP证|All Rights Reserved|关注我们|关注官方|扫一扫|扫码|二维码|分享到|"
    r"上一篇|下一篇|相关新闻|相关阅读|相关推荐|相关文章|热门推荐|为您推荐|猜你喜欢|延伸阅读|点击查看|阅读原文|"
    r"返回首页|返回顶部|不良信息举报|未经授权|不得转载|转载请|隐私(?:声明|政策)|最近文章|下载.{0,12}(?:APP|客户端)",
    re.I,
)
# Weaker widget words: a short line naming them is furniture only at the edges of the story.
_WIDGET_RE = re.compile(
    r"热线|专线|举报|邮箱|APP|公众号|客户端|粉丝团|推荐|收藏|评论|字号|字級|复制链接|複製連結|图集|圖集|热帖|热词|"
    r"知道了|在看|登录|注册|更多|分享|新闻线索|爆料|维权|责任编辑|打印|关闭窗口",
    re.I,
)
# A paragraph or sentence that opens as a notice about the page, not the news.
_NOTICE = (r"(?:免责|特别|版权|广告)?声明[:：]|转载请|未经(?:授权|许可)|本文(?:仅代表|系转载|转载自|来源于|来自)|"
           r"原文链接|网友评论仅|仅代表作者|(?:本站|本网|本平台)(?:不代表|仅提供)|不代表.{0,12}(?:立场|观点)")
_NOTICE_RE = re.compile(rf"^(?:{_NOTICE})")
# A closing notice inside the last paragraph: from the start of a sentence that opens as a notice.
_TAIL_NOTICE_RE = re.compile(rf"(?:(?<=[{END_MARKS}{re.escape(CLOSERS)}])|^)\s*(?:{_NOTICE})")
# A breadcrumb trail: 新闻 > 国内 > 正文, 首页 > 正文, 当前位置：首页 > 新闻. Its root words are a fact of such
# trails; without one, two separators are needed (a single > can sit in a line of text).
_CRUMB_ROOT = r"(?:首页|主页|网站首页|当前位置|您的位置|你的位置|您现在的位置)\s*[>＞»›:：]\s*"
_SEGMENT = r"[^。，,！？>＞»›\s]{1,16}"
_CRUMBS = rf"(?:{_CRUMB_ROOT}(?:{_SEGMENT}\s*[>＞»›]\s*)*{_SEGMENT}|{_SEGMENT}(?:\s*[>＞»›]\s*{_SEGMENT}){{2,}})"
_CRUMBS_RE = re.compile(rf"^{_CRUMBS}\s*[>＞»›]?\s*$")
# The same trail at the start of a line, before the story (首页 > 新闻 > 正文   2023-08-15 …).
_CRUMBS_PREFIX_RE = re.compile(rf"^{_CRUMBS}\s*[>＞»›]?\s+")
_DATE = f"(?:{DATE_RE.pattern})"
_NUMERIC_DATE = r"(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}"
_TIME = r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
_STAMP_LABEL = r"(?:发布时间|发布日期|最新更新|更新时间|最后更新|时间|日期)"
# A line that is only a date/time stamp (2020-01-03 18:13, 最新更新：2016/03/19 10:48).
_STAMP_RE = re.compile(rf"^{_STAMP_LABEL}?\s*[:：]?\s*{_DATE}\s*(?:{_TIME})?\s*$")
# An item's stamp in a list of links: a date and time, then at most a short section name.
_LISTED_STAMP_RE = re.compile(rf"^{_DATE}\s*{_TIME}\s*[^\s，。,]{{0,8}}$")
# A stamp opening a paragraph: a labelled or bracketed date, a date with a time, a numeric date
# (2023-08-18, 8-4 06:04), a date after a separator (| 2019年2月27日). Not a bare 2023年7月17日，… —
# that is a sentence saying when.
_STAMP_PREFIX_RE = re.compile(
    rf"^\s*(?:[|｜]\s*{_DATE}\s*(?:{_TIME})?|[\[【(（]?\s*(?:{_STAMP_LABEL}\s*[:：]\s*(?:{_DATE})\s*(?:{_TIME})?|(?:{_DATE})\s*{_TIME}"
    rf"|{_NUMERIC_DATE}|\d{{1,2}}-\d{{1,2}}\s+{_TIME})\s*[\]】)）]?)(?:\s*[，,：:|｜]\s*|\s+|$)"
)
# A header before a label naming what follows as the body (2023年8月1日 来自北京，正文：…): no sentence in it.
_HEADER_RE = re.compile(r"^(?P<head>[^。！？!?]{0,60}?)[，,\s]*正文\s*[:：]\s*")
# A bracketed tag opening the story: a dateline, outlet or section (【新华社微特稿】, 〔即时新闻／综合报导〕).
_TAG_PREFIX_RE = re.compile(r"^[【〔\[]([^】〕\]。！？!?]{1,30})[】〕\]]\s*")
_BULLET_RE = re.compile(r"^[•·●◆■□▪\-*]\s*")
# 来源:哈尔滨新闻网 / 记者：节永志 刘述波 / 编辑：王悦 / （作者:张玉娜）
_LABEL_RE = re.compile(rf"^(?:-\s*)?[（(【]?\s*({BYLINE_LABEL})\s*[:：]\s*(.+?)[）)】]?$")
# 2019-09-26 12:11来源：证券时报网作者：李在山 — several labels on one short line.
_INLINE_LABEL_RE = re.compile(r"(来源|作者|记者|编辑|责任编辑)\s*[:：]\s*([^\s:：]+?)(?=\s|来源|作者|记者|编辑|$)")
# The people a story credits by name without a colon (新华社记者 张三, 编辑 李四).
_CREDITED = "记者|实习生|通讯员|责任编辑|编辑|摄影|摄像|撰文|作者"
# □大象新闻·东方今报记者 倪政伟 / 华西社区传媒记者 宋永坤 黎澎 受访者供图 / 实习生 赵瑞/文图
_REPORTER_RE = re.compile(rf"^[□■]?\s*(?P<outlet>[^\s，。,]{{2,20}}?)?(?P<label>{_CREDITED})\s+(?P<names>[^，。,]+)$")
# A credit closing a paragraph: （作者:张玉娜）, (记者 张三), 【编辑:刘阳禾】, （完）.
_TRAILING_CREDIT_RE = re.compile(
    rf"[（(【\[〔]\s*(?:(?P<label>{BYLINE_LABEL})\s*[:：]?\s*(?P<value>[^（()）【】\[\]〔〕]{{0,30}}?)|完|END)\s*"
    r"[）)】\]〕]\s*$"
)
# The head of a list of links (相关推荐, 相关阅读 …); the headline-length lines after it are its items.
_LIST_HEAD_RE = re.compile(r"^(?:相关|热门|推荐|延伸|精彩|更多|最新|小编)?(?:推荐|新闻|阅读|文章|链接|专题|图集|视频)"
                           r"(?:推荐|阅读)?[:：]?$|^(?:为您推荐|猜你喜欢|\S{0,4}最近文章)")
_LIST_ITEM = 60
_ARROW_RE = re.compile(r"^(?:>>|》》|→|►|▶|点击(?:进入|查看|阅读))")
_COUNTER_RE = re.compile(r"(?:评论|赞|阅读|浏览|点击|转发)\s*\d+")
# Words of rights and privacy notices: a one- or two-sentence paragraph holding one is a notice.
_RIGHTS_RE = re.compile(r"版权所有|版權所有|版权归|未经(?:授权|许可)|不得转载|禁止转载|严禁转载|侵权必究|"
                        r"隐私(?:声明|政策|权)|Copyright|All Rights Reserved", re.I)
# A line that is only buttons and their counts: 分享, 评论 55 赞 3, 收藏｜打印.
_BUTTONS_RE = re.compile(r"^(?:(?:分享|收藏|评论|点赞|赞|打印|关闭|举报|转发|回复|顶|踩|在看)\s*[\d万+]*"
                         r"\s*[|｜/·]?\s*)+$")
# A photo or report credit on its own line: 记者陈嘉宁／翻摄, 23:59联合报 记者陈嘉宁／桃园机场报导.
_CREDIT_LINE_RE = re.compile(
    rf"^[^，。！？]{{0,20}}(?:{_CREDITED}|图)[^，。！？]{{1,16}}(?:报导|报道|翻摄|摄影|摄|供图)$"
)
_ANY_WIDGET_RE = re.compile(f"{_FURNITURE_RE.pattern}|{_WIDGET_RE.pattern}", re.I)
# Where a credit's value ends when more furniture is glued to it (来源：阳江日报版权归原作者所有，…返回搜狐).
_VALUE_END_RE = re.compile(rf"[，,。；;\s]|{_ANY_WIDGET_RE.pattern}|版权|返回", re.I)
_CAPTION_RE = re.compile(r"^[▲△↑]")
# Words of a dateline or credit tag: 【环球网报道】, 〔即时新闻／综合报导〕, 【新华社微特稿】.
_CREDIT_WORD_RE = re.compile(rf"{BYLINE_LABEL}|[文图][/／]|报道|报导|讯|电|稿|综合|快评|消息")
# A credit inside a tag or tail: 记者 姜蔼玲, 编辑:刘阳禾.
_NAMED_CREDIT_RE = re.compile(rf"({_CREDITED})\s*[:：]?\s*([^\s\]】）)]{{2,4}}(?:\s+[^\s\]】）)]{{2,4}})*)")
# Where a paragraph's closing credit starts: a label, a reporter (中新社记者 张三), a photo credit
# (张三 摄), a bracketed credit, （完）, or a widget word.
_CREDIT_RE = re.compile(
    rf"[（(【\[〔]?\s*(?:{BYLINE_LABEL})\s*[:：]|\S*(?:{_CREDITED})\s|"
    rf"\S+\s+摄(?:\s|$)|[（(【\[〔]\s*(?:完|{BYLINE_LABEL})|{_FURNITURE_RE.pattern}|{_WIDGET_RE.pattern}|返回",
    re.I,
)
_PROSE_MARK_RE = re.compile(f"[{re.escape(END_MARKS + CLAUSE_MARKS)}]")
# A bar of links: three or more short items between separators, no sentence punctuation.
_LINK_BAR_RE = re.compile(r"^[^，。！？；：,;:|｜/·\s]{2,10}(?:\s*[|｜/·]\s*[^，。！？；：,;:|｜/·\s]{2,10}){2,}$")

_LEAD_VALUE_MAX = 50  # a label's value longer than this, or holding a sentence end, is a paragraph


@dataclass
class Furniture:
    """What ``split_furniture`` took out of the body: metadata it found and every removal."""

    labels: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    outlet: str | None = None
    removals: list[Removal] = field(default_factory=list)

    def remove(self, text: str, reason: str) -> None:
        if text.strip():
            self.removals.append(Removal(text.strip(), reason))

    def label(self, label: str, value: str) -> None:
        value = value.strip(" （）()【】[]〔〕")
        if not value:
            return
        self.labels.setdefault(label, value)
        if label in AUTHOR_LABELS:
            self.authors.extend(_names(value))


def _names(value: str) -> list[str]:
    value = re.sub(r"(受访者供图|供图|/?文图|摄)$", "", value.strip())
    return [n for n in re.split(r"[\s、,，/]+", value) if 2 <= len(n) <= 4]


def is_story_line(line: str) -> bool:
    """A line of story: Chinese prose that is a sentence of more than 10 characters, or longer than
    ``SHORT`` with sentence punctuation in it (a menu bar or a copyright line has none)."""
    if cjk_ratio(line) < 0.3:
        return False
    if ends_sentence(line):
        return len(line) > 10
    return len(line) > SHORT and bool(_PROSE_MARK_RE.search(line))


def _foreign(line: str) -> bool:
    """Japanese or Korean, by its kana or Hangul (its kanji alone would pass for Chinese)."""
    return foreign_script_count(line) >= 3


def _mostly_chinese(lines: list[str]) -> bool:
    return sum(1 for ln in lines if _foreign(ln)) * 2 < len(lines)


def _short_open(line: str) -> bool:
    return len(line) <= SHORT and not ends_sentence(line)


def split_furniture(lines: list[str]) -> tuple[list[str], Furniture]:
    """Separate the story lines from bylines (→ metadata), captions and furniture (recorded).

    Returns:
        (body lines, what was found and removed)
    """
    found = Furniture()
    lines = [ln.strip() for ln in lines if ln.strip()]
    kept: list[tuple[str, bool]] = []  # (line, furniture only at an edge)
    in_list = False  # after a list head (相关推荐): headline-length lines are its items
    chinese = _mostly_chinese(lines)  # then a Japanese or Korean line at an edge is furniture
    for i, line in enumerate(lines):
        stamped = i + 1 < len(lines) and _LISTED_STAMP_RE.match(lines[i + 1])  # 标题 / 2019-09-09 17:20 香港
        item = in_list and len(line) <= _LIST_ITEM
        in_list = bool(_LIST_HEAD_RE.match(line)) or item
        if item or (line.startswith("- ") and stamped) or _is_link_line(line):
            found.remove(line, "link list")
            continue
        if (rest := _line_furniture(line, found)) is not None:
            kept.append((rest, _edge_furniture(rest) or (chinese and _foreign(rest))))
    anchors = [i for i, (line, edge) in enumerate(kept) if not edge and is_story_line(line)]
    if not anchors:  # rule 4: keep a text that is all notice rather than lose it
        return [line for line, _ in kept], found
    first, last = anchors[0], anchors[-1]
    body: list[str] = []
    for i, (line, edge) in enumerate(kept):
        if edge and (i < first or i > last):
            found.remove(line, "notice" if _NOTICE_RE.match(line) else "widget")
            continue
        if i <= first:
            line = _cut_prefixes(line, found)
        if i == last:
            line = _cut_suffixes(line, found)
        if line:
            body.append(line)
    return body, found


def _line_furniture(line: str, found: Furniture) -> str | None:
    """Rule 1 for one line: None when the whole line is furniture or metadata, else the line to keep."""
    if _BULLET_RE.match(line) and len(_BULLET_RE.sub("", line)) <= 8:
        found.remove(line, "menu")
    elif line.startswith("- ") and len(line) <= 2 * SHORT and not ends_sentence(line) and not _LABEL_RE.match(line):
        found.remove(line, "link list")
    elif len(line) <= 12 and not CJK_RE.search(line):
        found.remove(line, "not Chinese")  # a counter, a button, an image's file name
    elif (m := _LABEL_RE.match(line)) and _is_label_value(m.group(2)):
        found.label(m.group(1), m.group(2))
        found.remove(line, "byline")
    elif len(line) <= SHORT and (m := _REPORTER_RE.match(line)):
        if m.group("outlet") and not found.outlet and m.group("label") in AUTHOR_LABELS:
            found.outlet = m.group("outlet").lstrip("□■ ")
        found.label(m.group("label"), m.group("names"))
        found.remove(line, "byline")
    elif _STAMP_RE.match(line):
        found.labels.setdefault("日期", line)
        found.remove(line, "date stamp")
    elif labels := _inline_labels(line):
        for label, value in labels:
            found.label(label, value)
        if d := DATE_RE.search(line):
            found.labels.setdefault("日期", d.group(0))
        found.remove(line, "byline")
    elif _CRUMBS_RE.match(line):
        found.remove(line, "breadcrumbs")
    elif (_short_open(line) and _FURNITURE_RE.search(line)) or _BUTTONS_RE.match(line):
        found.remove(line, "widget")
    elif len(line) <= SHORT and _CREDIT_LINE_RE.match(line):
        found.remove(line, "byline")
    elif _CAPTION_RE.match(line):
        found.captions.append(line.lstrip("▲△↑ "))
    else:
        return line
    return None


def _is_link_line(line: str) -> bool:
    """A link by its shape: an arrow (>>加入粉丝团！), a list head with its items glued on, counters
    beside headlines (…评论150 东非… 评论529), an item's time stamp (2019-09-09 17:20 香港)."""
    if _ARROW_RE.match(line) and len(line) <= SHORT:
        # unless the line is a sentence that goes on past a clause mark (点击进入后，可以选择医院进行预约挂号。):
        # a link is a label, that is an instruction of the story
        return not (is_story_line(line) and _PROSE_MARK_RE.search(line.rstrip(END_MARKS + CLOSERS)))
    if is_story_line(line) or ends_sentence(line) or _STAMP_RE.match(line):  # a stamp alone dates the story
        return False
    return bool(_LIST_HEAD_RE.match(line) or len(_COUNTER_RE.findall(line)) >= 2 or _LISTED_STAMP_RE.match(line))


def _edge_furniture(line: str) -> bool:
    """Rule 2: furniture when it stands at an edge of the story."""
    if _NOTICE_RE.match(line) or _LINK_BAR_RE.match(line):
        return True
    if _RIGHTS_RE.search(line) and len(split_sentences(line)) <= 2:
        return True  # a copyright or privacy notice: 本新闻文字…版权所有，禁止任何媒体…转贴
    if not is_story_line(line):
        return bool(_ANY_WIDGET_RE.search(line))  # a widget line, a long copyright or ICP line
    # A button that is a sentence (点击关注。), or a notice that opens with one (有新闻想爆料？请拨打…).
    first = split_sentences(line)[0]
    return len(first) <= 12 and bool(_ANY_WIDGET_RE.search(first))


def _is_label_value(value: str) -> bool:
    """A byline's value is short and holds no sentence end: else the 'label' opens a paragraph."""
    return len(value) <= _LEAD_VALUE_MAX and len(split_sentences(value)) <= 1


def _inline_labels(line: str) -> list[tuple[str, str]]:
    """Labels on a short byline line that is not a sentence and holds a date or two labels.

    A sentence before the first label makes the line a paragraph that ends in credits (…1401人。(来源：…)
    【编辑:叶攀】): then the credits are a span for ``_cut_suffixes``, not the whole line.
    """
    if len(line) > 80 or ends_sentence(line):
        return []
    if not (first := _INLINE_LABEL_RE.search(line)) or any(c in END_MARKS for c in line[:first.start()]):
        return []
    labels = _INLINE_LABEL_RE.findall(line)
    return labels if DATE_RE.search(line) or len(labels) >= 2 else []


def _cut_prefixes(line: str, found: Furniture) -> str:
    """Rule 3 at the start: cut a header, stamps, breadcrumbs and a dateline tag; the rest stays."""
    while True:
        if m := _HEADER_RE.match(line):
            head = m.group("head")
            for label, value in _INLINE_LABEL_RE.findall(head):
                found.label(label, _VALUE_END_RE.split(value)[0])
            if d := DATE_RE.search(head):
                found.labels.setdefault("日期", d.group(0))
            reason = "header"
        elif m := _STAMP_PREFIX_RE.match(line):
            found.labels.setdefault("日期", m.group(0).strip(" ，,：:|｜[]【】()（）"))
            reason = "date stamp"
        elif m := _CRUMBS_PREFIX_RE.match(line):
            reason = "breadcrumbs"
        elif (m := _TAG_PREFIX_RE.match(line)) and len(line) > m.end():
            reason = _lead_tag(m.group(1), found)
        elif m := _ORIGINAL_TITLE_RE.match(line):
            return _original_title(line, m.end(), found)
        else:
            return line
        found.remove(m.group(0), reason)
        line = line[m.end():].strip()


def _lead_tag(tag: str, found: Furniture) -> str:
    """A bracketed tag opening the story: a dateline or credit (【环球网报道 记者 姜蔼玲】), a column name
    (【网言】), or a headline (【男子在医院问询时遭工作人员嘲讽】), which is kept as the title."""
    if _CREDIT_WORD_RE.search(tag) or DATE_RE.search(tag) or not CJK_RE.search(tag):
        for m in _NAMED_CREDIT_RE.finditer(tag):
            found.label(m.group(1), m.group(2))
        return "tag"
    if len(tag) <= 6:
        found.labels.setdefault("栏目", tag)
        return "tag"
    found.labels.setdefault("标题", tag.strip())
    return "headline"


def _original_title(line: str, value_at: int, found: Furniture) -> str:
    """``原标题：X…`` glued to the story: X is the title where it visibly ends (it is repeated, or a
    gap of spaces follows); else only the label goes and the words stay in the text."""
    value = line[value_at:]
    title, rest = _repeated_head(value)
    if not title and (gap := re.search(r"\s{2,}", value[: _LEAD_VALUE_MAX + 2])):
        title, rest = value[: gap.start()], value[gap.end():]
    if not title:
        found.remove(line[:value_at], "label")
        return value
    found.labels.setdefault("原标题", title.strip())
    found.remove(line[: len(line) - len(rest)], "byline")
    return rest.strip()


_ORIGINAL_TITLE_RE = re.compile(r"^(?:本文)?原标题\s*[:：]\s*")


def _repeated_head(text: str) -> tuple[str, str]:
    """(head, rest) when ``text`` opens with a head written twice (a headline repeated above its
    story, perhaps with its label again); else ('', text)."""
    for k in range(6, min(_LEAD_VALUE_MAX, len(text) // 2) + 1):
        rest = _ORIGINAL_TITLE_RE.sub("", text[k:].lstrip(), count=1)
        if rest.startswith(text[:k]):
            return text[:k], rest[k:]
    return "", text


def _cut_suffixes(line: str, found: Furniture) -> str:
    """Rule 3 at the end: cut trailing credits, an unterminated byline tail and a closing notice."""
    while True:
        if m := _TRAILING_CREDIT_RE.search(line):
            if m.group("label"):
                found.label(m.group("label"), m.group("value") or "")
            cut, reason = m.start(), "byline"
        elif tail := _byline_tail(line, found):
            cut, reason = len(line) - len(tail), "byline"
        elif (m := _notice_start(line)) is not None:
            cut, reason = m, "notice"
        else:
            return line
        found.remove(line[cut:], reason)
        line = line[:cut].rstrip()


def _byline_tail(line: str, found: Furniture) -> str:
    """The credit at the end of a paragraph, after its last sentence end: from the first credit or
    widget word on (来源：财联社返回搜狐，查看更多…, 中新社记者 盛佳鹏 摄 【编辑:刘阳禾】)."""
    ends = [i for i, c in enumerate(line) if c in END_MARKS]
    tail = line[ends[-1] + 1:].lstrip(CLOSERS) if ends else ""
    if not tail.strip() or len(re.sub(r"\s", "", tail)) > SHORT or not (m := _CREDIT_RE.search(tail)):
        return ""
    tail = tail[_open_bracket(tail, m.start()):]
    for label, value in _INLINE_LABEL_RE.findall(tail):
        found.label(label, _VALUE_END_RE.split(value)[0])
    if (lm := _LABEL_RE.match(tail)) and lm.group(1) not in found.labels:
        found.label(lm.group(1), _VALUE_END_RE.split(lm.group(2))[0])
    return tail


def _open_bracket(text: str, at: int) -> int:
    """Where a cut at ``at`` must start so it does not split a bracket: at the bracket still open
    there ((央视新闻客户端 总台记者 贺威通) goes whole, not from 客户端 on), else at ``at``."""
    depth = 0
    for i in range(at - 1, -1, -1):
        if text[i] in CLOSE_BRACKETS:
            depth += 1
        elif text[i] in OPEN_BRACKETS:
            if not depth:
                return i
            depth -= 1
    return at


def _notice_start(line: str) -> int | None:
    """Where a closing notice starts in the last paragraph, if it is the end and not most of it."""
    m = _TAIL_NOTICE_RE.search(line, 1)
    if m is None:
        return None
    start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
    return start if start >= len(line) / 2 else None


def trim_tail(lines: list[str]) -> tuple[list[str], list[str]]:
    """Drop what follows the story on a web page: trailing link lists, widgets and foreign notices.

    From the end, a line goes while it is a list item (``- …``), is mostly not Chinese, or is
    short (≤ 40 characters) without closing punctuation; the last sentence of the story stays.
    But when the sentence above that run, or its first line, opens a list (ends with a colon: 主要参数：,
    下面的图表…：), the short lines after it are that list (a table, a programme, a
    spec sheet), the story's own: then only lines without Chinese, in Japanese or Korean, or
    ``- `` items go. A line under one that breaks off on a comma ends the run (``_tail_start``).

    Returns:
        (kept lines, dropped lines)
    """
    chinese = _mostly_chinese(lines)

    def tail_line(line: str) -> bool:
        foreign = cjk_ratio(line) < 0.5 if chinese else False
        return line.startswith("- ") or foreign or (chinese and _foreign(line)) or _short_open(line)

    def foreign_line(line: str) -> bool:
        return line.startswith("- ") or not CJK_RE.search(line) or (chinese and _foreign(line))

    end = _tail_start(lines, tail_line)
    # only a list the story opens: the sentence above the run, or the run's first line (a colon further
    # down is a footer's own: 联系我们：)
    if any(_opens_list(line) for line in lines[max(end - 1, 0):end + 1]):
        end = _tail_start(lines, foreign_line)
    return lines[:end], lines[end:]


def _tail_start(lines: list[str], is_tail: Callable[[str], bool]) -> int:
    """Where the run of trailing lines that ``is_tail`` accepts begins (the first line always stays).

    A line under one that breaks off mid-sentence (on a comma: a column wrapped at a fixed width)
    finishes that sentence: it is story, and the run stops there.
    """
    end = len(lines)
    while end > 1 and is_tail(lines[end - 1].strip()) and not _breaks_off(lines[end - 2]):
        end -= 1
    return end


def _breaks_off(line: str) -> bool:
    """A line that stops on a comma (，、): its sentence goes on in the next line. (A colon may head a
    link list, 相关阅读：, so it is left to ``_opens_list``.)"""
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] in "，,、"


def _opens_list(line: str) -> bool:
    """A line that introduces what follows (ends with a colon) and is not the head of a link list."""
    line = line.strip()
    return (ends_sentence(line, also="：:") and not ends_sentence(line)
            and not _LIST_HEAD_RE.match(line) and not _ANY_WIDGET_RE.search(line))
