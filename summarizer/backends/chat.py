"""chat engine: a decoder-only instruct model writes each summary from ``prompts/summary.txt``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import ModelLoadError
from ..ingest.clean import to_simplified
from ..prompts import load_prompt, render_prompt
from ..text import truncate_at_boundary
from ..types import Article, Summary
from . import hf

_PREAMBLE_RE = re.compile(r"^\s*(好的[，,。！!]?.*?[:：]\s*|以下是.*?[:：]\s*|摘要[:：]\s*|简报摘要[:：]\s*)")


def clean_output(text: str, max_chars: int) -> str:
    """Drop a preamble (好的，以下是…：/ 摘要：), keep the first paragraph, Simplified, within budget."""
    text = _PREAMBLE_RE.sub("", text.strip())
    text = re.split(r"\n\s*\n", text, maxsplit=1)[0].replace("\n", "")
    return truncate_at_boundary(to_simplified(text.strip()), max_chars)


class ChatSummarizer:
    name = "chat"

    def __init__(
        self,
        *,
        model: str | None = None,
        prompts: str | Path | None = None,
        batch_size: int = 4,
        **_: object,
    ) -> None:
        if not model:
            raise ModelLoadError("the chat engine needs a model: --model NAME_OR_PATH")
        self.model_name = model
        self.template = load_prompt("summary", prompts)
        self.batch_size = batch_size
        self.tokenizer, self.model = hf.load(model, "causal")
        self.tokenizer.padding_side = "left"  # decoder-only: pad on the left so generation continues the text
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token

    def _prompt(self, article: Article, max_chars: int) -> str:
        content = render_prompt(self.template, title=article.title, text=article.text, max_chars=max_chars)
        messages = [{"role": "user", "content": content}]
        if getattr(self.tokenizer, "chat_template", None):
            return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return content + "\n摘要："

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        torch, _ = hf.require_torch()
        order = sorted(range(len(articles)), key=lambda i: len(articles[i].text))  # similar lengths batch well
        results: dict[int, Summary] = {}
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            prompts = [self._prompt(articles[i], max_chars) for i in idx]
            enc = self.tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
            with torch.no_grad():
                ids = self.model.generate(
                    **enc.to(self.model.device),
                    do_sample=False,
                    max_new_tokens=int(max_chars * 1.5) + 16,
                    repetition_penalty=1.05,
                    pad_token_id=self.tokenizer.pad_token_id,
                )
            new = ids[:, enc["input_ids"].shape[1] :]
            for i, text in zip(idx, self.tokenizer.batch_decode(new, skip_special_tokens=True), strict=True):
                results[i] = Summary(clean_output(text, max_chars), self.name, self.model_name)
        return [results[i] for i in range(len(articles))]
