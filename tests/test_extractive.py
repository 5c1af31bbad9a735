import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.backends import get_backend
from summarizer.backends.extractive import ExtractiveSummarizer, drop_times
from summarizer.backends.extractive.spans import DANGLING_RE, candidate_units, dangling, good_filler, unit_features
from summarizer.text import split_clauses, split_sentences


@pytest.mark.parametrize("budget", [30, 60, 150, 300])
def test_budget_never_exceeded_and_sentences_come_from_source(seed_articles, budget):
    engine = get_backend("extractive")
    for article, summary in zip(seed_articles, engine.summarize(seed_articles, max_chars=budget), strict=True):
        assert 0 < len(summary.text) <= budget, article.name
        source = "".join(map(drop_times, split_sentences(article.text)))
        for piece in split_sentences(summary.text):  # verbatim clauses; only a closing 。 may replace a comma
            assert piece[:-1] in article.text or piece[:-1] in source, piece


def test_output_is_in_document_order_and_deterministic(seed_articles):
    engine = ExtractiveSummarizer()
    article = seed_articles[1]
    first = engine.summarize_text(article.text, max_chars=200, title=article.title)
    assert first == engine.summarize_text(article.text, max_chars=200, title=article.title)
    positions = [article.text.index(s[:-1]) for s in split_sentences(first)]
    assert positions == sorted(positions)


def test_redundant_sentence_not_repeated():
    text = "物业为2836户业主配送物资近6万份。物业为2836户业主配送物资近6万份。居民对物业服务表示满意和感谢。"
    out = ExtractiveSummarizer().summarize_text(text, max_chars=100)
    assert out.count("2836户") == 1


def test_tiny_budget_cuts_at_clause_boundary():
    text = "内江市物业服务行业以党建引领促物业发展，以红色物业领航小区共建共治共享，努力提升号召力。"
    out = ExtractiveSummarizer().summarize_text(text, max_chars=25)
    assert len(out) <= 25 and out.startswith("内江市物业服务行业以党建引领促物业发展")


def test_captions_bylines_and_subheads_are_not_picked():
    text = ("▲图为工作人员为业主配送物资\n一、保障物资供应\n"
            "某市物业为2836户业主配送物资近6万份，保障了居民生活。物业人员连续工作十天，居民表示感谢。\n"
            "（记者 王某 编辑 李某）")
    out = ExtractiveSummarizer().summarize_text(text, max_chars=200)
    assert "2836户" in out
    assert all(bad not in out for bad in ("▲", "保障物资供应", "记者", "编辑"))


def test_dangling_opener_loses_to_a_self_contained_sentence_of_similar_content():
    text = "但是物业公司为业主配送物资六万份。物业公司为业主配送物资六万份。"
    out = ExtractiveSummarizer().summarize_text(text, max_chars=20)
    assert out == "物业公司为业主配送物资六万份。"


def test_short_bracketed_asides_are_dropped_but_book_titles_stay():
    text = "Peloton(PTON.O)将于1月24日被剔除纳斯达克100指数（央视新闻）。《人民日报》报道了此事。"
    out = ExtractiveSummarizer().summarize_text(text, max_chars=60)
    assert "PTON" not in out and "央视新闻" not in out and "Peloton将于1月24日" in out


def test_clause_ending_a_unit_is_closed_with_a_full_stop():
    text = ("美国财政部当地时间20日宣布，将对4名协助俄罗斯的乌克兰现任和前任政府官员实施制裁，"
            "这些官员参与了散布虚假信息的行动，美方表示将继续打击相关行动。")
    out = ExtractiveSummarizer().summarize_text(text, max_chars=40)
    assert len(out) <= 40 and out.endswith("。") and "，。" not in out
    # clauses are verbatim (the date dropped), though a lead clause may join a later one
    for clause in split_clauses(out):
        assert clause[:-1] in drop_times(text)


def test_empty_and_unsplittable_text():
    engine = ExtractiveSummarizer()
    assert engine.summarize_text("", max_chars=30) == ""
    long_clause = "甲" * 80
    assert engine.summarize_text(long_clause, max_chars=30) == "甲" * 30


