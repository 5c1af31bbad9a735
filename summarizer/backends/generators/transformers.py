"""Hugging Face transformers in-process: decoder-only chat models (``transformers``) and encoder-decoder
summarisers (``seq2seq``).

Chat models: prompts rendered with the tokenizer's chat template, greedy, in batches of similar
length; the prompt prefix a batch shares is computed once and its key/value cache reused, and each
row stops once the engine's ``stop`` says its answer cannot change. Seq2seq models: beam search
with ``no_repeat_ngram_size`` (small models repeat phrases otherwise), the prompt being the text.
Both ban, per row, the digits the engine asks them to ``avoid``. Speed choices: README "Speed".
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from typing import Any

from ...errors import ModelLoadError
from ..options import MODEL_HELP, Options, option
from . import REPETITION_PENALTY, Features, Generation, Prompt, Stop, banned_next, digit_sequences, hf

MIN_PREFIX = 16  # shorter shared prefixes are not worth a cache copy


def batches(lengths: Sequence[int], size: int, tokens: int) -> list[list[int]]:
    """Indices grouped shortest first: at most ``size`` a batch, and at most ``tokens`` once padded.

    Similar lengths waste little on padding; the token cap keeps a batch of long texts from
    holding gigabytes of activations (a padded batch costs its row count x its longest row).
    """
    out: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        if out and len(out[-1]) < size and (len(out[-1]) + 1) * lengths[i] <= tokens:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def token_limit(tokenizer: Any, model: Any, default: int = 512) -> int:
    """The most tokens the model takes: its position table, else the tokenizer's limit."""
    config = model.config
    candidates = [getattr(config, key, None) for key in ("max_position_embeddings", "n_positions")]
    candidates.append(getattr(tokenizer, "model_max_length", None))
    # Tokenizers without a limit report a huge sentinel (int(1e30)); T5 has relative positions only.
    sane = [int(c) for c in candidates if isinstance(c, int) and 0 < c < 1_000_000]
    return min(sane) if sane else default


def _cache_name(transformers: Any) -> str:
    """What generate calls a given key/value cache: ``cache`` in transformers 5.2x on, ``past_key_values`` before."""
    return "cache" if "cache" in getattr(transformers.generation.utils, "ALL_CACHE_NAMES", ()) else "past_key_values"


def shared_prefix(rows: Sequence[Sequence[int]]) -> int:
    """How many leading tokens all ``rows`` share, each row keeping one token of its own to start from."""
    shared, limit = 0, min(len(r) for r in rows) - 1
    while shared < limit and all(r[shared] == rows[0][shared] for r in rows):
        shared += 1
    return shared


def wrap(tokenizer: Any, prompt: Prompt) -> str:
    """The prompt in the model's chat template (no system prompt given: the template's own default)."""
    if tokenizer.chat_template:
        return str(tokenizer.apply_chat_template(prompt.messages(), tokenize=False, add_generation_prompt=True))
    return prompt.plain()


