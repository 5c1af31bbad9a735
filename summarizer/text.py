"""Sentence splitting and the language rules every stage shares, each written once here.

- The CJK character class (``CJK``, ``cjk_count``, ``cjk_ratio``): CJK Unified Ideographs, Extension A
  and the compatibility block; and the kana/Hangul that mark Japanese or Korean (``foreign_script_count``).
- Sentence ends: 。！？ (and ASCII !?) and the ellipsis …; a closing quote or bracket right after the
  end mark stays with its sentence (“……。” is one sentence), and nothing inside 《书名》 is split.
  ``ends_sentence`` asks the same question of a line.
- Byline words (``BYLINE_LABELS``, ``AUTHOR_LABELS``, ``BYLINE_OPEN``): the labels of credit lines (来源：…, 记者：…),
  which are metadata, never story text.
- Datelines and wire credits (``DATELINE``, ``DATELINE_RE``): how a report opens before its news
  (新华社北京2月29日电, IT之家 8 月 16 日消息, 本报讯); the lead furniture (``strip_lead``) and the text
  duplicate detection compares both drop them.
- The lead window (``LEAD_WINDOW``, ``lead_window``): how much of a long article quadratic work reads.
- Safe text (``safe_text``, ``safe_value``): the characters no output can hold (controls, lone
  surrogates) removed where text enters — readers, CLI options — and once more at the renderers' edge.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import operator
import re
from collections.abc import Mapping
from enum import Enum
from functools import cache
from itertools import repeat
from pathlib import PurePath
from typing import TypeVar

T = TypeVar("T")

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # for use inside a regex character class
END_MARKS = "。！？!?…"
CLAUSE_MARKS = "，,；;：:、"
CLOSERS = "”’」』）)】》\"'"
# Brackets that hold a credit or a tag (（新华社）, 【编辑:刘阳禾】, 〔即时新闻〕), each opener beside its closer.
OPEN_BRACKETS, CLOSE_BRACKETS = "（(【[〔", "）)】]〕"
# An end mark (or an ellipsis), then any closing quotes/brackets.
_SENT_RE = re.compile(rf"[{END_MARKS}]+[{re.escape(CLOSERS)}]*")
_CLAUSE_RE = re.compile(rf"[，,；;：:][{re.escape(CLOSERS)}]*")
CJK_RE = re.compile(f"[{CJK}]")
_CJK_RUN_RE = re.compile(f"[{CJK}]+")
# Japanese kana and Korean Hangul: text written in them is not Chinese, though it may hold CJK ideographs.
# Kana and Hangul; not ・ or ー (U+30FB, U+30FC), which Traditional Chinese writes in foreign names (約翰・甘迺迪).
_FOREIGN_SCRIPT_RE = re.compile(r"[\u3040-\u30fa\u30fd-\u30ff\uac00-\ud7af]")

# Labels that open a credit line: 来源：哈尔滨新闻网, 记者：节永志, 责任编辑：王悦, 文/图：…, 原标题：….
BYLINE_LABELS = ("来源", "记者", "编辑", "责任编辑", "值班编辑", "作者", "通讯员", "实习生", "摄影", "摄像", "文/图",
                 "文图", "图文", "撰文", "采写", "图片来源", "图源", "制图", "审核", "校对", "初审", "复审", "终审",
                 "监制", "统筹", "策划", "出品", "原标题", "本文原标题")
# The labels whose value names the people who wrote the story.
AUTHOR_LABELS = frozenset({"记者", "作者", "通讯员", "实习生", "撰文", "采写"})
# A byline label as a regex alternative, longest first (责任编辑 before 编辑).
BYLINE_LABEL = "|".join(sorted((re.escape(w) for w in BYLINE_LABELS), key=len, reverse=True))
# A line that opens as a credit: a label and its colon (来源：…, 责任编辑:…), or a label in brackets
# ((记者 张三), 【编辑:刘阳禾】). Not 记者从市住建局获悉，… — that is a sentence of the story.
BYLINE_OPEN = rf"^[（(【\[]?\s*(?:{BYLINE_LABEL})\s*[:：]|^[（(【\[]\s*(?:{BYLINE_LABEL})\s"


_OUTLET = r"[^\s，。,:：；;、！？!?（）()【】\[\]]"
DAY = r"(?:\d{4}\s*年\s*)?(?:\d{1,2}\s*月\s*)?\d{1,2}\s*日"
# Parts of the day written after a date (8月7日上午, 6日一早, 7日晚). The extractive engine drops a date
# with the parts in ``PARTS_OF_DAY`` only; with 一早, 清晨, 夜间 and a bare 晚 too it would change 8 of
# 1,822 dev summaries (5日晚 would go with its date, where now it stays), so that is left to decide.
PARTS_OF_DAY = "上午|下午|晚间|晚上|早间|凌晨|中午|早上|深夜|傍晚"
PART_OF_DAY = f"{PARTS_OF_DAY}|一早|清晨|夜间|晚"
# A dateline or wire credit opening a report, as a regex alternative: 新华社北京2月29日电, 据新华社哈尔滨8月7日电,
# IT之家 8 月 16 日消息, 本报讯, 中国消费者报福州讯, 据微信公号“江苏高院”消息, 央视网消息：, and an attribution
# in the same shape (据两位知情人士表示，). Never the news itself: each needs its marker (电 or 消息 after a
# date; 讯 before a bracket, a space or a clause mark; 消息 before a colon; 据 … before a clause mark).
DATELINE = (
    rf"据?{_OUTLET}{{1,20}}?\s*{DAY}(?:电|讯|消息|报道|快讯)"
    rf"|{_OUTLET}{{1,14}}?讯(?=[（(【\[\s:：，,]|$)"
    rf"|据[^，。,:：；;！？!?]{{1,32}}(?=[:：，,])"
    rf"|{_OUTLET}{{1,10}}?消息(?=[:：])"
)
# The dateline or credit opening ``text``, with the marks after it (``DATELINE_RE.match(text)``).
DATELINE_RE = re.compile(rf"\s*(?:{DATELINE})[\s:：，,]*")
# What opens a story before its news: a dateline or wire credit (``DATELINE``), an attribution
# (记者从石家庄市防汛抗旱指挥部获悉，), the byline in brackets after them (（记者 孙自法）), a crawler's stamp
# (2023-07-28 12:22:16，正文：) and a time clause (7月11日，/ 27日 / 近日，/ 6日一早，/ 7月20日8时至21日8时，).
# Never the news itself: each needs its marker (获悉 …) or stands alone as a clause.
_LEAD_FURNITURE_RE = re.compile(
    rf"^(?:{DATELINE}"
    rf"|\d{{4}}-\d{{1,2}}-\d{{1,2}}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?(?:[，,\s]*正文)?(?=[\s:：，,]|$)"
    rf"|记者[^，。,]{{0,24}}?(?:获悉|了解到|得知)(?=[\s:：，,])"
    rf"|[（(【\[][^）)】\]]{{0,40}}?(?:记者|通讯员|编辑|摄)[^）)】\]]{{0,40}}[）)】\]]"
    rf"|(?:{DAY}|今天|今日|昨天|昨日|日前|近日|近期|当地时间{DAY})(?:{PART_OF_DAY})?(?=[\s，,]|{DAY}|$)"
    rf"|(?:{DAY}|今天|今日|昨天|昨日)(?:{PART_OF_DAY})?(?=[{CJK}])(?![{CJK}]{{0,2}}(?:起|前|后|内|以来|至))"
    rf"|(?=[^，,]*[年月日时])[\d\s年月日号时分秒点至到—~-]+(?:{PART_OF_DAY})?(?=[，,])"
    rf")[\s:：，,]*"
)
# Words that only say when (deictic times): never a keyword, a theme or a title on their own.
TIME_WORDS = frozenset({
    "今天", "今日", "昨天", "昨日", "明天", "明日", "前天", "去年", "今年", "明年", "前年", "近日",
    "日前", "近期", "目前", "当前", "此前", "此后", "当天", "当日", "当晚", "今晚", "昨晚", "今早",
    "昨夜", "上午", "下午", "晚上", "凌晨", "中午", "傍晚", "本周", "上周", "下周", "本月", "上月",
    "下月", "年初", "年底", "年末", "月初", "月底", "近年", "近年来", "今年以来", "即日", "即日起", "从今天起",
    "目前为止", "截至目前", "北京时间",
})
# A date (with its part of day) closing a clause: the lead's time run into a headline before it
# (…“幸福密码”8月1日，…).
DATE_TAIL_RE = re.compile(rf"(?<=[{CJK}”》）)])(?:{DAY})(?:{PART_OF_DAY})?$")
# A date or time that is all a piece says (2023年2月, 2023年7月27日, 8月7日, 6日一早).
DATE_ONLY_RE = re.compile(rf"^[\s，,]*(?:\d{{4}}年(?:\d{{1,2}}月)?(?:\d{{1,2}}日)?|{DAY})(?:{PART_OF_DAY})?[\s，,。]*$")


# A clause that leans on the one after it: a purpose, circumstance or basis (为应对来势汹汹的洪情，/ 随着
# 气温升高，/ 根据通知要求，/ 在各方的共同努力下，), or what announces it (数据显示，/ 他表示，).
LEANING_RE = re.compile(r"^(?:为了?|随着|面对|面临|针对|根据|按照|依据|对于|伴随|经过|"
                        r"在[^，,。]{1,24}(?:中|下|时|后|前|上|期间|之际|之下|背景下|情况下))[^，,。]*[，,]$"
                        r"|(?:显示|表示|指出|认为|宣布|透露|强调|介绍|获悉|了解到|称|说|报道|通报)[，,]$")
_TIME_RANGE_RE = re.compile(r"[\d\s年月日号时分秒点至到—~-]*[年月日时][\d\s年月日号时分秒点至到—~-]*")


def only_time(clause: str) -> bool:
    """Whether ``clause`` says nothing but when (今日，/ 从今天起 / 自7月29日12时30分起 / 2023年2月)."""
    body = clause.strip().rstrip(CLAUSE_MARKS + END_MARKS + " ")
    body = re.sub(r"^(?:从|自|截至|截止|至|到)|(?:起|以来|开始|为止|至今)$", "", body)
    return not body or body in TIME_WORDS or bool(DATE_ONLY_RE.match(body) or _TIME_RANGE_RE.fullmatch(body))


def strip_lead(text: str) -> str:
    """``text`` without the datelines, credits, bylines and time clauses that open it (``_LEAD_FURNITURE_RE``):
    ``据新华社哈尔滨8月7日电6日一早，哈尔滨…`` → ``哈尔滨…``."""
    for _ in range(5):  # 本报讯（记者 巴茜）27日，…: a credit, a byline, a time, one after the other
        rest = _LEAD_FURNITURE_RE.sub("", text, count=1)
        if rest == text:
            break
        text = rest
    return text


def ends_sentence(line: str, also: str = "") -> bool:
    """True when ``line`` ends with an end mark (or one of ``also``), closing quotes/brackets allowed after it.

    A line that ends on a closing quote alone (守护“家园防线”) does not: that is a headline's shape.
    """
    stripped = line.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in END_MARKS + also


def _split_keep(text: str, pattern: re.Pattern[str]) -> list[str]:
    out: list[str] = []
    start = 0
    depth = seen = 0  # inside 《…》 we never split; depth is counted up to each match, once (linear)
    for m in pattern.finditer(text):
        depth += text.count("《", seen, m.start()) - text.count("》", seen, m.start())
        seen = m.start()
        if depth > 0:
            continue
        piece = text[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; paragraph breaks (newlines) always end a sentence."""
    sentences: list[str] = []
    for para in text.splitlines():
        sentences.extend(_split_keep(para.strip(), _SENT_RE))
    return sentences