@given(st.lists(st.sampled_from(["物业配送物资六万份。", "居民表示感谢，", "社区防疫工作有序推进；", "但是他们很忙！",
                                 "（记者）", "\n", "2836户业主受益。"]), max_size=30),
       st.integers(min_value=10, max_value=200))
@settings(max_examples=60, deadline=None)
def test_never_exceeds_the_budget(pieces, budget):
    out = ExtractiveSummarizer().summarize_text("".join(pieces), max_chars=budget)
    assert len(out) <= budget


@pytest.mark.parametrize(("unit", "dangling"), [
    ("美国国务卿布林肯表示，", True), ("但是物业公司配送物资。", True), ("继奥迪和克莱斯勒之后，", True),
    ("在落实责任的前提下。", True), ("美国财政部宣布对4名官员实施制裁。", False), ("物业配送物资近6万份，", False),
    ("据全球健康药物研发中心消息，", True), ("Jonas预计，", True), ("尽管Rivian的股价已高于60美元，", True),
    ("据统计全年销量增长两成。", False), ("邹胜龙说，团队今年都非常辛苦，6月24日上市后，", True),
    ("美国空军将像当年对苏联那样，", True),
])
def test_units_that_cannot_stand_alone_are_marked(unit, dangling):
    assert bool(DANGLING_RE.search(unit)) is dangling


def test_a_fact_told_twice_in_other_words_is_summarised_once(seed_articles):
    article = next(a for a in seed_articles if "2836户" in a.text)
    out = ExtractiveSummarizer().summarize_text(article.text, max_chars=150, title=article.title)
    assert out.count("2836户") == 1


def test_sentences_with_a_garbled_span_are_never_quoted(seed_articles):
    from summarizer.types import GARBLED

    article = next(a for a in seed_articles if a.garbled)  # 003 carries marked mojibake
    engine = get_backend("extractive")
    for budget in (30, 80, 150, 400, 2000):
        (summary,) = engine.summarize([article], max_chars=budget)
        assert GARBLED not in summary.text and summary.text


@pytest.mark.parametrize(("sentence", "expected"), [
    ("美国财政部当地时间20日宣布，将实施制裁。", "美国财政部宣布，将实施制裁。"),
    ("9月3日，世界经济论坛发布了报告。", "世界经济论坛发布了报告。"),
    ("今天下午，北京市召开新闻发布会。", "北京市召开新闻发布会。"),
    ("日前MediaTek宣布完成演示。", "MediaTek宣布完成演示。"),
    ("国家统计局11日公布的数据显示，CPI上涨。", "国家统计局公布的数据显示，CPI上涨。"),
    # a date after a preposition or counter, or before 起/内/的, carries meaning: kept
    ("公司股票将于2月9日开市起复牌。", "公司股票将于2月9日开市起复牌。"),
    ("股价连续5日上涨，5日内涨停两次。", "股价连续5日上涨，5日内涨停两次。"),
    ("公司于北京时间1月15日凌晨获悉。", "公司于北京时间1月15日凌晨获悉。"),
    ("会议确定3月14日的议程。", "会议确定3月14日的议程。"),
    ("9月3日。", "9月3日。"),
    ("最近日本央行宣布加息。", "最近日本央行宣布加息。"),
])
def test_dates_that_only_say_when_are_dropped(sentence, expected):
    assert drop_times(sentence) == expected


def test_fragments_and_bare_sources_are_not_added_as_filler():
    for unit in ("审计的背后，", "据新华社消息，", "近日，市场监管总局通报，", "媒体披露审计的15个目标城市中，"):
        assert not good_filler(unit)
    assert good_filler("全国性地方债审计全面开闸。")
    text = ("全国性地方债审计全面开闸。审计的背后，是部分地方政府盲目举债的隐忧及无力还债的现实。"
            "媒体披露审计的15个目标城市中，债务压力排名前3为南京、成都、广州。")
    out = ExtractiveSummarizer().summarize_text(text, max_chars=30)
    assert out and "审计的背后。" not in out and "城市中。" not in out


