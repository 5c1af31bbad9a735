"""A real small chat model (``SUMMARIZER_TEST_LLM``, see ../shared/tools/get-test-model --hf); skipped without it."""

import os

import pytest

from summarizer import facts
from summarizer.pipeline import summarize_articles
from summarizer.text import cjk_ratio

MODEL = os.environ.get("SUMMARIZER_TEST_LLM")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not MODEL, reason="set SUMMARIZER_TEST_LLM to a chat model")]


def test_real_chat_model_writes_faithful_chinese_summaries_of_every_seed(seed_articles):
    out = summarize_articles(seed_articles, backend="chat", model=MODEL, max_chars=150)
    for article, summary in zip(seed_articles, out, strict=True):
        assert summary.engine == "transformers", f"{article.name}: {summary.method}"
        assert 20 <= len(summary.text) <= 150 and cjk_ratio(summary.text) > 0.8
        assert facts.unsupported_figures(summary.text, article.text) == []


def test_real_chat_model_titles_and_overview():
    from summarizer.backends import get_backend
    from summarizer.prompts import load_prompt, render_prompt
    from tests.conftest import make_article

    engine = get_backend("transformers", model=MODEL)
    article = make_article("悦山国际小区封闭管理期间，物业一天为2836户业主配送物资近6万份，业主普遍认可。")
    (title,) = engine.titles([article])
    assert 4 <= len(title) <= 30 and not title.endswith("。")
    prompt = render_prompt(load_prompt("overview"), title="新闻简报", n_articles=1, n_provinces=1, n_cities=1,
                           regions="黑龙江省（哈尔滨市）1篇", summaries=article.text, figures="2836户", max_chars=80,
                           min_chars=40)
    assert 10 <= len(engine.complete(prompt, max_chars=80)) <= 80
