"""Speed of the model engines on CPU against a naive transformers loop, on the same articles in one run.

    .venv/bin/python benchmarks/speed.py [--model DIR] [--gguf FILE] [--n 96] [--budget 30] [--threads N]
        [--configs naive,chat-fp32,...] [--set lcsts] [--outputs FILE.json]

Reads the first N items of ``../shared/eval/<set>_dev.jsonl`` (exits cleanly when absent; never
copied into the repo). Each configuration runs in its own process (so peak RSS is its own) and
prints one row: model load seconds, articles/min, prefill and decode tokens/s (transformers
only), peak RSS and char ROUGE-L against the references. The run starts with a float32 matmul
microbenchmark; transformers' prefill speed is shown as a fraction of it (a prefill token costs 2
FLOPs per weight of the linear layers, embeddings and LM head excluded).

Configurations:

- ``naive`` — the peer: one article at a time, float32, greedy, the same model, prompt and
  generation settings as the engine, the tokenizer's default system prompt.
- ``chat-*`` — the transformers engine (``engine.summarize``) with the given dtype / int8 / batch;
  ``chat-mixed-bf16head`` is mixed precision with the LM head under autocast too (the old default).
- ``llama`` — the llama.cpp engine in-process on the GGUF file (``--gguf``).
- ``server-c1`` / ``-c2`` / ``-c4`` — llama.cpp's OpenAI-compatible server (``llama_cpp.server``,
  started here on 127.0.0.1 with the same GGUF and threads) through the openai engine with 1, 2 or
  4 requests in flight; its start-up is the load time.
- ``brief`` / ``brief-llama`` — the whole ``summarizer brief`` command as a user runs it, on the
  same posts written as files, model loading, titles, 综述 and the .json output included
  (``--no-cache``); the row's art/min is end to end, and a second line splits its time by stage
  (from the command's progress lines) against the naive loop's load plus loop.
- ``ct2-*`` — the engine's prompts on CTranslate2 (``pip install ctranslate2``; skipped if absent).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from common import BUDGETS, EVAL

DEFAULT_MODEL = os.environ.get("SUMMARIZER_TEST_LLM", str(Path.home() / ".cache/summarizer-test-model/"
                                                             "qwen2.5-coder-0.5b-instruct"))
# name -> how to run it
CONFIGS: dict[str, dict[str, Any]] = {
    "naive": {"kind": "naive"},
    "chat-fp32-b1": {"kind": "engine", "options": {"dtype": "float32", "batch_size": 1}},
    "chat-fp32": {"kind": "engine", "options": {"dtype": "float32"}},  # the defaults otherwise (batches of 16)
    "chat-int8": {"kind": "engine", "options": {"quantize": "int8"}},
    "chat-bf16": {"kind": "engine", "options": {"dtype": "bfloat16"}},
    "chat-mixed": {"kind": "engine", "options": {"dtype": "mixed"}},  # float32 weights, bf16 matmuls
    "chat-auto": {"kind": "engine", "options": {}},  # what the dtype probe picks on this machine
    # mixed as it was before the LM head was kept float32 (hf._float32_head): the head under autocast too
    "chat-mixed-bf16head": {"kind": "engine", "options": {"dtype": "mixed"}, "bf16_head": True},
    "llama": {"kind": "llama"},
    "server-c1": {"kind": "server", "concurrency": 1},
    "server-c2": {"kind": "server", "concurrency": 2},
    "server-c4": {"kind": "server", "concurrency": 4},
    "brief": {"kind": "brief", "gguf": False},
    "brief-llama": {"kind": "brief", "gguf": True},
    # CTranslate2 (optional: pip install ctranslate2), the model converted in the run, not counted in art/min
    "ct2-int8": {"kind": "ct2", "compute_type": "int8"},
}
DEFAULT_CONFIGS = "naive,chat-fp32,chat-auto,llama,server-c1,server-c2,server-c4,brief,brief-llama"
STAGES = ("ingest", "model", "regions", "summaries", "retries", "titles", "overview", "render")


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


def untimed(seconds: float) -> SimpleNamespace:
    """Timings of a run whose prefill and decode are not seen apart (llama.cpp, a server, CTranslate2)."""
    return SimpleNamespace(total_s=seconds, prefill_s=0.0, decode_s=0.0, prefill_tokens=0, decode_tokens=0)


def linear_weights(model: str) -> int:
    """Weights of the linear layers a prefill token passes through (no embeddings, no LM head), from
    config.json (transformers' AutoConfig would import torch)."""
    c = json.loads((Path(model) / "config.json").read_text(encoding="utf-8"))
    h, inter, layers = c["hidden_size"], c["intermediate_size"], c["num_hidden_layers"]
    kv = h // c["num_attention_heads"] * c["num_key_value_heads"]
    return int(layers * (h * h * 2 + h * kv * 2 + 3 * h * inter))


Run = tuple[list[str], Any, float, dict[str, Any]]  # summaries, timings, seconds to load, extras


def naive_loop(args: argparse.Namespace, texts: list[str]) -> Run:
    """The peer: one article at a time, float32, greedy, the engine's prompt with the default system prompt."""
    import torch

    from summarizer.backends.engine import new_tokens
    from summarizer.backends.generators import REPETITION_PENALTY, Prompt, hf
    from summarizer.backends.generators.transformers import wrap
    from summarizer.backends.output import clean_output
    from summarizer.prompts import load_prompt, render_prompt

    start = time.perf_counter()
    tokenizer, model = hf.load(args.model, "causal")
    loaded = time.perf_counter() - start
    timer = ForwardTimer(model)
    template = load_prompt("summary")
    outputs = []
    t0 = time.perf_counter()
    for text in texts:
        prompt = wrap(tokenizer, Prompt(render_prompt(template, title="", text=text, max_chars=args.budget)))
        enc = tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
        with torch.no_grad():
            ids = model.generate(**enc, do_sample=False, max_new_tokens=new_tokens(args.budget),
                                 repetition_penalty=REPETITION_PENALTY, pad_token_id=tokenizer.eos_token_id)
        answer = tokenizer.decode(ids[0, enc["input_ids"].shape[1]:], skip_special_tokens=True)
        outputs.append(clean_output(answer, args.budget))
    timer.total_s = time.perf_counter() - t0
    return outputs, timer, loaded, {}


def engine_run(args: argparse.Namespace, texts: list[str], backend: str, bf16_head: bool = False,
               **options: Any) -> Run:
    """``engine.summarize`` of one engine over all the posts (the pipeline's guard and retry are not timed)."""
    from summarizer.backends import get_backend
    from summarizer.types import Article

    start = time.perf_counter()
    engine = get_backend(backend, **options)
    loaded = time.perf_counter() - start
    net = getattr(engine.generator, "net", None)  # transformers: its forward calls are timed
    if bf16_head:  # drop the float32 forward hf._float32_head set on the instance: the class's runs under autocast
        del net.get_output_embeddings().forward
    timer = ForwardTimer(net) if net is not None else untimed(0.0)
    t0 = time.perf_counter()
    summaries = engine.summarize([Article(title="", text=t) for t in texts], max_chars=args.budget)
    timer.total_s = time.perf_counter() - t0
    extras = {"dtype": engine.generator.dtype} if net is not None else {}
    return [s.text for s in summaries], timer, loaded, extras


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_run(args: argparse.Namespace, texts: list[str], concurrency: int) -> Run:
    """llama.cpp's OpenAI-compatible server started here, through the openai engine."""
    import httpx

    port = free_port()
    env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    start = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", args.gguf, "--host", "127.0.0.1",
                               "--port", str(port), "--n_ctx", "4096", "--n_threads", str(args.threads)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        while True:
            if server.poll() is not None or time.perf_counter() - start > 300:
                raise RuntimeError("llama_cpp.server did not start (pip install 'summarizer[llama]')")
            try:
                if httpx.get(url + "/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        loaded = time.perf_counter() - start
        outputs, timer, _, _ = engine_run(args, texts, "openai", base_url=url, concurrency=concurrency,
                                          context=4096, timeout=600)
        return outputs, timer, loaded, {}
    finally:
        server.terminate()
        server.wait(30)


def _seconds(text: str) -> float:
    minutes, _, rest = text.rpartition("m")
    return float(minutes or 0) * 60 + float(rest.rstrip("s"))


def brief_run(args: argparse.Namespace, texts: list[str], gguf: bool) -> Run:
    """The ``summarizer brief`` command on the posts written as files; wall time, split by stage."""
    with tempfile.TemporaryDirectory(prefix="speed-brief-") as folder:
        inputs = Path(folder) / "in"
        inputs.mkdir()
        for k, text in enumerate(texts):
            (inputs / f"{k:04d}.txt").write_text(text, encoding="utf-8")
        out = Path(folder) / "briefing.json"
        cmd = [sys.executable, "-m", "summarizer", "brief", str(inputs), "-o", str(out), "--no-cache",
               "--model", args.gguf if gguf else args.model, "--max-chars", str(args.budget),
               "--threads", str(args.threads)]
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "brief failed")
        data = json.loads(out.read_text(encoding="utf-8"))
    items = [i for s in data["sections"] for c in s["cities"] for i in c["items"]]
    by_file = {Path(i["file"]).name: i for i in items}
    summaries = [by_file[f"{k:04d}.txt"]["summary"] for k in range(len(texts))]
    stages: dict[str, float] = {}
    for line in done.stderr.splitlines():  # the last line of each stage ends on its elapsed time
        if (m := re.match(r"\r?.*?(\w+): (?:done, |\d+/\d+ \w+, [\d.]+/s, )((?:\d+m)?[\d.]+s)$", line.split("\r")[-1])):
            stages[m.group(1)] = _seconds(m.group(2))
    extras = {"stages": stages, "wall": wall, "engines": sorted({s["engine"] for s in summaries}),
              "overview": data["overview"]["method"],
              "titles": [by_file[f"{k:04d}.txt"]["title"] for k in range(len(texts))]}
    return [s["text"] for s in summaries], untimed(wall), stages.get("model", 0.0), extras


def ct2_run(args: argparse.Namespace, texts: list[str], compute_type: str) -> Run:
    """The engine's prompts and batching on CTranslate2: converted here, the shared prefix as its static prompt.

    CTranslate2 has no stopping callback for batches, so each row runs to EOS or the token limit.
    """
    import ctranslate2
    import torch
    import transformers

    from summarizer.backends.engine import new_tokens
    from summarizer.backends.generators import REPETITION_PENALTY, Prompt
    from summarizer.backends.generators.transformers import shared_prefix, wrap
    from summarizer.backends.output import clean_output
    from summarizer.prompts import load_prompt, render_prompt

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="speed-ct2-") as folder:  # a model-sized copy: never left behind
        ctranslate2.converters.TransformersConverter(args.model).convert(folder, force=True)
        generator = ctranslate2.Generator(folder, device="cpu", compute_type=compute_type,
                                          intra_threads=torch.get_num_threads())
    tokenizer = transformers.AutoTokenizer.from_pretrained(args.model)
    loaded = time.perf_counter() - start
    system, template = load_prompt("system").strip(), load_prompt("summary")
    prompts = [wrap(tokenizer, Prompt(render_prompt(template, title="", text=t, max_chars=args.budget), system))
               for t in texts]
    ids = [tokenizer(p, add_special_tokens=False).input_ids for p in prompts]
    shared = shared_prefix(ids)
    t0 = time.perf_counter()
    results = generator.generate_batch(
        [tokenizer.convert_ids_to_tokens(i[shared:]) for i in ids],
        static_prompt=tokenizer.convert_ids_to_tokens(ids[0][:shared]), max_batch_size=16, beam_size=1,
        max_length=new_tokens(args.budget), repetition_penalty=REPETITION_PENALTY, include_prompt_in_result=False)
    timer = untimed(time.perf_counter() - t0)
    return [clean_output(tokenizer.decode(r.sequences_ids[0], skip_special_tokens=True), args.budget)
            for r in results], timer, loaded, {}


