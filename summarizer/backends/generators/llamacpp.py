"""llama.cpp in-process (llama-cpp-python) over one .gguf file: what Ollama and LM Studio users have on disk.

Prompts run one after another through one ``Llama``: llama.cpp keeps the key/value cache of the
previous prompt and reuses its longest common prefix, so the system prompt and instructions every
summary shares are computed once. Greedy, with the engine's ``stop`` checked after every token and
the digits to ``avoid`` banned by a logits processor. llama-cpp-python is the ``llama`` extra; its
build flags matter on CPUs it was not built on (README "Models").
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...errors import ModelLoadError
from ..options import MODEL_HELP, Options, option
from . import REPETITION_PENALTY, Features, Generation, Prompt, Stop, banned_next, digit_sequences
from .hf import model_identity


@dataclasses.dataclass(frozen=True, kw_only=True)
class LlamaCppOptions(Options):
    model: str | None = option(None, MODEL_HELP)
    threads: int | None = option(None, "CPU threads for a model (default: one per core).", minimum=1)
    context: int = option(4096, "Tokens of context, prompt and answer together (0: the model's own).", minimum=0)


def _require_llama() -> Any:
    # llama.cpp's OpenMP threads spin while they wait: on a machine whose cores are shared (CI, a
    # colleague's tests) two spinning threads ran 6x slower than one here (hf.require_torch: the same
    # for torch). Set before libgomp starts; a value the user chose is kept.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import llama_cpp
    except ImportError as exc:
        raise ModelLoadError("the llama.cpp engine needs llama-cpp-python: pip install 'summarizer[llama]' "
                             "(README \"Models\" gives the build flags for this CPU)") from exc
    return llama_cpp


class LlamaCppGenerator:
    """A .gguf model in-process, one prompt at a time, reusing the shared prompt prefix."""

    Options = LlamaCppOptions
    features = Features(instruct=True, bans=True, early_stop=True)
    batch = 1

    def __init__(self, options: LlamaCppOptions) -> None:
        if not options.model:
            raise ModelLoadError("the llama.cpp engine needs a model: --model FILE.gguf")
        path = Path(options.model).expanduser()
        if not path.is_file():
            raise ModelLoadError(f"model file not found: {path} (the llama.cpp engine takes a .gguf file)")
        llama_cpp = _require_llama()
        threads = options.threads or len(os.sched_getaffinity(0))  # llama.cpp's default is half the cores
        try:
            # The repetition penalty looks back over the whole context, prompt included, as transformers'
            # does (llama.cpp's default is the last 64 tokens).
            self.llm = llama_cpp.Llama(str(path), n_ctx=options.context, n_threads=threads, n_threads_batch=threads,
                                       last_n_tokens_size=options.context or 32768, seed=0, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise ModelLoadError(f"cannot load {path} with llama.cpp: {exc}") from exc
        self._llama_cpp = llama_cpp
        self.model = str(path)
        self.context_tokens = self.llm.n_ctx()
        self.identity = f"llama.cpp|{model_identity(str(path))}"
        template = self.llm.metadata.get("tokenizer.chat_template")
        self._format = None
        if template:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            eos = self.llm._model.token_get_text(self.llm.token_eos())
            self._format = Jinja2ChatFormatter(template, eos_token=eos, bos_token="")

    def _render(self, prompt: Prompt) -> tuple[str, list[str]]:
        """The prompt in the model's chat template, and the template's stop strings."""
        if self._format is None:
            return prompt.plain(), []
        rendered = self._format(messages=prompt.messages())
        stops = rendered.stop if isinstance(rendered.stop, list) else [rendered.stop] if rendered.stop else []
        return rendered.prompt, stops

    def _tokens(self, text: str, *, prompt: bool = False) -> list[int]:
        return list(self.llm.tokenize(text.encode("utf-8"), add_bos=prompt, special=prompt))

    def count_tokens(self, text: str | Prompt) -> int:
        if isinstance(text, Prompt):
            return len(self._tokens(self._render(text)[0], prompt=True))
        return len(self._tokens(text))

    def generate(self, prompts: Sequence[Prompt], *, max_new_tokens: int, stop: Stop | None = None,
                 avoid: Sequence[Sequence[str]] | None = None) -> list[Generation]:
        return [self._one(p, max_new_tokens, stop, avoid[i] if avoid else ()) for i, p in enumerate(prompts)]

    def _one(self, prompt: Prompt, max_new_tokens: int, stop: Stop | None, avoid: Sequence[str]) -> Generation:
        llama_cpp = self._llama_cpp
        text, stops = self._render(prompt)
        tokens = self._tokens(text, prompt=True)
        if len(tokens) + max_new_tokens > self.context_tokens:
            return Generation("", error=f"prompt of {len(tokens)} tokens and {max_new_tokens} to generate exceed "
                                        f"the context of {self.context_tokens}")
        start = len(tokens)
        criteria = None
        if stop is not None:
            def settled(ids: Any, _logits: Any) -> bool:
                return stop(self.llm.detokenize(list(ids[start:])).decode("utf-8", errors="ignore"))

            criteria = llama_cpp.StoppingCriteriaList([settled])
        processors = None
        if banned := digit_sequences(self._tokens, avoid):
            longest = max(len(s) for s in banned)

            def ban(ids: Any, scores: Any) -> Any:
                for token in banned_next(list(ids[-longest:]), banned):
                    scores[token] = -float("inf")
                return scores

            processors = llama_cpp.LogitsProcessorList([ban])
        try:
            out = self.llm.create_completion(tokens, max_tokens=max_new_tokens, temperature=0.0, top_k=1,
                                             repeat_penalty=REPETITION_PENALTY, stop=stops,
                                             stopping_criteria=criteria, logits_processor=processors)
        except (RuntimeError, ValueError) as exc:  # llama_decode failures surface as RuntimeError
            return Generation("", error=f"llama.cpp failed: {exc}")
        choice = out["choices"][0]
        return Generation(choice["text"], truncated=choice["finish_reason"] == "length")
