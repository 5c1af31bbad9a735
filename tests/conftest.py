"""Shared builders and fakes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from summarizer.backends import Capabilities, Engine
from summarizer.types import Article, Region, Summary

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's summary cache or store of fetched pages."""
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path_factory.mktemp("summary-cache")))
    monkeypatch.setenv("SUMMARIZER_FETCH_DIR", str(tmp_path_factory.mktemp("fetched-pages")))


@pytest.fixture(scope="session")
def seed_articles() -> list[Article]:
    from summarizer import load_articles

    return load_articles(SEEDS)


def seed(articles: list[Article], prefix: str) -> Article:
    """The first article read from the seed file whose name starts with ``prefix``."""
    return next(a for a in articles if a.path is not None and a.path.name.startswith(prefix))


def make_article(text: str = "某市某小区物业为300户业主配送物资。", **fields: object) -> Article:
    fields.setdefault("title", "测试标题")
    return Article(text=text, **fields)  # type: ignore[arg-type]


def make_region(province: str, city: str | None, code: str, county: str | None = None) -> Region:
    return Region(province=province, city=city, county=county, confidence=0.9, code=code, scope="local")


class FakeEngine(Engine):
    """A model engine stand-in: returns canned texts, so the fallback chain can be tested."""

    name = "fake"
    capabilities = Capabilities(retry=True)

    def __init__(self, texts: Sequence[str] | None = None, fail: Exception | None = None,
                 retry_texts: Sequence[str] | None = None) -> None:
        super().__init__()
        self.texts = list(texts or [])
        self.fail = fail
        self.retry_texts = list(retry_texts) if retry_texts is not None else None
        self.retried: list[Sequence[str]] = []

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        if self.fail:
            raise self.fail
        return [Summary(t, self.name, "fake-model") for t in self.texts[: len(articles)]]

    def retry(self, articles: Sequence[Article], *, max_chars: int, problems: Sequence[Sequence[str]]) -> list[Summary]:
        """The strict retry: ``retry_texts`` if given, else the same mistake again."""
        self.retried.extend(problems)
        texts = self.retry_texts if self.retry_texts is not None else self.texts
        return [Summary(t, self.name, "fake-model") for t in texts[: len(articles)]]


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders holding a tiny random T5 (``seq2seq``) and Qwen2-style decoder (``chat``); see tiny_models.py."""
    pytest.importorskip("transformers")
    from tests.tiny_models import build_qwen2, build_t5

    root = tmp_path_factory.mktemp("tiny-models")
    corpus = sorted(SEEDS.glob("*.txt"))
    return {"seq2seq": build_t5(corpus, root / "t5"), "chat": build_qwen2(corpus, root / "qwen2")}
