"""Generators: the transport below the prompt-driven engine (httpx's transports: they only send).

A generator turns prompts into text and knows its model's tokens; it has no idea what a summary,
a title or the faithfulness guard is (``backends/engine.py`` does). Its interface is narrow::

    features        Features: what it honours (instructions, bans, early stop)
    identity        str: the generator, its model and what changes its output (the cache's view)
    model           str: the model's name for people (Summary.model)
    context_tokens  int: prompt and answer together
    batch           int: prompts it works on at once (rows of a batch, requests in flight)
    count_tokens(text | Prompt) -> int
    generate(prompts, *, max_new_tokens, stop=None, avoid=None) -> list[Generation]

``generate`` answers every prompt, in order. A prompt that failed (after the generator's own
retries) gets ``Generation(error=...)`` rather than an exception, so one bad request never costs
the others; an exception means the generator as a whole is broken. Each generator module imports
its heavy dependencies (torch, llama_cpp, httpx) inside its functions, so listing the registry
and checking options stays light.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from ..options import Options


@dataclass(frozen=True)
class Prompt:
    """One request: the user's message and the system prompt (ignored by models that take plain text)."""

    user: str
    system: str = ""

    def messages(self) -> list[dict[str, str]]:
        """The chat messages: the system prompt (when there is one), then the user's."""
        return [*([{"role": "system", "content": self.system}] if self.system else []),
                {"role": "user", "content": self.user}]

    def plain(self) -> str:
        """The prompt for a model without a chat template: the text, then the answer's label."""
        return self.user + "\n摘要："


@dataclass(frozen=True)
class Generation:
    """What came back for one prompt."""

    text: str
    truncated: bool = False  # stopped by max_new_tokens (OpenAI's finish_reason "length"), not by the model
    error: str | None = None  # why this prompt got no answer (text is then "")


# Called with the text generated so far: True once more text cannot change what the engine keeps.
# A generator that honours it (``Features.early_stop``) ends that row there; one that does not
# simply generates on to the model's end or max_new_tokens, with the same result after cleaning.
Stop = Callable[[str], bool]


@dataclass(frozen=True)
class Features:
    instruct: bool = True  # follows the instructions in prompts/ (a chat model); False: the prompt is the text
    bans: bool = False  # honours ``avoid``: never generates the given strings' digits
    early_stop: bool = False  # honours ``stop`` per prompt
    answer_in_context: bool = True  # the answer shares ``context_tokens`` with the prompt (not so for encoder-decoders)


class Generator(Protocol):
    Options: ClassVar[type[Options]]
    features: Features
    identity: str
    model: str
    context_tokens: int
    batch: int

    def count_tokens(self, text: str | Prompt) -> int:
        """Tokens of a text, or of a whole prompt as the model sees it (chat template included)."""
        ...

    def generate(self, prompts: Sequence[Prompt], *, max_new_tokens: int, stop: Stop | None = None,
                 avoid: Sequence[Sequence[str]] | None = None) -> list[Generation]:
        """One generation per prompt, greedy. ``avoid``: per prompt, strings whose digits must not be generated."""
        ...


REPETITION_PENALTY = 1.05  # greedy decoding of small models loops without a little (transformers, llama.cpp)


def digit_sequences(tokenize: Callable[[str], list[int]], figures: Sequence[str]) -> list[list[int]]:
    """Token sequences that spell the digits of ``figures``, for generators that ban tokens.

    A number is tokenised differently at the start of a text and after other text (sentencepiece's
    ``▁``), so both forms are banned.
    """
    numbers = {n for f in figures for n in re.findall(r"\d+(?:\.\d+)?", f)}
    prefix = len(tokenize("的"))
    banned: set[tuple[int, ...]] = set()
    for number in numbers:
        banned.add(tuple(tokenize(number)))
        banned.add(tuple(tokenize("的" + number)[prefix:]))
    return [list(b) for b in banned if b]


def banned_next(tail: Sequence[int], sequences: Sequence[Sequence[int]]) -> set[int]:
    """The tokens that would complete one of ``sequences`` after ``tail`` (the tokens so far)."""
    return {seq[-1] for seq in sequences
            if len(seq) == 1 or list(tail[len(tail) - len(seq) + 1:]) == list(seq[:-1])}
