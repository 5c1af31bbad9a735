"""The model engines on tiny random models built from seeds/ (``pytest -m smoke``), and offline behaviour."""

import os
import re
import subprocess
import sys
import zipfile

import pytest

from summarizer import facts
from summarizer.backends import get_backend, hf
from summarizer.errors import ModelLoadError
from summarizer.pipeline import choose_engine, summarize_articles
from tests.conftest import ROOT, SEEDS, make_article

pytest.importorskip("transformers")


@pytest.mark.smoke
def test_seq2seq_loads_sentencepiece_t5_and_summarises_long_articles_in_parts(tiny_models, seed_articles):
    engine = get_backend("seq2seq", model=str(tiny_models["seq2seq"]))
    assert engine.limit == 256  # from the tokenizer: T5 has no position table
    out = engine.summarize(seed_articles, max_chars=40)
    assert [s.engine for s in out] == ["seq2seq"] * len(seed_articles)
    assert all(len(s.text) <= 40 for s in out)
    for article, summary in zip(seed_articles, out, strict=True):  # parts exactly when over 256 tokens
        in_parts = any("分" in n and "段摘要后合并" in n for n in summary.notes)
        assert in_parts == (engine._count(article.text) > engine.limit), article.name
    assert any(s.notes for s in out)
    (short,) = engine.summarize([make_article("物业为300户业主配送物资。")], max_chars=40)
    assert short.notes == ()


@pytest.mark.smoke
def test_chat_engine_batches_and_exposes_complete_and_title(tiny_models, seed_articles):
    engine = get_backend("chat", model=str(tiny_models["chat"]), batch_size=2)
    assert engine.tokenizer.padding_side == "left" and engine.context == 768
    out = engine.summarize(seed_articles, max_chars=30)
    assert len(out) == len(seed_articles) and all(len(s.text) <= 30 and s.engine == "chat" for s in out)
    # 768 tokens of context take a short seed (000, ~330 tokens) whole; the long ones go in parts
    assert not out[0].notes and any(s.notes and "段摘要后合并" in s.notes[0] for s in out[1:])
    assert len(engine.complete("请写一段综述：物业为业主配送物资。", max_chars=20)) <= 20
    title = engine.title(seed_articles[0], max_chars=20)
    assert len(title) <= 20 and "\n" not in title and not title.endswith("。")


@pytest.mark.smoke
def test_tiny_model_output_goes_through_the_guard(tiny_models, seed_articles):
    articles = seed_articles[:2]
    out = summarize_articles(articles, backend="chat", model=str(tiny_models["chat"]), max_chars=40)
    for article, summary in zip(articles, out, strict=True):
        assert len(summary.text) <= 40
        assert summary.engine == "extractive" or not facts.unsupported_figures(summary.text, article.text)
        assert summary.engine == "chat" or summary.fallback  # a fallback always says why


@pytest.mark.smoke
def test_whole_briefing_on_tiny_models_through_the_cli(tiny_models, seed_articles, tmp_path):
    out = tmp_path / "b.docx"
    for model in tiny_models.values():  # auto picks seq2seq for the T5 folder, chat for the decoder
        result = subprocess.run(
            [sys.executable, "-m", "summarizer", "brief", str(SEEDS), "-o", str(out), "--model", str(model),
             "--max-chars", "30", "--prompts", str(ROOT / "prompts")],
            capture_output=True, text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
        assert result.returncode == 0, result.stderr
        assert f"{len(seed_articles)} articles" in result.stdout
        xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
        assert "黑龙江省" in xml
        # Said once under the 综述: each way the summaries were written, by the model (named by its folder)
        # or by the extractive engine standing in for it, which says why; the counts add up to the articles.
        method = re.findall(r"摘要：([^<]*)", xml)[0]
        ways = method.split("；")[0]
        if not ways.startswith("均为"):
            assert sum(int(n) for n in re.findall(r"(\d+)篇", ways)) == len(seed_articles), method
        assert set(re.findall(r"模型摘要（([^）]*)）", ways)) <= {model.name}, method
        assert ("抽取式摘要" in ways) == ("改用抽取式摘要的原因" in method), method


def test_offline_missing_model_is_one_clear_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelLoadError, match=r"not on this machine.*HF_HUB_OFFLINE.*hf download nobody/no-such"):
        hf.load("nobody/no-such-model", "causal")
    engine, reason = choose_engine("auto", "nobody/no-such-model")
    assert engine.name == "extractive" and "HF_HUB_OFFLINE" in reason


def test_no_network_fails_fast_with_one_line(tmp_path):
    # A closed local port stands in for "no network": the hub lookup fails at once instead of hanging.
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(HF_ENDPOINT="http://127.0.0.1:9", HF_HOME=str(tmp_path / "hf"))
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "summarize", str(SEEDS / "000_3a66c6915ed1d9f5.txt"),
         "--backend", "chat", "--model", "nobody/no-such-model"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "nobody/no-such-model" in errors[0] and "hf download" in errors[0]


