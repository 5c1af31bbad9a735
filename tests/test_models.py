"""The transformers and seq2seq engines on tiny random models built from seeds/ (``pytest -m smoke``), and offline
behaviour."""

import json
import os
import re
import subprocess
import sys
import zipfile

import pytest

from summarizer import facts
from summarizer.backends import get_backend
from summarizer.backends.generators import Prompt, digit_sequences, hf
from summarizer.errors import BackendError, ConfigError, ModelLoadError
from summarizer.pipeline import choose_engine, summarize_articles
from tests.conftest import ROOT, SEEDS, make_article

pytest.importorskip("transformers")


@pytest.mark.smoke
def test_seq2seq_loads_sentencepiece_t5_and_summarises_long_articles_in_parts(tiny_models, seed_articles):
    engine = get_backend("seq2seq", model=str(tiny_models["seq2seq"]))
    generator = engine.generator
    assert generator.context_tokens == 256  # from the tokenizer: T5 has no position table
    assert not engine.capabilities.titles and not engine.capabilities.overview  # not an instruct model
    out = engine.summarize(seed_articles, max_chars=40)
    assert [s.engine for s in out] == ["seq2seq"] * len(seed_articles)
    assert all(len(s.text) <= 40 for s in out)
    limit = engine._text_limit(generator.count_tokens(Prompt("")), 40)  # the answer has its own room: 256 - </s>
    assert limit == 255
    for article, summary in zip(seed_articles, out, strict=True):  # parts exactly when over the limit
        in_parts = any("分" in n and "段摘要后合并" in n for n in summary.notes)
        assert in_parts == (generator.count_tokens(article.text) > limit), article.name
    assert any(s.notes for s in out)
    (short,) = engine.summarize([make_article("物业为300户业主配送物资。")], max_chars=40)
    assert short.notes == ()


@pytest.mark.smoke
def test_transformers_engine_batches_and_writes_titles_and_free_answers(tiny_models, seed_articles):
    engine = get_backend("transformers", model=str(tiny_models["chat"]), batch_size=2)
    assert engine.generator.tokenizer.padding_side == "left" and engine.generator.context_tokens == 768
    assert engine.capabilities.retry and engine.capabilities.titles and engine.capabilities.overview
    out = engine.summarize(seed_articles, max_chars=30)
    assert len(out) == len(seed_articles) and all(len(s.text) <= 30 and s.engine == "transformers" for s in out)
    # 768 tokens of context take a short seed (000, ~330 tokens) whole; the long ones go in parts
    assert not out[0].notes and any(s.notes and "段摘要后合并" in s.notes[0] for s in out[1:])
    assert len(engine.complete("请写一段综述：物业为业主配送物资。", max_chars=20)) <= 20
    titles = engine.titles(seed_articles, max_chars=20)
    assert len(titles) == len(seed_articles)
    assert all(len(t) <= 20 and "\n" not in t and not t.endswith("。") for t in titles)
    with pytest.raises(BackendError, match=r"prompt \(\d+ tokens\) and a 300-character answer do not fit"):
        engine.complete("请写一段综述：" + seed_articles[1].text, max_chars=300)  # checked, not cut


@pytest.mark.smoke
def test_tiny_model_output_goes_through_the_guard(tiny_models, seed_articles):
    articles = seed_articles[:2]
    out = summarize_articles(articles, backend="chat", model=str(tiny_models["chat"]), max_chars=40)
    for article, summary in zip(articles, out, strict=True):
        assert len(summary.text) <= 40
        assert summary.engine == "extractive" or not facts.unsupported_figures(summary.text, article.text)
        assert summary.engine == "transformers" or summary.fallback  # a fallback always says why


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
def test_strict_retry_bans_the_invented_digits_per_article_in_one_batch(tiny_models):
    engine = get_backend("seq2seq", model=str(tiny_models["seq2seq"]))
    tokenizer = engine.generator.tokenizer
    banned = digit_sequences(engine.generator._tokens, ["2863户", "近6万份"])
    spelled = {tokenizer.decode(ids).replace("▁", "").strip() for ids in banned}
    assert spelled == {"2863", "6"}
    calls = []
    real = engine.generator.generate
    engine.generator.generate = lambda prompts, **kw: calls.append(kw["avoid"]) or real(prompts, **kw)
    again = engine.retry([make_article(), make_article("物业为6户业主配送物资。")], max_chars=30,
                         problems=[["2863户"], ["6户"]])
    assert calls == [[["2863户"], ["6户"]]]  # both articles in one generation, each with its own bans
    assert [s.engine for s in again] == ["seq2seq"] * 2 and "2863" not in again[0].text