def split_clauses(sentence: str) -> list[str]:
    """Split one sentence at commas, semicolons and colons, keeping the marks."""
    return _split_keep(sentence, _CLAUSE_RE)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


def cjk_ratio(text: str) -> float:
    """Share of CJK ideographs among the non-space characters of ``text``."""
    chars = sum(map(len, text.split()))  # the non-space characters: str.split() drops what isspace() is
    return cjk_count(text) / chars if chars else 0.0


def close_clause(text: str) -> str:
    """End a text that stops at a clause mark (，；：、) with 。 instead: same length, reads as a sentence."""
    return text[:-1] + "。" if text and text[-1] in CLAUSE_MARKS else text


def quote_depth(text: str, depth: int = 0) -> tuple[int, bool]:
    """(how many quotations are open at the end of ``text``, starting ``depth`` deep; whether it closes
    one that was not open: a ” with none left to close)."""
    unopened = False
    for c in text:
        if c == "“":
            depth += 1
        elif c == "”":
            unopened = unopened or depth == 0
            depth = max(0, depth - 1)
    return depth, unopened


def close_quotes(text: str, depth: int = 0) -> str:
    """A piece cut out of a longer text, with its quotation marks paired: a quotation it opens and does
    not close ends with …” (its trailing clause mark dropped), one it closes without opening (or that is
    open where it starts, ``depth`` deep) starts with “…. A reader then sees where the speaker's words
    were cut, not one quotation made of two.
    """
    end, unopened = quote_depth(text, depth)
    if unopened or depth:
        text = "“" * max(depth, 1) + "…" + text.lstrip("…")
    if end:
        text = text.rstrip(CLAUSE_MARKS + "…") + "…" + "”" * end
    return text


