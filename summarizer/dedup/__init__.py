"""Duplicates: one story once. Articles → stories, each with its reprints and related reports.

``find_stories`` takes the articles of a run and returns its stories, in steps:

1. Compare what matters (``normalise``, ``encode``): each text and its captions without their
   furniture, width, case and punctuation folded; identical results are exact copies and are
   compared once.
2. Sketch (``sketch``): MinHash signatures of character shingles; LSH banding proposes candidate
   pairs — the cost grows with the text, not with the number of pairs.
3. Judge the candidate pairs (``compare``): one story (a reprint), or not.
4. Merge: the longest texts lead; each text joins the most similar leader it is one story with
   (never a chain of copies of copies). The primary of a story is its most complete version —
   the longest clean body, then the earliest date, then the original over a text that says it
   was reprinted (转载, 来源).
5. Group: a story related to an earlier story (same event: a run of story text, or key numbers
   and the city, in common within ``related_days``) is shown under it as 相关报道 — grouped,
   never merged.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..types import Article, Region, Story
from . import encode, sketch
from .compare import MARGIN, THRESHOLDS, Thresholds, Verdicts, related
from .encode import Texts
from .normalise import comparison_text, story_body

log = logging.getLogger(__name__)

__all__ = ["THRESHOLDS", "Index", "Plan", "Sketches", "Texts", "Thresholds", "find_stories", "index", "index_of",
           "plan", "prepare", "sketches", "stories"]

COMPLETE_SHARE = 0.95  # a version at least this long (of the longest) is as complete; dates decide
_UNDATED = dt.date.max.toordinal() + 1  # an unknown date (-1) comes after every date
MAX_SHARERS = 8  # a run of text or a number in one city found in more stories than this is common, not an event's
# A text that says where it was taken from: 转载, 转自, 来源：X (X another outlet than its own).
_TAKEN_RE = re.compile(r"转载|转自|来源\s*[:：|]\s*([^\s，。,|｜】)）]{2,12})")


def prepare(articles: Sequence[Article]) -> Texts:
    """What ``compare`` needs of each article, one text per article."""
    return encode.encode(_bodies(articles), _days(articles))


def _bodies(articles: Sequence[Article]) -> list[str]:
    return [story_body(comparison_text(a)) for a in articles]


def _days(articles: Sequence[Article]) -> np.ndarray:
    return np.array([a.date.toordinal() if a.date else -1 for a in articles], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Sketches:
    """Some articles as ``find_stories`` compares them, made where they were read (``sketches``): a
    month's bodies can then be let go there, and compared from these (``index_of``)."""

    bodies: tuple[str, ...]  # each text as compared (``normalise.story_body``)
    encoded: tuple[encode.Encoded, ...]  # their arrays, without shingle hashes (``encode.encoded``)
    days: np.ndarray
    reprinted: tuple[bool, ...]  # ``_says_reprinted``


def sketches(articles: Sequence[Article]) -> Sketches:
    bodies = _bodies(articles)
    return Sketches(tuple(bodies), tuple(encode.encoded(bodies)), _days(articles),
                    tuple(map(_says_reprinted, articles)))


@dataclass(frozen=True, slots=True)
class Index:
    """A run's articles as ``find_stories`` compares them (``index``), ready to be judged under any
    thresholds (``stories``) — the benchmark tunes thresholds on one index."""

    articles: tuple[Article, ...]  # () for an index of sketches (``index_of``): ``plan`` it
    text_of: np.ndarray  # for each article, the first article with its comparison text (an exact copy's original)
    lengths: np.ndarray  # length of each article's comparison text
    texts: Texts  # one per article
    pairs: np.ndarray  # LSH candidate pairs of ``texts``, among the first articles of each text
    reprinted: Sequence[bool]  # each article says it was taken from another outlet (``_says_reprinted``)
    regions: Sequence[Region]  # each article's


def index(articles: Sequence[Article]) -> Index:
    """Steps 1–2: normalise, set exact copies aside, sketch, and find the candidate pairs."""
    return _indexed(prepare(articles), [_says_reprinted(a) for a in articles], [a.region for a in articles],
                    tuple(articles))


