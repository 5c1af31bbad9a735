"""Shared builders and fakes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from summarizer.types import Article, Region, Summary

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


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


class FakeEngine:
    """A model engine stand-in: returns canned texts, so the fallback chain can be tested."""

    name = "fake"

    def __init__(self, texts: Sequence[str] | None = None, fail: Exception | None = None, **_: object) -> None:
        self.texts = list(texts or [])
        self.fail = fail

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        if self.fail:
            raise self.fail
        return [Summary(t, self.name, "fake-model") for t in self.texts[: len(articles)]]