def truncate_at_boundary(text: str, max_chars: int) -> str:
    """Cut ``text`` to at most ``max_chars``, at the last sentence end, else clause end, that fits."""
    if len(text) <= max_chars:
        return text
    for splitter in (split_sentences, split_clauses):
        out = ""
        for piece in splitter(text):
            if len(out) + len(piece) > max_chars:
                break
            out += piece
        if out:
            return out
    return text[:max_chars]


# A short aside in brackets: a stock code (PTON.O), an outlet（央视新闻）, an English name, a
# restated date. Summaries drop it to spend the budget on the news.
_ASIDE_RE = re.compile(r"（[^（）]{1,30}）|\([^()]{1,30}\)|【[^【】]{1,30}】")


def strip_asides(text: str) -> str:
    """Remove short bracketed asides (（…）, (…), 【…】 up to 30 characters); keep 《书名》, and keep what is
    inside quotation marks: a quotation or a quoted name is given as written (“红色文化轻骑兵(2021-2023)活动”)."""
    if "“" not in text:
        return _ASIDE_RE.sub("", text)
    out, depth, start = [], 0, 0
    for i, c in enumerate(text + "“"):  # a sentinel mark flushes the last piece
        if c not in "“”":
            continue
        piece = text[start:i]
        out.append(_ASIDE_RE.sub("", piece) if depth == 0 else piece)
        out.append(text[i] if i < len(text) else "")
        depth = depth + 1 if c == "“" else max(0, depth - 1)
        start = i + 1
    return "".join(out)


