"""Speed of the model engines on CPU against a naive transformers loop, on the same articles in one run.

    .venv/bin/python benchmarks/speed.py [--model DIR] [--n 96] [--budget 30] [--threads N]
        [--configs naive,chat-fp32,chat-int8,...] [--set lcsts]

Reads the first N items of ``../shared/eval/<set>_dev.jsonl`` (exits cleanly when absent; never
copied into the repo). Each configuration runs in its own process (so peak RSS is its own) and
prints one row: model load seconds, articles/min, prefill and decode tokens/s, peak RSS and char
ROUGE-L against the references. The run starts with a float32 matmul microbenchmark, and prefill
speed is shown as a fraction of it: a prefill token costs 2 FLOPs per weight of the linear layers
(embeddings and the LM head, which prefill applies to the last position only, excluded).

``naive`` is the peer: one article at a time, float32, greedy, the same model, prompt and
generation settings as the chat engine, with the tokenizer's default system prompt and nothing else.
Decode tokens/s counts every row of a batch step (the work done, padding rows included).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import BUDGETS, EVAL

DEFAULT_MODEL = os.environ.get("SUMMARIZER_TEST_LLM", str(Path.home() / ".cache/summarizer-test-model/"
                                                             "qwen2.5-coder-0.5b-instruct"))
# name -> chat engine options (None: the naive loop)
CONFIGS: dict[str, dict[str, Any] | None] = {
    "naive": None,
    "chat-fp32-b1": {"quantize": None, "dtype": "float32", "batch_size": 1},
    "chat-fp32": {"quantize": None, "dtype": "float32"},  # the engine's defaults otherwise (batches of 16)
    "chat-int8-b1": {"quantize": "int8", "batch_size": 1},
    "chat-int8": {"quantize": "int8"},
    "chat-int8-b8": {"quantize": "int8", "batch_size": 8},
    "chat-int8-b32": {"quantize": "int8", "batch_size": 32},
    "chat-bf16": {"quantize": None, "dtype": "bfloat16"},
    "chat-mixed": {"quantize": None, "dtype": "mixed"},  # float32 weights, bf16 matmuls (the default on bf16 CPUs)
    # CTranslate2 (optional: pip install ctranslate2), the model converted in the run, not counted in art/min
    "ct2-int8": {"ct2": "int8"},
    "ct2-fp32": {"ct2": "float32"},
}
DEFAULT_CONFIGS = "naive,chat-fp32,chat-mixed,chat-bf16,chat-int8,ct2-int8"


def matmul_gflops(threads: int, seconds: float = 1.5) -> float:
    """Float32 GFLOP/s of a prefill-shaped matmul (256 tokens x 896 -> 4864, Qwen2.5-0.5B's MLP)."""
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(256, 896), torch.randn(896, 4864)
    torch.mm(a, b)
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        torch.mm(a, b)
        runs += 1
    return 2 * 256 * 896 * 4864 * runs / (time.perf_counter() - start) / 1e9


class ForwardTimer:
    """Times every forward call of a model: a call over more than one position is prefill."""

    def __init__(self, model: Any) -> None:
        self.prefill_s = self.decode_s = self.total_s = 0.0
        self.prefill_tokens = self.decode_tokens = 0
        self._start = 0.0
        self._prefill = False
        model.register_forward_pre_hook(self._before, with_kwargs=True)
        model.register_forward_hook(self._after)

    def _before(self, _module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        ids = kwargs.get("input_ids", args[0] if args else None)
        mask = kwargs.get("attention_mask")
        self._prefill = ids.shape[1] > 1
        if self._prefill:
            # positions computed now (a reused prefix cache is not recomputed), padding excluded
            self.prefill_tokens += int(mask[:, -ids.shape[1]:].sum()) if mask is not None else ids.numel()
        else:
            self.decode_tokens += ids.shape[0]
        self._start = time.perf_counter()

    def _after(self, *_: Any) -> None:
        spent = time.perf_counter() - self._start
        if self._prefill:
            self.prefill_s += spent
        else:
            self.decode_s += spent


def linear_weights(model: Any) -> int:
    """Weights of the linear layers a prefill token passes through (no embeddings, no LM head)."""
    config = model.config
    try:  # from the config: dynamically quantised linears keep their weights outside parameters
        h, inter, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
        kv = h // config.num_attention_heads * config.num_key_value_heads
        return int(layers * (h * h * 2 + h * kv * 2 + 3 * h * inter))
    except AttributeError:
        return sum(p.numel() for n, p in model.named_parameters() if "embed" not in n and "lm_head" not in n)


Run = tuple[list[str], ForwardTimer, Any, float]  # summaries, timings, the model, seconds to load it


def naive_loop(model_path: str, texts: list[str], budget: int) -> Run:
    """The peer: one article at a time, float32, greedy, the engine's prompt with the default system prompt."""
    import torch
    from summarizer.backends.chat import REPETITION_PENALTY, new_tokens, wrap
    from summarizer.backends.generate import clean_output

    from summarizer.backends import hf
    from summarizer.prompts import load_prompt, render_prompt

    start = time.perf_counter()
    tokenizer, model = hf.load(model_path, "causal")
    loaded = time.perf_counter() - start
    timer = ForwardTimer(model)
    template = load_prompt("summary")
    outputs = []
    t0 = time.perf_counter()
    for text in texts:
        prompt = wrap(tokenizer, "", render_prompt(template, title="", text=text, max_chars=budget))
        enc = tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
        with torch.no_grad():
            ids = model.generate(**enc, do_sample=False, max_new_tokens=new_tokens(budget),
                                 repetition_penalty=REPETITION_PENALTY, pad_token_id=tokenizer.eos_token_id)
        answer = tokenizer.decode(ids[0, enc["input_ids"].shape[1]:], skip_special_tokens=True)
        outputs.append(clean_output(answer, budget))
    timer.total_s = time.perf_counter() - t0
    return outputs, timer, model, loaded


def engine_run(model_path: str, texts: list[str], budget: int, options: dict[str, Any]) -> Run:

    from summarizer.backends import get_backend
    from summarizer.types import Article

    start = time.perf_counter()
    engine = get_backend("chat", model=model_path, **options)
    loaded = time.perf_counter() - start
    timer = ForwardTimer(engine.model)
    t0 = time.perf_counter()
    summaries = engine.summarize([Article(title="", text=t) for t in texts], max_chars=budget)
    timer.total_s = time.perf_counter() - t0
    return [s.text for s in summaries], timer, engine.model, loaded


def ct2_run(model_path: str, texts: list[str], budget: int, compute_type: str) -> Run:
    """The engine's prompts and batching on CTranslate2: converted here, the shared prefix as its static prompt.

    CTranslate2 has no stopping callback for batches, so each row runs to EOS or the token limit (the
    engine stops a row once its summary is settled); its prefill and decode are not timed apart.
    """
    import tempfile
    from types import SimpleNamespace

    import ctranslate2
    import torch
    import transformers
    from summarizer.backends.chat import REPETITION_PENALTY, new_tokens, shared_prefix, wrap
    from summarizer.backends.generate import clean_output

    from summarizer.prompts import load_prompt, render_prompt

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="speed-ct2-") as folder:  # a model-sized copy: never left behind
        ctranslate2.converters.TransformersConverter(model_path).convert(folder, force=True)
        generator = ctranslate2.Generator(folder, device="cpu", compute_type=compute_type,
                                          intra_threads=torch.get_num_threads())
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_path)
    loaded = time.perf_counter() - start
    system, template = load_prompt("system").strip(), load_prompt("summary")
    prompts = [wrap(tokenizer, system, render_prompt(template, title="", text=t, max_chars=budget)) for t in texts]
    ids = [tokenizer(p, add_special_tokens=False).input_ids for p in prompts]
    shared = shared_prefix(ids)
    static = tokenizer.convert_ids_to_tokens(ids[0][:shared])
    t0 = time.perf_counter()
    results = generator.generate_batch(
        [tokenizer.convert_ids_to_tokens(i[shared:]) for i in ids], static_prompt=static,
        max_batch_size=16, beam_size=1, max_length=new_tokens(budget), repetition_penalty=REPETITION_PENALTY,
        include_prompt_in_result=False)
    total = time.perf_counter() - t0
    outputs = [clean_output(tokenizer.decode(r.sequences_ids[0], skip_special_tokens=True), budget)
               for r in results]
    timer = SimpleNamespace(total_s=total, prefill_s=0.0, decode_s=0.0,
                            prefill_tokens=sum(len(i) - shared for i in ids) + shared,
                            decode_tokens=sum(len(r.sequences_ids[0]) for r in results))
    return outputs, timer, SimpleNamespace(config=transformers.AutoConfig.from_pretrained(model_path)), loaded


