import dataclasses
from pathlib import Path

import pytest

from summarizer import UnknownBackendError, brief, register_backend, summarize
from summarizer.backends import BACKENDS, resolve_backend
from summarizer.backends.options import Options, option
from summarizer.errors import BackendError, ConfigError, ModelLoadError
from summarizer.pipeline import choose_engine, summarize_articles
from summarizer.types import UNKNOWN_REGION
from tests.conftest import FakeEngine, make_article

ARTICLE = make_article("悦山国际小区封闭管理。一天时间，物业就为2836户业主配送物资近6万份。业主普遍认可。")


@pytest.fixture
def fake_backend():
    def install(**kwargs):
        register_backend("fake", lambda options: FakeEngine(**kwargs))

    yield install
    BACKENDS.pop("fake", None)


def test_summarize_text_default_is_extractive():
    s = summarize("悦山国际小区封闭管理。物业为2836户业主配送物资近6万份。", max_chars=40)
    assert s.engine == "extractive" and s.method == "extractive" and len(s.text) <= 40


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(UnknownBackendError, match="choose one of"):
        summarize("文本。", backend="nope")


def test_auto_with_unloadable_model_falls_back_with_reason(tmp_path):
    engine, reason = choose_engine("auto", str(tmp_path / "missing.gguf"))
    assert engine.name == "extractive" and "llama.cpp engine" in reason and "could not be loaded" in reason
    s = summarize(ARTICLE, model=str(tmp_path / "missing.gguf"))
    assert s.engine == "extractive" and s.fallback and "fallback" in s.method


def test_explicit_engine_that_cannot_load_raises(tmp_path):
    with pytest.raises(ModelLoadError, match="not a model folder"):
        choose_engine("chat", str(tmp_path))  # the old name of the transformers engine


def test_auto_picks_the_engine_from_base_url_and_model(tmp_path):
    (tmp_path / "config.json").write_text('{"is_encoder_decoder": true}')
    assert resolve_backend("auto", {"model": str(tmp_path)}) == "seq2seq"
    assert resolve_backend("auto", {"model": "Qwen/Qwen2.5-1.5B-Instruct"}) == "transformers"
    assert resolve_backend("auto", {"model": "~/models/Qwen2.5-7B-Q4_K_M.GGUF"}) == "llama.cpp"
    assert resolve_backend("auto", {"base_url": "http://127.0.0.1:8000/v1", "model": "qwen"}) == "openai"
    assert resolve_backend("auto", {}) == "extractive"
    assert resolve_backend("chat", {}) == "transformers"


def test_an_option_the_engine_does_not_take_is_an_error_naming_those_it_does(tmp_path):
    with pytest.raises(ConfigError, match=r"dtype: not an option of the seq2seq engine; its options: prompts, "
                                          r"max_input_tokens, model, quantize, threads.*num_beams"):
        summarize_articles([ARTICLE], backend="seq2seq", model=str(tmp_path), dtype="float32")
    # under auto too: a wrong option is the user's mistake, never a silent fallback
    with pytest.raises(ConfigError, match=r"base_url: not an option of the llama\.cpp engine"):
        choose_engine("llama.cpp", str(tmp_path / "m.gguf"), base_url="http://x")
    with pytest.raises(ConfigError, match=r"threads: not an option of the extractive engine"):
        summarize_articles([ARTICLE], threads=2)
    with pytest.raises(ConfigError, match=r"threads must be at least 1, got 0"):
        choose_engine("auto", str(tmp_path / "m.gguf"), threads=0)
    with pytest.raises(ConfigError, match=r"unknown dtype='fp16'; choose one of: auto, mixed, autocast, bfloat16"):
        choose_engine("auto", "Qwen/Qwen2.5-1.5B-Instruct", dtype="fp16")


def test_invented_figure_falls_back_to_extractive(fake_backend):
    fake_backend(texts=["物业为2863户业主配送物资。"])
    (s,) = summarize_articles([ARTICLE], backend="fake", max_chars=60)
    assert s.engine == "extractive" and "2863" in s.fallback and "2836户" in s.text


def test_faithful_model_summary_is_kept(fake_backend):
    fake_backend(texts=["物业一天为2836户业主配送物资近六万份。"])
    (s,) = summarize_articles([ARTICLE], backend="fake", max_chars=60)
    assert s.engine == "fake" and s.fallback is None and s.model == "fake-model"


def test_engine_failure_falls_back_for_all(fake_backend):
    fake_backend(fail=BackendError("out of memory"))
    out = summarize_articles([ARTICLE, ARTICLE], backend="fake", max_chars=60)
    assert [s.engine for s in out] == ["extractive", "extractive"]
    assert all("out of memory" in s.fallback for s in out)


def test_brief_orders_provinces_by_code_and_unknown_last(seed_articles):
    unknown = dataclasses.replace(seed_articles[0], title="无地名", text="物业为业主配送物资。业主点赞。",
                                  source=None, path=None, region=UNKNOWN_REGION)
    result = brief([unknown, *seed_articles], date=None)
    assert [s.name for s in result.sections] == ["黑龙江省", "山东省", "河南省", "海南省", "四川省", "其他地区"]
    assert len(result.items) == len(seed_articles) + 1


def test_invented_figure_is_retried_strictly_and_a_clean_retry_is_kept(fake_backend):
    engines = []

    def factory(**_):
        engines.append(FakeEngine(texts=["物业为2863户业主配送物资。"], retry_texts=["物业为2836户业主配送物资。"]))
        return engines[-1]

    register_backend("fake", lambda options: factory())
    (s,) = summarize_articles([ARTICLE], backend="fake", max_chars=60)
    assert engines[0].retried == [["2863户"]]  # the retry is told what was wrong
    assert s.engine == "fake" and s.fallback is None and s.text == "物业为2836户业主配送物资。"
    assert "严格重试" in s.method


def test_retry_that_fails_again_falls_back_and_empty_summary_says_so(fake_backend):
    fake_backend(texts=["", "阳光小区物业为业主配送物资。"])
    empty, invented_name = summarize_articles([ARTICLE, ARTICLE], backend="fake", max_chars=60)
    assert empty.engine == "extractive" and empty.fallback == "模型摘要为空（严格重试后仍未通过）"
    assert invented_name.engine == "extractive" and "阳光小区" in invented_name.fallback


def test_engine_options_reach_the_engine_checked_as_one_object(fake_backend, tmp_path):
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class FakeOptions(Options):
        model: str | None = option(None, "the model")
        prompts: Path | None = option(None, "a folder")
        threads: int = option(1, "threads", minimum=1)

    seen = []
    register_backend("fake", lambda o: seen.append(o) or FakeEngine(texts=["悦山国际小区封闭管理。"]),
                     options=FakeOptions)
    brief([ARTICLE], backend="fake", model="m", prompts=tmp_path, threads=3.0)
    assert seen == [FakeOptions(model="m", prompts=tmp_path, threads=3)]
    with pytest.raises(ConfigError, match="colour: not an option of the fake engine; its options: model, prompts, "
                                          "threads"):
        brief([ARTICLE], backend="fake", colour="red")
