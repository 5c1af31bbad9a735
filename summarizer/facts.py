"""Figures in text: extraction with units, normalisation (6万 = 六万 = 60000), and the
faithfulness check that every figure in a summary appears in its source.

Generated summaries change numbers (2836 → 2863); a summary whose figures are not all in the
source is not used as is (see pipeline).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator

from .lexicon import word_idf
from .text import CJK, split_sentences
from .types import GARBLED, KeyFigure

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000, "万亿": 10**12}
# Measures: what an amount is counted in (a currency, a time, a weight, a count word).
MEASURES = (
    "户|份|名|人次|人|个|家|栋|幢|条|批次|批|次|项|所|座|辆|台|套|件|箱|袋|吨|公斤|千克|斤|克|毫米|厘米|千米|米|"
    "公里|平方公里|平方米|立方米|公顷|亩|升|千瓦时|元|人民币|美元|美金|欧元|日元|港元|英镑|韩元|卢布|块|年|月|日|天|周|小时|分钟|秒|"
    "岁|倍|%|％|‰|组|支|场|轮|期|处|间|床"
)
# Nouns that count like units after a number (19个小区 … 3个单元) but name things on their own.
_UNITS = f"{MEASURES}|单元|社区|小区"
# Digits with a decimal point (ASCII or full-width 2．8), grouped thousands (52,214,667; 49，893，651 — a
# full-width comma only in groups of three, else it ends a clause), or Chinese numerals.
_NUM = r"(?:\d{1,3}(?:，\d{3})+(?!\d)(?:[.．]\d+)?|\d+(?:[.．,]\d+)*|[零〇一二两三四五六七八九十百千]+)"
FIGURE_RE = re.compile(
    rf"(?P<qual>近|约|超过|超|逾|数)?(?P<num>{_NUM})\s*(?P<big>万亿|[万亿])?(?P<more>余|多)?\s*(?P<unit>{_UNITS})?"
)
# A word that is only an amount's unit (亿美元, 小时, 万人次): never a keyword or a theme.
_AMOUNT_NUMERALS = "零〇一二两三四五六七八九十百千万亿"
AMOUNT_WORD_RE = re.compile(rf"[{_AMOUNT_NUMERALS}]*(?:{MEASURES})?")
# What an amount word opens and closes with: a numeral, or the first (last) character of a measure. Most
# words fail this, and the test is far cheaper than the regex, whose measures are tried one by one.
_AMOUNT_FIRST = frozenset(_AMOUNT_NUMERALS) | {m[0] for m in MEASURES.split("|")}
_AMOUNT_LAST = frozenset(_AMOUNT_NUMERALS) | {m[-1] for m in MEASURES.split("|")}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_DATE_RE = re.compile(rf"(?:(?P<y>\d{{4}})年)?(?P<m>{_NUM})月(?:(?P<d>{_NUM})[日号])?")


def amount_word(word: str) -> bool:
    """True for a word that is only numerals and a unit (亿美元, 小时, 万人次): an amount, not a term."""
    if not word or word[0] not in _AMOUNT_FIRST or word[-1] not in _AMOUNT_LAST:
        return False
    return AMOUNT_WORD_RE.fullmatch(word) is not None


def chinese_to_int(text: str) -> int | None:
    """二十五 → 25, 六 → 6, 一百零八 → 108; None if ``text`` is not a Chinese numeral."""
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


def parse_number(num: str, big: str | None = None) -> float | None:
    value: float | None
    if num[0].isdigit():
        try:
            value = float(num.translate(_FULL_WIDTH).replace(",", ""))
        except ValueError:
            return None
    else:
        value = chinese_to_int(num)
    if value is None:
        return None
    return value * _BIG.get(big or "", 1)


def figures(text: str) -> list[KeyFigure]:
    """Every number with its unit in ``text``; dates (8月4日) become one figure with unit 日期."""
    return list(_figures(text))


def _figures(text: str) -> Iterator[KeyFigure]:
    """``figures``, one at a time: ``key_figures`` stops reading once it has its few."""
    for sentence in split_sentences(text) or [text]:
        taken: list[tuple[int, int]] = []
        # every date names its month: a sentence without 月 is not searched for one (a search per offset)
        for m in _DATE_RE.finditer(sentence) if "月" in sentence else ():
            month = parse_number(m.group("m"))
            if month is None or not 1 <= month <= 12:
                continue
            day = parse_number(m.group("d")) if m.group("d") else None
            value = (month * 100 + (day or 0)) if day is None or 1 <= day <= 31 else None
            yield KeyFigure(m.group(0), value, "日期", sentence)
            taken.append(m.span())
        for m in FIGURE_RE.finditer(sentence):
            if any(a <= m.start() < b for a, b in taken):
                continue
            if not (m.group("unit") or m.group("big")) and not m.group("num")[0].isdigit():
                continue  # a bare Chinese numeral (一位, 三个) is language, not a figure
            value = parse_number(m.group("num"), m.group("big"))
            if value is None:
                continue
            if m.group("unit") == "年" and 1900 <= value <= 2100 and not m.group("big"):
                continue  # a year, not an amount
            yield KeyFigure(m.group(0).strip(), value, m.group("unit") or "", sentence)


def _values(items: Iterable[KeyFigure]) -> set[tuple[float, str]]:
    return {(f.value, f.unit) for f in items if f.value is not None} | {
        (f.value, "") for f in items if f.value is not None
    }


def unsupported_figures(summary: str, source: str) -> list[str]:
    """Figures in ``summary`` whose value (with its unit, or as a bare number) is not in ``source``."""
    known = _values(figures(source))
    missing = []
    for fig in figures(summary):
        if fig.value is None:
            continue
        if (fig.value, fig.unit) not in known and (fig.value, "") not in known:
            missing.append(fig.text)
    return missing


def key_figures(text: str, limit: int = 5) -> list[KeyFigure]:
    """The article's headline figures: amounts with a unit (not dates), first mention of each value,
    one per sentence, from clean sentences.

    Small Chinese numerals (一天, 一名) are language rather than data, so a key figure needs
    Arabic digits or a 万/亿 multiplier. Vague counts (数十万人) say nothing exact, and a bare
    ``N日`` is as often a date (当地时间20日) as a number of days: neither is a key figure. A sentence
    holding a garbled span (``types.GARBLED``) is never quoted, and a sentence gives one figure, so
    the quotes under an article do not repeat one another. Digits right after a letter or digit
    belong to a code or model name (Mate60, 300976.SZ), not to an amount.
    """
    seen: set[tuple[float | None, str]] = set()
    sentences: set[str] = set()
    out = []
    for fig in _figures(text):
        numeric = any(c.isdigit() for c in fig.text) or any(c in _BIG for c in fig.text)
        vague = fig.text.startswith("数") or fig.unit in {"", "日期", "日"}
        if not numeric or vague or (fig.value, fig.unit) in seen or fig.sentence in sentences:
            continue
        if GARBLED in fig.sentence or _in_code(fig):
            continue
        seen.add((fig.value, fig.unit))
        sentences.add(fig.sentence)
        out.append(fig)
        if len(out) == limit:
            break
    return out


def _in_code(fig: KeyFigure) -> bool:
    at = fig.sentence.find(fig.text)
    before = fig.sentence[at - 1] if at > 0 else ""
    return bool(before) and ((before.isascii() and before.isalnum()) or before in "._-")


# Organisation names: the two characters before a suffix that ends most proper names (悦山国际小区 →
# 国际小区). Only the distinctive part is checked: a summary may shorten 悦山国际小区 to 国际小区, but
# 阳光小区 in a summary of an article that never mentions 阳光 is an invented name. A stem that is a
# common word (IDF under 6 in jionlp's word list: 帮助, 建设, 国际) is more often a verb or modifier
# before the noun (帮助社区 = helping the community) than a name. People's names cannot be told from
# ordinary words without a segmenter, so they are not checked.
_ORG_SUFFIX = "有限公司|公司|集团|委员会|居委会|村委会|办事处|街道|社区|医院|银行|协会|小区|派出所|法院|检察院|学校"
_ORG_RE = re.compile(rf"(?P<stem>[{CJK}]{{2}})(?:{_ORG_SUFFIX})")
_NOT_A_NAME = set("的了在为和与及等对把被向从这那该此本各每全某其个家所是有将已多一几两三四五六七八九十百千万")
_COMMON_WORD_IDF = 6.0
# Stems that read as names but are not, beyond the common words the IDF rule already lets through.
_GENERIC_STEMS = {"周边", "辖区", "基层", "农村", "物业", "业主", "下属", "老旧"}


def unsupported(text: str, source: str) -> list[str]:
    """What model-written ``text`` (summary, title, 综述) says that ``source`` does not: figures, then names."""
    return unsupported_figures(text, source) + unsupported_names(text, source)


def unsupported_names(summary: str, source: str) -> list[str]:
    """Organisation names in ``summary`` (…小区, …公司, …社区) whose distinctive part is not in ``source``."""
    flat = re.sub(r"\s+", "", source)
    missing = []
    for m in _ORG_RE.finditer(summary):
        stem = m.group("stem")
        if set(stem) & _NOT_A_NAME or stem in _GENERIC_STEMS or stem in flat:
            continue
        if word_idf().get(stem, math.inf) < _COMMON_WORD_IDF:
            continue
        if m.group(0) not in missing:
            missing.append(m.group(0))
    return missing
