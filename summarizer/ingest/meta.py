"""Metadata from the text: dates, the source named in a byline, the headline, a derived title.

Which lines are furniture is ``furniture``'s job; this module reads what they say."""

from __future__ import annotations

import datetime as dt
import re

from ..text import (
    CLAUSE_MARKS,
    DATE_TAIL_RE,
    LEANING_RE,
    cjk_count,
    close_quotes,
    ends_sentence,
    only_time,
    split_clauses,
    split_sentences,
    strip_lead,
    word_bounds,
)

DATE_RE = re.compile(r"(20\d{2}|19\d{2})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?")


def parse_date(value: str | None) -> dt.date | None:
    """A date from ISO, Chinese (2022年5月18日) or RFC 2822 (Tue, 14 Dec 2021 …) text."""
    if not value:
        return None
    if m := DATE_RE.search(value):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    import email.utils  # RFC 2822 dates are rare: not loaded at start-up

    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.date()


def split_source_label(value: str) -> tuple[str, dt.date | None]:
    """``大象新闻·东方今报 2022-05-18 05:38:02`` → (outlet, date)."""
    date = parse_date(value)
    outlet = DATE_RE.split(value)[0].strip() if date else value.strip()
    return outlet.split()[0] if outlet else value, date


_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+)$")  # a space after the marks: #话题# is a Weibo tag


def _looks_like_headline(line: str) -> bool:
    return 6 <= len(line) <= 40 and not ends_sentence(line, also=CLAUSE_MARKS)


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
    """A title for a text that has none: a clause of its lead, without dateline, byline or date.

    The first sentence that says more than furniture, without what opens it before the news
    (``text.strip_lead``: 据新华社哈尔滨8月7日电、本报讯（记者…）、7月11日，), without clauses that only
    say when (今日，/ 从今天起，) or lean on the next one (为应对洪情，/ 数据显示，), and without a date
    closing a clause; its whole clauses up to ``limit`` characters, or, when the first is longer, that
    clause cut between words (at a space if it has one) with …; quotation marks paired
    (``text.close_quotes``). A sentence that is only a date (2023年2月) is never a title.
    """
    for sentence in split_sentences(text):
        clauses = []
        for clause in split_clauses(strip_lead(sentence)):
            body = clause.rstrip(CLAUSE_MARKS)
            clause = DATE_TAIL_RE.sub("", body) + clause[len(body):]
            if not only_time(clause):
                clauses.append(clause)
        while len(clauses) > 1 and LEANING_RE.search(clauses[0]):
            clauses.pop(0)
        out = ""
        for clause in clauses:
            if out and len(out) + len(clause) > limit:
                break
            out += clause
        out = out.rstrip(CLAUSE_MARKS + "。")
        if out and cjk_count(out) >= 2:
            return close_quotes(_cut(out, limit))
    return close_quotes(_cut(text.strip().splitlines()[0] if text.strip() else text, limit))


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters (then …): at its last space past half of that (the
    phrases of a headline run into the lead), else between words."""
    if len(text) <= limit:
        return text
    spaces = [i for i, c in enumerate(text[:limit]) if c in " \u3000" and i >= limit // 2]
    end = spaces[-1] if spaces else max((b for b in word_bounds(text) if 0 < b <= limit - 1), default=limit - 1)
    return text[:end].rstrip(CLAUSE_MARKS + " \u3000") + "…"
