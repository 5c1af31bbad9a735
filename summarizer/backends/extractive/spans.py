"""Candidate units for the extractive engine and the features that score them.

A unit is a run of consecutive clauses of one sentence (a whole sentence is the longest run),
or, in the lead sentence, its first clause joined to a later run — the "who + what" shape of a
news headline (迈克生物披露定增结果，…其中高毅资产获配近2.7亿元。). Clauses exist so that short
budgets are met without cutting inside a clause; no unit is longer than the budget.

Text is represented by character bigrams (TF-IDF over the article's sentences): for Chinese news
they served better than jieba words here and need no dictionary (see README, Quality).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np

from ...text import split_clauses

# Openers that point back at earlier text (但是, 同时, 他们, 也 …), adverbial clauses that are only
# a time or condition (继…之后, 随着…), a subordinate clause without its main clause (尽管…，),
# a bare source (据新华社消息，), a setting (审计的十个区县中，), and ends that announce what
# follows (…表示，/ …预计，): such a unit makes no sense alone. A lead clause that announces
# (财政部宣布，) may still open a lead pair; an incomplete one (a setting, a bare source) may not.
_ANNOUNCING = r"(表示|称|说|指出|认为|宣布|透露|强调|获悉|显示|预计|介绍|提到|回应|了解到|写道|报道|消息)[，,：:]$"
_INCOMPLETE_OPENING = (
    r"^(但是|但|同时|此外|而且|并且|因此|所以|他们|她们|它们|他|她|这|那|其|为此|对此|另外|不过|然而|而|并|也|还|又|然后|要么|或者|以及|及)"
    r"|^(继|随着|在|当).{0,30}(之后|以后|后|之前|以来|期间|时|中|下)[，,。]?$"
    r"|^(尽管|虽然|虽|如果|假如|若|即使|即便|因为|由于|只要|只有|除了)[^，,；;。]*[，,；;：:]$"
    r"|^据[^，,；;。]*[，,：:]$"
)
# A setting waiting for its clause.
_WAITING = r"(中|时|后|之前|以来|期间|方面|之际|前提下|背景下|情况下|那样|一样)[，,]$"
_INCOMPLETE_RE = re.compile(f"{_INCOMPLETE_OPENING}|{_WAITING}")
# A speaker alone (习近平：, what ``headline.colon_lead`` leaves of 习近平说：) or with only the start of
# the claim (建议书：征收社会抚养费，… is to abolish it, not levy it).
_CUT_CLAIM = r"^[^，,；;：:“”]{2,10}[：:](?:[^，,；;：:]{1,9}[，,；;])?$"
DANGLING_RE = re.compile(f"{_INCOMPLETE_RE.pattern}|{_ANNOUNCING}|{_CUT_CLAIM}")
# ``DANGLING_RE.search`` split in two, the same test at a fraction of the cost (it runs on every unit):
# the alternatives anchored at the start are tried there only (``match``), and the two that only end
# the text (``_WAITING``, ``_ANNOUNCING``: at most 4 characters, 了解到，) are searched for in its last
# ``_TAIL`` characters (room to spare, also for the final newline ``$`` may stand before), instead of
# being tried at every position of the text.
_DANGLING_OPENING_RE = re.compile(f"{_INCOMPLETE_OPENING}|{_CUT_CLAIM}")
_DANGLING_END_RE = re.compile(f"{_WAITING}|{_ANNOUNCING}")
_TAIL = 8
# Openers that carry time or attribution, not news (据…报道, 当地时间20日, 近日 …).
_LOW_INFO_RE = re.compile(r"^(据|记者|当地时间|日前|近日|昨日|昨天|今天|今日|目前|据悉|据了解|\d+月\d+日|\d+日)")
_DIGIT_RE = re.compile(r"\d")
# A run that starts inside its sentence on an adverb or verb (将推出…, 已让…, 导致…) has left its
# subject behind; scored as dangling.
_HEADLESS_RE = re.compile(r"^(将|已|正|被|仍|曾|均|都|就|才|拟|再|更|则|即|便|却|随后|从而|进而|以便|以"
                          r"|使|让|令|致|导致|造成|引发|成为|是)")
# A clause that is only a time (2021年全年，/ 今年一季度，): it says when, not who did what.
_TIME_ONLY_RE = re.compile(r"^[\d〇一二三四五六七八九十年月日号季度上下半全今去明本前初末底中旬周期间内来]+[，,]$")
# A unit added after the best one must read as news on its own: no fragment (审计的背后，) and no
# dangling or time/attribution-led unit. Measured: no loss on any dev set (README, Quality).
_MIN_FILLER = 10
# A lead clause joined to a later run must say who did what, not only when (2021年全年，) or in
# what setting (在中铁发公告悼念总裁辞世后，).
_MIN_LEAD = 8


# slots: an article has hundreds of units (every clause run that fits), and a frozen dataclass sets each
# field through object.__setattr__; with slots building them took a third less of candidate_units' time.
@dataclass(frozen=True, slots=True)
class Unit:
    """A candidate: its sentence, its clauses (indices into the article's clause list), its text."""

    sentence: int
    clauses: tuple[int, ...]
    text: str
    start: int  # character offset of the sentence in the article (for the position feature)
    pair: bool = False  # lead clause joined to a later run


@dataclass(frozen=True)
class Candidates:
    """The article's clauses (with the sentence each belongs to) and the units built from them."""

    clauses: list[str]
    clause_sentence: list[int]
    units: list[Unit]


def candidate_units(sentences: list[str], budget: int) -> Candidates:
    """Every clause run (and lead-clause pair) that fits ``budget``, in document order."""
    clauses: list[str] = []
    owner: list[int] = []
    units: list[Unit] = []
    start = 0
    for si, sentence in enumerate(sentences):
        first = len(clauses)
        clauses.extend(split_clauses(sentence) or [sentence])
        owner.extend([si] * (len(clauses) - first))
        # (lead clause or None, first clause of the run): runs from every clause, and in the lead
        # sentence also its first clause joined to a run that starts two or more clauses later.
        runs: list[tuple[int | None, int]] = [(None, i) for i in range(first, len(clauses))]
        opening = clauses[first]
        if (si == 0 and len(opening) >= _MIN_LEAD and not _LOW_INFO_RE.match(opening)
                and not _TIME_ONLY_RE.match(opening)
                and not _INCOMPLETE_RE.search(opening)):
            runs += [(first, i) for i in range(first + 2, len(clauses))]
        for lead, i in runs:
            if lead is not None and _INCOMPLETE_RE.search(clauses[i]):
                continue  # 某银行称，| 但…: a joined run must not lean on the clauses it skips
            text = "" if lead is None else clauses[lead]
            for j in range(i, len(clauses)):
                text += clauses[j]
                if len(text) > budget:
                    break
                ids = tuple(range(i, j + 1)) if lead is None else (lead, *range(i, j + 1))
                units.append(Unit(si, ids, text, start, pair=lead is not None))
        start += len(sentence)
    return Candidates(clauses, owner, units)


def dangling(text: str, *, ends: bool | None = None) -> bool:
    """Whether a unit makes no sense alone: a dangling opener or end, or half a quotation (“… without ”).

    ``ends``: whether it ends dangling, when that is known (``_dangling_units``: from its last clause).
    """
    if ends is None:
        ends = bool(_DANGLING_END_RE.search(text[-_TAIL:]))
    return ends or bool(_DANGLING_OPENING_RE.match(text)) or text.count("“") != text.count("”")


def good_filler(text: str) -> bool:
    """Whether a unit may be added after the best one: long enough, not dangling, not a time or source lead."""
    return len(text) >= _MIN_FILLER and not dangling(text) and not _LOW_INFO_RE.match(text)


def bigrams(text: str) -> list[str]:
    chars = "".join(filter(str.isalnum, text))
    return [chars[k:k + 2] for k in range(len(chars) - 1)] or list(chars)


def _bigram_ids(texts: list[str], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of every bigram of ``texts``, a pair per occurrence; ``vocab`` grows with unseen bigrams."""
    grams = [bigrams(text) for text in texts]
    flat = list(itertools.chain.from_iterable(grams))
    # Unseen bigrams get the next ids in order of first appearance, as vocab.setdefault(g, len(vocab))
    # gram by gram would give them (the column order fixes the order of every sum over columns).
    unseen = [g for g in dict.fromkeys(flat) if g not in vocab]
    vocab.update(zip(unseen, range(len(vocab), len(vocab) + len(unseen)), strict=True))
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), [len(g) for g in grams])
    return rows, np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))


def _counts(texts: list[str], vocab: dict[str, int]) -> np.ndarray:
    """Bigram counts, one row per text; ``vocab`` grows with unseen bigrams."""
    return _dense_counts(*_bigram_ids(texts, vocab), len(texts), max(len(vocab), 1))


def _dense_counts(rows: np.ndarray, cols: np.ndarray, height: int, width: int) -> np.ndarray:
    """The ``height`` × ``width`` counts of the (row, column) pairs of ``_bigram_ids``."""
    flat = np.bincount(rows * width + cols, minlength=height * width)
    return flat.reshape(height, width).astype(np.float32)  # float32: half the memory traffic, same ranking


def _recurring_trigrams(candidates: Candidates) -> tuple[np.ndarray, np.ndarray]:
    """Which character trigrams recurring in two or more sentences each clause holds, and which the lead holds.

    Trigrams a story repeats are its names and terms (王亚伟, 雷克萨斯, 第二批征迁); bigrams also
    repeat function pairs (的是, 表示).

    Returns:
        (hits, in_lead): clauses × recurring trigrams (0/1), and a mask of those in the first sentence.
        The columns are in no particular order: only how many of them a unit holds is used.
    """
    chars = ["".join(filter(str.isalnum, clause)) for clause in candidates.clauses]
    # Every trigram as one integer (three code points of 21 bits each), found for all clauses at once.
    code = np.frombuffer("".join(chars).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    clause_of = np.repeat(np.arange(len(chars)), [len(c) for c in chars])
    at = np.flatnonzero(clause_of[:-2] == clause_of[2:])  # a trigram starts where its third character is in the clause
    grams, gram = np.unique(code[at] << 42 | code[at + 1] << 21 | code[at + 2], return_inverse=True)
    clause = clause_of[at]
    sentence = np.array(candidates.clause_sentence)[clause]
    first = np.full(len(grams), len(candidates.clauses))  # the first and last sentence that have each trigram
    last = np.full(len(grams), -1)
    np.minimum.at(first, gram, sentence)
    np.maximum.at(last, gram, sentence)
    recurring = first != last
    column = np.cumsum(recurring) - 1
    held = recurring[gram]
    hits = np.zeros((len(chars), int(recurring.sum())))
    hits[clause[held], column[gram[held]]] = 1.0
    return hits, first[recurring] == 0


# Weights of the features below: ridge regression of each unit's ROUGE-L against the reference,
# centred per article, on the pooled LCSTS/FinNA/CLTS dev sets (2-fold cross-validated; three
# sets, one set of weights: nothing per item or per set), then rounded. Position was raised from
# 0.26 to 0.4 by hand for long articles, and the dangling penalty set to 0.15 for readability.
# cover, cover_lead, position (0.4 -> 0.45) and the filler margin (extractive._MARGIN, 0.2 -> 0.25)
# were then chosen together from a 48-point grid on each parity half of LCSTS and FinNA; this
# setting ranked third of 48 on both halves (README, Quality, for the held-out figures).
# benchmarks/quality.py measures the result.
WEIGHTS = {
    "centrality": 0.35,  # cosine to the whole article
    "echo": 0.63,  # cosine to the rest of the article (without the unit's own sentence)
    "position": 0.45,  # 1/sqrt(1 + sentence index)
    "char_position": -0.20,  # 1/sqrt(1 + start offset / budget): corrects position for short sentences
    "first": 0.05,  # in the first sentence
    # 1/sqrt(1 + index of the unit's first clause in its sentence): a headline's who + what sits in
    # a sentence's opening clauses. Chosen on half of each dev set, checked on the other half
    # (three random splits; README, Quality).
    "clause_position": 0.05,
    "fill": 0.20,  # length / budget
    "fill2": -0.17,  # (length / budget)²: prefer about 60% of the budget
    "dangling": -0.15,  # by judgement, not fitted: a self-contained unit wins when it scores close
    "digits": 0.02,
    "low_info": -0.04,
    "pair": 0.02,
    # Share of the article's recurring trigrams (the names and terms it repeats) the unit holds, and
    # of those the lead holds: a Weibo post's headline often sits in a later sentence that repeats
    # the lead's subject.
    "cover": 0.10,
    "cover_lead": 0.05,
    "title": 0.1,  # only when the article has a headline (dev sets have none): untuned, by judgement
}


@dataclass(frozen=True)
class UnitSpace:
    """Units as weighted sums of clause TF-IDF vectors, for cosine similarity between units."""

    weights: np.ndarray  # units × clauses: 0/1 membership divided by the unit's vector norm
    gram: np.ndarray  # clauses × clauses: dot products of clause TF-IDF vectors

    def cosine(self, i: int, j: int) -> float:
        return float(self.weights[i] @ self.gram @ self.weights[j])


def _gram(vectors: np.ndarray) -> np.ndarray:
    """``vectors @ vectors.T``, multiplying only the columns two or more rows share: most bigrams of a
    clause are in no other clause and add to its own square alone (a long article: a tenth of the work)."""
    shared = np.count_nonzero(vectors, axis=0) > 1
    own = vectors[:, ~shared]
    common = vectors[:, shared]
    gram = common @ common.T
    gram[np.diag_indices_from(gram)] += (own * own).sum(axis=1)
    return gram


# numpy 2's float32 matmul kernels can leave stale floating-point flags and warn "invalid value
# encountered in matmul" on finite results (numpy#28967); every division here has a floored
# denominator, so such warnings are noise to the user, not a sign of NaN.
@np.errstate(invalid="ignore", over="ignore", divide="ignore")
def unit_features(sentences: list[str], candidates: Candidates, budget: int,
                  title: str = "") -> tuple[dict[str, np.ndarray], UnitSpace]:
    """The features named in ``WEIGHTS`` for every unit, and the space to compare units in.

    Bigrams are counted once per clause. A unit's vector is the sum of its clauses' vectors, so
    every dot product is computed in clause space (units × clauses, not units × vocabulary):
    that keeps long articles with hundreds of candidates fast.
    A non-empty ``title`` adds a ``title`` feature: cosine to the headline.
    """
    units = candidates.units
    vocab: dict[str, int] = {}
    rows, cols = _bigram_ids(candidates.clauses, vocab)
    width = max(len(vocab), 1)
    clause_counts = _dense_counts(rows, cols, len(candidates.clauses), width)
    title_counts = _counts([title], vocab)[0, :width]
    clause_sentence = np.array(candidates.clause_sentence)
    # Clauses of a sentence are consecutive: sums over a sentence are sums over a slice of rows.
    sentence_first = np.searchsorted(clause_sentence, np.arange(len(sentences)))
    of_unit = np.zeros((len(units), len(candidates.clauses)), dtype=np.float32)
    of_unit[np.repeat(np.arange(len(units)), [len(u.clauses) for u in units]),
            [c for u in units for c in u.clauses]] = 1.0
    # Document frequency: in how many sentences each bigram is, marked from the (sentence, bigram) pairs,
    # not summed over the clause counts by sentence (the same integers, a tenth of the time).
    in_sentence = np.zeros((len(sentences), width), dtype=bool)
    in_sentence[clause_sentence[rows], cols] = True
    df = in_sentence.sum(axis=0)
    idf = (np.log((1 + len(sentences)) / (1 + df)) + 1.0).astype(np.float32)
    clauses_v = clause_counts * idf
    gram = _gram(clauses_v)
    norms = np.sqrt(np.maximum(((of_unit @ gram) * of_unit).sum(axis=1), 1e-12))
    # Every product with the article (doc, the sum of its clauses) or with the article without a
    # sentence (rest = doc - that sentence) is a sum of clause products, read off ``gram``: clauses ×
    # clauses, not clauses × vocabulary.
    to_doc = gram.sum(axis=1)  # each clause · doc
    to_sentence = np.add.reduceat(gram, sentence_first, axis=1)  # clause · each sentence
    doc_norm2 = float(to_doc.sum())
    sentence_doc = np.add.reduceat(to_doc, sentence_first)  # each sentence · doc
    sentence_norm2 = np.add.reduceat(to_sentence, sentence_first, axis=0).diagonal()
    rest_norm = np.sqrt(np.maximum(doc_norm2 - 2 * sentence_doc + sentence_norm2, 0))
    owner = np.array([u.sentence for u in units])
    sentence_start = sentence_first[owner]  # first clause of each unit's sentence
    first_clause = np.array([u.clauses[0] for u in units])
    # each clause against its sentence's rest
    to_rest = of_unit @ (to_doc - to_sentence[np.arange(len(clause_sentence)), clause_sentence])
    fill = np.array([len(u.text) for u in units]) / budget
    hits, in_lead = _recurring_trigrams(candidates)
    unit_hits = (of_unit @ hits) > 0
    features = {
        "centrality": of_unit @ to_doc / norms / max(doc_norm2 ** 0.5, 1e-12),
        "echo": to_rest / norms / np.where(rest_norm[owner] == 0, 1, rest_norm[owner]),
        "position": 1 / np.sqrt(1 + owner),
        "char_position": 1 / np.sqrt(1 + np.array([u.start for u in units]) / budget),
        "first": (owner == 0).astype(float),
        "clause_position": 1 / np.sqrt(1 + first_clause - sentence_start),
        "fill": fill,
        "fill2": fill**2,
        "dangling": _dangling_units(candidates, first_clause != sentence_start),
        # A unit's text is its clauses joined, so it holds a digit when one of its clauses does.
        "digits": (of_unit @ np.array([bool(_DIGIT_RE.search(c)) for c in candidates.clauses], dtype=np.float32)
                   > 0).astype(float),
        "low_info": np.array([bool(_LOW_INFO_RE.match(u.text)) for u in units], dtype=float),
        "pair": np.array([u.pair for u in units], dtype=float),
        "cover": unit_hits.sum(axis=1) / max(unit_hits.shape[1], 1),
        "cover_lead": unit_hits[:, in_lead].sum(axis=1) / max(int(in_lead.sum()), 1),
    }
    if title.strip():
        title_v = title_counts * idf
        features["title"] = of_unit @ (clauses_v @ title_v) / norms / max(float(np.linalg.norm(title_v)), 1e-12)
    return features, UnitSpace(of_unit / norms[:, None], gram)


def _dangling_units(candidates: Candidates, inside: np.ndarray) -> np.ndarray:
    """Per unit, 1.0 when it is ``dangling`` or, starting ``inside`` its sentence, headless (``_HEADLESS_RE``).

    A unit's text ends with its last clause, so when that clause is ``_TAIL`` characters or longer the
    unit ends dangling exactly when the clause does: that search is made once per clause, not per unit.
    """
    clauses = candidates.clauses
    clause_ends = [bool(_DANGLING_END_RE.search(c[-_TAIL:])) for c in clauses]
    flags = []
    for unit, inner in zip(candidates.units, inside.tolist(), strict=True):
        text = unit.text
        last = unit.clauses[-1]
        ends = clause_ends[last] if len(clauses[last]) >= _TAIL else None
        flags.append(dangling(text, ends=ends) or (inner and bool(_HEADLESS_RE.match(text))))
    return np.array(flags, dtype=float)


def score_units(sentences: list[str], candidates: Candidates, budget: int,
                title: str = "") -> tuple[np.ndarray, UnitSpace]:
    """Score every unit: the weighted sum of its features.

    Returns:
        (scores, space): one score per unit, and the space that compares units (redundancy).
    """
    features, space = unit_features(sentences, candidates, budget, title)
    scores = sum((WEIGHTS[name] * value for name, value in features.items()), np.zeros(len(candidates.units)))
    return scores, space
