"""Loading Hugging Face models for the model engines: hub id, local folder or a .gguf file.

Offline first: a model is looked up on disk (local folder, or the hub cache) before any network
call, and with HF_HUB_OFFLINE=1 a missing model fails at once with a message saying how to get it.
torch and transformers are imported here, inside the functions, never at module import time.
"""

from __future__ import annotations

import logging
import os
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


def load(model: str, kind: str) -> tuple[Any, Any]:
    """Load (tokenizer, model) for ``kind`` ``seq2seq`` or ``causal``, float32 on CPU, CUDA if present.

    Raises:
        ModelLoadError: not installed, not on disk while offline, or not loadable.
    """
    torch, transformers = require_torch()
    source, extra = _source(model)
    auto = transformers.AutoModelForSeq2SeqLM if kind == "seq2seq" else transformers.AutoModelForCausalLM
    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    attempts = [True] if offline or Path(source).exists() else [True, False]
    last: Exception | None = None
    for local_only in attempts:
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(source, local_files_only=local_only, **extra)
            # float32 on CPU: bf16 made small chat models loop here, and mT5 overflows in fp16.
            net = auto.from_pretrained(source, local_files_only=local_only, dtype=torch.float32, **extra)
            break
        except (OSError, ValueError) as exc:
            last = exc
    else:
        first = str(last).strip().splitlines()[0] if last else "unknown error"
        hint = (
            f"download it once with network access (huggingface-cli download {model}) "
            "or pass a local folder or .gguf file"
        )
        raise ModelLoadError(f"cannot load model {model}: {first}; {hint}") from last
    device = "cuda" if torch.cuda.is_available() else "cpu"
    net.to(device).eval()
    return tokenizer, net
