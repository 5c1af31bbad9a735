"""seq2seq engine: an encoder-decoder model (mT5/T5/Pegasus/BART) writes each summary.

Beam search with ``no_repeat_ngram_size`` (beam search on small models repeats phrases otherwise);
articles longer than the encoder's limit are summarised in parts (``generate.map_reduce``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ModelLoadError
from ..types import Article, Summary
from . import hf
from .generate import banned_sequences, batches, clean_output, map_reduce, token_limit


class Seq2SeqSummarizer:
    name = "seq2seq"

    def __init__(
        self,
        *,
        model: str | None = None,
        num_beams: int = 4,
        batch_size: int = 8,
        batch_tokens: int = 8192,
        max_input_tokens: int | None = None,
        quantize: str | None = None,
        threads: int | None = None,
        **_: object,
    ) -> None:
        if not model:
            raise ModelLoadError("the seq2seq engine needs a model: --model NAME_OR_PATH")
        self.model_name = model
        self.num_beams = num_beams
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        hf.set_threads(threads)
        self.tokenizer, self.model = hf.load(model, "seq2seq", quantize=quantize)
        self.quantize = hf.applied_quantize(self.model, quantize)
        limit = token_limit(self.tokenizer, self.model)
        self.limit = min(limit, max_input_tokens) if max_input_tokens else limit

    @property
    def fingerprint(self) -> str:
        """What decides this engine's output besides the article: the summary cache's key part."""
        return (f"seq2seq|{hf.model_identity(self.model_name)}|beams={self.num_beams}|limit={self.limit}"
                f"|quantize={self.quantize}")

    def _count(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False).input_ids) + 1  # + </s>

    def _generate(self, items: list[tuple[int, str]], max_chars: int, bad: list[list[int]] | None = None) -> list[str]:
        torch, _ = hf.require_torch()
        out: dict[int, str] = {}
        lengths = [self._count(text) for _, text in items]
        for idx in batches(lengths, self.batch_size, self.batch_tokens // self.num_beams):  # each beam is a row
            enc = self.tokenizer([items[i][1] for i in idx], return_tensors="pt", padding=True,
                                 truncation=True, max_length=self.limit)  # never cuts: map_reduce fits parts first
            with torch.no_grad():
                ids = self.model.generate(
                    **enc.to(self.model.device),
                    num_beams=self.num_beams,
                    no_repeat_ngram_size=3,
                    max_new_tokens=max(16, max_chars),  # a Chinese sentencepiece token is one or more characters
                    bad_words_ids=bad,
                )
            for i, text in zip(idx, self.tokenizer.batch_decode(ids, skip_special_tokens=True), strict=True):
                out[i] = clean_output(text, max_chars)
        return [out[i] for i in range(len(items))]

    def _run(self, articles: Sequence[Article], max_chars: int, avoid: Sequence[str] = ()) -> list[Summary]:
        bad = banned_sequences(self.tokenizer, avoid) if avoid else None
        results = map_reduce([a.text for a in articles], lambda items, n: self._generate(items, n, bad),
                             self._count, self.limit, max_chars)
        return [Summary(text, self.name, self.model_name, notes=notes) for text, notes in results]

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        return self._run(articles, max_chars)

    def retry(self, articles: Sequence[Article], *, max_chars: int, problems: Sequence[Sequence[str]]) -> list[Summary]:
        """Summarise again, forbidding the figures that were not in the source (one list per article)."""
        return [self._run([a], max_chars, avoid=p)[0] for a, p in zip(articles, problems, strict=True)]
