"""Loading Hugging Face models for the model engines: hub id, local folder or a .gguf file.

Offline first: a model is looked up on disk (local folder, or the hub cache) before any network
call, and with HF_HUB_OFFLINE=1 a missing model fails at once with a message saying how to get it.
torch and transformers are imported here, inside the functions, never at module import time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import time
import warnings
from pathlib import Path
from typing import Any

from ...errors import ModelLoadError

log = logging.getLogger(__name__)


def require_torch() -> tuple[Any, Any]:
    """Import torch and transformers, or say how to install them.

    OpenMP's waiting threads spin by default; on cores shared with other work (CI, a colleague's
    tests, a second engine) a 519-token prompt and 30 new tokens took 78 s here spinning and 29 s
    sleeping (``OMP_WAIT_POLICY=PASSIVE``), so that is set before torch loads, unless the user set it.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ModelLoadError(
            f"the model engines need torch and transformers ({exc.name} is missing): "
            "pip install 'summarizer[models]'"
        ) from exc
    return torch, transformers


def _source(model: str) -> tuple[str, dict[str, Any]]:
    path = Path(model).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise ModelLoadError(f"model file not found: {path}")
        return str(path.parent), {"gguf_file": path.name}
    if path.exists():
        if not (path / "config.json").is_file():
            raise ModelLoadError(f"{path} is not a model folder (no config.json)")
        return str(path), {}
    return model, {}


def offline() -> bool:
    """True when the user forbade network access (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE)."""
    return any(os.environ.get(k, "").strip().lower() in {"1", "true", "yes", "on"}
               for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def _probe_hub(model: str) -> None:
    """One quick request for the model's config before downloading: without network, the hub
    client retries each file with backoff (about 25 s a file), so fail here at once instead."""
    import huggingface_hub

    try:
        huggingface_hub.get_hf_file_metadata(huggingface_hub.hf_hub_url(model, "config.json"), timeout=10)
    except Exception as exc:  # network errors are not OSErrors here (httpx), and any failure means "cannot fetch"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelLoadError(
            f"model {model} is not on this machine and cannot be fetched from the Hugging Face hub ({reason}); "
            f"download it once with network access (hf download {model}) or pass a local folder or .gguf file"
        ) from exc


# Accepted spellings of the engines' ``quantize`` and ``dtype`` options → what they stand for.
QUANTIZE = {"none": None, "float32": None, "fp32": None, "int8": "int8"}
DTYPES = {"auto": "auto", "mixed": "mixed", "autocast": "mixed", "bfloat16": "bfloat16", "bf16": "bfloat16",
          "float32": "float32", "fp32": "float32"}
# What a CPU signature keeps of /proc/cpuinfo's flags: those that decide how fast bf16 and float32 run.
_FLAGS = {"avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile", "bf16", "sve", "sve2", "asimd"}
PROBE_SECONDS = 0.4  # of each arithmetic: the probe takes about a second, once per CPU
MIXED_GAIN = 1.25  # bf16 products must beat float32 by this much to be worth autocast's copies and casts
_probed: dict[str, str] = {}


def _choice(table: dict[str, str | None], name: str, value: str | None) -> str | None:
    key = str(value).lower()
    if key not in table:
        raise ModelLoadError(f"unknown {name}={value!r}; choose one of: {', '.join(table)}")
    return table[key]


def cpu_signature() -> str:
    """What of this machine decides which arithmetic is fastest, read without importing torch: the
    architecture, the CPU model and its vector and matrix flags, and the torch version. The probe
    result and the cache's remembered fingerprints are kept per signature, so a cache shared by two
    machines never hands one the other's choice."""
    model, flags = "", ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model", "CPU part") and not model:
                    model = value.strip()
                elif key.strip() in ("flags", "Features") and not flags:
                    flags = "+".join(sorted(set(value.split()) & _FLAGS))
    except OSError:  # not Linux: the architecture and what platform says
        model = platform.processor()
    import importlib.metadata  # (with email): only for a model run

    try:
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "none"
    return "|".join([platform.machine(), model, flags, f"torch {torch_version}"])


def _matmul_rates(torch: Any) -> tuple[float, float]:
    """GFLOP/s of a layer-shaped product (64 tokens x 896 -> 4864, Qwen2.5-0.5B's MLP) in float32, and in
    bfloat16 under ``torch.autocast`` over float32 weights (what ``mixed`` runs)."""
    weight = torch.nn.Parameter(torch.randn(4864, 896))
    x = torch.randn(64, 896)
    rates = []
    for mixed in (False, True):
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=mixed):
            torch.nn.functional.linear(x, weight)  # warm-up (and autocast's bf16 copy of the weight)
            runs, start = 0, time.perf_counter()
            while (spent := time.perf_counter() - start) < PROBE_SECONDS:
                torch.nn.functional.linear(x, weight)
                runs += 1
        rates.append(2 * 64 * 896 * 4864 * runs / spent / 1e9)
    return rates[0], rates[1]