def worker(name: str, args: argparse.Namespace) -> None:
    """Run one configuration and print its measurements as one JSON line."""
    from summarizer.evaluate import read_dataset, rouge

    items = read_dataset(EVAL / f"{args.set}_dev.jsonl", limit=args.n)
    texts = [i.text for i in items]
    spec = CONFIGS[name]
    kind = spec["kind"]
    if kind in ("naive", "engine", "ct2"):
        # Only these load torch: its OpenMP threads in the same process slowed llama.cpp's 6-10x here.
        # Every configuration waits the way the engines do (hf.require_torch), the naive loop too.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import torch

        torch.set_num_threads(args.threads)
    if kind == "naive":
        run = naive_loop(args, texts)
    elif kind == "engine":
        run = engine_run(args, texts, "transformers", spec.get("bf16_head", False), model=args.model,
                         threads=args.threads, **spec["options"])
    elif kind == "llama":
        run = engine_run(args, texts, "llama.cpp", model=args.gguf, threads=args.threads)
    elif kind == "server":
        run = server_run(args, texts, spec["concurrency"])
    elif kind == "brief":
        run = brief_run(args, texts, spec["gguf"])
    else:
        run = ct2_run(args, texts, spec["compute_type"])
    outputs, timer, loaded, extras = run
    scores = rouge(outputs, [i.reference for i in items])
    print(json.dumps({
        "config": name, "load_s": loaded, "seconds": timer.total_s, "n": len(texts),
        "prefill_tokens": timer.prefill_tokens, "prefill_s": timer.prefill_s,
        "decode_tokens": timer.decode_tokens, "decode_s": timer.decode_s,
        "weights": linear_weights(args.model),
        "rss_mb": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024,
        "rougeL": scores["rougeL"], "chars": sum(map(len, outputs)) / len(outputs), "outputs": outputs, **extras,
    }, ensure_ascii=False))