def _processors(transformers: Any, banned: list[list[list[int]]] | None, rows_per_prompt: int) -> Any:
    """Logits processors banning, per prompt, the tokens that would complete one of its banned sequences
    (``NoBadWordsLogitsProcessor`` bans one list for the whole batch; a strict retry has one per article)."""
    processors = transformers.LogitsProcessorList()
    if not banned or not any(banned):
        return processors
    longest = max((len(s) for seqs in banned for s in seqs), default=1)

    class RowBans(transformers.LogitsProcessor):  # type: ignore[misc, name-defined]
        def __call__(self, input_ids: Any, scores: Any) -> Any:
            for row in range(input_ids.shape[0]):
                if seqs := banned[row // rows_per_prompt]:
                    for token in banned_next(input_ids[row, -longest:].tolist(), seqs):
                        scores[row, token] = -float("inf")
            return scores

    processors.append(RowBans())
    return processors


def _stop_rows(transformers: Any, tokenizer: Any, prompt_length: int, stop: Stop) -> Any:
    """A stopping criterion ending each row of a batch once ``stop`` holds for its text.

    A batch decodes until its last row stops; one rambling row otherwise keeps all the others
    (finished, yet still computed) running to ``max_new_tokens``.
    """
    torch, _ = hf.require_torch()

    class Rows(transformers.StoppingCriteria):  # type: ignore[misc, name-defined]
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            texts = tokenizer.batch_decode(input_ids[:, prompt_length:], skip_special_tokens=True)
            return torch.tensor([stop(t) for t in texts], dtype=torch.bool, device=input_ids.device)

    return transformers.StoppingCriteriaList([Rows()])


@dataclasses.dataclass(frozen=True, kw_only=True)
class TransformersOptions(Options):
    model: str | None = option(None, MODEL_HELP)
    quantize: str | None = option(None, "Model weights: none (float32) or int8 (dynamic quantisation).",
                                  choices=hf.QUANTIZE)
    threads: int | None = option(None, "CPU threads for a model (default: one per core).", minimum=1)
    batch_size: int = option(16, "Prompts generated together in one batch.", minimum=1)
    batch_tokens: int = option(8192, "Most padded tokens in one batch.", minimum=64)


@dataclasses.dataclass(frozen=True, kw_only=True)
class CausalOptions(TransformersOptions):
    # int8 lost 0.6-1 ROUGE-L against float32 (README "Speed")
    dtype: str = option("auto", "Model arithmetic: auto (measured once per CPU), mixed, bfloat16 or float32.",
                        choices=hf.DTYPES)


class _Loaded:
    """What both generators share: the tokenizer and model ``options`` name, loaded by ``hf.load``."""

    def __init__(self, options: TransformersOptions, kind: str, engine: str, dtype: str = "float32") -> None:
        if not options.model:
            raise ModelLoadError(f"the {engine} engine needs a model: --model NAME_OR_PATH")
        self.options = options
        self.model = options.model
        self.batch = options.batch_size
        self.dtype = dtype
        hf.set_threads(options.threads)
        self.tokenizer, self.net = hf.load(options.model, kind, quantize=options.quantize, dtype=dtype)
        self.quantize = hf.applied_quantize(self.net, options.quantize)
        self.context_tokens = token_limit(self.tokenizer, self.net)

    def _tokens(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=False, verbose=False).input_ids)


class CausalGenerator(_Loaded):
    """A decoder-only chat model (Qwen, Llama …) in-process, batched, with prefix reuse and per-row stops."""

    Options = CausalOptions
    features = Features(instruct=True, bans=True, early_stop=True)

    def __init__(self, options: CausalOptions) -> None:
        super().__init__(options, "causal", "transformers", hf.resolve_dtype(options.dtype, options.quantize))
        self.tokenizer.padding_side = "left"  # decoder-only: pad on the left so generation continues the text
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.identity = (f"transformers|{hf.model_identity(self.model)}|quantize={self.quantize}"
                         f"|dtype={self.dtype}" + ("|head=float32" if self.dtype == "mixed" else ""))
        self._prefix: tuple[tuple[int, ...], Any] | None = None  # (tokens, their key/value cache)

    def count_tokens(self, text: str | Prompt) -> int:
        return len(self._tokens(wrap(self.tokenizer, text) if isinstance(text, Prompt) else text))

    def _inputs(self, rows: list[list[int]]) -> dict[str, Any]:
        """Generate's inputs for a batch: the rows' shared prefix, then padding, then each row's rest.

        The prefix (system prompt and instructions, ~half of an LCSTS prompt) is computed once and
        its key/value cache reused by every batch; padding sits after it and is masked out.
        """
        torch, transformers = hf.require_torch()
        shared = shared_prefix(rows)
        if shared < MIN_PREFIX:
            shared = 0
        width = max(len(r) for r in rows)
        pad = self.tokenizer.pad_token_id
        ids = [r[:shared] + [pad] * (width - len(r)) + r[shared:] for r in rows]
        mask = [[1] * shared + [0] * (width - len(r)) + [1] * (len(r) - shared) for r in rows]
        inputs: dict[str, Any] = {"input_ids": torch.tensor(ids, device=self.net.device),
                                  "attention_mask": torch.tensor(mask, device=self.net.device)}
        if shared:
            inputs[_cache_name(transformers)] = self._prefix_cache(tuple(rows[0][:shared]), len(rows))
        return inputs

    def _prefix_cache(self, prefix: tuple[int, ...], rows: int) -> Any:
        """A copy of the key/value cache of ``prefix`` for ``rows`` rows (computed once per prefix)."""
        torch, transformers = hf.require_torch()
        if self._prefix is None or self._prefix[0] != prefix:
            # the decoder alone: the LM head's logits for every prefix position would be thrown away, and
            # for a one-row prompt (the 综述's 1,200 tokens) they cost a third of its prefill
            with torch.no_grad(), hf.autocast(torch, self.dtype, self.net.device.type):
                out = self.net.get_decoder()(torch.tensor([prefix], device=self.net.device), use_cache=True)
            cache = out[_cache_name(transformers)]
            self._prefix = (prefix, cache)
        cache = copy.deepcopy(self._prefix[1])  # generate extends the cache it is given
        cache.batch_repeat_interleave(rows)
        return cache

    def generate(self, prompts: Sequence[Prompt], *, max_new_tokens: int, stop: Stop | None = None,
                 avoid: Sequence[Sequence[str]] | None = None) -> list[Generation]:
        torch, transformers = hf.require_torch()
        rows = [self._tokens(wrap(self.tokenizer, p)) for p in prompts]
        banned = [digit_sequences(self._tokens, a) for a in avoid] if avoid else None
        ends = {self.tokenizer.eos_token_id, self.tokenizer.pad_token_id}
        out: dict[int, Generation] = {}
        for idx in batches([len(r) for r in rows], self.options.batch_size, self.options.batch_tokens):
            inputs = self._inputs([rows[i] for i in idx])
            width = inputs["input_ids"].shape[1]
            with torch.no_grad(), hf.autocast(torch, self.dtype, self.net.device.type):
                ids = self.net.generate(
                    **inputs, do_sample=False, max_new_tokens=max_new_tokens,
                    repetition_penalty=REPETITION_PENALTY, pad_token_id=self.tokenizer.pad_token_id,
                    logits_processor=_processors(transformers, [banned[i] for i in idx] if banned else None, 1),
                    stopping_criteria=_stop_rows(transformers, self.tokenizer, width, stop) if stop else None,
                )
            new = ids[:, width:]
            for row, (i, text) in enumerate(zip(idx, self.tokenizer.batch_decode(new, skip_special_tokens=True),
                                                strict=True)):
                ended = len(new[row]) < max_new_tokens or bool(ends & set(new[row].tolist()))
                out[i] = Generation(text, truncated=not ended and not (stop and stop(text)))
        return [out[i] for i in range(len(prompts))]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Seq2SeqOptions(TransformersOptions):
    num_beams: int = option(4, "Beams of the seq2seq engine's beam search.", minimum=1)
    batch_size: int = option(8, "Prompts generated together in one batch.", minimum=1)


