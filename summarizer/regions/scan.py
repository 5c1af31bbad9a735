"""Where an article names places, and how much each mention weighs.

The article is cut into fields — dateline, headline, lead, body, asides (lists of other stories,
captions), outlet, front-matter region — and each division name found in them (``names.py``) becomes a
``Mention`` whose weight depends on the field and on the words around it (``context.py``). An address
written out (吉林省长春市朝阳区) is one mention of its deepest part; a list of places (天津、济南、上海等方向)
weighs what one mention does. A landmark (故宫, 萧山机场; ``landmarks.py``) counts like a town; a
university is an organisation's home (``home``), weak, unless the text puts the story there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..text import CJK, paragraphs
from ..types import Article
from .context import (
    aside_spans,
    at_place,
    biographical,
    event_place,
    names_event,
    person_notes,
    studied,
)
from .data import ABROAD, Division
from .landmarks import INSTITUTIONS
from .names import GENERIC_FULL, OPEN, Name, mentions, names_place, under

WEIGHTS = {"region": 100.0, "alias": 3.0, "title": 3.0, "dateline": 3.0, "lead": 2.0, "body": 1.0, "source": 0.5,
           "outlet": 0.5, "home": 0.5, "aside": 0.2}
_TEXT_FIELDS = {"title", "lead", "body", "aside"}  # where the words around a name are read
MENU_CHARS, ASIDE_CHARS = 16, 40  # lines without punctuation shorter than these: menus, headlines
LEAD_CHARS = 150  # the lead is the first paragraph, at most this long; the rest is body
BODY_HALF_WEIGHT_AT = 2000  # a body mention this many characters in weighs half
EVENT_NAME_SHARE = 0.5  # what a place opening a named event's name weighs
EVENT_BOOST = 2.0  # what a place where the sentence says the event took place weighs
LANDMARK_SHARE = 0.8  # a landmark (故宫, 萧山机场) weighs less than a division's name in its place
LIST_ITEMS = 3  # places listed together from which each counts only its share
# What separates the items of a list of places: 、 or 和/及/与/或, after a repeated word (基地、) or a
# figure in brackets (上海（9.7%）、海南), or before a region word (和东北辽宁).
_LIST_GAP = re.compile(rf"[{CJK}]{{0,4}}?(?:[（(][^（）()]{{0,12}}[）)])?(?:、|和|及|与|以及|或)[{CJK}]{{0,2}}")
_STUDENTS = re.compile(r"生(?![命物态活产])")  # 大学生 (students), not 大学生命科学学院
_CAMPUS_OPEN = "（("  # 哈尔滨工业大学（威海）: a campus named by its place in brackets
QUOTE_CHARS = 14  # characters quoted on each side of a name
TITLE_CHARS = 40  # a longer title is quoted cut

# What follows a name when it is part of a company, university, street, ship or person (宁波远洋, 北京大学,
# 南京东路, 山东舰, 宁波同志, a listed company's stock code), a time zone (北京时间) or a dialect (北京腔):
# the mention is then not about the place.
_NOT_PLACE_AFTER = re.compile(
    r"(?:远洋|集团|银行|航空|证券|控股|股份|巴巴|大学|[东西南北中]?路(?!段)|大道|大街|街(?!道)|巷|同志|先生|女士"
    r"|时间|腔|口音|方言|话(?![剧题费筒术])|舰"  # 山东舰, 海南舰: ships are named after places
    rf"|[{CJK}]{{0,4}}[（(]\d{{6}})")  # 新疆交建（002941）: a listed company
# ... or part of an outlet's name (湖北日报, 深圳新闻网, 江苏广电): the outlet's place, weak evidence.
_OUTLET_AFTER = re.compile(
    r"(?:今报|日报|晚报|晨报|早报|商报|时报|都市报|青年报|特区报|电视台|卫视|广播|广电|融媒|(?:新闻)?网|客户端)")
# The commonest surnames: a word-like short name right after one is a person's given name.
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡杜叶程苏魏吕丁"
                "沈姚卢姜崔钟谭陆汪范廖贾夏韦邹孟熊秦邱尹薛闫段雷侯史陶黎贺顾毛郝龚邵钱严覃戴莫孔汤")
# Datelines near the start: 新华社福州8月1日电, 中新网陕西汉中8月4日电, 本报上海讯; and an outlet's own
# report, 湖北日报讯, 深圳新闻网2023年8月17日讯, 新民晚报讯, whose place is the outlet's.
_DATELINE = re.compile(
    rf"(?:新华社|中新社|中新网|[{CJK}]{{1,6}}(?:社|网|报|台))([{CJK}]{{2,8}}?)\s?"
    r"(?:\d{1,2}月\d{1,2}日\s?电|(?:\d{1,2}月\d{1,2}日\s?)?讯)"
    rf"|([{CJK}]{{1,6}}(?:报|网|台|客户端|新闻))(?:（[^）]{{0,12}}）)?\s?(?:\d{{4}}\s?年\s?)?"
    r"(?:\d{1,2}\s?月\s?\d{1,2}\s?日\s?)?讯")
DATELINE_WITHIN = 80  # characters from the start of the lead
# National and world news of the wires is filed from the capital: a Beijing dateline says where
# the desk is, so it counts only where the text names Beijing too.
CAPITAL = "北京市"
CAPITAL_CONFIRMS = 0.5  # of its field's weight, at least, for a mention of the capital to confirm it

_SENTENCE_PUNCT = re.compile(r"[。，！？；：,.!?;]")
_CLAUSE_END = "。！？；，,;：:\n"
_SPACES = re.compile(r"\s{2,}")


@dataclass(frozen=True, slots=True)
class Mention:
    """One name found, where, with what weight, and the words around it (for people)."""

    where: str
    name: str
    weight: float
    cands: tuple[Name, ...]
    context: str  # the field's text, or what stands for the whole field (a dateline, a title)
    span: tuple[int, int] | None = None  # where the name is in ``context``; None: quote it whole

    @property
    def quote(self) -> str:
        """The words around the name (computed only for the mention that wins)."""
        return self.context if self.span is None else _quote(self.context, *self.span)


def _kind(line: str) -> str:
    """``menu`` (a menu item), ``aside`` (a link or headline of another story) or ``prose``.

    Web pages leave menus and lists of other stories' headlines in the text; neither has
    sentence punctuation, and neither is about this story.
    """
    if _SENTENCE_PUNCT.search(line):
        return "prose"
    return "menu" if len(line) < MENU_CHARS else "aside" if len(line) < ASIDE_CHARS else "prose"


def _fields(article: Article) -> list[tuple[str, str, str]]:
    """(where, text, quote) for each part of the article; ``quote`` stands for the whole field."""
    paras = [_SPACES.sub(" ", p) for p in paragraphs(article.text)]
    kinds = [_kind(p) for p in paras]
    prose = [p for p, k in zip(paras, kinds, strict=True) if k == "prose"] or paras
    # A feature may open with a quote that names no place; then its second paragraph, which
    # says where it happened, serves as the lead.
    quote_led = len(prose) > 1 and prose[0].startswith(("“", "「", '"'))
    first = 1 if quote_led and not names_place(prose[0][:LEAD_CHARS]) else 0
    lead = prose[first][:LEAD_CHARS] if prose else ""
    body = "\n".join([*prose[:first], prose[first][LEAD_CHARS:], *prose[first + 1:]]) if prose else ""
    aside = "\n".join(p for p, k in zip(paras, kinds, strict=True) if k == "aside")
    out = []
    if m := _DATELINE.search(lead[:DATELINE_WITHIN]):
        out.append(("dateline", m.group(1) or m.group(2), m.group(0)))
        lead = lead[: m.start()] + "〇" * len(m.group(0)) + lead[m.end():]  # counted once, as the dateline
    # A title made from the first sentence repeats the lead: no evidence of its own.
    title = "" if article.title_derived else article.title
    out += [("title", title, title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS] + "…"), ("lead", lead, ""),
            ("body", body, ""), ("aside", aside, "")]
    if article.source:
        out.append(("source", article.source, article.source))
    if hint := article.meta.get("region"):
        out.append(("region", hint, f"region: {hint}"))
    return out


def _alias_divisions(value: str) -> list[Division]:
    """The most specific division named in an alias target such as 山东省聊城市东昌府区."""
    found = [c.division for _, _, cands in mentions(value) for c in cands if not c.gated]
    if not found:
        return []
    deepest = max(d.level for d in found)
    return [d for d in found if d.level == deepest]


def _quote(text: str, start: int, end: int) -> str:
    """The clause around ``text[start:end]``, at most QUOTE_CHARS characters either side."""
    a = start
    while a > max(0, start - QUOTE_CHARS) and text[a - 1] not in _CLAUSE_END:
        a -= 1
    b = end
    while b < min(len(text), end + QUOTE_CHARS) and text[b] not in _CLAUSE_END:
        b += 1
    return ("…" if a and text[a - 1] not in _CLAUSE_END else "") + text[a:b].strip("〇 ") + (
        "…" if b < len(text) and text[b] not in _CLAUSE_END else "")


def _names(where: str, text: str) -> list[tuple[int, int, str, tuple[Name, ...], bool, int]]:
    """The names in one field as (start, end, name, candidates, in an outlet's name).

    Filters what is not a place, and joins an address written out (吉林省长春市, 衡水安平) into one
    mention of its deepest part, whose candidates the address confirms.
    """
    notes = person_notes(text)
    out: list[tuple[int, int, str, tuple[Name, ...], bool, int]] = []
    background = -1  # the end of the last name dropped as a person's background
    found = mentions(text)
    for k, (name, end, cands) in enumerate(found):
        start = end - len(name)
        students = name.endswith("大学") and bool(_STUDENTS.match(text, end))
        if students and (place := mentions(name[:-2])) and place[0][0] == name[:-2]:
            name, end, cands = place[0][0], end - 2, place[0][2]  # 郑州大学生: a city's students, not 郑州大学
        if start and text[start - 1] in _SURNAMES and all(c.gated for c in cands):
            continue  # 郑板桥, 王平安: a person's given name, not the district
        after = found[k + 1][1] - len(found[k + 1][0]) if k + 1 < len(found) else -1
        if _institution(cands) and (after == end or (after == end + 1 and text[end] in _CAMPUS_OPEN)):
            continue  # 哈尔滨工业大学（威海）, 北京大学深圳研究生院: a campus elsewhere, named by its own place
        # A foreign place before a title or a quoted name is the home of the outlet quoted (美国《纽约时报》).
        outlet = any(c.outlet for c in cands) or bool(_OUTLET_AFTER.match(text, end)) or (
            all(c.division.level == ABROAD for c in cands) and text[end:end + 1] in "《“")
        if where in _TEXT_FIELDS:
            if biographical(text, start, end, notes) or start == background or (
                    _institution(cands) and studied(text, start, end)):
                # 生于上海, （男，39岁，太原市人）: where a person comes from, not the event; with the rest
                # of the address (出生于贵州黔东南…剑河县).
                background = end
                continue
            if not outlet and not students and _NOT_PLACE_AFTER.match(text, end):
                continue
        if where == "dateline":
            cands = tuple(replace(c, gate=OPEN) for c in cands)  # a dateline names a place
        if out and out[-1][1] == start and not any(c.outlet for c in out[-1][3]) and not _institution(cands):
            # (长沙中南大学: the city named is a place of the text's own; the university, its home)
            p_start, _, p_name, p_cands, p_outlet, parts = out[-1]
            inner = [c for c in cands if any(under(c.division, p.division) for p in p_cands)]
            if inner:
                # Confirmed by an open outer part, or by a specific inner one (新城区 + 自强路街道: two
                # names that mean something else apart, but not together).
                sure = any(not p.gated for p in p_cands) or name not in GENERIC_FULL
                merged = tuple(replace(c, gate=OPEN if sure else c.gate) for c in inner)
                out[-1] = (p_start, end, p_name + name, merged, p_outlet or outlet, parts + 1)
                continue
            if all(c.landmark for c in cands):
                continue  # 沈阳故宫, 台北故宫: the namesake of a landmark elsewhere
        out.append((start, end, name, cands, outlet, 1))
    return out


def scan(article: Article, aliases: Mapping[str, str]) -> list[Mention]:
    """Every mention, weighted, with aliases applied first."""
    out = []
    for where, text, quote in _fields(article):
        for alias, target in aliases.items():
            if alias in text:
                divs = _alias_divisions(target)
                if divs and where != "region":
                    out.append(Mention("alias", alias, WEIGHTS["alias"] * text.count(alias),
                                       tuple(Name(d, OPEN) for d in divs), f"{alias} → {target}"))
                text = text.replace(alias, "〇")  # an alias (with an empty target) hides a name
        asides = aside_spans(text) if where in _TEXT_FIELDS else []
        names = _names(where, text)
        shares = _list_shares(text, [(a, b) for a, b, *_ in names]) if where in _TEXT_FIELDS else [1.0] * len(names)
        for (start, end, name, cands, outlet, parts), share in zip(names, shares, strict=True):
            # An address weighs what its parts did; a list of places weighs what one mention does.
            kind, weight = where, WEIGHTS[where] * parts * share
            if all(c.landmark for c in cands):
                weight *= LANDMARK_SHARE
            if where in _TEXT_FIELDS:
                if outlet:
                    kind, weight = "outlet", WEIGHTS["outlet"]
                elif any(a <= start < b for a, b in asides):
                    kind, weight = "aside", WEIGHTS["aside"]
                elif _institution(cands) and not at_place(text, start, end):
                    # A university named for its people (北京大学教授, 复旦大学与…签约) is a participant's
                    # home, weak like an outlet; the story is there only where the text puts it there.
                    kind, weight = "home", WEIGHTS["home"]
                else:
                    if where == "body":
                        # Later mentions count less: the story's own place comes early, passing
                        # mentions and related-story links late.
                        weight /= 1 + end / BODY_HALF_WEIGHT_AT
                    if names_event(text, end):
                        weight *= EVENT_NAME_SHARE
                    elif event_place(text, start, end):
                        weight *= EVENT_BOOST
            out.append(Mention(kind, name, weight, cands, quote or text, None if quote else (start, end)))
    return _capital_dateline(out)


def _institution(cands: tuple[Name, ...]) -> bool:
    return all(c.landmark in INSTITUTIONS for c in cands)


def _list_shares(text: str, spans: list[tuple[int, int]]) -> list[float]:
    """Per name, 1/N when it is one of N ≥ LIST_ITEMS places listed together (天津、济南、上海等方向), else 1."""
    shares = [1.0] * len(spans)
    run = [0]
    for i in range(1, len(spans) + 1):
        if i < len(spans) and _LIST_GAP.fullmatch(text, spans[i - 1][1], spans[i][0]):
            run.append(i)
            continue
        if len(run) >= LIST_ITEMS:
            for j in run:
                shares[j] = 1 / len(run)
        run = [i]
    return shares


def _capital_dateline(found: list[Mention]) -> list[Mention]:
    """A dateline in the capital counts only where the text names the capital too, as a place of
    its own: not as one of a list of provinces, nor in passing far down the body."""
    def capital(m: Mention) -> bool:
        return bool(m.cands) and all(c.division.province == CAPITAL for c in m.cands)

    if any(capital(m) and m.weight >= CAPITAL_CONFIRMS * WEIGHTS[m.where] for m in found
           if m.where in ("title", "lead", "body")):
        return found
    return [replace(m, where="aside", weight=WEIGHTS["aside"]) if m.where == "dateline" and capital(m)
            else m for m in found]
