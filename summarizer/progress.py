"""Progress of long runs: a bar per stage on a terminal, plain throttled lines otherwise.

The library reports through a callback ``progress(stage, done, total)`` — stages ingest, model,
regions, summaries, retries, titles, overview, render —; only the CLI decides how to show it
(``Reporter``). Short stages print nothing: a line for a 0.2 s step is noise.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

Progress = Callable[[str, int, int], None]
# What a stage counts, where it is not articles; a stage of one step (loading the model, the 综述,
# writing the file) shows only how long it took.
UNITS = {"ingest": "inputs"}  # files, and the records of a large .jsonl file


def _fmt_seconds(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    whole = round(seconds)
    return f"{whole // 60}m{whole % 60:02d}s"


class Reporter:
    """Call with (stage, done, total). ``interval`` throttles plain lines; ``quiet_under`` hides short stages."""

    def __init__(self, stream: TextIO | None = None, *, interval: float = 5.0, quiet_under: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval
        self.quiet_under = quiet_under
        self.clock = clock
        self._stage: str | None = None
        self._start = 0.0
        self._last = 0.0

    def line(self, stage: str, done: int, total: int) -> str:
        elapsed = max(self.clock() - self._start, 1e-9)
        if total <= 1:
            return f"{stage}: {'done, ' if done >= total else ''}{_fmt_seconds(elapsed)}"
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else 0.0
        text = f"{stage}: {done}/{total} {UNITS.get(stage, 'articles')}, {rate:.2f}/s"
        return text + (f", ETA {_fmt_seconds(eta)}" if done < total else f", {_fmt_seconds(elapsed)}")

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if stage != self._stage:
            self._stage, self._start, self._last = stage, now, now
        if now - self._start < self.quiet_under:
            return
        if self.tty:
            width = 24
            filled = int(width * done / total) if total else width
            bar = "█" * filled + "·" * (width - filled)
            end = "\n" if done >= total else ""
            self.stream.write(f"\r{bar} {self.line(stage, done, total)}\033[K{end}")
            self.stream.flush()
        elif done >= total or now - self._last >= self.interval:
            self.stream.write(self.line(stage, done, total) + "\n")
            self.stream.flush()
            self._last = now
