"""Loading Hugging Face models for the model engines: hub id, local folder or a .gguf file.

Offline first: a model is looked up on disk (local folder, or the hub cache) before any network
call, and with HF_HUB_OFFLINE=1 a missing model fails at once with a message saying how to get it.
torch and transformers are imported here, inside the functions, never at module import time.
"""

from __future__ import annotations

import logging
import os
import platform
import warnings
from pathlib import Path
from typing import Any

from ..errors import ModelLoadError

log = logging.getLogger(__name__)


def require_torch() -> tuple[Any, Any]:
    """Import torch and transformers, or say how to install them."""
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


def quantize_option(quantize: str | None) -> str | None:
    """The engines' ``quantize`` option: ``int8``, or None (also spelled ``none``/``float32``) for float32.

    Raises:
        ModelLoadError: any other value.
    """
    if quantize is None or str(quantize).lower() in {"none", "float32", "fp32"}:
        return None
    if str(quantize).lower() == "int8":
        return "int8"
    raise ModelLoadError(f"unknown quantize={quantize!r}; choose int8, or none for float32")


_DTYPES = {"float32": "float32", "fp32": "float32", "bfloat16": "bfloat16", "bf16": "bfloat16", "auto": "auto",
           "mixed": "mixed", "autocast": "mixed"}


def dtype_option(dtype: str | None) -> str:
    """The engines' ``dtype`` option: ``float32``, ``mixed``, ``bfloat16`` or ``auto`` (None is ``auto``).

    ``mixed`` keeps float32 weights and runs the matrix products in bfloat16 (``torch.autocast``);
    ``bfloat16`` stores the weights in bfloat16 too (norms and the residual stream included).

    Raises:
        ModelLoadError: any other value.
    """
    key = "auto" if dtype is None else str(dtype).lower()
    if key not in _DTYPES:
        raise ModelLoadError(f"unknown dtype={dtype!r}; choose auto, mixed, bfloat16 or float32")
    return _DTYPES[key]


def fast_bf16(torch: Any) -> bool:
    """True when this CPU does bfloat16 arithmetic in hardware (AMX or AVX512-BF16).

    Elsewhere (older x86, most ARM laptops) oneDNN emulates bf16 with float32 instructions plus
    conversions, slower than float32 itself, so ``auto`` keeps float32 there.
    """
    try:
        caps = torch.cpu.get_capabilities()
    except (AttributeError, RuntimeError):  # torch before 2.5 lacks the probe: assume no bf16 hardware
        return False
    return bool(caps.get("amx_bf16") or caps.get("avx512_bf16"))


def cpu_signature() -> str:
    """What of this CPU decides ``dtype="auto"``, read without importing torch: the architecture and,
    on Linux, its bf16 flags. The cache remembers an engine's fingerprint per request; a cache shared
    by two machines must not hand one the other's resolved dtype."""
    flags: set[str] = set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            line = next((x for x in fh if x.startswith(("flags", "Features"))), "")
        flags = set(line.split(":", 1)[-1].split()) & {"amx_bf16", "avx512_bf16", "bf16"}
    except OSError:  # not Linux: the architecture alone
        pass
    return "+".join([platform.machine(), *sorted(flags)])


def resolve_dtype(dtype: str | None, quantize: str | None) -> str:
    """What ``dtype`` stands for here: ``auto`` is ``mixed`` on a CPU with bf16 hardware and no int8, else float32.

    Mixed rather than bfloat16 weights: on 96 LCSTS posts it wrote 91 summaries exactly as float32
    did (ROUGE-L +0.03) at 91% of bf16 weights' speed; bf16 weights wrote 88 (−0.48).

    Raises:
        ModelLoadError: an unknown ``dtype``.
    """
    chosen = dtype_option(dtype)
    if chosen != "auto":
        return chosen
    torch, _ = require_torch()
    cpu = not torch.cuda.is_available()
    return "mixed" if cpu and quantize_option(quantize) is None and fast_bf16(torch) else "float32"


def autocast(torch: Any, precision: str, device: str) -> Any:
    """The context a model loaded with ``precision`` runs in: bfloat16 matrix products for ``mixed``."""
    return torch.autocast(device, dtype=torch.bfloat16, enabled=precision == "mixed")


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
            ``mixed`` (float32 weights, for the caller to run under ``autocast``), or ``auto``
            (``resolve_dtype``: mixed on a CPU with bf16 hardware unless ``quantize`` is set,
            else float32).

    Raises:
        ModelLoadError: not installed, not on disk while offline, or not loadable; unknown ``quantize``
            or ``dtype``, or int8 with another dtype than float32.
    """
    quantize = quantize_option(quantize)
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
    if quantize == "int8" and device == "cpu":
        net = _quantize_int8(torch, net)
    return tokenizer, net


def applied_quantize(net: Any, quantize: str | None) -> str | None:
    """The quantisation ``load`` applied: int8 is a CPU path only (on CUDA the weights stay float), and
    the engines' fingerprints must say what ran."""
    return quantize_option(quantize) if net.device.type == "cpu" else None


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
