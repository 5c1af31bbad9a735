"""The openai engine against a fault-injecting OpenAI-compatible server the tests start on 127.0.0.1."""

from __future__ import annotations

import logging
import threading

import pytest

from summarizer import brief
from summarizer.backends import get_backend
from summarizer.backends.generators.openai import retry_after, shown_url
from summarizer.cache import SummaryCache
from summarizer.errors import ModelLoadError
from summarizer.pipeline import choose_engine, summarize_articles
from tests.conftest import make_article
from tests.openai_server import StubServer

pytest.importorskip("httpx")

FAST = {"timeout": 0.5, "backoff": 0.01, "retries": 2, "concurrency": 3}
BODY = "悦山国际小区封闭管理。一天时间，物业就为2836户业主配送物资近6万份。业主普遍认可。"


def articles(*markers: str) -> list:
    return [make_article(f"{m}{BODY}", title=f"第{k}篇") for k, m in enumerate(markers)]


def within(seconds: float, work):
    """Run ``work`` in a thread; fail (rather than hang the suite) if it takes longer than ``seconds``."""
    out: list = []
    thread = threading.Thread(target=lambda: out.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return out[0]


@pytest.fixture
def server():
    with StubServer(slow=2.0) as stub:
        yield stub


def test_summaries_come_from_the_server_and_auto_picks_openai_from_base_url(server):
    out = summarize_articles(articles("", ""), base_url=server.base_url, max_chars=40, **FAST)
    assert [s.engine for s in out] == ["openai", "openai"] and out[0].model == "stub-model"
    assert out[0].text == "悦山国际小区封闭管理。"
    posts = [r for r in server.requests if r["path"] == "/v1/chat/completions"]
    assert len(posts) == 2 and posts[0]["body"]["temperature"] == 0 and posts[0]["body"]["model"] == "stub-model"
    assert posts[0]["body"]["messages"][0] == {"role": "system", "content": "你是新闻简报编辑。"}


def test_every_injected_fault_leaves_every_article_accounted_for(server):
    markers = ["", "【慢一次】", "【慢】", "【429】", "【500一次】", "【500】", "【断】", "【断总】", "【坏】",
               "【空】", "【长】"]
    out = within(60, lambda: summarize_articles(articles(*markers), base_url=server.base_url, model="stub-model",
                                                max_chars=40, **FAST))
    assert len(out) == len(markers)
    by = dict(zip(markers, out, strict=True))
    for marker in ("", "【慢一次】", "【429】", "【500一次】", "【断】"):  # retried, then answered
        assert by[marker].engine == "openai" and by[marker].fallback is None, (marker, by[marker].method)
    # truncated by max_tokens: the unfinished clause goes, the complete sentence stays
    assert by["【长】"].engine == "openai" and by["【长】"].text == "悦山国际小区封闭管理。"
    reasons = {"【慢】": "no answer within 0.5 s (after 3 tries)", "【500】": "HTTP 500",
               "【断总】": "connection failed",
               "【坏】": "not JSON", "【空】": "holds no choice"}
    for marker, reason in reasons.items():  # no answer: this article alone falls back, saying why
        summary = by[marker]
        assert summary.engine == "extractive" and summary.text, marker
        assert summary.fallback.startswith("openai: ") and reason in summary.fallback, (marker, summary.fallback)
    slow_tries = [r for r in server.requests if r["marker"] == "【慢】"]
    assert len(slow_tries) == 3  # the first try and two retries, no more


def test_429_is_retried_after_the_time_retry_after_asks_for(server):
    (summary,) = summarize_articles(articles("【429】"), base_url=server.base_url, model="m", max_chars=40,
                                    **{**FAST, "backoff": 0.0})
    first, second = [r["time"] for r in server.requests if r["marker"] == "【429】"]
    assert summary.engine == "openai" and second - first >= 0.95


def test_a_server_that_is_down_fails_fast_and_auto_says_why():
    with StubServer() as stub:
        url = stub.base_url  # a port that was open and is now closed
    engine, reason = choose_engine("auto", None, base_url=url, **FAST)
    assert engine.name == "extractive" and "openai engine" in reason and "cannot reach" in reason
    with pytest.raises(ModelLoadError, match="cannot reach the OpenAI-compatible server"):
        get_backend("openai", base_url=url, **FAST)
    # with --model given there is no /models call: each request fails, and after a few the rest fail at once
    many = articles(*[""] * 30)
    out = within(60, lambda: summarize_articles(many, backend="openai", base_url=url, model="m", max_chars=40,
                                                **{**FAST, "retries": 4, "backoff": 0.05}))
    assert all(s.engine == "extractive" and "openai: " in s.fallback for s in out)
    assert any("is not answering" in s.fallback for s in out)


def test_the_api_key_goes_to_the_server_and_nowhere_else(server, tmp_path, monkeypatch, caplog):
    secret = "sk-test-0123456789abcdef"
    monkeypatch.setenv("SUMMARIZER_TEST_KEY", secret)
    caplog.set_level(logging.DEBUG)
    cache = SummaryCache(tmp_path / "cache")
    result = brief(articles("", "【500】"), base_url=f"http://user:pw@127.0.0.1:{server.base_url.split(':')[2]}",
                   api_key_env="SUMMARIZER_TEST_KEY", max_chars=40, cache=cache, dedup=False, **FAST)
    assert {r["authorization"] for r in server.requests} == {f"Bearer {secret}"}
    out = tmp_path / "b.json"
    result.write(out)
    stored = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "cache").rglob("*.json"))
    for where in (caplog.text, stored, out.read_text(encoding="utf-8"), str(result)):
        assert secret not in where and ":pw@" not in where
    assert "HTTP 500 from http://127.0.0.1" in result.items[1].summary.fallback


def test_titles_and_the_overview_are_batched_requests_too(server):
    untitled = [make_article(BODY, title="悦山国际小区封闭管理", title_derived=True) for _ in range(3)]
    result = brief(untitled, base_url=server.base_url, model="m", max_chars=40, dedup=False, **FAST)  # 3 copies
    title_requests = [r for r in server.requests if "拟一个标题" in r["text"]]
    assert len(title_requests) == 3 and all(i.article.title == "悦山国际小区封闭管理。"[:-1] for i in result.items)
    overview_requests = [r for r in server.requests if "本期收录" in r["text"]]
    assert len(overview_requests) == 1 and overview_requests[0]["body"]["max_tokens"] > 0


def test_header_helpers():
    assert retry_after("3") == 3.0 and retry_after("") is None and retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: no wait
    assert shown_url("https://k:secret@api.example.com:8443/v1/?key=1") == "https://api.example.com:8443/v1"