def _skip_reason(name: str, args: argparse.Namespace) -> str | None:
    kind = CONFIGS[name]["kind"]
    if kind == "ct2" and importlib.util.find_spec("ctranslate2") is None:
        return "ctranslate2 is not installed (pip install ctranslate2)"
    needs_gguf = kind in ("llama", "server") or (kind == "brief" and CONFIGS[name]["gguf"])
    if needs_gguf and not Path(args.gguf).is_file():
        return f"no GGUF file at {args.gguf} (--gguf)"
    if needs_gguf and importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install 'summarizer[llama]')"
    if kind == "server" and importlib.util.find_spec("uvicorn") is None:
        return "llama_cpp.server needs the server extra (pip install 'summarizer[llama]')"
    return None


def _print_row(row: dict[str, Any], base: float | None, gflops: float) -> None:
    per_min = 60 * row["n"] / row["seconds"]
    ratio = f"{per_min / base:7.2f}" if base else f"{'-':>7}"
    if row["prefill_s"]:
        prefill = row["prefill_tokens"] / row["prefill_s"]
        timed = f"{prefill:11.0f} {2 * row['weights'] * prefill / 1e9 / gflops:6.0%} " \
                f"{row['decode_tokens'] / row['decode_s']:10.1f}"
    else:
        timed = f"{'-':>11} {'-':>6} {'-':>10}"
    print(f"{row['config']:12} {row['load_s']:6.1f} {per_min:7.1f} {ratio} {timed} {row['rss_mb']:7.0f} "
          f"{row['rougeL']:7.2f} {row['chars']:5.1f}" + (f"  dtype={row['dtype']}" if "dtype" in row else "")
          + f"  load {os.getloadavg()[0]:.1f}", flush=True)  # the cores are shared: how busy they were


