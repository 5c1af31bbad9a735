"""Duplicate detection on reprints built from the seeds: edited headers, footers and datelines, a
sentence dropped, a digest, a template filled in twice."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from summarizer.dedup import find_stories, prepare, sketch
from summarizer.dedup.normalise import report_starts, story_body
from summarizer.text import split_sentences
from summarizer.types import Article
from tests.conftest import make_article, seed

DAY = dt.date(2023, 8, 10)


def copy_of(article: Article, name: str, **fields: object) -> Article:
    return dataclasses.replace(article, path=Path(name), part=0, **fields)  # type: ignore[arg-type]


def reprints(original: Article) -> list[Article]:
    """The ways a story is reprinted: saved twice, a new dateline and footer, a sentence dropped."""
    sentences = split_sentences(original.text)
    dropped = "".join(s for i, s in enumerate(sentences) if i != len(sentences) // 2)
    return [
        copy_of(original, "saved-twice.txt", source="某某网", date=DAY + dt.timedelta(days=1)),
        copy_of(original, "dispatch.txt", source="新华社", date=DAY,
                text=f"新华社哈尔滨8月10日电（记者张三）{original.text}\n责任编辑：李四\n来源：新华社"),
        copy_of(original, "cut.txt", source="澎湃新闻", date=DAY + dt.timedelta(days=2),
                text=f"2023-08-12 14:03:05，正文：{dropped}（完）"),
    ]


@pytest.fixture()
def harbin(seed_articles: list[Article]) -> Article:
    return dataclasses.replace(seed(seed_articles, "000"), date=DAY + dt.timedelta(days=1))


def test_reprints_are_one_story_and_other_stories_stay_apart(seed_articles, harbin):
    others = [a for a in seed_articles if a.path != harbin.path]
    articles = [harbin, *reprints(harbin), *others]
    stories = find_stories(articles)
    assert len(stories) == 1 + len(others)
    assert len(stories[0].reprints) == 3
    assert [s.primary for s in stories[1:]] == others and all(not s.reprints for s in stories[1:])
    # nothing lost: every article is in exactly one story
    placed = [id(a) for s in stories for a in (s.primary, *s.reprints)]
    assert sorted(placed) == sorted(id(a) for a in articles)


def test_primary_is_the_longest_then_earliest_then_the_original(harbin):
    stories = find_stories([harbin, *reprints(harbin)])
    assert stories[0].primary.path == Path("dispatch.txt")  # the longest clean body: the dateline goes, the rest stays
    same_length = [copy_of(harbin, "late.txt", date=DAY + dt.timedelta(days=3)), copy_of(harbin, "early.txt", date=DAY)]
    assert find_stories(same_length)[0].primary.path == Path("early.txt")
    taken = copy_of(harbin, "taken.txt", date=DAY, text=harbin.text + "\n（转载自哈尔滨新闻网）", source="某网")
    own = copy_of(harbin, "own.txt", date=DAY, source="哈尔滨新闻网")
    assert find_stories([taken, own])[0].primary.path == Path("own.txt")


def test_without_dates_or_sources_the_longest_still_leads(harbin):
    longer = copy_of(harbin, "longer.txt", date=None, text=harbin.text + "小区居民纷纷点赞。")
    shorter = copy_of(harbin, "shorter.txt", date=None)
    assert find_stories([shorter, longer])[0].primary.path == Path("longer.txt")


def test_furniture_is_not_compared():
    header = "2023-08-18 14:03:05，正文：新京报讯（记者王某）"
    story = "某市某区昨日开展消防演练，三百名居民参加。演练持续两个小时，消防员现场讲解了灭火器的用法。"
    body = story_body(header + story + "责任编辑：李四 返回搜狐，查看更多")
    assert body.startswith("某市某区昨日开展消防演练")
    assert body.endswith("灭火器的用法。")
    assert story_body("原标题：某市开展演练 某市昨日开展演练。") == "某市开展演练 某市昨日开展演练。"


def test_a_digest_holding_a_story_is_related_not_the_same(seed_articles, harbin):
    neijiang = seed(seed_articles, "001")
    digest = make_article(f"{harbin.text}\n据华西社区传媒消息，{neijiang.text[:300]}", title="物业要闻两则",
                          path=Path("digest.txt"), date=DAY)
    stories = find_stories([digest, dataclasses.replace(harbin, date=DAY)])
    assert len(stories) == 2
    assert stories[1].related_to == 0 and not stories[0].reprints


def test_reports_sharing_a_passage_are_related(harbin):
    passage = harbin.text[:120]
    follow_up = make_article(f"记者今天回访了悦山国际小区。此前报道：{passage}如今小区已解封，居民生活恢复正常。",
                             path=Path("follow-up.txt"), date=DAY + dt.timedelta(days=20))
    stories = find_stories([dataclasses.replace(harbin, date=DAY), follow_up])
    assert len(stories) == 2 and stories[1].related_to == 0


def test_one_form_filled_in_for_two_subjects_is_not_one_story_nor_related():
    form = ("截至2023年8月18日收盘，{0}报收于{1}元，上涨{2}%，换手率{3}%，成交量{4}手，成交额{5}万元。"
            "主力资金净流出{6}万元，占总成交额{7}%，游资资金净流出{8}万元，散户资金净流入{9}万元。"
            "资金流向名词解释：指通过价格变化反推资金流向。股价处于上升状态时主动性买单形成的成交额是推动股价上涨的力量，"
            "这部分成交额被定义为资金流入。以上内容由证券之星根据公开信息整理，由算法生成，与本站立场无关。")
    a = make_article(form.format("甲公司", "18.98", "0.16", "1.29", "6602.0", "1265.67", "34.15", "2.7", "283.22",
                                 "317.37"), path=Path("a.txt"), date=DAY)
    b = make_article(form.format("乙公司", "6.51", "1.09", "3.34", "12.49", "8005.87", "461.34", "5.76", "264.45",
                                 "196.89"), path=Path("b.txt"), date=DAY)
    stories = find_stories([a, b])
    assert len(stories) == 2 and stories[1].related_to is None


def test_versions_weeks_apart_are_two_stories_but_exact_copies_are_one(harbin):
    first = dataclasses.replace(harbin, date=DAY)
    retold = copy_of(harbin, "next-month.txt", date=DAY + dt.timedelta(days=40), text=harbin.text + "小区现已解封。")
    assert len(find_stories([first, retold])) == 2
    same = copy_of(harbin, "saved-again.txt", date=DAY + dt.timedelta(days=40))
    assert len(find_stories([first, same])) == 1


def test_a_source_named_inside_a_longer_copy_does_not_split_it(harbin):
    sentences = split_sentences(harbin.text)
    source_inside = "事发后，民警赶到现场，而据有关部门的消息，相关人员均已妥善安置。"
    added = "".join(sentences[:4]) + source_inside + "".join(sentences[4:])
    stories = find_stories([dataclasses.replace(harbin, date=DAY), copy_of(harbin, "longer.txt", date=DAY, text=added)])
    assert len(stories) == 1


def test_empty_and_tiny_texts_are_their_own_stories():
    articles = [make_article("", path=Path("empty.txt")), make_article("好。", path=Path("a.txt")),
                make_article("好。", path=Path("b.txt")), make_article("另一篇。", path=Path("c.txt"))]
    stories = find_stories(articles)
    assert [len(s.reprints) for s in stories] == [0, 1, 0]  # "好。" twice is one text
    assert find_stories([]) == []


def test_report_starts_are_credits_datelines_and_item_numbers():
    body = ("第一件事。克里米亚又一弹药库遭袭据德新社7月24日报道，弹药库被击中。"
            "2、第二件事。新华社北京7月24日电 第三件事。出现3.5级地震。")
    assert [body[p:p + 4] for p in report_starts(body)] == ["克里米亚", "2、第二", "新华社北"]


def test_signatures_estimate_jaccard_and_identical_texts_agree():
    rng = np.random.default_rng(3)
    words = [chr(c) for c in rng.integers(0x4E00, 0x9FA5, size=2000)]
    a, b = "".join(words[:1200]), "".join(words[400:1600])  # 800 of 1200 characters in common
    texts = prepare([make_article(a), make_article(b), make_article(a)])
    est = sketch.jaccard(texts.signatures, np.array([[0, 1], [0, 2]]))
    exact = (800 - 4) / (1600 - 4)
    assert abs(est[0] - exact) < 0.12 and est[1] == 1.0
    pairs = sketch.candidate_pairs(texts.signatures, texts.sizes)
    assert [0, 2] in pairs.tolist()
