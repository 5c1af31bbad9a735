"""A small OpenAI-compatible server for tests, on 127.0.0.1, that injects faults on request.

What it does with a request is decided by a marker in the article text of the prompt, so every
article of a test run can meet its own fault whatever order the requests arrive in:

    【慢】   answers after ``slow`` seconds, every time        【慢一次】 slow the first time only
    【429】  429 with Retry-After: 1 the first time            【500】    500 every time
    【500一次】 500 the first time                              【断】     drops the connection the first time
    【断总】 drops the connection every time                    【坏】     malformed JSON every time
    【空】   an empty ``choices`` list every time               【长】     an answer cut by max_tokens

Otherwise it answers with the article's first sentence (so the guard passes). Every request is
recorded (path, marker, time, headers) for the tests to inspect.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MARKERS = ("【慢一次】", "【慢】", "【429】", "【500一次】", "【500】", "【断总】", "【断】", "【坏】", "【空】",
           "【长】")


class StubServer:
    def __init__(self, slow: float = 2.0) -> None:
        self.slow = slow
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                stub._record(self, "", None)
                self._json(200, {"object": "list", "data": [{"id": "stub-model", "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                user = body["messages"][-1]["content"]
                marker = next((m for m in MARKERS if m in user), "")
                tries = stub._record(self, marker, body)
                stub.reply(self, marker, tries, user, body)

            def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
                raw = json.dumps(data, ensure_ascii=False).encode()
                self.send_response(status)
                for k, v in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.handler = Handler
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _record(self, handler: BaseHTTPRequestHandler, marker: str, body: Any) -> int:
        text = body["messages"][-1]["content"] if body else ""
        with self.lock:
            tries = sum(1 for r in self.requests if r["text"] == text and r["path"] == handler.path) + 1
            self.requests.append({"path": handler.path, "marker": marker, "time": time.monotonic(), "text": text,
                                  "authorization": handler.headers.get("Authorization"), "body": body})
        return tries

    def reply(self, h: Any, marker: str, tries: int, user: str, body: dict[str, Any]) -> None:
        if marker == "【慢】" or (marker == "【慢一次】" and tries == 1):
            time.sleep(self.slow)
        if marker == "【429】" and tries == 1:
            return h._json(429, {"error": {"message": "rate limited"}}, {"Retry-After": "1"})
        if marker == "【500】" or (marker == "【500一次】" and tries == 1):
            return h._json(500, {"error": {"message": "internal error"}})
        if marker == "【断总】" or (marker == "【断】" and tries == 1):
            h.connection.shutdown(socket.SHUT_RDWR)
            h.close_connection = True
            return None
        if marker == "【坏】":
            raw = b'{"choices": [{"message": {"content": "half'
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(raw)))
            h.end_headers()
            h.wfile.write(raw)
            return None
        if marker == "【空】":
            return h._json(200, {"id": "x", "choices": []})
        text = answer(user)
        finish = "stop"
        if marker == "【长】":
            text, finish = text.rstrip("。") + "，业主们纷纷", "length"
        return h._json(200, {"id": "x", "object": "chat.completion", "model": body.get("model"),
                             "choices": [{"index": 0, "finish_reason": finish,
                                          "message": {"role": "assistant", "content": text}}]})


def answer(user: str) -> str:
    """A faithful answer: the first sentence of the article text in the prompt (marker removed)."""
    text = user.split("正文：", 1)[-1].strip()
    for marker in MARKERS:
        text = text.replace(marker, "")
    first = re.split(r"(?<=[。！？])", text.strip(), maxsplit=1)[0]
    return first.strip() or "物业服务。"