# The lead window: what work that compares every part of a text with every other part (the
# extractive engine's clause matrices, the keywords' repeats) reads of a long article, in characters.
# Such work grows with the square of the text (1 MB of text took 17 GB), so it is bounded. News puts
# what matters first, and every dev article is far shorter (the longest, in CLTS, has 2,330
# characters), so their summaries and keywords are unchanged. benchmarks/robustness.py measures
# articles of 100 KB to 5 MB.
LEAD_WINDOW = 10_000


def lead_window(text: str, limit: int = LEAD_WINDOW) -> str:
    """The first ``limit`` characters of ``text``, ending at the last paragraph or sentence end in them."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(mark) for mark in END_MARKS) + 1
    while 0 < cut < limit and head[cut] in CLOSERS:  # “……。” ends after its quote
        cut += 1
    cut = max(cut, head.rfind("\n"))
    return head[:cut] if cut > 0 else head


def cjk_count(text: str) -> int:
    """Number of CJK ideographs in ``text``."""
    return sum(map(len, _CJK_RUN_RE.findall(text)))  # runs, not characters: a quarter of the time


def foreign_script_count(text: str) -> int:
    """Number of kana and Hangul characters in ``text`` (Japanese or Korean, not Chinese)."""
    return len(_FOREIGN_SCRIPT_RE.findall(text))


# Characters no output format can hold: C0 controls other than tab and newline (XML 1.0 forbids
# them; a carriage return becomes a newline), the noncharacters U+FFFE/U+FFFF, and lone surrogates
# (half a UTF-16 pair: a JSON "\ud800", a file name in no encoding; they cannot be written as UTF-8).
_UNSAFE = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
_SURROGATES = "\ud800-\udfff"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_SURROGATE_RE = re.compile(f"[{_SURROGATES}]")
_CHANGED_RE = re.compile(f"[{_UNSAFE}\r{_SURROGATES}]")  # whatever safe_text changes


def safe_text(text: str) -> str:
    """``text`` with what no renderer can write removed: controls (not tab/newline) dropped, CR/CRLF
    made newlines, lone surrogates replaced by U+FFFD (which cleaning treats as garbled)."""
    if _CHANGED_RE.search(text) is None:  # nearly every text: one pass, and the text itself
        return text
    text = _UNSAFE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _SURROGATE_RE.sub("\ufffd", text)


# Values with no string inside: returned at once (a StrEnum is a str, kept as the enum it is).
_PLAIN = (Enum, type(None), int, float, dt.date, dt.time, bytes)


@cache
def _init_fields(cls: type) -> tuple[str, ...]:
    """The ``__init__`` fields of dataclass ``cls``: asked once a class (``dataclasses.fields`` is slow, and a
    month's briefing passes every story through ``safe_value``)."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


def safe_value(value: T) -> T:
    """``value`` (a dataclass, container, path or string) with every string made ``safe_text``.

    The one pass at the renderers' edge: whatever a briefing holds — file names, options, cached
    or generated summaries — reaches Word, Markdown and JSON writable. Enums and other values pass.
    What needs no change is returned itself, not copied (a month's articles are not held twice);
    a list is always a new list.
    """
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, str):
        return safe_text(value)  # type: ignore[return-value]
    if isinstance(value, PurePath):
        text = str(value)
        return value if safe_text(text) == text else type(value)(safe_text(text))  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = _init_fields(type(value))
        changes = {name: safe_value(getattr(value, name)) for name in fields}
        if all(changes[name] is getattr(value, name) for name in fields):
            return value
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [safe_value(v) for v in value]  # type: ignore[return-value]
    if isinstance(value, tuple):
        items = tuple(safe_value(v) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else type(value)(items)  # type: ignore[return-value]
    if isinstance(value, Mapping):
        pairs = [(safe_value(k), safe_value(v)) for k, v in value.items()]
        if all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(pairs, value.items(), strict=True)):
            return value
        return dict(pairs)  # type: ignore[return-value]
    return value


