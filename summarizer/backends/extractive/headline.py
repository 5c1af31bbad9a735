"""Headline-style compression for tight budgets: who said it, then what, without the scene-setting.

News headlines put the speaker first and drop the verb of saying (央行：…, 韩媒：…). Under a
budget of a few dozen characters the engine otherwise picks the claim of ``刘云山指出，广大科技工作者要…``
without its speaker, because the whole sentence does not fit. So, before selection, a sentence
that opens on a short speaker clause gets it as ``speaker：`` (``colon_lead``) and loses an opener
that only sets the scene (``drop_setting``: 据悉，); after selection, a unit from later in a
``speaker：`` sentence gets that speaker in front when the budget allows (``with_speaker``).
Only deletions and that colon: no fact is added, and a speaker is that of the unit's own sentence.
"""

from __future__ import annotations

import re

from ...text import CJK, split_clauses
from .spans import Candidates, Unit, dangling

# Budgets at or below this are headlines (LCSTS 30, FinNA 40); above it (CLTS 110) a summary is
# a paragraph and keeps its verbs.
TIGHT = 40
_SAYING = "称|表示|指出|认为|透露|强调|说|介绍|坦言|直言|坦承|声称|宣称"
# A clause that is only a short speaker and a verb of saying (刘云山指出，/ 韩媒称：). Not a bare
# source (据…称), a pronoun (他说, 该分析师), a setting (对…来说, 发布会上), or a hedge (有人说).
_NOT_SPEAKER = "据|他|她|它|这|那|其|该|对|有|而|但|并|也|还|又|同时|此外|报道|消息|文章|分析(?!师|人士)|记者"
_ATTRIBUTION_RE = re.compile(
    rf"^(?!{_NOT_SPEAKER})"
    rf"([{CJK}A-Za-z0-9·]{{2,10}}?)(?<![上中时后来])(?:也|还|则|更|又|再次|同时|明确)?"
    rf"(?:{_SAYING})[，,：:]$"
)
# The clause ``colon_lead`` leaves (韩媒：), or one a sentence opens with (柳传志：).
_SPEAKER_RE = re.compile(rf"^(?!{_NOT_SPEAKER})[{CJK}A-Za-z0-9·]{{2,10}}[：:]$")


# A sentence-opening clause that only sets the scene (据悉，/ 记者从…了解到，/ 近年来，/ 截至10月28日，):
# a headline starts on the news.
_SETTING_RE = re.compile(
    r"^(?:据悉|据了解|据介绍|据报道|据统计|目前|近年来|近期|此前|日前|近日|今年以来|截至[^，,；;：:]{1,12}"
    r"|记者[^，,；;：:]{0,14}(?:获悉|了解到|获得|得知))[，,]"
)


def drop_setting(sentence: str) -> str:
    """Drop a sentence-opening clause that only sets the scene (据悉，X → X), unless the rest then dangles."""
    rest = _SETTING_RE.sub("", sentence, count=1)
    return rest if rest and not dangling(rest) else sentence


def speaker(clause: str) -> str | None:
    """The speaker of a clause that is only ``speaker + verb of saying`` (韩媒称， → 韩媒), else None."""
    m = _ATTRIBUTION_RE.match(clause)
    return m.group(1) if m else None


def with_speaker(candidates: Candidates, units: list[Unit], budget: int) -> list[str]:
    """The texts of ``units`` (in output order); one from later in a sentence that opens on ``speaker：`` gets it.

    A speaker is added only while the whole summary stays within ``budget``.
    """
    texts = [u.text for u in units]
    for k, unit in enumerate(units):
        opening = candidates.clause_sentence.index(unit.sentence)
        prefix = candidates.clauses[opening]
        if unit.clauses[0] != opening and _SPEAKER_RE.match(prefix) and sum(map(len, texts)) + len(prefix) <= budget:
            texts[k] = prefix + texts[k]
    return texts


def colon_lead(sentence: str) -> str:
    """Rewrite a sentence-opening speaker clause as ``speaker：`` (韩媒称，X → 韩媒：X)."""
    clauses = split_clauses(sentence)
    name = speaker(clauses[0]) if len(clauses) > 1 else None
    return sentence if name is None else f"{name}：{sentence[len(clauses[0]):].lstrip()}"
