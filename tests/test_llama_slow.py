"""The llama.cpp engines on a real GGUF file: in-process, and llama.cpp's OpenAI-compatible server started here.

The file is ``SUMMARIZER_TEST_GGUF``, else ``$SUMMARIZER_TEST_LLM.gguf`` (what ``../shared/tools/get-test-model``
puts beside the folder); skipped without it or without llama-cpp-python (the ``llama`` extra).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarizer import facts
from summarizer.pipeline import brief, summarize_articles
from summarizer.text import cjk_ratio

GGUF = os.environ.get("SUMMARIZER_TEST_GGUF") or (os.environ.get("SUMMARIZER_TEST_LLM", "").rstrip("/") + ".gguf")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(GGUF).is_file(), reason="set SUMMARIZER_TEST_GGUF (or SUMMARIZER_TEST_LLM)")]
llama_cpp = pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (the llama extra)")


def check(articles, summaries, engine):
    """Every article accounted for; most by the model, each faithful Chinese within budget; fallbacks say why."""
    assert len(summaries) == len(articles)
    for article, summary in zip(articles, summaries, strict=True):
        assert summary.engine == engine or (summary.engine == "extractive" and summary.fallback), summary.method
        if summary.engine == engine:
            assert 10 <= len(summary.text) <= 150 and cjk_ratio(summary.text) > 0.8, summary.text
            assert facts.unsupported_figures(summary.text, article.text) == []
    assert sum(s.engine == engine for s in summaries) >= len(articles) // 2 + 1


def test_in_process_llama_cpp_summarises_titles_and_writes_the_overview(seed_articles):
    result = brief(seed_articles, model=GGUF, max_chars=150)  # auto: a .gguf file is the llama.cpp engine
    check([i.article for i in result.items], [i.summary for i in result.items], "llama.cpp")
    derived = [i.article for i in result.items if i.article.title_derived]
    assert derived and all(4 <= len(a.title) <= 30 and not a.title.endswith("。") for a in derived)
    assert result.overview is not None and len(result.overview.text) >= 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server():
    """llama.cpp's OpenAI-compatible server (llama_cpp.server) on 127.0.0.1, stopped after the tests."""
    pytest.importorskip("uvicorn", reason="llama_cpp.server needs the server extra (pip install 'summarizer[llama]')")
    port = _free_port()
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"llama-server-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", GGUF, "--host", "127.0.0.1",
                             "--port", str(port), "--n_ctx", "4096", "--n_threads", str(os.cpu_count() or 2)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    import httpx

    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"llama_cpp.server exited ({log.name})"
            try:
                if httpx.get(url + "/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            pytest.fail(f"llama_cpp.server did not come up in 180 s ({log.name})")
        yield url
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def test_openai_engine_against_a_real_llama_cpp_server(llama_server, seed_articles):
    out = summarize_articles(seed_articles, base_url=llama_server, max_chars=150, concurrency=2, context=4096)
    check(seed_articles, out, "openai")
    assert all(s.model for s in out if s.engine == "openai")  # the served model's name, from /v1/models