@pytest.mark.smoke
def test_fingerprint_names_model_weights_and_prompts(tiny_models, tmp_path):
    (tmp_path / "summary.txt").write_text("请概括：{title}{text}{max_chars}", encoding="utf-8")
    default = get_backend("chat", model=str(tiny_models["chat"]), dtype="float32")
    custom = get_backend("chat", model=str(tiny_models["chat"]), dtype="float32", prompts=tmp_path)
    assert default.fingerprint.startswith(f"transformers|transformers|{tiny_models['chat']}|")
    assert "safetensors" in default.fingerprint
    assert default.fingerprint != custom.fingerprint  # another prompt is another summary
    assert get_backend("seq2seq", model=str(tiny_models["seq2seq"])).fingerprint.startswith("seq2seq|seq2seq|")
    assert "quantize=int8" in get_backend("seq2seq", model=str(tiny_models["seq2seq"]), quantize="int8").fingerprint


@pytest.mark.smoke
def test_int8_threads_and_system_prompt_are_engine_options_in_the_fingerprint(tiny_models, seed_articles):
    import torch

    from summarizer.backends.generators.transformers import wrap

    path = str(tiny_models["chat"])
    plain = get_backend("chat", model=path, quantize="none", dtype="float32")  # a config file cannot spell None
    int8 = get_backend("chat", model=path, quantize="int8", threads=torch.get_num_threads())
    mlp = int8.generator.net.model.layers[0].mlp
    assert isinstance(mlp.up_proj, torch.ao.nn.quantized.dynamic.Linear)
    assert type(mlp.down_proj) is torch.nn.Linear  # outliers: kept float32
    assert "quantize=None|dtype=float32|" in plain.fingerprint
    assert "quantize=int8|dtype=float32|" in int8.fingerprint  # auto: int8's kernels take float32
    out = int8.summarize(seed_articles[:2], max_chars=30)
    assert all(s.engine == "transformers" and len(s.text) <= 30 for s in out)
    # our short system prompt, not the template's default
    assert wrap(plain.generator.tokenizer, Prompt("正文", plain.system)).count("你是新闻简报编辑") == 1
    with pytest.raises(ConfigError, match=r"unknown quantize='int4'; choose one of: none, float32, fp32, int8"):
        get_backend("chat", model=path, quantize="int4")
    with pytest.raises(ConfigError, match="threads must be at least 1, got 0"):
        get_backend("chat", model=path, threads=0)


@pytest.mark.smoke
def test_dtype_auto_is_what_the_probe_measured_and_is_in_the_fingerprint(tiny_models, seed_articles, monkeypatch):
    import torch

    path = str(tiny_models["chat"])
    monkeypatch.setattr(hf, "measured_dtype", lambda torch: "mixed")
    mixed = get_backend("chat", model=path)  # the default: dtype auto, no quantisation
    net = mixed.generator.net
    assert net.dtype == torch.float32 and "quantize=None|dtype=mixed|head=float32|" in mixed.fingerprint
    seen: set[torch.dtype] = set()  # what the linear layers compute in: bfloat16 under autocast
    logits: set[torch.dtype] = set()  # but the LM head in float32: greedy picks from unrounded logits
    hook = net.model.layers[0].mlp.up_proj.register_forward_hook(lambda m, i, out: seen.add(out.dtype))
    head = net.lm_head.register_forward_hook(lambda m, i, out: logits.add(out.dtype))
    assert all(len(s.text) <= 30 for s in mixed.summarize(seed_articles[:2], max_chars=30))
    hook.remove()
    head.remove()
    assert seen == {torch.bfloat16} and logits == {torch.float32}
    monkeypatch.setattr(hf, "measured_dtype", lambda torch: "float32")  # e.g. a CPU where bf16 does not pay
    plain = get_backend("chat", model=path)
    assert "dtype=float32|" in plain.fingerprint and "head=" not in plain.fingerprint
    plain.generator.net.model.layers[0].mlp.up_proj.register_forward_hook(lambda m, i, out: seen.add(out.dtype))
    seen.clear()
    plain.summarize(seed_articles[:1], max_chars=30)
    assert seen == {torch.float32}
    bf16 = get_backend("chat", model=path, dtype="bf16")  # asked for: given, weights and all
    assert bf16.generator.net.dtype == torch.bfloat16 and "dtype=bfloat16|" in bf16.fingerprint
    with pytest.raises(ModelLoadError, match=r"quantize='int8' needs dtype float32.*'mixed'"):
        get_backend("chat", model=path, quantize="int8", dtype="mixed")


