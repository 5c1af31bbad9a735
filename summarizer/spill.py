"""Values kept on disk instead of in memory: a month's briefing is composed and rendered from a file.

A ``Spill`` is a temporary file of pickled values, written one after another; a ``Spilled`` view is
a sequence of some of them, in any order, unpickled when asked for and let go after. A view pickles
as the file's name and the positions, so a process rendering one region's briefing is sent a few
kilobytes and reads that region's stories itself, one at a time. The file is removed when its spill,
and every view of it in this process, is gone (or when the process exits); views unpickled in
another process do not own it, and are read while the process that spilled them holds the briefing.

``pipeline.brief_paths`` spills when it composes a briefing whose bodies it lets go (issue 20: a
month of texts, flat in memory); a briefing composed in memory holds tuples, as it always did.
"""

from __future__ import annotations

import array
import contextlib
import os
import pickle
import re
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import BinaryIO, Generic, TypeVar

T = TypeVar("T")


class Spill(Generic[T]):
    """An append-only temporary file of pickled values; ``view`` reads some of them back."""

    def __init__(self) -> None:
        _sweep()
        fd, self.path = tempfile.mkstemp(prefix=f"{PREFIX}{os.getpid()}-", suffix=SUFFIX)
        self._out = os.fdopen(fd, "wb")
        self._offsets = array.array("q")
        self._closer = weakref.finalize(self, _remove, self._out, self.path)

    def __len__(self) -> int:
        return len(self._offsets)

    def add(self, value: T) -> int:
        """Write ``value``; returns its position."""
        self._offsets.append(self._out.tell())
        pickle.dump(value, self._out, protocol=pickle.HIGHEST_PROTOCOL)
        return len(self._offsets) - 1

    def view(self, positions: Iterable[int] | None = None) -> Spilled[T]:
        """The values at ``positions`` (default: all written so far), in that order."""
        self._out.flush()
        chosen = array.array("q", self._offsets if positions is None else (self._offsets[i] for i in positions))
        return Spilled(self.path, chosen, self)

    def close(self) -> None:
        """Remove the file now (its views can no longer be read)."""
        self._closer()


PREFIX, SUFFIX = "summarizer-", ".spill"
_OWNED_RE = re.compile(re.escape(PREFIX) + r"(\d+)-.*" + re.escape(SUFFIX))


def _sweep() -> None:
    """Remove the spills of processes that are gone (killed before they could: the OOM killer, a
    SIGKILL), else each would stay in the temporary folder, a month's stories at a time."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(tempfile.gettempdir()):
            if (m := _OWNED_RE.fullmatch(entry.name)) and not _alive(int(m[1])):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no way to tell: leave its file alone
        pass
    return True


def _remove(out: object, path: str) -> None:
    try:
        out.close()  # type: ignore[attr-defined]
        os.unlink(path)
    except OSError:
        pass


class Lazy(Sequence[T]):
    """A sequence whose values are fetched as it is read: by position or in order, not sliced (a slice
    would be a copy); equal to any sequence of equal values (a tuple of them), and so not hashable."""

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __getitem__(self, i: int) -> T:  # type: ignore[override]
        if isinstance(i, slice):
            raise TypeError(f"{type(self).__name__} is read by position or in order, not sliced")
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self._at(i + len(self) if i < 0 else i)

    def __copy__(self) -> Lazy[T]:
        return self  # read-only: a copy (copy.deepcopy of a briefing) is the same view of the same file

    def __deepcopy__(self, memo: dict[int, object]) -> Lazy[T]:
        return self

    def _at(self, i: int) -> T:
        raise NotImplementedError

    def tally(self, count: Callable[[T], int]) -> int:
        """``sum(map(count, self))``, worked out once for each ``count`` (a module-level function: a
        briefing's story counts are asked for again and again, each time reading every story from disk)."""
        tallies = self.__dict__.setdefault("_tallies", {})
        if count not in tallies:
            tallies[count] = self._tally(count)
        return tallies[count]

    def _tally(self, count: Callable[[T], int]) -> int:
        return sum(map(count, self))


def tally(values: Iterable[T], count: Callable[[T], int]) -> int:
    """``sum(map(count, values))``; a ``Lazy`` sequence's once (``Lazy.tally``)."""
    return values.tally(count) if isinstance(values, Lazy) else sum(map(count, values))


class Spilled(Lazy[T]):
    """Some of a spill's values, read from its file when asked for (each pass over the view reads
    them again: no value is kept, only ``tally``'s sums)."""

    def __init__(self, path: str, offsets: array.array, owner: Spill[T] | None = None) -> None:
        self.path, self._offsets = path, offsets
        self._owner = owner  # keeps the file while this view lives here; None in another process

    def __len__(self) -> int:
        return len(self._offsets)

    def _at(self, i: int) -> T:
        with self._open() as handle:
            handle.seek(self._offsets[i])
            return pickle.load(handle)

    def __iter__(self) -> Iterator[T]:
        with self._open() as handle:
            for offset in self._offsets:
                handle.seek(offset)
                yield pickle.load(handle)

    def _open(self) -> BinaryIO:
        try:
            return open(self.path, "rb")  # the callers close it
        except FileNotFoundError:
            from .errors import OutputError  # errors imports types, which imports this

            raise OutputError(f"{self.path} is gone: a briefing composed on disk is read while the run that "
                              "composed it holds it (it cannot be kept with pickle, or read after that run)") from None

    def __repr__(self) -> str:
        return f"Spilled({len(self)} values in {self.path})"

    def __reduce__(self) -> tuple[object, ...]:
        return Spilled, (self.path, self._offsets)


class Held(Generic[T]):
    """A ``Spill``'s interface over a list in memory (``view`` gives tuples): what a briefing of a
    few dozen stories, or one that keeps its bodies, is composed into."""

    def __init__(self) -> None:
        self._values: list[T] = []

    def add(self, value: T) -> int:
        self._values.append(value)
        return len(self._values) - 1

    def view(self, positions: Iterable[int]) -> tuple[T, ...]:
        return tuple(self._values[i] for i in positions)


def joined(parts: Sequence[Sequence[T]]) -> Sequence[T]:
    """The values of ``parts`` one after another: a tuple, or, when some part is spilled, a view of
    them all that reads each part in turn (``Joined``): a month's items are never all in memory."""
    if all(isinstance(p, tuple) for p in parts):
        return tuple(value for part in parts for value in part)
    return Joined(parts)


class Joined(Lazy[T]):
    """Sequences read one after another, not copied into one."""

    def __init__(self, parts: Sequence[Sequence[T]]) -> None:
        self._parts = [p for p in parts if len(p)]

    def __len__(self) -> int:
        return sum(map(len, self._parts))

    def __iter__(self) -> Iterator[T]:
        for part in self._parts:
            yield from part

    def _tally(self, count: Callable[[T], int]) -> int:
        return sum(tally(p, count) for p in self._parts)

    def _at(self, i: int) -> T:
        k = i
        for part in self._parts:
            if 0 <= k < len(part):
                return part[k]
            k -= len(part)
        raise IndexError(i)
