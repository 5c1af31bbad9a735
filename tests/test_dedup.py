"""Duplicate detection on reprints built from the seeds: edited headers, footers and datelines, a
sentence dropped, a digest, a template filled in twice."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from summarizer.dedup import encode, find_stories, prepare, sketch
from summarizer.dedup.normalise import story_body
from summarizer.text import split_sentences
from summarizer.types import Article
from tests.conftest import make_article, make_region, seed

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


@pytest.mark.parametrize("credit", ["IT之家 8 月 16 日消息，", "IT之家8月16日消息，", "本报讯（记者 张三）",
                                    "央视网消息：", "  新华社北京7月24日电 ", "据微信公号“江苏高院”消息，"])
def test_the_dateline_is_not_compared_however_it_is_spaced(credit):
    story = "某市某区昨日开展消防演练，三百名居民参加。演练持续两个小时，消防员现场讲解了灭火器的用法。"
    assert story_body(credit + story) == story


def test_a_name_holding_a_credit_word_is_story_text():
    for story in ("腾讯音乐手游将于8月9日开启测试。", "科大讯飞在机构调研中表示，公司经营正常。"):
        assert story_body(story) == story


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


def test_a_copy_whose_reader_took_paragraphs_for_captions_is_still_one_story(harbin):
    """Ingest keeps photo captions apart from the text; a caption line run into the paragraph after
    it takes that paragraph along. Dedup compares text and captions, so the copy stays one story."""
    lines = harbin.text.splitlines()
    split = copy_of(harbin, "with-photo.txt", text="\n".join(lines[:2]), captions=("图源 网络" + "".join(lines[2:]),))
    assert len(find_stories([harbin, split])) == 1


def test_numbers_disagree_only_where_both_texts_have_one():
    """A copy that adds a paragraph with figures of its own is the same story; a notice filled in
    again with other figures in the same places is another."""
    base = ("某区住建局通报，今年以来全区共排查老旧小区42个，整改消防隐患318处，更换电梯65部。"
            "住建局表示，下一步将继续推进老旧小区改造，确保年底前全部完成。居民对整改效果普遍表示满意。")
    added = base + "据统计，改造共投入资金1200万元，惠及居民8600户，新增停车位340个。"
    other = base.replace("42个", "57个").replace("318处", "406处").replace("65部", "12部")
    articles = [make_article(added, path=Path("a.txt"), date=DAY), make_article(base, path=Path("b.txt"), date=DAY),
                make_article(other, path=Path("c.txt"), date=DAY)]
    stories = find_stories(articles)
    assert [len(s.reprints) for s in stories] == [1, 0]
    assert stories[0].primary.path == Path("a.txt")


def test_a_headline_run_into_the_next_report_after_a_space_still_opens_it():
    """Ingest joins a digest's headline and the report under it with one space (持续降雨！… 据…消息，)."""
    body = "第一件事的正文。\n持续降雨！黑龙江省发布暴雨红色预警 据黑龙江日报消息，气象台发布暴雨红色预警。"
    assert _report_openings(body, 2) == ["据黑"]


def test_a_scrape_that_ran_into_another_page_is_not_related_to_it(seed_articles, harbin):
    """A page whose text runs on, mid-sentence, into another page's story shares a long run with
    that story; the run opens mid-sentence in one and at a sentence start in the other: a splice."""
    shangqiu = seed(seed_articles, "004")
    passage = "".join(split_sentences(harbin.text)[2:5])
    assert 80 < len(passage) < len(harbin.text) / 3
    run_on = make_article(shangqiu.text[:400].rstrip("。") + "，相关工作人员表示将继续" + passage,
                          path=Path("run-on.txt"), date=DAY)
    stories = find_stories([dataclasses.replace(harbin, date=DAY), run_on])
    assert len(stories) == 2 and stories[1].related_to is None
    quoted = make_article(shangqiu.text[:400] + "\n另据报道：" + passage, path=Path("quote.txt"), date=DAY)
    stories = find_stories([dataclasses.replace(harbin, date=DAY), quoted])
    assert len(stories) == 2 and stories[1].related_to == 0


LAW = ("《银行保险机构许可证管理办法》第十八条：银行保险机构违反本办法，有下列情形之一的，依照有关规定进行处罚；"
       "法律、行政法规没有规定的，由派出机构责令改正，予以警告，对有违法所得的处以违法所得一倍以上三倍以下罚款。")


def test_a_law_two_notices_quote_is_no_event_when_they_are_far_apart_in_place_and_time():
    def notice(company: str, place: str, day: dt.date, region: tuple[str, str, str]) -> Article:
        return make_article(f"{place}监管分局公布行政处罚信息，{company}因管理不善导致许可证遗失，被予以警告。\n{LAW}",
                            path=Path(f"{company}.txt"), date=day, region=make_region(*region))

    handan = notice("甲保险公司", "邯郸", DAY, ("河北省", "邯郸市", "130400"))
    dazhou = notice("乙人寿公司", "达州", DAY + dt.timedelta(days=13), ("四川省", "达州市", "511700"))
    assert [s.related_to for s in find_stories([handan, dazhou])] == [None, None]
    same_city = dataclasses.replace(dazhou, region=handan.region)
    assert [s.related_to for s in find_stories([handan, same_city])] == [None, 0]