class Seq2SeqGenerator(_Loaded):
    """An encoder-decoder summariser (mT5/T5/Pegasus/BART) in-process: the prompt is the article text."""

    Options = Seq2SeqOptions
    features = Features(instruct=False, bans=True, early_stop=False, answer_in_context=False)

    def __init__(self, options: Seq2SeqOptions) -> None:
        super().__init__(options, "seq2seq", "seq2seq")  # float32: mT5 overflows in fp16; bf16 was never measured
        self.identity = (f"seq2seq|{hf.model_identity(self.model)}|beams={options.num_beams}"
                         f"|limit={self.context_tokens}|quantize={self.quantize}")

    def count_tokens(self, text: str | Prompt) -> int:
        return len(self._tokens(text.user if isinstance(text, Prompt) else text)) + 1  # + </s>

    def generate(self, prompts: Sequence[Prompt], *, max_new_tokens: int, stop: Stop | None = None,
                 avoid: Sequence[Sequence[str]] | None = None) -> list[Generation]:
        torch, transformers = hf.require_torch()
        beams = self.options.num_beams
        banned = [digit_sequences(self._tokens, a) for a in avoid] if avoid else None
        out: dict[int, Generation] = {}
        lengths = [self.count_tokens(p) for p in prompts]
        for idx in batches(lengths, self.options.batch_size, self.options.batch_tokens // beams):  # a beam is a row
            enc = self.tokenizer([prompts[i].user for i in idx], return_tensors="pt", padding=True,
                                 truncation=True, max_length=self.context_tokens)  # never cuts: the engine fits parts
            with torch.no_grad():
                ids = self.net.generate(
                    **enc.to(self.net.device), num_beams=beams, no_repeat_ngram_size=3, max_new_tokens=max_new_tokens,
                    logits_processor=_processors(transformers, [banned[i] for i in idx] if banned else None, beams),
                )
            for row, (i, text) in enumerate(zip(idx, self.tokenizer.batch_decode(ids, skip_special_tokens=True),
                                                strict=True)):
                ended = self.tokenizer.eos_token_id in ids[row].tolist()
                out[i] = Generation(text, truncated=not ended)
        return [out[i] for i in range(len(prompts))]