# Characters that standing alone as a word are glue: particles, pronouns, prepositions, adverbs, measure words.
FUNCTION_CHARS = frozenset("的了在是和与及或也都就还又而并但被把将对为于从向以由其这那此每各该个之等着过地得很更最有"
                           "我你他她它们据啊吗呢吧呀啦嘛已给让使比跟往沿按凭趁距自至则即却仍再才乃且若虽因故谁本")
# Suffixes of division names (延庆区, 石柱县): a word of their own only by accident of the word list.
DIVISION_SUFFIXES = frozenset("省市县区镇乡村旗盟")
_MAX_WORD = 8  # longest dictionary word tried by the segmentation
_UNKNOWN = 15.0  # the cost of a character the word list lacks: above any listed word's IDF (max 13.9)
# A character this common (IDF under 5: 说 2.6, 看 3.8, 多 3.6; surnames 王 5.7, 张 5.8) is a word of its own.
_COMMON_CHAR_IDF = 5.0


@cache
def _pieces() -> dict[str, float]:
    """What the segmentation may meet, in one table (one look-up per piece): every listed word up to
    ``_MAX_WORD`` characters and every proper prefix of one (中华人 of 中华人民: where extending a piece can
    still reach a word, so the search stops trying longer pieces elsewhere), each with its cost, negated
    when a longer word starts with it (the search goes on) and positive when none does (it stops). A
    prefix that is not a word costs infinity (never a piece), a character the list lacks ``_UNKNOWN``
    (a character is always a piece). Listed costs are positive (the lowest IDF is 0.88), so the sign
    is free to say this."""
    from .lexicon import word_idf

    idf = word_idf()
    prefixes = {w[:i] for w in idf for i in range(1, min(len(w), _MAX_WORD))}
    table = {w: -cost if w in prefixes else cost for w, cost in idf.items() if len(w) <= _MAX_WORD}
    for piece in prefixes:
        table.setdefault(piece, -_UNKNOWN if len(piece) == 1 else -math.inf)
    return table


@cache
def _word_chars() -> frozenset[str]:
    """Characters that are a word of their own when the segmentation leaves them alone: glue
    (``FUNCTION_CHARS``) and the common ones (``_COMMON_CHAR_IDF``); the rest join a name (蒋/振/岭)."""
    from .lexicon import word_idf

    return FUNCTION_CHARS | {w for w, idf in word_idf().items() if len(w) == 1 and idf < _COMMON_CHAR_IDF}


@cache
def _char_costs() -> dict[str, float]:
    """Each character's cost as a piece of its own, for the characters the word list holds (as a word or
    the start of one); any other costs ``_UNKNOWN``, as does a start that is no word."""
    return {piece: abs(cost) for piece, cost in _pieces().items() if len(piece) == 1}


