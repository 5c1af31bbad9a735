"""Any OpenAI-compatible server (``/v1/chat/completions``): vLLM, llama.cpp's server, Ollama, cloud APIs.

This is also how a briefing scales past one machine: a vLLM deployment serves many replicas behind
one address (README "Speed"). Requests go out ``concurrency`` at a time; each has a deadline
(``timeout``, connection to last byte, so a server that answers slowly or trickles bytes cannot
hold a run), and 429, 5xx, timeouts, dropped connections and unreadable answers are retried with
exponential backoff and jitter, honouring ``Retry-After``. A request that still fails comes back
as that prompt's error, so the engine falls back for that article alone; after many failures in a
row the server counts as down and the remaining requests fail at once instead of each waiting out
its retries. ``finish_reason: length`` marks an answer cut by ``max_tokens``.

The API key is read from the environment variable named by ``api_key_env`` when a request is
sent; it is never an option value, so it never reaches a log line, the cache or the briefing.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import random
import re
import threading
import time
import urllib.parse
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ...errors import ModelLoadError
from ..options import MODEL_HELP, Options, option
from . import Features, Generation, Prompt, Stop

log = logging.getLogger(__name__)

MAX_WAIT = 60.0  # seconds: the longest pause before a retry, whatever Retry-After says
_CJK_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_MESSAGE_TOKENS = 8  # what a chat template adds around each message, at most, for the common templates


@dataclasses.dataclass(frozen=True, kw_only=True)
class OpenAIOptions(Options):
    base_url: str | None = option(None, "Address of an OpenAI-compatible API up to /v1, e.g. http://127.0.0.1:8000/v1 "
                                        "(given alone, it picks the openai engine).")
    model: str | None = option(None, MODEL_HELP)
    api_key_env: str = option("OPENAI_API_KEY", "Environment variable holding the API key (unset: no key is sent).")
    concurrency: int = option(4, "Requests in flight at once.", minimum=1)
    timeout: float = option(120.0, "Seconds one request may take, connection to last byte.", minimum=0.01)
    retries: int = option(4, "Retries of a request after 429, 5xx, a timeout or a dropped connection.", minimum=0)
    backoff: float = option(1.0, "Seconds before the first retry, doubled each time, with jitter (Retry-After "
                                 "wins).", minimum=0)
    context: int = option(8192, "Tokens of context of the served model, prompt and answer together.", minimum=256)


class _Failed(Exception):
    """A request that got no usable answer; ``retry`` says whether trying again may help."""

    def __init__(self, reason: str, *, retry: bool = True, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.retry, self.wait = reason, retry, wait


def _require_httpx() -> Any:
    try:
        import httpx
    except ImportError as exc:
        raise ModelLoadError("the openai engine needs httpx: pip install 'summarizer[openai]'") from exc
    return httpx


def shown_url(url: str) -> str:
    """``url`` without user name, password or query: what messages and the cache key may show."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number of seconds, or an HTTP date), if it is readable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    import email.utils  # an HTTP date is rare: not loaded when the CLI reads this engine's options

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class OpenAIGenerator:
    """Chat completions from a server, ``concurrency`` requests at a time, each retried and bounded in time."""

    Options = OpenAIOptions
    features = Features(instruct=True, bans=False, early_stop=False)

    def __init__(self, options: OpenAIOptions) -> None:
        if not options.base_url:
            raise ModelLoadError("the openai engine needs --base-url, e.g. http://127.0.0.1:8000/v1")
        if urllib.parse.urlsplit(options.base_url).scheme not in {"http", "https"}:
            raise ModelLoadError(f"--base-url {shown_url(options.base_url)!r} is not an http(s) address")
        httpx = _require_httpx()
        self.options = options
        self._httpx = httpx
        # A user name and password in the address become basic auth: httpx logs the URL it requests.
        parts = urllib.parse.urlsplit(options.base_url)
        self._auth = httpx.BasicAuth(urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")) \
            if parts.username else None
        self.shown = shown_url(options.base_url)
        self.batch = options.concurrency
        self.context_tokens = options.context
        self._client = httpx.Client(timeout=httpx.Timeout(options.timeout, connect=min(10.0, options.timeout)),
                                    limits=httpx.Limits(max_connections=options.concurrency))
        self._lock = threading.Lock()
        self._failures_in_row = 0
        self._down: str | None = None  # why the server counts as down, once it does
        self.model = options.model or self._served_model()
        self.identity = f"openai|{self.shown}|{self.model}|temperature=0"

    # -- requests -------------------------------------------------------------------------------

    def _key(self) -> str | None:
        return os.environ.get(self.options.api_key_env) or None

    def _hide(self, text: str) -> str:
        key = self._key()
        return text.replace(key, "***") if key else text

    def _attempt(self, method: str, path: str, body: dict[str, Any] | None) -> Any:
        """One request, read whole before ``timeout`` runs out; its JSON."""
        httpx = self._httpx
        key = self._key()
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        deadline = time.monotonic() + self.options.timeout
        try:
            with self._client.stream(method, self.shown + path, json=body, headers=headers,
                                     auth=None if key else self._auth) as response:
                chunks = []
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise _Failed(f"no complete answer within {self.options.timeout:g} s")
                status, data = response.status_code, b"".join(chunks)
                waited = retry_after(response.headers.get("retry-after"))
        except httpx.TimeoutException:
            raise _Failed(f"no answer within {self.options.timeout:g} s") from None
        except httpx.TransportError as exc:  # refused, reset, closed without an answer, protocol errors
            raise _Failed(f"connection failed ({type(exc).__name__}: {exc})") from None
        if status == 429 or status >= 500:
            raise _Failed(f"HTTP {status} from {self.shown}", wait=waited)
        if status != 200:
            hint = f" (is ${self.options.api_key_env} set?)" if status in (401, 403) else ""
            snippet = data[:200].decode("utf-8", errors="replace").strip()
            raise _Failed(f"HTTP {status} from {self.shown}{hint}: {snippet}", retry=False)
        try:
            return json.loads(data)
        except ValueError:
            raise _Failed(f"unreadable answer from {self.shown} (not JSON)") from None

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """``_attempt`` with retries; raises ``_Failed`` with the last reason."""
        tries = self.options.retries + 1
        for attempt in range(tries):
            if self._down is not None:
                raise _Failed(self._down, retry=False)
            try:
                data = self._attempt(method, path, body)
                self._count(None)
                return data
            except _Failed as failed:
                self._count(failed)
                if not failed.retry or attempt == tries - 1:
                    raise _Failed(self._hide(failed.reason) + (f" (after {tries} tries)" if failed.retry else ""),
                                  retry=False) from None
                pause = failed.wait if failed.wait is not None else self.options.backoff * 2**attempt
                pause = min(MAX_WAIT, pause if failed.wait is not None else pause * (0.5 + random.random()))
                log.info("%s: %s; trying again in %.1f s", self.shown, self._hide(failed.reason), pause)
                time.sleep(pause)
        raise AssertionError("unreachable")

    def _count(self, failed: _Failed | None) -> None:
        """Keep count of failures in a row; past a few per request slot, the server is down for this run."""
        with self._lock:
            self._failures_in_row = 0 if failed is None else self._failures_in_row + 1
            if failed is not None and self._failures_in_row >= 3 * self.options.concurrency + 3:
                self._down = f"{self.shown} is not answering ({self._hide(failed.reason)})"

    def _served_model(self) -> str:
        """The first model the server lists (``/models``), for servers given without ``--model``."""
        try:
            data = self._call("GET", "/models")
            return str(data["data"][0]["id"])
        except _Failed as failed:
            raise ModelLoadError(f"cannot reach the OpenAI-compatible server at {self.shown}: {failed.reason}; "
                                 "start it, or check --base-url") from None
        except (KeyError, IndexError, TypeError):
            raise ModelLoadError(f"{self.shown}/models lists no model; give one with --model") from None

    # -- the generator interface -----------------------------------------------------------------

    def count_tokens(self, text: str | Prompt) -> int:
        """An upper estimate (no tokenizer here): a token per Chinese character, one per 3 other characters."""
        if isinstance(text, Prompt):
            return self.count_tokens(text.system + text.user) + 2 * _MESSAGE_TOKENS
        cjk = len(_CJK_RE.findall(text))
        return cjk + math.ceil((len(text) - cjk) / 3)

    def generate(self, prompts: Sequence[Prompt], *, max_new_tokens: int, stop: Stop | None = None,
                 avoid: Sequence[Sequence[str]] | None = None) -> list[Generation]:
        with ThreadPoolExecutor(max_workers=self.options.concurrency, thread_name_prefix="openai") as pool:
            return list(pool.map(lambda p: self._one(p, max_new_tokens), prompts))

    def _one(self, prompt: Prompt, max_new_tokens: int) -> Generation:
        body = {"model": self.model, "messages": prompt.messages(), "max_tokens": max_new_tokens, "temperature": 0}
        for attempt in range(2):  # an answer without a usable choice is asked for once more
            try:
                data = self._call("POST", "/chat/completions", body)
            except _Failed as failed:
                return Generation("", error=failed.reason)
            try:
                choice = data["choices"][0]
                text = choice["message"]["content"] or ""
                return Generation(str(text), truncated=choice.get("finish_reason") == "length")
            except (KeyError, IndexError, TypeError):
                reason = f"answer from {self.shown} holds no choice"
                if attempt:
                    return Generation("", error=reason)
                log.info("%s; asking again", reason)
        raise AssertionError("unreachable")
