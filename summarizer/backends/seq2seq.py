"""seq2seq engine: an encoder-decoder model (mT5/T5/Pegasus/BART) writes each summary."""

from __future__ import annotations

from collections.abc import Sequence

from ..ingest.clean import to_simplified
from ..text import truncate_at_boundary
from ..types import Article, Summary
from . import hf


class Seq2SeqSummarizer:
    name = "seq2seq"

    def __init__(self, *, model: str | None = None, num_beams: int = 4, batch_size: int = 8, **_: object) -> None:
        if not model:
            from ..errors import ModelLoadError

            raise ModelLoadError("the seq2seq engine needs a model: --model NAME_OR_PATH")
        self.model_name = model
        self.num_beams = num_beams
        self.batch_size = batch_size
        self.tokenizer, self.model = hf.load(model, "seq2seq")

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        torch, _ = hf.require_torch()
        limit = min(getattr(self.tokenizer, "model_max_length", 512) or 512, 1024)
        out: list[Summary] = []
        for start in range(0, len(articles), self.batch_size):
            batch = articles[start : start + self.batch_size]
            texts = [a.text for a in batch]
            lengths = [len(self.tokenizer(t).input_ids) for t in texts]
            enc = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=True, max_length=limit)
            with torch.no_grad():
                ids = self.model.generate(
                    **enc.to(self.model.device),
                    num_beams=self.num_beams,
                    no_repeat_ngram_size=3,
                    max_new_tokens=max(16, max_chars),
                )
            for text, n in zip(self.tokenizer.batch_decode(ids, skip_special_tokens=True), lengths, strict=True):
                notes = (f"原文超过模型上限，仅用前 {limit} 个词元",) if n > limit else ()
                clean = truncate_at_boundary(to_simplified(text.strip()), max_chars)
                out.append(Summary(clean, self.name, self.model_name, notes=notes))
        return out
