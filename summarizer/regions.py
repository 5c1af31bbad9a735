"""Article → Region: which province, city and county a story is about.

Division names come from the GB/T 2260 table that the ``cpca`` package ships
(``cpca/resources/adcodes.csv``, 12-digit codes). We read that file directly: importing cpca
itself would pull in pandas for nothing.

Scoring: every mention of a division (full name, or its short form such as 内江 for 内江市)
adds a weight that depends on where it appears — front-matter ``region`` wins outright; then
headline, lead paragraph, body, and the outlet name as weak evidence. A mention counts for its
own level and every level above it (a district implies its city and province). The best
province is chosen first, then the best city inside it, then the best county inside that city.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .types import Article, Region

WEIGHTS = {"region": 100.0, "title": 3.0, "lead": 2.0, "body": 1.0, "source": 0.5}

# Suffixes removed to form short names, longest first. Ethnic autonomous names (广西壮族自治区)
# are handled by _ETHNIC_RE below.
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "地区", "省", "市", "区", "县", "盟", "旗")
_ETHNIC_RE = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,6}族)+(?:自治区|自治州|自治县|自治旗)$")
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Short names that are ordinary words far more often than places.
_AMBIGUOUS_SHORT = {"东区", "西区", "南区", "北区", "城区", "郊区", "新区", "矿区", "东方", "城关"}


@dataclass(frozen=True, slots=True)
class Division:
    code: str  # 6 digits
    name: str
    level: int  # 1 province, 2 city, 3 county

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00"


def _adcodes_path() -> Path:
    spec = importlib.util.find_spec("cpca")  # locate, don't import (cpca imports pandas)
    if spec is None or spec.origin is None:
        raise RuntimeError("the cpca package (division data) is not installed: pip install cpca")
    return Path(spec.origin).parent / "resources" / "adcodes.csv"


@cache
def divisions() -> dict[str, Division]:
    """All divisions by 6-digit code, from the GB/T 2260 table shipped with cpca."""
    out: dict[str, Division] = {}
    with _adcodes_path().open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code, name = row["adcode"][:6], row["name"].strip()
            if name in _PLACEHOLDERS:
                continue
            level = 1 if code.endswith("0000") else 2 if code.endswith("00") else 3
            out[code] = Division(code, name, level)
    return out


def short_name(name: str) -> str | None:
    """内江市 → 内江, 广西壮族自治区 → 广西, 秀英区 → 秀英; None when too short to be safe."""
    if m := _ETHNIC_RE.match(name):
        short = m.group(1)
    else:
        short = next((name[: -len(s)] for s in _SUFFIXES if name.endswith(s)), name)
    if len(short) < 2 or short == name or short in _AMBIGUOUS_SHORT:
        return None
    return short


@cache
def _index() -> tuple[re.Pattern[str], dict[str, list[Division]]]:
    by_name: dict[str, list[Division]] = defaultdict(list)
    for div in divisions().values():
        by_name[div.name].append(div)
        if short := short_name(div.name):
            by_name[short].append(div)
    names = sorted(by_name, key=len, reverse=True)  # longest first: 东昌府区 before 东昌
    return re.compile("|".join(map(re.escape, names))), dict(by_name)


def mentions(text: str) -> list[tuple[str, list[Division]]]:
    """Division names found in ``text`` (longest match, left to right), with their candidates."""
    pattern, by_name = _index()
    return [(m.group(0), by_name[m.group(0)]) for m in pattern.finditer(text)]


def _fields(article: Article) -> list[tuple[str, str]]:
    paras = [p for p in article.text.splitlines() if p.strip()]
    out = [("title", article.title)]
    if paras:
        out.append(("lead", paras[0]))
        out.append(("body", "\n".join(paras[1:])))
    if article.source:
        out.append(("source", article.source))
    if hint := article.meta.get("region"):
        out.append(("region", hint))
    return out


def resolve(article: Article) -> Region:
    """The region an article is about, with confidence and human-readable evidence."""
    table = divisions()
    scores: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[str]] = defaultdict(list)
    for where, text in _fields(article):
        for name, candidates in mentions(text):
            # A name shared by several places (鼓楼区) splits its weight among them; the
            # hierarchy of the other mentions then decides.
            share = WEIGHTS[where] / len(candidates)
            for div in candidates:
                for code in {div.province_code, div.city_code, div.code}:
                    if code in table:
                        scores[code] += share
                evidence[div.province_code].append(f"{where}:{name}")
    provinces = {c: s for c, s in scores.items() if table[c].level == 1}
    if not provinces:
        return Region(scope="unknown", evidence=("no place name found",))
    total = sum(provinces.values())
    prov = max(provinces, key=lambda c: (provinces[c], c))

    def best_below(parent: str, level: int, width: int) -> str | None:
        kids = {c: s for c, s in scores.items()
                if table[c].level == level and c[:width] == parent[:width] and c != parent}
        return max(kids, key=lambda c: (kids[c], c)) if kids else None

    city = best_below(prov, 2, 2)
    county = best_below(city, 3, 4) if city else None
    if city is None and county is None:
        # Municipalities and directly administered counties have no city level in the table.
        county = best_below(prov, 3, 2)
    province_name = table[prov].name
    city_name = table[city].name if city else (province_name if prov[:2] in {"11", "12", "31", "50"} else None)
    return Region(
        province=province_name,
        city=city_name,
        county=table[county].name if county else None,
        confidence=round(provinces[prov] / total, 3),
        evidence=tuple(dict.fromkeys(evidence[prov]))[:8],
        code=county or city or prov,
        scope="local",
    )