def _print_stages(row: dict[str, Any], naive: dict[str, Any] | None) -> None:
    stages = row["stages"]
    model = sum(stages.get(s, 0.0) for s in ("summaries", "retries", "titles", "overview"))
    extra = stages.get("titles", 0.0) + stages.get("overview", 0.0)
    split = " ".join(f"{s} {stages[s]:.1f}" for s in STAGES if s in stages)
    naive_e2e = (naive["load_s"] + naive["seconds"]) if naive else None
    vs = f"; x naive end to end {naive_e2e / row['wall']:.2f} (naive load+loop {naive_e2e:.1f} s)" if naive_e2e else ""
    print(f"{'':12} wall {row['wall']:.1f} s: {split}; titles+综述 {extra / model:.0%} of model time "
          f"{model:.1f} s{vs}; engines {'+'.join(row['engines'])}; 综述 {row['overview'][:60]}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL, help="chat model folder (default: $SUMMARIZER_TEST_LLM)")
    parser.add_argument("--gguf", default=None, help="the same model as a .gguf file (default: MODEL.gguf)")
    parser.add_argument("--set", default="lcsts", help="dev set under ../shared/eval (default: lcsts)")
    parser.add_argument("--n", type=int, default=96, help="articles (default: 96)")
    parser.add_argument("--budget", type=int, default=None, help="max_chars of a summary (default: the set's)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="threads (default: cores)")
    parser.add_argument("--configs", default=DEFAULT_CONFIGS, help=f"comma-separated, from: {', '.join(CONFIGS)}")
    parser.add_argument("--outputs", type=Path, help="write every configuration's summaries to this .json file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.budget = args.budget or BUDGETS.get(args.set, 30)
    args.gguf = args.gguf or args.model.rstrip("/") + ".gguf"
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
    if unknown := [c for c in names if c not in CONFIGS]:
        parser.error(f"unknown configs {unknown}; choose from {', '.join(CONFIGS)}")
    gflops = matmul_gflops(args.threads)
    print(f"{args.set} n={args.n} budget={args.budget} threads={args.threads}  "
          f"fp32 matmul {gflops:.0f} GFLOP/s (256x896 @ 896x4864)  load average {os.getloadavg()[0]:.1f}")
    print(f"{'config':12} {'load s':>6} {'art/min':>7} {'x naive':>7} {'prefill t/s':>11} {'pf eff':>6} "
          f"{'decode t/s':>10} {'RSS MB':>7} {'ROUGE-L':>7} {'chars':>5}")
    rows: list[dict[str, Any]] = []
    naive: dict[str, Any] | None = None
    for name in names:
        if reason := _skip_reason(name, args):
            print(f"{name:12} skipped: {reason}")
            continue
        cmd = [sys.executable, __file__, "--worker", name, "--model", args.model, "--gguf", args.gguf,
               "--set", args.set, "--n", str(args.n), "--budget", str(args.budget), "--threads", str(args.threads)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{name:12} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else '?'}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        naive = row if name == "naive" else naive
        _print_row(row, 60 * naive["n"] / naive["seconds"] if naive else None, gflops)
        if "stages" in row:
            _print_stages(row, naive)
    if args.outputs:
        args.outputs.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
