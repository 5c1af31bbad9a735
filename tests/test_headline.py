import pytest

from summarizer.backends.extractive import ExtractiveSummarizer
from summarizer.backends.extractive.headline import TIGHT, colon_lead, drop_setting, speaker, with_speaker
from summarizer.backends.extractive.spans import candidate_units, dangling


@pytest.mark.parametrize(("sentence", "expected"), [
    ("韩媒称，国际油价暴跌让中国笑逐颜开。", "韩媒：国际油价暴跌让中国笑逐颜开。"),
    ("刘云山指出，广大科技工作者要学习老一辈科学家。", "刘云山：广大科技工作者要学习老一辈科学家。"),
    ("康生秘书黄宗汉说：你要不要留给子女几件文物？", "康生秘书黄宗汉：你要不要留给子女几件文物？"),
    ("习近平也强调，和平发展才是人间正道。", "习近平：和平发展才是人间正道。"),
])
def test_a_short_speaker_clause_becomes_speaker_colon(sentence, expected):
    assert colon_lead(sentence) == expected


@pytest.mark.parametrize("sentence", [  # a bare source, a pronoun, a setting, a hedge, too long, nothing after
    "据新华社报道称，油价下跌。",
    "他说，公司团队成员今年都非常辛苦。",
    "对王健林来说，唯一难以控制的是儿子。",
    "乐行换电发布会上透露，宁德时代推出了换电块。",
    "有人说，房价还会涨。",
    "发改委副秘书长范恒山谈到新疆区域发展时表示，规划已编制。",
    "香港高挂8号台风警告，没有了上班的顾虑。",
    "韩媒称。",
])
def test_a_clause_that_is_not_a_short_speaker_stays(sentence):
    assert colon_lead(sentence) == sentence


def test_speaker_is_only_a_clause_of_speaker_and_verb():
    assert speaker("巴基斯坦官员表示，") == "巴基斯坦官员"
    assert speaker("巴基斯坦官员表示此次事件是袭击，") is None


@pytest.mark.parametrize(("sentence", "expected"), [
    ("据悉，公司将于明年上市。", "公司将于明年上市。"),
    ("截至10月28日，两市已有91家房企披露了三季报。", "两市已有91家房企披露了三季报。"),
    ("记者昨日从上海国拍了解到，拍卖将于本月19日举行。", "拍卖将于本月19日举行。"),
    ("近年来，我国部分城市水质恶化。", "我国部分城市水质恶化。"),
    # kept: what is left would dangle, or nothing is left
    ("今年以来，这个名词被官方多次提及。", "今年以来，这个名词被官方多次提及。"),
    ("据悉，", "据悉，"),
    ("目前的形势很好。", "目前的形势很好。"),
])
def test_a_scene_setting_opener_is_dropped_unless_the_rest_dangles(sentence, expected):
    assert drop_setting(sentence) == expected


def test_a_unit_from_later_in_a_speaker_sentence_gets_the_speaker_when_it_fits():
    sentence = colon_lead("大宇造船表示，经过长时间的谈判，与欧洲船东签订6艘集装箱船的建造合同。")
    candidates = candidate_units([sentence], 40)
    later = next(u for u in candidates.units if u.text.startswith("与欧洲船东"))
    assert with_speaker(candidates, [later], 40) == ["大宇造船：" + later.text]
    assert with_speaker(candidates, [later], len(later.text) + 2) == [later.text]  # no room: as it was


def test_tight_budgets_read_like_a_headline_and_only_delete():
    text = "刘云山指出，广大科技工作者要学习老一辈科学家求真务实的精神，淡泊名利、潜心科研。据悉，专家们对此表示感谢。"
    engine = ExtractiveSummarizer()
    tight = engine.summarize_text(text, max_chars=30)
    assert tight.startswith("刘云山：广大科技工作者") and len(tight) <= 30, tight
    source = [c for c in text if c.isalnum()]
    it = iter(source)
    assert all(c in it for c in tight if c.isalnum())  # a subsequence of the article: deletions only
    loose = engine.summarize_text(text, max_chars=TIGHT + 70)
    assert "刘云山指出，" in loose  # a paragraph budget keeps the verb


def test_a_speaker_alone_or_with_only_the_start_of_the_claim_is_dangling():
    assert dangling("习近平：")
    assert dangling("建议书：征收社会抚养费，")
    assert not dangling("建议书：征收社会抚养费是把提倡变成了强制要求，")