def test_stories_sharing_only_a_disclaimer_are_not_related():
    disclaimer = ("以上内容由某数据平台根据公开信息整理，由算法生成，与本站立场无关。"
                  "某数据平台力求但不保证该信息的准确性、完整性、有效性、及时性等，如存在问题请联系我们。"
                  "本文为数据整理，不对您构成任何投资建议，投资有风险，请谨慎决策。")
    a = make_article("甲公司股价今日收涨百分之二，成交额较前一交易日放大，主力资金净流入。"
                     "公司上周公告，拟在西部新建生产基地，项目总投资较去年同期增加，预计明年投产。"
                     "分析人士认为，新基地投产后公司产能将明显提升，订单交付周期缩短。"
                     "公司董事会秘书在投资者互动平台表示，目前各项工作进展顺利。" + disclaimer,
                     path=Path("a.txt"), date=DAY)
    b = make_article("乙基金最新单位净值上涨，近一个月表现好于同类平均，基金经理表示看好后市。"
                     "该基金成立于五年前，主要投资于消费和医药行业，前十大重仓股集中度较高。"
                     "基金经理在季报中提到，将继续关注估值合理的龙头企业，"
                     "适度控制组合回撤。" + disclaimer, path=Path("b.txt"), date=DAY)
    assert [s.related_to for s in find_stories([a, b])] == [None, None]


def test_chunks_and_threads_do_not_change_what_is_compared(seed_articles, monkeypatch):
    """The array passes run a chunk of texts at a time, on two threads: however the texts are cut
    into chunks, every text gets the same signature, shingles, numbers and report starts."""
    articles = [*seed_articles, *reprints(seed(seed_articles, "000"))]
    whole = prepare(articles)
    monkeypatch.setattr(encode, "CHUNK", 700)
    monkeypatch.setattr(encode, "WORKERS", 2)
    cut = prepare(articles)
    assert len(cut.hash_chunks) > len(whole.hash_chunks)
    for name in ("signatures", "keys", "lengths", "sizes", "contexts", "readings", "key_numbers", "key_offsets",
                 "anchors", "anchor_texts"):
        assert np.array_equal(getattr(whole, name), getattr(cut, name)), name
    assert whole.report_starts == cut.report_starts
    for i in range(len(articles)):
        assert np.array_equal(whole.shingles(i), cut.shingles(i))
        assert len(whole.arrays(i).codes) == whole.lengths[i]


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
    assert _report_openings(body, 4) == ["克里米亚", "2第二件", "新华社北"]  # as compared: no punctuation


def _report_openings(body: str, chars: int) -> list[str]:
    """The first ``chars`` compared characters of each report the library finds starting inside ``body``."""
    texts = prepare([make_article(body)])
    return [texts.text(0, s, s + chars) for s in texts.report_starts[0]]


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


def test_stories_planned_from_sketches_made_where_the_texts_were_read_are_find_stories(seed_articles, harbin):
    """``brief`` on disk: each reading worker sketches its texts (``sketches``: arrays without shingle
    hashes), the bodies go to a spill, and the stories are planned from those (``index_of``,
    ``plan``) — the same stories, reprints, primaries and related reports as ``find_stories``, and
    hashes made again from a text equal to those made with all texts at once."""
    from summarizer.dedup import index, index_of, plan, sketches
    from summarizer.spill import Spill

    neijiang = seed(seed_articles, "001")
    digest = make_article(f"{harbin.text}\n据华西社区传媒消息，{neijiang.text[:300]}", title="物业要闻两则",
                          path=Path("digest.txt"), date=DAY)
    taken = copy_of(harbin, "taken.txt", text=f"{harbin.text}\n本文转载自某某网", source="别家网")
    articles = [digest, *seed_articles, *reprints(harbin), taken, make_article("短", path=Path("tiny.txt"))]
    found = find_stories(articles)
    assert any(s.related_to is not None for s in found) and any(len(s.reprints) > 1 for s in found)
    parts = [sketches(articles[i:i + 3]) for i in range(0, len(articles), 3)]  # a job's texts each
    bodies = Spill[str]()
    for part in parts:
        for body in part.bodies:
            bodies.add(body)
    planned = plan(index_of([dataclasses.replace(p, bodies=()) for p in parts], bodies.view(),
                            [a.region for a in articles]))
    assert [(articles[p], tuple(articles[i] for i in r), t)
            for p, r, t in zip(planned.primaries, planned.reprints, planned.related_to, strict=True)] \
        == [(s.primary, s.reprints, s.related_to) for s in found]
    whole, sketched = index(articles).texts, index_of(parts, bodies.view(), [a.region for a in articles]).texts
    assert not sketched.hash_chunks
    for i in range(len(articles)):
        assert np.array_equal(whole.shingles(i), sketched.shingles(i))
    bodies.close()
