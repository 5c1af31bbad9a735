"""Landmarks and institutions that stand for a place without naming a division.

故宫 is in 东城区, 三星堆 in 广汉市, 桃园机场 in 大园区, 哈工大 in 南岗区: a text that names only these
still says where it is. ``landmarks.tsv`` is a fact table of such names, written category by
category from public lists, each aiming at the whole of its definition (the file's header names
them) — not from the articles the resolver is measured on. Each entry points to its division in the
tree (``data.py``): county where the landmark lies in one, else city, else province.

A landmark is evidence like a town, a little weaker than a division's name in the same place
(``scan.LANDMARK_SHARE``); names marked ``?`` in the table (a word, or a name shared with other
places: 东湖, 白云山) count only where the text names the landmark's city too. An institution (a
university) is an organisation, a participant: its name says where it is based, not where the story
happens (``INSTITUTIONS``; ``scan.py`` weighs it as an organisation's home).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from .data import CITY, COUNTY, MUNICIPALITIES, PROVINCE, Division, divisions

LANDMARK = 5  # the level of a landmark: below a town
# Kinds whose names are organisations rather than places (see scan.py: an organisation's home).
INSTITUTIONS = frozenset({"university"})
# Kinds whose table names a core that texts write with a suffix: 萧山 → 萧山机场, 萧山国际机场.
_FORMS = {"airport": ("机场", "国际机场"), "station": ("站",)}
_KINDS = frozenset({"scenic", "heritage", "site", "university", "airport", "station", "lake"})
GATED = "?"  # before a name in the table: it counts only where the text names the city too


@dataclass(frozen=True, slots=True)
class Landmark:
    """One entry of the table: its kind, the names texts use (with their gate) and where it is."""

    kind: str
    names: tuple[tuple[str, bool], ...]  # (name, gated)
    division: Division  # a pseudo-division at level LANDMARK under its county, city or province


_Tree = dict[tuple[int, str | None, str | None], list[Division]]  # (level, province, city) → divisions


def _child(parent: Division | None, level: int, token: str, tree: _Tree) -> Division:
    """The division at ``level`` under ``parent`` whose name is ``token`` or starts with it (德阳 → 德阳市)."""
    key = (level, parent.province if parent else None, parent.city if parent and level == COUNTY else None)
    found = [d for d in tree.get(key, []) if d.name == token]
    found = found or [d for d in tree.get(key, []) if d.name.startswith(token)]
    if len(found) != 1:
        where = f" under {parent.name}" if parent else ""
        raise ValueError(f"landmarks.tsv: {token!r}{where} matches {len(found)} divisions, not one")
    return found[0]


@cache
def landmarks() -> tuple[Landmark, ...]:
    """Every entry of ``landmarks.tsv``, resolved against the division tree.

    Raises:
        ValueError: a row names a kind or a division that does not exist (the table is wrong).
    """
    tree: _Tree = {}
    for d in divisions():
        if d.level == PROVINCE:
            tree.setdefault((PROVINCE, None, None), []).append(d)
        elif d.level == CITY:
            tree.setdefault((CITY, d.province, None), []).append(d)
        elif d.level == COUNTY:
            tree.setdefault((COUNTY, d.province, d.city), []).append(d)
    text = resources.files(__package__).joinpath("landmarks.tsv").read_text(encoding="utf-8")
    out: list[Landmark] = []
    key = len(divisions())
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 5 or cells[0] not in _KINDS:
            raise ValueError(f"landmarks.tsv line {number}: expected kind, names, province, city, county: {line!r}")
        kind, names, *where = cells
        try:
            prov = _child(None, PROVINCE, where[0], tree)
            city = _child(prov, CITY, prov.name if prov.name in MUNICIPALITIES else where[1], tree) if (
                where[1] != "-" or prov.name in MUNICIPALITIES) else None
            # Hong Kong's and Macau's districts hang directly under the region.
            county = _child(city or prov, COUNTY, where[2], tree) if where[2] != "-" else None
        except ValueError as exc:
            raise ValueError(f"{exc} (line {number})") from None
        parsed: list[tuple[str, bool]] = []
        for name in names.split("|"):
            gated = name.startswith(GATED)
            core = name.removeprefix(GATED)
            parsed += [(core + suffix, gated) for suffix in _FORMS.get(kind, ("",))]
        first = parsed[0][0]
        division = Division(key, first, LANDMARK, None, prov.name, city.name if city else None,
                            county.name if county else None)
        out.append(Landmark(kind, tuple(parsed), division))
        key += 1
    return tuple(out)
