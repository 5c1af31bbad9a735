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
    """The prefix-pruned search over the one-look-up table (``_pieces``) cuts as trying every piece up to
    _MAX_WORD long in the word list does, ties included: on sample runs and on generated ones made of
    listed words, their prefixes and unlisted characters (where prefixes, ties and unknown costs meet)."""
    import math
    import random

    from summarizer.lexicon import word_idf
    from summarizer.text import _MAX_WORD, _UNKNOWN, _least_cost

    idf = word_idf()
    listed = sorted(w for w in idf if len(w) <= _MAX_WORD + 2)
    unlisted_starts = sorted({w[0] for w in listed} - idf.keys())  # a prefix, never a word alone
    rng = random.Random(20)
    generated = []
    for _ in range(400):
        parts = [rng.choice(listed) for _ in range(rng.randint(1, 6))]
        parts = [p[: rng.randint(1, len(p))] if rng.random() < 0.3 else p for p in parts]  # prefixes
        for rare in ("\u4e28", rng.choice(unlisted_starts)):  # unlisted characters
            if rng.random() < 0.3:
                parts.insert(rng.randrange(len(parts) + 1), rare)
        generated.append("".join(parts))
    samples = ["中华人民共和国国务院新闻办公室今天举行发布会", "蒋振岭在延庆区人民政府门口说", "地下停车场积水严重"]
    for run in samples + generated:
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
        assert _least_cost(run) == words, run


def test_segment_joins_the_single_characters_a_name_is_cut_into() -> None:
    """A character alone joins its neighbours when it is neither glue nor common (its IDF at least
    _COMMON_CHAR_IDF, or unlisted): the precomputed set of word characters says the same as the rule."""
    from summarizer.lexicon import word_idf
    from summarizer.text import _COMMON_CHAR_IDF, _UNKNOWN, FUNCTION_CHARS, _word_chars

    idf = word_idf()
    chars = {c for w in idf for c in w} | {"\u4e28"}
    word_chars = _word_chars()
    for c in chars:
        assert (c in word_chars) == (c in FUNCTION_CHARS or idf.get(c, _UNKNOWN) < _COMMON_CHAR_IDF), c