def probe_file(signature: str) -> Path:
    from ...cache import default_dir

    return default_dir() / "probes" / f"dtype-{hashlib.sha256(signature.encode()).hexdigest()[:16]}.json"


def measured_dtype(torch: Any) -> str:
    """``mixed`` where bfloat16 products beat float32 ones by ``MIXED_GAIN`` on this CPU, else ``float32``.

    CPU flags alone mislead: a CPU may have AVX512-BF16 and still gain little (or, emulating bf16,
    lose), and machines with the same flags differ several-fold in float32 speed. So the first run
    on a machine measures both (about a second) and remembers the answer on disk, keyed by
    ``cpu_signature``.
    """
    signature = cpu_signature()
    if signature in _probed:
        return _probed[signature]
    path = probe_file(signature)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        choice = data["choice"] if data.get("signature") == signature and data["choice"] in {"mixed", "float32"} else ""
    except (OSError, ValueError, KeyError, TypeError):
        choice = ""
    if not choice:
        fp32, bf16 = _matmul_rates(torch)
        choice = "mixed" if bf16 > MIXED_GAIN * fp32 else "float32"
        log.info("dtype auto: float32 %.0f GFLOP/s, bf16 %.0f GFLOP/s on this CPU: %s", fp32, bf16, choice)
        record = {"signature": signature, "float32_gflops": round(fp32, 1), "bfloat16_gflops": round(bf16, 1),
                  "choice": choice}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(record), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:  # not remembered: measured again next run, never fatal
            log.warning("cannot remember the dtype probe in %s: %s", path, exc)
    _probed[signature] = choice
    return choice


def resolve_dtype(dtype: str | None, quantize: str | None) -> str:
    """What ``dtype`` stands for here: ``auto`` is ``measured_dtype`` on a CPU without int8, else float32.

    Issue 15's rule: the fastest arithmetic within 0.5 ROUGE-L of float32 on 96 LCSTS posts. Mixed
    (LM head float32) scored −0.29 at 3.2x float32's articles a minute; with a bf16 head −0.98, and
    llama.cpp on the test GGUF −0.77 (README "Speed"); bf16 weights −0.48 in an earlier run.

    Raises:
        ModelLoadError: an unknown ``dtype`` or ``quantize``.
    """
    chosen = _choice(DTYPES, "dtype", "auto" if dtype is None else dtype)
    if chosen != "auto":
        return str(chosen)
    torch, _ = require_torch()
    if torch.cuda.is_available() or _choice(QUANTIZE, "quantize", quantize) is not None:
        return "float32"
    return measured_dtype(torch)


def autocast(torch: Any, precision: str, device: str) -> Any:
    """The context a model loaded with ``precision`` runs in: bfloat16 matrix products for ``mixed``
    (but the LM head's, ``_float32_head``)."""
    return torch.autocast(device, dtype=torch.bfloat16, enabled=precision == "mixed")


def _float32_head(torch: Any, net: Any) -> None:
    """Keep the LM head out of ``autocast``: its logits float32, not rounded to bfloat16.

    Greedy decoding picks the largest logit; rounded to bfloat16 (8 bits of mantissa: steps of
    0.06-0.125 at the logits' usual 16-32) close candidates tie or swap, and one swapped token sends a
    summary elsewhere. On 96 LCSTS posts mixed precision with a bf16 head scored 1.0 ROUGE-L under
    float32 (82/96 summaries the same), with a float32 head 0.3 under (85/96) at 94% of its speed
    (README "Speed"): the head is a quarter of a 0.5B model's weights, but one product per token.
    """
    head = net.get_output_embeddings()
    if head is None:
        return
    forward = head.forward

    def float32_forward(hidden: Any) -> Any:
        with torch.autocast(hidden.device.type, enabled=False):
            return forward(hidden.float())

    head.forward = float32_forward  # the instance's forward, as accelerate's hooks do: weights and ties untouched


def set_threads(threads: int | None) -> None:
    """Use ``threads`` torch threads (None: one per physical core, torch's own default).

    More threads than cores only adds contention: the matmuls that dominate run at core speed.
    """
    torch, _ = require_torch()
    if threads is not None:
        if threads < 1:
            raise ModelLoadError(f"threads must be at least 1, got {threads}")
        torch.set_num_threads(threads)


# The MLP's output projection sees activations with outliers (Qwen's down_proj, T5's wo): quantising it
# cost 6 ROUGE-L points on 16 LCSTS posts (19.8 against 26.0), per-channel weights or not; kept float32.
_KEEP_FLOAT = ("down_proj", "wo")


