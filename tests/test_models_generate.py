"""Output hygiene, chunking and map-reduce of the prompt engine, and the generators' batching (no model needed)."""

from summarizer.backends.generators import banned_next
from summarizer.backends.generators.transformers import batches, token_limit
from summarizer.backends.output import chunk_text, clean_output, map_reduce, settled, title_settled, title_text

TEXT = "第一句话说明情况。第二句话讲物业做法，内容稍长一些。第三句。第四句话给出数字2836户。"


def count(text: str) -> int:
    return len(text)  # one "token" per character keeps the arithmetic visible


def test_clean_output_drops_preamble_markup_repeats_and_keeps_first_paragraph():
    raw = "好的，以下是摘要：\n**物业为2836户业主配送物资。**物业为2836户业主配送物资。業主點讚。\n\n说明：以上为摘要。"
    assert clean_output(raw, 100) == "物业为2836户业主配送物资。业主点赞。"
    assert clean_output("摘要：甲乙丙丁。戊己庚辛壬癸。", 6) == "甲乙丙丁。"  # cut at a sentence end
    assert clean_output("甲乙丙，丁戊己庚辛壬癸，子丑。", 12) == "甲乙丙，丁戊己庚辛壬癸。"  # no dangling comma


def test_chunks_respect_the_limit_and_sentence_ends_and_lose_nothing():
    parts = chunk_text(TEXT, count, 20)
    assert "".join(parts) == TEXT and all(count(p) <= 20 for p in parts)
    assert all(p.endswith("。") for p in parts)
    huge = "很" * 50 + "。"
    assert all(count(p) <= 20 for p in chunk_text(huge, count, 20)) and "".join(chunk_text(huge, count, 20)) == huge


def test_map_reduce_summarises_parts_then_their_summaries_and_says_so():
    calls: list[list[tuple[int, str]]] = []

    def generate(items: list[tuple[int, str]], max_chars: int) -> list[str]:
        calls.append(items)
        return [t[:6] for _, t in items]  # "summary": the first six characters

    short, long = "短文。", TEXT
    out = map_reduce([short, long], generate, count, 20, 15)
    assert out[0] == ("短文。", ())
    assert len(calls) == 3  # the short text; the long text's parts; the reduce over the parts' summaries
    assert {i for i, _ in calls[1]} == {1} and len(calls[1]) == len(chunk_text(TEXT, count, 20))
    assert calls[2] == [(1, "第一句话说明第二句话讲物第三句。第四")]  # the parts' summaries, joined
    assert out[1][0] == "第一句话说明" and "分 3 段摘要后合并" in out[1][1][0]


def test_map_reduce_gives_up_on_a_model_that_does_not_shorten():
    out = map_reduce([TEXT], lambda items, n: [t for _, t in items], count, 20, 15)
    assert "只用了开头部分" in out[0][1][-1]


def test_token_limit_prefers_the_position_table_and_ignores_sentinels():
    class Obj:
        def __init__(self, **kw: object) -> None:
            self.__dict__.update(kw)

    assert token_limit(Obj(model_max_length=10**30), Obj(config=Obj(max_position_embeddings=4096))) == 4096
    assert token_limit(Obj(model_max_length=512), Obj(config=Obj())) == 512
    assert token_limit(Obj(model_max_length=10**30), Obj(config=Obj())) == 512  # mT5 tokenizers: no limit given