def worker(name: str, args: argparse.Namespace) -> None:
    """Run one configuration and print its measurements as one JSON line."""
    import torch

    torch.set_num_threads(args.threads)
    from summarizer.evaluate import read_dataset, rouge

    items = read_dataset(EVAL / f"{args.set}_dev.jsonl", limit=args.n)
    texts = [i.text for i in items]
    options = CONFIGS[name]
    if options is None:
        run = naive_loop(args.model, texts, args.budget)
    elif "ct2" in options:
        run = ct2_run(args.model, texts, args.budget, options["ct2"])
    else:
        run = engine_run(args.model, texts, args.budget, options)
    outputs, timer, model, loaded = run
    scores = rouge(outputs, [i.reference for i in items])
    print(json.dumps({
        "config": name, "load_s": loaded, "seconds": timer.total_s, "n": len(texts),
        "prefill_tokens": timer.prefill_tokens, "prefill_s": timer.prefill_s,
        "decode_tokens": timer.decode_tokens, "decode_s": timer.decode_s,
        "weights": linear_weights(model), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rougeL": scores["rougeL"], "chars": sum(map(len, outputs)) / len(outputs), "outputs": outputs,
    }, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL, help="chat model folder (default: $SUMMARIZER_TEST_LLM)")
    parser.add_argument("--set", default="lcsts", help="dev set under ../shared/eval (default: lcsts)")
    parser.add_argument("--n", type=int, default=96, help="articles (default: 96)")
    parser.add_argument("--budget", type=int, default=None, help="max_chars of a summary (default: the set's)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="torch threads (default: cores)")
    parser.add_argument("--configs", default=DEFAULT_CONFIGS, help=f"comma-separated, from: {', '.join(CONFIGS)}")
    parser.add_argument("--outputs", type=Path, help="write every configuration's summaries to this .json file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.budget is None:
        args.budget = BUDGETS.get(args.set, 30)
    if args.worker:
        worker(args.worker, args)
        return
    if not (EVAL / f"{args.set}_dev.jsonl").is_file():
        print(f"skipped: {EVAL / f'{args.set}_dev.jsonl'} not found")
        return
    if not Path(args.model).expanduser().exists():
        print(f"skipped: model {args.model} not found (set SUMMARIZER_TEST_LLM or --model)")
        return
    names = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = [c for c in names if c not in CONFIGS]
    if unknown:
        parser.error(f"unknown configs {unknown}; choose from {', '.join(CONFIGS)}")
    gflops = matmul_gflops(args.threads)
    print(f"{args.set} n={args.n} budget={args.budget} threads={args.threads}  "
          f"fp32 matmul {gflops:.0f} GFLOP/s (256x896 @ 896x4864)")
    head = f"{'config':14} {'load s':>6} {'art/min':>7} {'x naive':>7} {'prefill t/s':>11} {'pf eff':>6} " \
           f"{'decode t/s':>10} {'RSS MB':>7} {'ROUGE-L':>7} {'chars':>5}"
    print(head)
    rows: list[dict[str, Any]] = []
    base = None
    for name in names:
        cmd = [sys.executable, __file__, "--worker", name, "--model", args.model, "--set", args.set,
               "--n", str(args.n), "--budget", str(args.budget), "--threads", str(args.threads)]
        if "ct2" in (CONFIGS[name] or {}) and importlib.util.find_spec("ctranslate2") is None:
            print(f"{name:14} skipped: ctranslate2 is not installed (pip install ctranslate2)")
            continue
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{name:14} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else '?'}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        per_min = 60 * row["n"] / row["seconds"]
        base = base or (per_min if name == "naive" else None)
        ratio = f"{per_min / base:7.2f}" if base else f"{'-':>7}"
        if row["prefill_s"]:  # CTranslate2 does not time prefill and decode apart
            prefill = row["prefill_tokens"] / row["prefill_s"]
            timed = f"{prefill:11.0f} {2 * row['weights'] * prefill / 1e9 / gflops:6.0%} " \
                    f"{row['decode_tokens'] / row['decode_s']:10.1f}"
        else:
            timed = f"{'-':>11} {'-':>6} {'-':>10}"
        print(f"{name:14} {row['load_s']:6.1f} {per_min:7.1f} {ratio} {timed} {row['rss_mb']:7.0f} "
              f"{row['rougeL']:7.1f} {row['chars']:5.1f}", flush=True)
    if args.outputs:
        args.outputs.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