def _quantize_int8(torch: Any, net: Any) -> Any:
    """Dynamic int8 quantisation, per output channel, of the linear layers (but ``_KEEP_FLOAT``), in place.

    Decoding reads every weight once per token, so int8 weights (a quarter of float32's bytes) and
    the int8 kernels make it several times faster; the LM head alone (vocabulary x hidden) is a
    quarter of a small model's weights.
    """
    try:
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic
    except ImportError as exc:  # deprecated in torch 2.x; gone in a later release
        raise ModelLoadError(f"quantize='int8' needs torch.ao.quantization, which torch {torch.__version__} "
                             "lacks; use quantize=None (float32)") from exc
    # oneDNN's int8 kernels (VNNI/AMX) ran 5-10x faster here than fbgemm's at every batch size; the
    # weights are packed for the engine chosen now, so it stays chosen for this process.
    if "onednn" in torch.backends.quantized.supported_engines:
        torch.backends.quantized.engine = "onednn"
    spec = {name: per_channel_dynamic_qconfig for name, module in net.named_modules()
            if isinstance(module, torch.nn.Linear) and name.rsplit(".", 1)[-1] not in _KEEP_FLOAT}
    with warnings.catch_warnings():  # torch's deprecation notices are for us, not the user
        warnings.simplefilter("ignore")
        return quantize_dynamic(net, spec, dtype=torch.qint8, inplace=True)


def load(model: str, kind: str, *, quantize: str | None = None, dtype: str | None = "float32") -> tuple[Any, Any]:
    """Load (tokenizer, model) for ``kind`` ``seq2seq`` or ``causal`` on CPU, or CUDA if present.

    Args:
        model: hub id, local folder or .gguf file.
        kind: ``seq2seq`` or ``causal``.
        quantize: ``int8`` stores the weights of every linear layer as int8 (dynamic quantisation,
            CPU only: activations are quantised on the fly); None keeps float32.
        dtype: the weights' type (with int8: of the layers left float): ``float32`` (the default:
            mT5 overflows in fp16, and no seq2seq model was measured in bf16), ``bfloat16``,
            ``mixed`` (float32 weights, for the caller to run under ``autocast``; the LM head stays
            float32 there), or ``auto``
            (``resolve_dtype``: what the probe measured faster on this CPU, float32 with int8).

    Raises:
        ModelLoadError: not installed, not on disk while offline, or not loadable; unknown ``quantize``
            or ``dtype``, or int8 with another dtype than float32.
    """
    quantize = _choice(QUANTIZE, "quantize", quantize)
    torch, transformers = require_torch()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    precision = resolve_dtype(dtype, quantize)
    # mixed: float32 weights here; the engine runs them under torch.autocast (``autocast``)
    weights = torch.float32 if precision == "mixed" else getattr(torch, precision)
    if quantize == "int8" and precision != "float32":
        raise ModelLoadError(f"quantize='int8' needs dtype float32 (its kernels take float32), got dtype={dtype!r}")
    transformers.utils.logging.disable_progress_bar()  # the library must not draw on the user's terminal
    source, extra = _source(model)
    auto = transformers.AutoModelForSeq2SeqLM if kind == "seq2seq" else transformers.AutoModelForCausalLM
    no_network = offline()
    attempts = [True] if no_network or Path(source).exists() else [True, False]
    last: Exception | None = None
    for local_only in attempts:
        if not local_only:
            _probe_hub(model)
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(source, local_files_only=local_only, **extra)
            net = auto.from_pretrained(source, local_files_only=local_only, dtype=weights, **extra)
            break
        except (OSError, ValueError, ImportError) as exc:  # hub errors are OSErrors; a missing extra an ImportError
            last = exc
    else:
        if no_network and not Path(source).exists():
            raise ModelLoadError(
                f"model {model} is not on this machine and HF_HUB_OFFLINE forbids downloading it; "
                f"download it once with network access (hf download {model}) or pass a local folder or .gguf file"
            ) from last
        first = str(last).strip().splitlines()[0] if last else "unknown error"
        hint = f"download it once with network access (hf download {model}) or pass a local folder or .gguf file"
        raise ModelLoadError(f"cannot load model {model}: {first}; {hint}") from last
    net.to(device).eval()
    if precision == "mixed":
        _float32_head(torch, net)
    if quantize == "int8" and device == "cpu":
        net = _quantize_int8(torch, net)
    return tokenizer, net


def applied_quantize(net: Any, quantize: str | None) -> str | None:
    """The quantisation ``load`` applied: int8 is a CPU path only (on CUDA the weights stay float), and
    the engines' fingerprints must say what ran."""
    return _choice(QUANTIZE, "quantize", quantize) if net.device.type == "cpu" else None


def model_identity(model: str) -> str:
    """What identifies a model's weights for the summary cache: the name, plus for a local folder or
    file the size and modification time of what it loads (a re-downloaded model is a new model)."""
    path = Path(model).expanduser()
    files: list[Path] = []
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = [*sorted(path.glob("*.safetensors")), *sorted(path.glob("*.bin")), path / "config.json"]
    stamps = [f"{f.name}:{f.stat().st_size}:{int(f.stat().st_mtime)}" for f in files if f.is_file()]
    return "|".join([model, *stamps])