def test_settled_only_when_more_text_cannot_change_the_cleaned_summary():
    answers = ["好的，以下是摘要：\n\n物业为2836户业主配送物资。業主點讚。\n\n说明：以上为摘要。",
               "甲乙丙丁。甲乙丙丁。戊己庚辛壬癸。子丑寅卯辰巳。午未申酉戌亥。", "甲乙丙，丁戊己庚辛壬癸，子丑。"]
    for answer in answers:
        for budget in (4, 6, 12, 100):
            for end in range(len(answer) + 1):
                if settled(answer[:end], budget):  # stopping here gives what the whole answer gives
                    assert clean_output(answer[:end], budget) == clean_output(answer, budget), (answer[:end], budget)
    assert not settled("好的，以下是摘要：\n\n", 10)  # a preamble's blank line is not the paragraph's end
    assert settled("物业配送物资。\n\n说明", 100)
    assert not settled("甲乙丙丁。甲乙丙丁", 6)  # the second sentence may yet repeat the first
    assert settled("甲乙丙丁。戊己庚辛。子", 6)
    # a heading standing alone is not the answer: stopping there threw away a 综述 as too short (issue 16)
    assert not settled("一、概述\n\n", 100) and not settled("综述\n\n", 100)
    assert settled("一、概述\n\n本期共收录7篇新闻。\n\n二", 100)
    answer = "一、概述\n\n本期共收录7篇新闻。各地物业积极抗疫。\n\n二、"
    for end in range(len(answer) + 1):
        if settled(answer[:end], 100):
            assert clean_output(answer[:end], 100) == clean_output(answer, 100), answer[:end]


def test_a_truncated_answer_loses_its_unfinished_sentence_or_clause():
    done = "物业为2836户业主配送物资。"
    assert clean_output(done + "业主普遍认可，还", 100, truncated=True) == done
    assert clean_output("物业为2836户业主配送物资，业主", 100, truncated=True) == "物业为2836户业主配送物资。"
    assert clean_output("物业为2836户业主配送物资业主普遍", 100, truncated=True) == ""  # nothing whole: nothing
    assert clean_output("物业为2836户业主配送物资业主普遍", 100) == "物业为2836户业主配送物资业主普遍"
    assert clean_output("物业送物资。\n\n说明：以上为摘", 100, truncated=True) == "物业送物资。"  # paragraph ended


def test_titles_are_the_first_line_without_preamble_or_marks_and_settle_at_its_end():
    assert title_text("标题：“物业一天为2836户配送物资”。\n说明：……", 30) == "物业一天为2836户配送物资"
    assert title_text("好的，以下是标题：\n《悦山国際小區物業送菜上門》", 30) == "悦山国际小区物业送菜上门"
    assert len(title_text("甲" * 20 + "，" + "乙" * 20, 30)) <= 30
    assert not title_settled("好的，以下是标题：\n") and not title_settled("物业送菜")
    assert title_settled("物业送菜上门\n") and title_settled("标题：物业送菜上门。")


def test_banned_next_completes_only_the_banned_sequences():
    seqs = [[7], [3, 4, 5]]
    assert banned_next([1, 2], seqs) == {7}
    assert banned_next([1, 3, 4], seqs) == {7, 5}
    assert banned_next([], seqs) == {7}


def test_batches_go_shortest_first_within_row_and_padded_token_caps():
    lengths = [50, 10, 300, 12, 11, 200, 900]
    groups = batches(lengths, 3, 600)
    assert sorted(i for g in groups for i in g) == list(range(len(lengths)))
    assert groups == [[1, 4, 3], [0, 5], [2], [6]]  # 900 alone: over the cap, but never dropped
    assert all(len(g) * max(lengths[i] for i in g) <= 600 for g in groups if len(g) > 1)


def test_clean_output_skips_a_heading_the_model_puts_first():
    answer = "一、概述\n\n本期共收录7篇新闻。各地物业积极抗疫。"
    assert clean_output(answer, 60) == "本期共收录7篇新闻。各地物业积极抗疫。"
    assert clean_output("综述\n本期共收录7篇新闻。", 60) == "本期共收录7篇新闻。"
    # a first line that is the summary itself (long, or with punctuation) is kept
    text = "悦山国际小区物业为2836户业主配送物资近6万份\n业主普遍认可。"
    assert clean_output(text, 60) == "悦山国际小区物业为2836户业主配送物资近6万份业主普遍认可。"