def index_of(parts: Sequence[Sketches], bodies: Sequence[str], regions: Sequence[Region]) -> Index:
    """``index`` of the articles ``parts`` sketched, in order, without the articles: ``bodies`` are the
    parts' bodies (a spill's view: read again only for the texts a candidate pair holds), ``regions``
    the articles' regions."""
    days = np.concatenate([p.days for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    texts = encode.join([e for p in parts for e in p.encoded], bodies, days)
    return _indexed(texts, [r for p in parts for r in p.reprinted], regions, ())


def _indexed(texts: Texts, reprinted: Sequence[bool], regions: Sequence[Region],
             articles: tuple[Article, ...]) -> Index:
    lengths = texts.lengths
    keys = texts.keys.copy()
    empty = lengths == 0
    keys[empty, 1] = np.arange(int(empty.sum()), dtype=np.uint64)  # an empty text is no copy of another
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    text_of = first[inverse.ravel()]  # the first article with the same text
    reps = np.sort(first)
    pairs = reps[sketch.candidate_pairs(texts.signatures[reps], texts.sizes[reps])]
    return Index(articles, text_of, lengths, texts, pairs, reprinted, regions)


@dataclass(frozen=True, slots=True)
class Plan:
    """A run's stories as positions of its articles, in the order of their first article (``plan``):
    each story's primary, its reprints, and the story it is shown under (``Story.related_to``)."""

    primaries: list[int]
    reprints: list[tuple[int, ...]]
    related_to: list[int | None]


def stories(idx: Index, thresholds: Thresholds = THRESHOLDS) -> list[Story]:
    """Steps 3–5: judge the candidate pairs, merge, and group related stories."""
    found, a = plan(idx, thresholds), idx.articles
    return [Story(a[p], tuple(a[i] for i in reprints), related_to)
            for p, reprints, related_to in zip(found.primaries, found.reprints, found.related_to, strict=True)]


def plan(idx: Index, thresholds: Thresholds = THRESHOLDS) -> Plan:
    """``stories`` as positions (``Plan``): what an index of sketches (``index_of``) gives."""
    texts = idx.texts
    verdicts = Verdicts(texts, idx.pairs, thresholds)
    leader = _leaders(texts, verdicts)
    # stories in the order of their first article; each article's story
    lead_of = leader[idx.text_of]
    _, first, inverse = np.unique(lead_of, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    story_of_article = rank[inverse.ravel()]
    members = np.argsort(story_of_article, kind="stable")
    bounds = np.searchsorted(story_of_article[members], np.arange(len(first) + 1)).tolist()
    members_l, lengths, days = members.tolist(), idx.lengths.tolist(), texts.days.tolist()
    groups = [members_l[bounds[s]:bounds[s + 1]] for s in range(len(first))]
    primaries = [_primary(group, lengths, days, idx.reprinted) for group in groups]
    lead = np.empty(len(first), dtype=np.int64)
    lead[story_of_article[lead_of]] = lead_of  # the text that stands for each story: its leader
    merged = verdicts.verdict == Verdicts.YES
    related_to = _group_related(groups, primaries, idx.regions, texts, lead, story_of_article, idx.pairs[~merged],
                                thresholds)
    return Plan(primaries, [tuple(i for i in g if i != p) for g, p in zip(groups, primaries, strict=True)],
                related_to)


def find_stories(articles: Sequence[Article], *, thresholds: Thresholds = THRESHOLDS) -> list[Story]:
    """The stories among ``articles``, in the order of their first article.

    Every article is in exactly one story, as its primary or as one of its reprints.
    """
    if not articles:
        return []
    found = stories(index(articles), thresholds)
    merged = len(articles) - len(found)
    if merged:
        log.info("%d articles are %d stories: %d reprints merged", len(articles), len(found), merged)
    return found


def _leaders(texts: Texts, verdicts: Verdicts) -> np.ndarray:
    """For each text, the index of the leader it joins (itself when it leads).

    The longest texts come first; a text joins the most similar leader it is one story with, or
    leads. Only a text's pairs with leaders are judged (``Verdicts.same``).
    """
    n = len(texts)
    order = np.lexsort((np.arange(n), -texts.sizes))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    live = np.nonzero(verdicts.verdict != Verdicts.NO)[0]
    a, b = verdicts.pairs[live, 0], verdicts.pairs[live, 1]
    # each pair from the text that comes later to the one that comes first: the only leader it
    # might join; a text's pairs by their estimated similarity, highest first
    later, first = np.where(rank[a] > rank[b], a, b), np.where(rank[a] > rank[b], b, a)
    by_text = np.lexsort((-verdicts.j[live], later))
    other, pair_of = first[by_text].tolist(), live[by_text].tolist()
    bounds = np.searchsorted(later[by_text], np.arange(n + 1)).tolist()
    leader = list(range(n))
    is_leader = [False] * n
    j, verdict = verdicts.j.tolist(), verdicts.verdict.tolist()
    for i in order.tolist():
        best, best_j = -1, -1.0
        for q in range(bounds[i], bounds[i + 1]):
            if not is_leader[k := other[q]]:
                continue
            if j[p := pair_of[q]] + MARGIN <= best_j:
                break  # the rest are less similar, even counted exactly
            if verdict[p] == Verdicts.YES:
                if j[p] > best_j:
                    best, best_j = k, j[p]
            elif verdicts.same(p) and (counted := float(verdicts.j[p])) > best_j:
                best, best_j = k, counted
        if best >= 0:
            leader[i] = best
        else:
            is_leader[i] = True
    return np.array(leader, dtype=np.int64)


def _primary(group: list[int], lengths: list[int], days: list[int], reprinted: Sequence[bool]) -> int:
    """The most complete version: the longest clean body (within ``COMPLETE_SHARE``), then the
    earliest date (``days``: -1 unknown, after every date), then a text that does not say it was
    taken from another outlet."""
    if len(group) == 1:
        return group[0]
    longest = max(lengths[i] for i in group)
    complete = [i for i in group if lengths[i] >= COMPLETE_SHARE * longest]
    def day(i: int) -> int:
        return days[i] if days[i] >= 0 else _UNDATED

    earliest = min(map(day, complete))
    first = [i for i in complete if day(i) == earliest]
    return min(first, key=lambda i: (len(first) > 1 and reprinted[i], -lengths[i], i))


def _says_reprinted(article: Article) -> bool:
    """The text says it was reprinted (转载, 转自) or names a source other than its own outlet."""
    if "转" not in article.text and "来源" not in article.text:
        return False
    for m in _TAKEN_RE.finditer(article.text):
        outlet = m.group(1)
        if outlet is None or not article.source or outlet not in article.source:
            return True
    return False


def _group_related(groups: list[list[int]], primaries: list[int], regions: Sequence[Region], texts: Texts,
                   lead: np.ndarray, story_of: np.ndarray, others: np.ndarray, t: Thresholds) -> list[int | None]:
    """Each story related to an earlier story that heads no group itself is put under it: the story
    each is shown under (``Story.related_to``), or None.

    ``groups[s]`` are the articles of story ``s``, ``primaries[s]`` its primary; ``lead[s]`` is the
    text that stands for story ``s``, ``story_of[text]`` the story a text is in; ``others`` are the
    candidate pairs of texts that were not merged — judged on those two texts (a copy may share the
    passage its leader lacks). Besides them, stories whose leads share an anchor shingle (a run of
    text), and stories in one city whose leads share key numbers.
    """
    city_of_story = [f"{r.province}{r.city}" if (r := regions[p]).city else None for p in primaries]
    place_of_story = [_places(regions[i] for i in group) for group in groups]
    places = [place_of_story[s] for s in story_of.tolist()]
    # candidates: (later story, earlier story) → the two texts to judge, the first pair found
    sa, sb = story_of[others[:, 0]], story_of[others[:, 1]]
    apart = sa != sb
    x, y = np.where(sa > sb, others[:, 0], others[:, 1])[apart], np.where(sa > sb, others[:, 1], others[:, 0])[apart]
    is_lead = np.zeros(len(texts), dtype=bool)
    is_lead[lead] = True
    of_lead = is_lead[texts.anchor_texts]
    shared, _ = sketch.sharing_pairs(texts.anchors[of_lead], story_of[texts.anchor_texts[of_lead]], MAX_SHARERS)
    numbers = _number_city_pairs(texts, lead, city_of_story, t)
    later = np.concatenate((story_of[x], shared[:, 1], numbers[:, 1]))
    earlier = np.concatenate((story_of[y], shared[:, 0], numbers[:, 0]))
    tx = np.concatenate((x, lead[shared[:, 1]], lead[numbers[:, 1]]))
    ty = np.concatenate((y, lead[shared[:, 0]], lead[numbers[:, 0]]))
    _, pick = np.unique(later * len(groups) + earlier, return_index=True)  # sorted: by later, then earlier
    is_related = related(texts, np.stack((tx[pick], ty[pick]), axis=1), places, t)
    out: list[int | None] = [None] * len(groups)
    current = -1
    for n, (s, head) in enumerate(zip(later[pick].tolist(), earlier[pick].tolist(), strict=True)):
        if s == current:
            continue  # already grouped under an earlier head
        if out[head] is None and is_related(n):
            out[s] = head
            current = s
    return out


def _places(regions: Iterable[Region]) -> frozenset[tuple[str, str | None]]:
    """Where a story happened, as its copies' regions say: (province, city or None) of each that
    names one place (not a story of several provinces or of the whole country)."""
    return frozenset((r.province, r.city) for r in regions if r.province and r.scope == "local")


def _number_city_pairs(texts: Texts, lead: np.ndarray, city_of_story: list[str | None], t: Thresholds) -> np.ndarray:
    """Pairs of stories (earlier, later) in one city whose leads share ``t.related_numbers`` key numbers."""
    in_city = [s for s, city in enumerate(city_of_story) if city]
    if not in_city:
        return np.empty((0, 2), dtype=np.int64)
    stories_ = np.array(in_city, dtype=np.int64)
    city_hash = np.array([zlib.crc32(city_of_story[s].encode()) for s in in_city], dtype=np.uint64)  # type: ignore[union-attr]
    starts, ends = texts.key_offsets[lead[stories_]], texts.key_offsets[lead[stories_] + 1]
    counts = ends - starts
    picks = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts) + np.arange(counts.sum())
    keys = sketch.mix(texts.key_numbers[picks] ^ np.repeat(city_hash, counts))
    pairs, shared = sketch.sharing_pairs(keys.astype(np.uint32), np.repeat(stories_, counts), 20)
    return pairs[shared >= t.related_numbers]
