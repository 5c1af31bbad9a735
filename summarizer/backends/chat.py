"""chat engine: a decoder-only instruct model writes each summary from the prompts in ``prompts/``.

Prompts are rendered with the tokenizer's chat template (with the short ``prompts/system.txt``)
and generated greedily in batches of similar length; the prompt prefix the batch shares is computed
once and its key/value cache reused, and each row stops once its cleaned summary cannot change.
Articles longer than the model's context (or ``max_input_tokens``, which bounds CPU time) are
summarised in parts (``generate.map_reduce``). Speed choices and measurements: README "Speed".
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import facts
from ..errors import ModelLoadError
from ..prompts import load_prompt, render_prompt
from ..types import Article, Summary
from . import hf
from .generate import banned_sequences, batches, chunk_text, clean_output, map_reduce, settled, token_limit

_MAX_LISTED = 30  # figures named in the strict prompt: enough for a summary, bounded for the context
_MIN_PREFIX = 16  # shorter shared prefixes are not worth a cache copy
_TITLE_MARKS = "《》“”\"'「」『』。．.！!"
REPETITION_PENALTY = 1.05  # greedy decoding of small models loops without a little


def new_tokens(max_chars: int) -> int:
    """Tokens to generate for a ``max_chars`` answer: about one per Chinese character, plus room for a preamble."""
    return int(max_chars * 1.5) + 16


def wrap(tokenizer: Any, system: str, content: str) -> str:
    """A user message in the model's chat template, after ``system`` (none: the template's own default)."""
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": content})
    if getattr(tokenizer, "chat_template", None):
        return str(tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))
    return content + "\n摘要："


def shared_prefix(rows: Sequence[Sequence[int]]) -> int:
    """How many leading tokens all ``rows`` share, each row keeping one token of its own to start from."""
    shared, limit = 0, min(len(r) for r in rows) - 1
    while shared < limit and all(r[shared] == rows[0][shared] for r in rows):
        shared += 1
    return shared


def _stop_when_settled(transformers: Any, tokenizer: Any, prompt_length: int, max_chars: int) -> Any:
    """A stopping criterion ending each row of a batch once more text could not change its summary.

    A batch decodes until its last row stops; one rambling row otherwise keeps all the others
    (finished, yet still computed) running to ``max_new_tokens``.
    """
    torch, _ = hf.require_torch()

    class Settled(transformers.StoppingCriteria):  # type: ignore[misc, name-defined]
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            texts = tokenizer.batch_decode(input_ids[:, prompt_length:], skip_special_tokens=True)
            return torch.tensor([settled(t, max_chars) for t in texts], dtype=torch.bool, device=input_ids.device)

    return transformers.StoppingCriteriaList([Settled()])


class ChatSummarizer:
    name = "chat"

    def __init__(
        self,
        *,
        model: str | None = None,
        prompts: str | Path | None = None,
        batch_size: int = 16,
        batch_tokens: int = 8192,
        max_input_tokens: int = 2048,
        quantize: str | None = None,  # int8 lost 0.6-1 ROUGE-L against float32 (README "Speed")
        threads: int | None = None,
        dtype: str | None = "auto",
        **_: object,
    ) -> None:
        if not model:
            raise ModelLoadError("the chat engine needs a model: --model NAME_OR_PATH")
        self.model_name = model
        self.templates = {name: load_prompt(name, prompts) for name in ("system", "summary", "title", "strict")}
        self.batch_size = batch_size  # 16: twice as fast as 4 and 35% faster than 8 on 2 cores; 32 no faster
        self.batch_tokens = batch_tokens
        hf.set_threads(threads)
        self.dtype = hf.resolve_dtype(dtype, quantize)
        self.tokenizer, self.model = hf.load(model, "causal", quantize=quantize, dtype=self.dtype)
        self.quantize = hf.applied_quantize(self.model, quantize)
        self.tokenizer.padding_side = "left"  # decoder-only: pad on the left so generation continues the text
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.context = token_limit(self.tokenizer, self.model)
        self.max_input_tokens = max_input_tokens
        self._prefix: tuple[tuple[int, ...], Any] | None = None  # (tokens, their key/value cache)

    @property
    def fingerprint(self) -> str:
        """What decides this engine's output besides the article: the summary cache's key part."""
        prompts = hashlib.sha256("\x00".join(self.templates[k] for k in sorted(self.templates)).encode()).hexdigest()
        return (f"chat|{hf.model_identity(self.model_name)}|prompts={prompts[:16]}|input={self.max_input_tokens}"
                f"|quantize={self.quantize}|dtype={self.dtype}")

    def _count(self, text: str) -> int:
        return len(self._tokens(text))

    def _text_limit(self, prompt_tokens: int, max_chars: int) -> int:
        """Tokens left for the article text once the prompt and the answer have their room."""
        room = self.context - prompt_tokens - new_tokens(max_chars)
        if room < 16:
            raise ModelLoadError(
                f"model {self.model_name} has a context of {self.context} tokens, too small for the prompt "
                f"({prompt_tokens} tokens) and a {max_chars}-character answer; "
                "use a smaller --max-chars or another model"
            )
        return min(room, self.max_input_tokens)

    def _wrap(self, content: str) -> str:
        # Qwen's template injects a 20-token English system prompt when none is given: a short one of
        # our own costs fewer tokens of prefill for every article.
        return wrap(self.tokenizer, self.templates["system"].strip(), content)

    def _tokens(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=False, verbose=False).input_ids)

    def _batch(self, rows: list[list[int]]) -> dict[str, Any]:
        """Generate's inputs for a batch: the rows' shared prefix, then padding, then each row's rest.

        The prefix (system prompt and instructions, ~half of an LCSTS prompt) is computed once and
        its key/value cache reused by every batch; padding sits after it and is masked out.
        """
        torch, _ = hf.require_torch()
        shared = shared_prefix(rows)
        if shared < _MIN_PREFIX:
            shared = 0
        width = max(len(r) for r in rows)
        pad = self.tokenizer.pad_token_id
        ids = [r[:shared] + [pad] * (width - len(r)) + r[shared:] for r in rows]
        mask = [[1] * shared + [0] * (width - len(r)) + [1] * (len(r) - shared) for r in rows]
        inputs: dict[str, Any] = {"input_ids": torch.tensor(ids, device=self.model.device),
                                  "attention_mask": torch.tensor(mask, device=self.model.device)}
        if shared:
            inputs["past_key_values"] = self._prefix_cache(tuple(rows[0][:shared]), len(rows))
        return inputs

    def _prefix_cache(self, prefix: tuple[int, ...], rows: int) -> Any:
        """A copy of the key/value cache of ``prefix`` for ``rows`` rows (computed once per prefix)."""
        torch, _ = hf.require_torch()
        if self._prefix is None or self._prefix[0] != prefix:
            with torch.no_grad(), hf.autocast(torch, self.dtype, self.model.device.type):
                cache = self.model(torch.tensor([prefix], device=self.model.device), use_cache=True).past_key_values
            self._prefix = (prefix, cache)
        cache = copy.deepcopy(self._prefix[1])  # generate extends the cache it is given
        cache.batch_repeat_interleave(rows)
        return cache

    def _chat(self, contents: list[str], max_chars: int, bad: list[list[int]] | None = None) -> list[str]:
        """One greedy answer per user message, cleaned (no preamble, Simplified, within ``max_chars``)."""
        torch, transformers = hf.require_torch()
        prompts = [self._tokens(self._wrap(c)) for c in contents]
        out: dict[int, str] = {}
        for idx in batches([len(p) for p in prompts], self.batch_size, self.batch_tokens):
            inputs = self._batch([prompts[i] for i in idx])
            width = inputs["input_ids"].shape[1]
            with torch.no_grad(), hf.autocast(torch, self.dtype, self.model.device.type):
                ids = self.model.generate(
                    **inputs,
                    do_sample=False,
                    max_new_tokens=new_tokens(max_chars),
                    repetition_penalty=REPETITION_PENALTY,
                    pad_token_id=self.tokenizer.pad_token_id,
                    bad_words_ids=bad,
                    stopping_criteria=_stop_when_settled(transformers, self.tokenizer, width, max_chars),
                )
            new = ids[:, width:]
            for i, text in zip(idx, self.tokenizer.batch_decode(new, skip_special_tokens=True), strict=True):
                out[i] = clean_output(text, max_chars)
        return [out[i] for i in range(len(contents))]

    def _run(self, articles: Sequence[Article], max_chars: int, problems: Sequence[str] | None = None) -> list[Summary]:
        strict = problems is not None
        bad = banned_sequences(self.tokenizer, problems) if problems else None
        named = "、".join(p for p in problems or () if p) or "（上次摘要为空）"

        def content(i: int, text: str) -> str:
            prompt = render_prompt(self.templates["summary"], title=articles[i].title, text=text, max_chars=max_chars)
            if not strict:
                return prompt
            figures = list(dict.fromkeys(f.text for f in facts.figures(articles[i].text)))[:_MAX_LISTED]
            return render_prompt(self.templates["strict"], prompt=prompt, problems=named,
                                 figures="、".join(figures) or "无")

        # The article text gets what the longest prompt (title, strict notes) and the answer leave.
        overhead = max(self._count(self._wrap(content(i, ""))) for i in range(len(articles))) if articles else 0
        results = map_reduce([a.text for a in articles],
                             lambda items, n: self._chat([content(i, t) for i, t in items], n, bad),
                             self._count, self._text_limit(overhead, max_chars), max_chars)
        return [Summary(text, self.name, self.model_name, notes=notes) for text, notes in results]

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        return self._run(articles, max_chars)

    def retry(self, articles: Sequence[Article], *, max_chars: int, problems: Sequence[Sequence[str]]) -> list[Summary]:
        """Summarise again with ``prompts/strict.txt``, naming and banning what was not in the source."""
        return [self._run([a], max_chars, p)[0] for a, p in zip(articles, problems, strict=True)]

    def complete(self, prompt: str, *, max_chars: int) -> str:
        """One free-form answer to ``prompt`` (e.g. a rendered ``prompts/overview.txt``).

        Args:
            prompt: the user message, already rendered.
            max_chars: the answer's budget in characters.

        Returns:
            The answer with output hygiene applied: no preamble, first paragraph only, Simplified,
            no repeated sentence, cut at a sentence boundary within ``max_chars``.
        """
        return self._chat([prompt], max_chars)[0]

    def title(self, article: Article, *, max_chars: int = 30) -> str:
        """A headline for an article that has none (``Article.title_derived``), from ``prompts/title.txt``.

        Returns:
            One line without quotes, book-title marks or a final full stop; "" if the model wrote nothing.
        """
        template = self.templates["title"]
        overhead = self._count(self._wrap(render_prompt(template, text="", max_chars=max_chars)))
        head = chunk_text(article.text, self._count, self._text_limit(overhead, max_chars))[:1]
        answer = self.complete(render_prompt(template, text="".join(head), max_chars=max_chars), max_chars=max_chars)
        line = re.split(r"[\n。]", answer, maxsplit=1)[0]
        return line.strip(_TITLE_MARKS + " ")