def test_prompts_option_must_be_a_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "summarize", str(SEEDS), "--prompts", str(tmp_path / "nope")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2 and "--prompts" in result.stderr and "not a folder" in result.stderr


@pytest.mark.smoke
def test_strict_retry_bans_the_invented_digits(tiny_models):
    from summarizer.backends.generate import banned_sequences

    engine = get_backend("seq2seq", model=str(tiny_models["seq2seq"]))
    banned = banned_sequences(engine.tokenizer, ["2863户", "近6万份"])
    spelled = {engine.tokenizer.decode(ids).replace("▁", "").strip() for ids in banned}
    assert spelled == {"2863", "6"}
    (again,) = engine.retry([make_article()], max_chars=30, problems=[["2863户"]])
    assert again.engine == "seq2seq" and "2863" not in again.text


@pytest.mark.smoke
def test_fingerprint_names_model_weights_and_prompts(tiny_models, tmp_path):
    (tmp_path / "summary.txt").write_text("请概括：{title}{text}{max_chars}", encoding="utf-8")
    default = get_backend("chat", model=str(tiny_models["chat"]))
    custom = get_backend("chat", model=str(tiny_models["chat"]), prompts=tmp_path)
    assert default.fingerprint.startswith(f"chat|{tiny_models['chat']}|") and "safetensors" in default.fingerprint
    assert default.fingerprint != custom.fingerprint  # another prompt is another summary
    assert get_backend("seq2seq", model=str(tiny_models["seq2seq"])).fingerprint.startswith("seq2seq|")
    assert get_backend("seq2seq", model=str(tiny_models["seq2seq"]), quantize="int8").fingerprint.endswith("=int8")


@pytest.mark.smoke
def test_int8_threads_and_system_prompt_are_engine_options_in_the_fingerprint(tiny_models, seed_articles):
    import torch

    path = str(tiny_models["chat"])
    plain = get_backend("chat", model=path, quantize="none", dtype="float32")  # a config file cannot spell None
    int8 = get_backend("chat", model=path, quantize="int8", threads=torch.get_num_threads())
    mlp = int8.model.model.layers[0].mlp
    assert isinstance(mlp.up_proj, torch.ao.nn.quantized.dynamic.Linear)
    assert type(mlp.down_proj) is torch.nn.Linear  # outliers: kept float32
    assert plain.fingerprint.endswith("quantize=None|dtype=float32")
    assert int8.fingerprint.endswith("quantize=int8|dtype=float32")  # auto: int8's kernels take float32
    out = int8.summarize(seed_articles[:2], max_chars=30)
    assert all(s.engine == "chat" and len(s.text) <= 30 for s in out)
    assert plain._wrap("正文").count("你是新闻简报编辑") == 1  # our short system prompt, not the template's default
    with pytest.raises(ModelLoadError, match=r"quantize='int4'.*int8"):
        get_backend("chat", model=path, quantize="int4")
    with pytest.raises(ModelLoadError, match="threads must be at least 1, got 0"):
        get_backend("chat", model=path, threads=0)


@pytest.mark.smoke
def test_dtype_auto_is_mixed_bf16_only_on_bf16_hardware_and_is_in_the_fingerprint(tiny_models, seed_articles,
                                                                                 monkeypatch):
    import torch

    path = str(tiny_models["chat"])
    monkeypatch.setattr(hf, "fast_bf16", lambda torch: True)
    mixed = get_backend("chat", model=path)  # the default: dtype auto, no quantisation
    assert mixed.model.dtype == torch.float32 and mixed.fingerprint.endswith("quantize=None|dtype=mixed")
    seen: set[torch.dtype] = set()  # what the linear layers compute in: bfloat16 under autocast
    hook = mixed.model.model.layers[0].mlp.up_proj.register_forward_hook(lambda m, i, out: seen.add(out.dtype))
    assert all(len(s.text) <= 30 for s in mixed.summarize(seed_articles[:2], max_chars=30))
    hook.remove()
    assert seen == {torch.bfloat16}
    monkeypatch.setattr(hf, "fast_bf16", lambda torch: False)  # e.g. a laptop CPU without AVX512-BF16/AMX
    plain = get_backend("chat", model=path)
    assert plain.fingerprint.endswith("dtype=float32")
    plain.model.model.layers[0].mlp.up_proj.register_forward_hook(lambda m, i, out: seen.add(out.dtype))
    seen.clear()
    plain.summarize(seed_articles[:1], max_chars=30)
    assert seen == {torch.float32}
    bf16 = get_backend("chat", model=path, dtype="bf16")  # asked for: given, weights and all
    assert bf16.model.dtype == torch.bfloat16 and bf16.fingerprint.endswith("dtype=bfloat16")
    with pytest.raises(ModelLoadError, match=r"unknown dtype='fp16'; choose auto, mixed, bfloat16 or float32"):
        get_backend("chat", model=path, dtype="fp16")
    with pytest.raises(ModelLoadError, match=r"quantize='int8' needs dtype float32.*'mixed'"):
        get_backend("chat", model=path, quantize="int8", dtype="mixed")