def test_a_setting_is_not_joined_to_a_later_clause_of_the_lead():
    text = "在公司发布公告悼念总裁辞世后，有分析称，公司债务可控，业绩正在好转，股价小幅上涨。"
    out = ExtractiveSummarizer().summarize_text(text, max_chars=30)
    assert all(f"辞世后，{rest}" not in out for rest in ("公司", "业绩", "股价"))


def test_a_quote_without_its_other_half_makes_a_unit_dangling():
    assert dangling("中国看来帮了日本一把。”") and dangling("孟凯说，“外界说我们是做大数据。")
    assert not dangling("发言人表示：“我们会继续努力。”") and not dangling("公司净利润增长两成。")


def test_a_joined_lead_pair_never_skips_to_a_connective_or_a_bare_time():
    units = candidate_units(["澳大利亚联邦银行称，亚洲早盘黄金走势持平，但国债收益率上升可能令金价承压。"], 40).units
    assert not any(u.pair and "称，但" in u.text for u in units)
    units = candidate_units(["2021年全年，居民消费价格上涨，低于3%左右的预期目标。"], 40).units
    assert not any(u.pair for u in units)


def test_weibo_topic_marks_and_links_are_dropped_but_building_numbers_stay():
    out = ExtractiveSummarizer().summarize_text("索尼、夏普、#松下#这些企业开始走下坡路。", max_chars=30)
    assert out == "索尼、夏普、松下这些企业开始走下坡路。"
    assert "3#楼" in ExtractiveSummarizer().summarize_text("小区3#楼和5#楼完成外墙翻新。", max_chars=30)
    linked = "时代周刊发布新封面。原文：http://cj.sina.cn/article/normal_detail?url=https://finance.sina.com.cn/a.shtml"
    out = ExtractiveSummarizer().summarize_text(linked, max_chars=40)
    assert out.startswith("时代周刊发布新封面。") and "http" not in out and "sina" not in out


def test_recurring_names_are_counted_once_per_unit_and_marked_in_the_lead():
    sentences = ["王亚伟遭遇赎回，业绩下滑。", "市场震荡加剧。", "王亚伟遭遇了成名以来的最窘境。"]
    candidates = candidate_units(sentences, 30)
    features, _ = unit_features(sentences, candidates, 30)
    texts = [u.text for u in candidates.units]
    quiet, named = texts.index("市场震荡加剧。"), texts.index("王亚伟遭遇了成名以来的最窘境。")
    assert features["cover"][quiet] == 0 and features["cover"][named] == 1  # every recurring trigram is 王亚伟遭遇
    assert features["cover_lead"][named] == 1 and 0 <= features["cover"].max() <= 1


def test_a_run_cut_from_inside_a_sentence_on_a_verb_is_dangling():
    sentences = ["北京出台轨道交通安全方案，将推出差别化票价。", "将推出新线路。"]
    candidates = candidate_units(sentences, 30)
    features, _ = unit_features(sentences, candidates, 30)
    flag = {u.text: d for u, d in zip(candidates.units, features["dangling"], strict=True)}
    assert flag["将推出差别化票价。"] == 1 and flag["将推出新线路。"] == 0
    assert flag["北京出台轨道交通安全方案，将推出差别化票价。"] == 0


def test_gram_of_shared_columns_equals_the_full_product() -> None:
    """Multiplying only the columns two rows share gives every dot product of the full product."""
    import numpy as np

    from summarizer.backends.extractive.spans import _gram

    rng = np.random.default_rng(0)
    vectors = (rng.random((40, 300)) < 0.03) * rng.random((40, 300))  # sparse, as clause bigram vectors are
    vectors[:, 0] = 0.0  # a column no row has
    vectors[3] = 0.0  # a row with nothing
    assert np.count_nonzero(np.count_nonzero(vectors, axis=0) == 1) > 0  # some columns are one row's own
    assert np.allclose(_gram(vectors.astype(np.float32)), vectors @ vectors.T, rtol=1e-5, atol=1e-6)
