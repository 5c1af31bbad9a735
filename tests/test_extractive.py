import pytest

from summarizer.backends import get_backend
from summarizer.backends.extractive import ExtractiveSummarizer
from summarizer.text import split_sentences


@pytest.mark.parametrize("budget", [30, 60, 150, 300])
def test_budget_never_exceeded_and_sentences_come_from_source(seed_articles, budget):
    engine = get_backend("extractive")
    for article, summary in zip(seed_articles, engine.summarize(seed_articles, max_chars=budget), strict=True):
        assert 0 < len(summary.text) <= budget, article.name
        for piece in split_sentences(summary.text):  # verbatim clauses; only a closing 。 may replace a comma
            assert piece[:-1] in article.text, piece


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