@pytest.mark.smoke
def test_stopping_each_row_when_settled_changes_no_summary(tiny_models, seed_articles, monkeypatch):
    from summarizer.backends import chat

    engine = get_backend("chat", model=str(tiny_models["chat"]), batch_size=3)
    articles = [make_article(a.text[:120]) for a in seed_articles[:3]]
    early = [s.text for s in engine.summarize(articles, max_chars=20)]
    monkeypatch.setattr(chat, "settled", lambda text, max_chars: False)
    assert [s.text for s in engine.summarize(articles, max_chars=20)] == early


@pytest.mark.smoke
def test_reusing_the_shared_prompt_prefix_changes_no_float32_summary(tiny_models, seed_articles, monkeypatch):
    from summarizer.backends import chat

    engine = get_backend("chat", model=str(tiny_models["chat"]), quantize="none", dtype="float32", batch_size=3)
    articles = [make_article(a.text[:150]) for a in seed_articles[:3]]
    reused = [s.text for s in engine.summarize(articles, max_chars=20)]
    assert engine._prefix is not None and len(engine._prefix[0]) >= chat._MIN_PREFIX
    monkeypatch.setattr(chat, "_MIN_PREFIX", 10_000)  # never reuse: every batch computes its whole prompt
    assert [s.text for s in engine.summarize(articles, max_chars=20)] == reused


@pytest.mark.smoke
def test_second_briefing_on_unchanged_input_never_loads_the_model(tiny_models, seed_articles, tmp_path, monkeypatch):
    from summarizer import brief
    from summarizer.cache import SummaryCache

    cache = SummaryCache(tmp_path / "cache")
    model = str(tiny_models["chat"])
    first = brief(seed_articles[:3], model=model, max_chars=30, cache=cache)
    assert {i.summary.engine for i in first.items} <= {"chat", "extractive"}

    def no_loading(*args, **kwargs):
        raise AssertionError("the model was loaded although everything is cached")

    monkeypatch.setattr(hf, "load", no_loading)
    second = brief(seed_articles[:3], model=model, max_chars=30, cache=cache)
    assert [i.summary for i in second.items] == [i.summary for i in first.items]
    assert [i.article.title for i in second.items] == [i.article.title for i in first.items]
    assert second.overview == first.overview
    # One new article: only it needs the model.
    monkeypatch.undo()
    third = brief([*seed_articles[:3], seed_articles[3]], model=model, max_chars=30, cache=cache)
    before = {i.article.name: i.summary for i in first.items}
    assert {i.article.name: i.summary for i in third.items if i.article.name in before} == before


@pytest.mark.smoke
def test_a_cache_shared_with_another_kind_of_cpu_learns_its_own_fingerprint(tiny_models, seed_articles, tmp_path,
                                                                             monkeypatch):
    from summarizer import brief
    from summarizer.cache import SummaryCache

    cache = SummaryCache(tmp_path / "cache")
    model = str(tiny_models["chat"])
    monkeypatch.setattr(hf, "fast_bf16", lambda torch: True)
    monkeypatch.setattr(hf, "cpu_signature", lambda: "x86_64+amx_bf16")
    brief(seed_articles[:1], model=model, max_chars=30, cache=cache)
    # Another machine, same cache: dtype auto means float32 there, so its run must load the model
    # and key its summaries by its own fingerprint, not take the bf16 machine's from the cache.
    monkeypatch.setattr(hf, "fast_bf16", lambda torch: False)
    monkeypatch.setattr(hf, "cpu_signature", lambda: "aarch64")
    loads = []
    real_load = hf.load
    monkeypatch.setattr(hf, "load", lambda *a, **k: loads.append(k.get("dtype")) or real_load(*a, **k))
    brief(seed_articles[:1], model=model, max_chars=30, cache=cache)
    assert loads == ["float32"]


@pytest.mark.smoke
def test_cli_passes_quantize_threads_and_dtype_to_the_engine(tiny_models, tmp_path):
    from typer.testing import CliRunner

    from summarizer.cli import app

    args = ["summarize", str(SEEDS / "000_3a66c6915ed1d9f5.txt"), "--backend", "chat", "--model",
            str(tiny_models["chat"]), "--json", "-n", "30", "--no-cache"]
    bad = CliRunner().invoke(app, [*args, "--quantize", "int4"])
    assert bad.exit_code == 2 and "int4" in bad.output
    ok = CliRunner().invoke(app, [*args, "--quantize", "none", "--threads", "1", "--dtype", "float32"])
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(app, [*args, "--dtype", "fp16"])
    assert bad.exit_code == 2 and "fp16" in bad.output
