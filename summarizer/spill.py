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
import os
import pickle
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Spill(Generic[T]):
    """An append-only temporary file of pickled values; ``view`` reads some of them back."""

    def __init__(self, folder: str | None = None) -> None:
        fd, self.path = tempfile.mkstemp(prefix="summarizer-", suffix=".spill", dir=folder)
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
        return self._at(i + len(self) if i < 0 else i)

    def _at(self, i: int) -> T:
        raise NotImplementedError

    def tally(self, count: Callable[[T], int]) -> int:
        """``sum(map(count, self))``, worked out once for each ``count`` (a briefing's story counts are
        asked for again and again: each time would read every story from disk)."""
        tallies = self.__dict__.setdefault("_tallies", {})
        if count not in tallies:
            tallies[count] = self._tally(count)
        return tallies[count]

    def _tally(self, count: Callable[[T], int]) -> int:
        return sum(map(count, self))


class Spilled(Lazy[T]):
    """Some of a spill's values, read from its file when asked for (each pass over the view reads
    them again: nothing is cached)."""

    def __init__(self, path: str, offsets: array.array, owner: Spill[T] | None = None) -> None:
        self.path, self._offsets = path, offsets
        self._owner = owner  # keeps the file while this view lives here; None in another process

    def __len__(self) -> int:
        return len(self._offsets)

    def _at(self, i: int) -> T:
        offset = self._offsets[i]  # IndexError past the end, as a tuple's
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            return pickle.load(handle)

    def __iter__(self) -> Iterator[T]:
        with open(self.path, "rb") as handle:
            for offset in self._offsets:
                handle.seek(offset)
                yield pickle.load(handle)

    def __repr__(self) -> str:
        return f"Spilled({len(self)} values in {self.path})"

    def __reduce__(self) -> tuple[object, ...]:
        return Spilled, (self.path, self._offsets)



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
        return sum(p.tally(count) if isinstance(p, Lazy) else sum(map(count, p)) for p in self._parts)

    def _at(self, i: int) -> T:
        k = i
        for part in self._parts:
            if 0 <= k < len(part):
                return part[k]
            k -= len(part)
        raise IndexError(i)
