"""The prompt-driven engine: every model runs through it, whatever generator carries the tokens.

Policy lives here, transport below (``generators/``): the prompts in ``prompts/`` (summary, strict
retry, title; the 综述's is rendered by ``compose/overview.py``), answer hygiene and when a row may
stop (``output``), articles longer than the context summarised in parts (``output.map_reduce``),
and per-article failures turned into summaries that say why, so the pipeline can fall back for
that article alone. Every call hands the generator all its prompts at once: the generator
batches them (rows of a batch, requests in flight), so summaries, retries and titles are each
one batched generation.

A generator that does not follow instructions (``Features.instruct`` false: a seq2seq
summariser) gets the article text itself as its prompt; it writes no titles and no 综述.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from .. import facts
from ..errors import BackendError, ModelLoadError
from ..prompts import load_prompt, prompts_digest, render_prompt
from ..types import Article, Summary
from .base import Capabilities
from .generators import Generation, Generator, Prompt
from .options import Options, option
from .output import chunk_text, clean_output, map_reduce, settled, title_settled, title_text

_MAX_LISTED = 30  # figures named in the strict prompt: enough for a summary, bounded for the context
TITLE_INPUT_TOKENS = 384  # a headline comes from the lead: more of the article only costs prefill
TITLE_CHARS = 30  # a headline's budget
_SMALLEST_TEXT = 16  # tokens of article text below which a context is too small to be useful


def new_tokens(max_chars: int) -> int:
    """Tokens to generate for a ``max_chars`` answer: about one per Chinese character, plus room for a preamble."""
    return int(max_chars * 1.5) + 16


@dataclasses.dataclass(frozen=True, kw_only=True)
class EngineOptions(Options):
    prompts: Path | None = option(None, "Folder with your own prompt files (see prompts/).")
    max_input_tokens: int = option(2048, "Longest article text (tokens) summarised whole; longer ones go in parts "
                                         "(bounds CPU time).", minimum=64)


class PromptEngine:
    """Summaries, strict retries, titles and free answers (the 综述) from one generator.

    Args:
        name: the registry name (``Summary.engine``).
        generator: what turns prompts into text.
        options: the engine's own options (prompt folder, input bound).
    """

    def __init__(self, name: str, generator: Generator, options: EngineOptions | None = None) -> None:
        self.name = name
        self.generator = generator
        self.options = options or EngineOptions()
        self.model_name = generator.model
        instruct = generator.features.instruct
        self.capabilities = Capabilities(retry=True, titles=instruct, overview=instruct, batch=generator.batch)
        names = ("system", "summary", "title", "strict") if instruct else ()
        self.templates = {n: load_prompt(n, self.options.prompts) for n in names}
        self.system = self.templates.get("system", "").strip()
        self.fingerprint = (f"{name}|{generator.identity}|prompts={prompts_digest(self.options.prompts)}"
                            f"|input={self.options.max_input_tokens}")

    # -- summaries -----------------------------------------------------------------------------

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        return self._summaries(articles, max_chars, None)

    def retry(self, articles: Sequence[Article], *, max_chars: int, problems: Sequence[Sequence[str]]) -> list[Summary]:
        """Summarise again, in one batch: ``prompts/strict.txt`` names what was not in the source and
        lists the article's figures; a generator that can ban tokens never writes the offending digits."""
        return self._summaries(articles, max_chars, [list(p) for p in problems])

    def _summaries(self, articles: Sequence[Article], max_chars: int,
                   problems: list[list[str]] | None) -> list[Summary]:
        if not articles:
            return []
        prompt = partial(self._summary_prompt, articles, max_chars, problems)
        # The article text gets what the longest prompt (title, strict notes) and the answer leave.
        overhead = max(self.generator.count_tokens(prompt(i, "")) for i in range(len(articles)))
        failures: dict[int, str] = {}
        avoid = problems if problems and self.generator.features.bans else None

        def generate(items: list[tuple[int, str]], budget: int) -> list[str]:
            gens = self.generator.generate(
                [prompt(i, text) for i, text in items], max_new_tokens=new_tokens(budget),
                stop=partial(settled, max_chars=budget), avoid=[avoid[i] for i, _ in items] if avoid else None)
            return [self._text(g, budget, failures, i) for (i, _), g in zip(items, gens, strict=True)]

        results = map_reduce([a.text for a in articles], generate, self.generator.count_tokens,
                             self._text_limit(overhead, max_chars), max_chars)
        return [Summary("", self.name, self.model_name, fallback=f"{self.name}: {failures[i]}") if i in failures
                else Summary(text, self.name, self.model_name, notes=notes)
                for i, (text, notes) in enumerate(results)]

    def _summary_prompt(self, articles: Sequence[Article], max_chars: int, problems: list[list[str]] | None,
                        i: int, text: str) -> Prompt:
        if not self.generator.features.instruct:
            return Prompt(text)
        user = render_prompt(self.templates["summary"], title=articles[i].title, text=text, max_chars=max_chars)
        if problems is not None:
            figures = list(dict.fromkeys(f.text for f in facts.figures(articles[i].text)))[:_MAX_LISTED]
            named = "、".join(p for p in problems[i] if p) or "（上次摘要为空）"
            user = render_prompt(self.templates["strict"], prompt=user, problems=named,
                                 figures="、".join(figures) or "无")
        return Prompt(user, self.system)

    @staticmethod
    def _text(generation: Generation, budget: int, failures: dict[int, str], owner: int) -> str:
        if generation.error is not None:
            failures.setdefault(owner, generation.error)
            return ""
        return clean_output(generation.text, budget, truncated=generation.truncated)

    def _text_limit(self, prompt_tokens: int, max_chars: int) -> int:
        """Tokens left for the article text once the prompt and the answer have their room."""
        answer = new_tokens(max_chars) if self.generator.features.answer_in_context else 0
        room = self.generator.context_tokens - prompt_tokens - answer
        if room < _SMALLEST_TEXT:
            raise ModelLoadError(
                f"model {self.model_name} has a context of {self.generator.context_tokens} tokens, too small for "
                f"the prompt ({prompt_tokens} tokens) and a {max_chars}-character answer; "
                "use a smaller --max-chars or another model"
            )
        return min(room, self.options.max_input_tokens)

    # -- titles and free answers ----------------------------------------------------------------

    def titles(self, articles: Sequence[Article], *, max_chars: int = TITLE_CHARS) -> list[str | None]:
        """Headlines for articles that have none (``Article.title_derived``), from ``prompts/title.txt``, in one batch.

        Each prompt holds the article's lead (``TITLE_INPUT_TOKENS``); each row stops at the end of
        its first line.

        Returns:
            Per article one line without quotes, book-title marks or a final full stop; "" where the
            model wrote nothing usable, None where its request failed.
        """
        if not articles:
            return []
        template = self.templates["title"]
        overhead = self.generator.count_tokens(Prompt(render_prompt(template, text="", max_chars=max_chars),
                                                      self.system))
        limit = min(self._text_limit(overhead, max_chars), TITLE_INPUT_TOKENS)
        prompts = [Prompt(render_prompt(template, text=chunk_text(a.text, self.generator.count_tokens, limit)[0],
                                        max_chars=max_chars), self.system) for a in articles]
        gens = self.generator.generate(prompts, max_new_tokens=new_tokens(max_chars), stop=title_settled)
        return [None if g.error else title_text(g.text, max_chars) for g in gens]

    def complete(self, prompt: str, *, max_chars: int) -> str:
        """One answer to a rendered prompt (the 综述 from ``prompts/overview.txt``), cleaned.

        Raises:
            BackendError: the prompt and the answer do not fit the context, or the request failed.

        Returns:
            The first paragraph without a preamble, Simplified, no repeated sentence, cut at a
            sentence boundary within ``max_chars``.
        """
        request = Prompt(prompt, self.system)
        size = self.generator.count_tokens(request)
        if size + new_tokens(max_chars) > self.generator.context_tokens:
            raise BackendError(f"the prompt ({size} tokens) and a {max_chars}-character answer do not fit the "
                               f"context of {self.model_name} ({self.generator.context_tokens} tokens)")
        (gen,) = self.generator.generate([request], max_new_tokens=new_tokens(max_chars),
                                         stop=partial(settled, max_chars=max_chars))
        if gen.error is not None:
            raise BackendError(f"{self.name}: {gen.error}")
        return clean_output(gen.text, max_chars, truncated=gen.truncated)