def _least_cost(run: str) -> list[str]:
    """``run`` cut into listed words (or single characters) with the least total IDF, last word first."""
    get = _pieces().get  # the word list is read on first use
    n = len(run)
    best = [0.0] + [math.inf] * n
    start = [0] * (n + 1)
    # The pieces of one and two characters, which nearly every start tries, are looked up for the whole
    # run at once (map runs in C, with no slice per look-up). The cuts are the same: a character costs
    # what its entry says (abs) or _UNKNOWN, as before; and a pair is in the table only when a longer word
    # starts with its first character (that is why the pair is a word or a prefix), so where the search
    # used to stop at the character (unlisted, or no word goes on from it) the pair is missing and it stops.
    ones = map(_char_costs().get, run, repeat(_UNKNOWN))
    pairs = list(map(get, map(operator.add, run, run[1:])))
    pairs.append(None)  # the last character starts no pair
    # Pieces grow from each start only while they are a word or the prefix of one: the same pieces as
    # trying every length up to _MAX_WORD, in the same order per end (ties go to the earliest start).
    for begin, one, cost in zip(range(n), ones, pairs, strict=True):
        base = best[begin]
        if (total := base + one) < best[begin + 1]:  # a character is always a piece
            best[begin + 1], start[begin + 1] = total, begin
        if cost is None:
            continue
        if (total := base + abs(cost)) < best[begin + 2]:
            best[begin + 2], start[begin + 2] = total, begin
        if cost > 0:  # no longer word starts with this pair
            continue
        for end in range(begin + 3, min(n, begin + _MAX_WORD) + 1):
            if (cost := get(run[begin:end])) is None:  # neither a word nor the prefix of one
                break
            if (total := base + abs(cost)) < best[end]:
                best[end], start[end] = total, begin
            if cost > 0:  # no longer word starts with this one
                break
    words: list[str] = []
    end = n
    while end > 0:
        words.append(run[start[end]:end])
        end = start[end]
    return words


def segment(run: str) -> list[str]:
    """A run of Chinese characters as words of jionlp's word list: the segmentation with the least total IDF.

    Rare words cost more, so common words and long listed words win (董事长 over 董事 + 长). Runs of
    single characters that are not glue (蒋/振/岭: a name the list lacks) are one word, not three.
    """
    words = _least_cost(run)
    word_chars = _word_chars()
    # Consecutive single characters that are neither glue nor common words on their own (蒋/振/岭, not
    # 说 or 看) make one word; a division suffix left alone (延庆|区) belongs to the name before it.
    merged: list[str] = []
    name = False  # whether merged[-1] is such a run
    for word in reversed(words):
        single = len(word) == 1 and word not in word_chars
        if merged and ((single and name) or (word in DIVISION_SUFFIXES and merged[-1][-1] not in FUNCTION_CHARS)):
            merged[-1] += word
        else:
            merged.append(word)
        name = single
    return merged


def word_bounds(text: str) -> set[int]:
    """Offsets in ``text`` where a cut splits no word and no number: between the words of ``segment``
    inside Chinese runs, and elsewhere wherever a letter, digit or character does not continue (never
    inside 770, 2.5% or iPhone, nor between 770 and 米)."""
    inside: set[int] = set()
    bounds = {0, len(text)}
    for m in _CJK_RUN_RE.finditer(text):
        inside.update(range(m.start() + 1, m.end()))
        pos = m.start()
        for word in segment(m.group())[:-1]:
            pos += len(word)
            bounds.add(pos)
    bounds.update(i for i in range(1, len(text)) if i not in inside and not _continues(text, i))
    return bounds


def _continues(text: str, i: int) -> bool:
    """Whether the characters either side of offset ``i`` belong to one token: letters and digits
    (iPhone, 770), a number and its unit (770米, 2.5%), a decimal point or thousands comma."""
    a, b = text[i - 1], text[i]
    after = text[i + 1] if i + 1 < len(text) else ""
    before = text[i - 2] if i >= 2 else ""
    point = ".,．，"
    letters = a.isascii() and a.isalnum() and b.isascii() and b.isalnum()
    unit = a.isdigit() and (b.isdigit() or b in "%％‰" or bool(CJK_RE.match(b)))
    decimal = (a.isdigit() and b in point and after.isdigit()) or (a in point and before.isdigit() and b.isdigit())
    return letters or unit or decimal
