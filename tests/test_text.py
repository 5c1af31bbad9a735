from summarizer.text import split_clauses, split_sentences, truncate_at_boundary


def test_closing_quote_stays_with_its_sentence():
    assert split_sentences("他说：“我们到了。”随后离开。") == ["他说：“我们到了。”", "随后离开。"]


def test_no_split_inside_book_title():
    assert split_sentences("《再见！朋友》上映了。好看吗？") == ["《再见！朋友》上映了。", "好看吗？"]


def test_newlines_end_sentences_and_clauses_keep_marks():
    assert split_sentences("标题\n正文一句。") == ["标题", "正文一句。"]
    assert split_clauses("甲，乙；丙。") == ["甲，", "乙；", "丙。"]


def test_truncate_prefers_sentence_then_clause_and_never_exceeds():
    text = "第一句很短。第二句稍微长一些，有逗号。"
    assert truncate_at_boundary(text, 8) == "第一句很短。"
    assert truncate_at_boundary("一二三四五，六七八九十。", 8) == "一二三四五，"
    for n in range(1, len(text) + 2):
        assert len(truncate_at_boundary(text, n)) <= n


def test_segment_search_matches_trying_every_piece() -> None:
    """The prefix-pruned search cuts as trying every piece up to _MAX_WORD long does, ties included."""
    import math

    from summarizer.lexicon import word_idf
    from summarizer.text import _MAX_WORD, _UNKNOWN, _least_cost

    idf = word_idf()
    for run in ("中华人民共和国国务院新闻办公室今天举行发布会", "蒋振岭在延庆区人民政府门口说", "地下停车场积水严重"):
        best, start = [0.0] + [math.inf] * len(run), [0] * (len(run) + 1)
        for end in range(1, len(run) + 1):
            for begin in range(max(0, end - _MAX_WORD), end):
                cost = idf.get(run[begin:end], _UNKNOWN if end - begin == 1 else None)
                if cost is not None and best[begin] + cost < best[end]:
                    best[end], start[end] = best[begin] + cost, begin
        words, end = [], len(run)
        while end:
            words.append(run[start[end]:end])
            end = start[end]
        assert _least_cost(run) == words