def test_the_dtype_probe_runs_once_per_cpu_and_is_remembered_on_disk(monkeypatch):
    import torch

    runs = []
    monkeypatch.setattr(hf, "_matmul_rates", lambda torch: runs.append(1) or (60.0, 210.0))
    monkeypatch.setattr(hf, "_probed", {})
    monkeypatch.setattr(hf, "cpu_signature", lambda: "x86_64|probe test CPU|avx512_bf16|torch 2")
    assert hf.measured_dtype(torch) == "mixed" and hf.measured_dtype(torch) == "mixed"
    monkeypatch.setattr(hf, "_probed", {})  # a new process: read from disk, not measured again
    assert hf.measured_dtype(torch) == "mixed" and runs == [1]
    record = json.loads(hf.probe_file(hf.cpu_signature()).read_text(encoding="utf-8"))
    assert record == {"signature": "x86_64|probe test CPU|avx512_bf16|torch 2", "float32_gflops": 60.0,
                      "bfloat16_gflops": 210.0, "choice": "mixed"}
    monkeypatch.setattr(hf, "cpu_signature", lambda: "aarch64|another CPU||torch 2")
    monkeypatch.setattr(hf, "_matmul_rates", lambda torch: (100.0, 110.0))  # bf16 gains too little to pay
    assert hf.measured_dtype(torch) == "float32"
    assert hf.resolve_dtype("auto", "int8") == "float32" and hf.resolve_dtype("bf16", None) == "bfloat16"


def test_the_real_probe_measures_both_arithmetics(monkeypatch):
    import torch

    monkeypatch.setattr(hf, "PROBE_SECONDS", 0.05)
    fp32, bf16 = hf._matmul_rates(torch)
    assert fp32 > 0.1 and bf16 > 0.1


@pytest.mark.smoke
def test_stopping_each_row_when_settled_changes_no_summary(tiny_models, seed_articles, monkeypatch):
    from summarizer.backends import engine as prompted

    engine = get_backend("chat", model=str(tiny_models["chat"]), batch_size=3, dtype="float32")
    articles = [make_article(a.text[:120]) for a in seed_articles[:3]]
    early = [s.text for s in engine.summarize(articles, max_chars=20)]
    monkeypatch.setattr(prompted, "settled", lambda text, max_chars: False)
    assert [s.text for s in engine.summarize(articles, max_chars=20)] == early


@pytest.mark.smoke
def test_reusing_the_shared_prompt_prefix_changes_no_float32_summary(tiny_models, seed_articles, monkeypatch):
    from summarizer.backends.generators import transformers

    engine = get_backend("chat", model=str(tiny_models["chat"]), quantize="none", dtype="float32", batch_size=3)
    articles = [make_article(a.text[:150]) for a in seed_articles[:3]]
    reused = [s.text for s in engine.summarize(articles, max_chars=20)]
    assert engine.generator._prefix is not None and len(engine.generator._prefix[0]) >= transformers.MIN_PREFIX
    monkeypatch.setattr(transformers, "MIN_PREFIX", 10_000)  # never reuse: every batch computes its whole prompt
    assert [s.text for s in engine.summarize(articles, max_chars=20)] == reused


@pytest.mark.smoke
def test_second_briefing_on_unchanged_input_never_loads_the_model(tiny_models, seed_articles, tmp_path, monkeypatch):
    from summarizer import brief
    from summarizer.cache import SummaryCache

    cache = SummaryCache(tmp_path / "cache")
    model = str(tiny_models["chat"])
    first = brief(seed_articles[:3], model=model, max_chars=30, cache=cache)
    assert {i.summary.engine for i in first.items} <= {"transformers", "extractive"}

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
    monkeypatch.setattr(hf, "measured_dtype", lambda torch: "mixed")
    monkeypatch.setattr(hf, "cpu_signature", lambda: "x86_64|a CPU|amx_bf16|torch 2")
    brief(seed_articles[:1], model=model, max_chars=30, cache=cache)
    # Another machine, same cache: dtype auto means float32 there, so its run must load the model
    # and key its summaries by its own fingerprint, not take the bf16 machine's from the cache.
    monkeypatch.setattr(hf, "measured_dtype", lambda torch: "float32")
    monkeypatch.setattr(hf, "cpu_signature", lambda: "aarch64|another||torch 2")
    loads = []
    real_load = hf.load
    monkeypatch.setattr(hf, "load", lambda *a, **k: loads.append(k.get("dtype")) or real_load(*a, **k))
    brief(seed_articles[:1], model=model, max_chars=30, cache=cache)
    assert loads == ["float32"]


@pytest.mark.smoke
def test_cli_passes_engine_options_to_the_engine_and_rejects_those_it_does_not_take(tiny_models, tmp_path):
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
    bad = CliRunner().invoke(app, [*args, "--num-beams", "2"])  # a seq2seq option given to a chat model
    assert bad.exit_code == 2 and "num_beams: not an option of the transformers engine" in bad.output
