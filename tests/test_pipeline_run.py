"""The run around the engine: cache, progress, and what a chat engine adds to a briefing."""

from collections.abc import Sequence

from summarizer import brief
from summarizer.backends import Capabilities, Engine
from summarizer.cache import SummaryCache
from summarizer.errors import BackendError
from summarizer.pipeline import run_engine
from summarizer.types import Article, Summary
from tests.conftest import make_article

OVERVIEW = "本期两篇新闻都报道了小区物业为业主配送物资的做法，体现了物业服务在封闭管理期间的保障作用。"
ARTICLES = [make_article(f"某小区物业为{n}户业主配送物资。业主普遍认可。", title=f"标题{n}") for n in (100, 200, 300)]


class CountingEngine(Engine):
    """Echoes each article's first sentence; records which articles it was asked to summarise."""

    name = "counting"

    def __init__(self, fingerprint: str | None = "counting|v1", fail: bool = False) -> None:
        super().__init__()
        self.fingerprint = fingerprint
        self.fail = fail
        self.seen: list[str] = []

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        if self.fail:
            raise BackendError("model crashed")
        self.seen += [a.title for a in articles]
        return [Summary(a.text.split("。")[0] + "。", self.name, "m") for a in articles]


def test_second_run_summarises_only_what_changed(tmp_path):
    cache = SummaryCache(tmp_path)
    first = CountingEngine()
    before = run_engine(first, ARTICLES, max_chars=60, cache=cache)
    again = CountingEngine()
    added = make_article("另一小区物业为400户业主配送物资。", title="新增")
    after = run_engine(again, [*ARTICLES, added], max_chars=60, cache=cache)
    assert first.seen == ["标题100", "标题200", "标题300"] and again.seen == ["新增"]
    assert after[:3] == before and after[3].text == "另一小区物业为400户业主配送物资。"


def test_cache_key_includes_engine_fingerprint_and_budget(tmp_path):
    cache = SummaryCache(tmp_path)
    run_engine(CountingEngine(), ARTICLES, max_chars=60, cache=cache)
    other_model, other_budget = CountingEngine("counting|v2"), CountingEngine()
    run_engine(other_model, ARTICLES, max_chars=60, cache=cache)
    run_engine(other_budget, ARTICLES, max_chars=40, cache=cache)
    assert len(other_model.seen) == 3 and len(other_budget.seen) == 3


def test_engine_failure_and_engines_without_fingerprint_are_not_cached(tmp_path):
    cache = SummaryCache(tmp_path)
    out = run_engine(CountingEngine(fail=True), ARTICLES, max_chars=60, cache=cache)
    assert all(s.engine == "extractive" and "model crashed" in s.fallback for s in out)
    assert cache.size() == 0
    engine = CountingEngine(fingerprint=None)  # an engine that cannot say what decides its output is never cached
    run_engine(engine, ARTICLES, max_chars=60, cache=cache)
    assert cache.size() == 0


def test_progress_reports_every_stage_of_a_briefing():
    calls = []
    run_engine(CountingEngine(), ARTICLES, max_chars=60, progress=lambda *a: calls.append(a))
    assert calls[0] == ("summaries", 0, 3) and calls[-1] == ("summaries", 3, 3)
    calls.clear()
    untitled = make_article("某小区物业为100户业主配送物资。", title="某小区物业为100户业主配送物资",
                            title_derived=True)
    _brief_with(ChatLike("小区物业为百户业主送物资"), [untitled, *ARTICLES], progress=lambda *a: calls.append(a))
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages == ["model", "regions", "summaries", "titles", "overview"]
    assert ("titles", 1, 1) in calls and ("regions", 4, 4) in calls and calls[-1] == ("overview", 1, 1)


class ChatLike(CountingEngine):
    """A chat engine stand-in with the titles and free-answer methods."""

    name = "chatlike"
    capabilities = Capabilities(titles=True, overview=True)

    def __init__(self, title: str) -> None:
        super().__init__()
        self.headline = title
        self.prompts: list[str] = []
        self.titled: list[list[str]] = []

    def titles(self, articles: Sequence[Article], *, max_chars: int = 30) -> list[str]:
        self.titled.append([a.title for a in articles])  # one call for all untitled articles
        return [self.headline for _ in articles]

    def complete(self, prompt: str, *, max_chars: int) -> str:
        self.prompts.append(prompt)
        return OVERVIEW


def _brief_with(engine, articles, **options):
    from summarizer.backends import BACKENDS, register_backend

    register_backend("chatlike", lambda options: engine)
    try:
        # the articles here are near copies of one another: kept apart (no dedup) so each gets its title
        return brief(articles, backend="chatlike", dedup=False, **options)
    finally:
        BACKENDS.pop("chatlike", None)


def test_chat_engine_titles_untitled_articles_and_writes_the_overview():
    untitled = make_article("某小区物业为100户业主配送物资。业主普遍认可。", title="某小区物业为100户业主配送物资",
                            title_derived=True)
    engine = ChatLike("小区物业为百户业主送物资")
    result = brief([untitled, ARTICLES[1]], backend="extractive")  # without a chat engine: unchanged
    assert result.items[0].article.title == "某小区物业为100户业主配送物资"
    result = _brief_with(engine, [untitled, ARTICLES[1]])
    titles = {i.article.title for i in result.items}
    assert "小区物业为百户业主送物资" in titles and "标题200" in titles  # a real headline is kept
    assert all(i.article.title_derived == (i.article.text == untitled.text) for i in result.items)
    assert engine.titled == [["某小区物业为100户业主配送物资"]]  # only the untitled one is asked for
    assert engine.prompts and result.overview is not None and OVERVIEW in result.overview.text
    assert result.overview.text.startswith("本期共收录新闻2篇")  # the counts are composed, not the model's


def test_model_title_with_an_invented_figure_is_not_used():
    untitled = make_article("某小区物业为100户业主配送物资。", title="某小区物业为100户业主配送物资",
                            title_derived=True)
    result = _brief_with(ChatLike("物业为999户业主配送物资"), [untitled])
    assert result.items[0].article.title == "某小区物业为100户业主配送物资"


def test_model_title_naming_an_organisation_not_in_the_text_is_not_used():
    untitled = make_article("某小区物业为100户业主配送物资。", title="某小区物业为100户业主配送物资",
                            title_derived=True)
    result = _brief_with(ChatLike("阳光小区物业送物资"), [untitled])  # 阳光小区 is not in the article
    assert result.items[0].article.title == "某小区物业为100户业主配送物资"


def test_a_model_summary_within_a_headlines_budget_is_the_title_and_costs_no_generation():
    untitled = make_article("某小区物业为100户业主配送物资。业主普遍认可。", title="物业送物资", title_derived=True)
    engine = ChatLike("不会用到的标题")
    result = _brief_with(engine, [untitled], max_chars=30)  # 30 characters: a headline's budget
    assert engine.titled == [] and result.items[0].article.title == "某小区物业为100户业主配送物资"
    assert result.items[0].summary.text == "某小区物业为100户业主配送物资。"
    result = _brief_with(engine, [untitled], max_chars=60)
    assert engine.titled == [["物业送物资"]] and result.items[0].article.title == "不会用到的标题"
