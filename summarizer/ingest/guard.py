"""The guard every reader runs behind, and the limits it holds files to (one place, values here).

A reader only has to read; what can go wrong with a file is handled here, the same for every
reader in ``readers.READERS`` (new ones included):

- only regular files are opened, without blocking (a FIFO, socket or device is an entry, not a hang);
- a file larger than ``MAX_FILE_BYTES`` is not read, and text larger than ``MAX_TEXT_BYTES`` is not
  decoded (``check_text``, called by ``encoding.decode``);
- a container (a .docx is a zip) is checked before it is parsed: ``check_archive`` holds the sizes
  its XML parts declare to ``MAX_TEXT_BYTES`` each and all its members to ``MAX_UNPACKED_BYTES``
  (zipfile never inflates a member past its declared size, so the check bounds what parsing costs);
- reading and building one file's articles stops after ``MAX_SECONDS_PER_FILE`` (``time_limit``);
- any exception a reader raises becomes a skipped entry naming its type (``failure``), never a crash;
- the text every reader returns is made safe for every output (``safe_document``).

Entity expansion is off in every XML parser we use (python-docx's, lxml.html), and YAML front
matter is parsed without aliases and only up to ``MAX_FRONT_MATTER_CHARS`` (``readers``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import stat
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UnreadableFileError
from ..text import safe_text
from ..types import SkipKind, SkippedFile

if TYPE_CHECKING:
    from .readers import RawDocument

MB = 1 << 20
# Any file: what is read into memory at all. A Word file with pictures may be tens of megabytes.
MAX_FILE_BYTES = 64 * MB
# Text we parse: a text, Markdown, HTML or JSON file, or an XML part of a container as its header
# declares it unpacked. A news article is kilobytes, a whole newspaper issue saved as one page a few
# megabytes; reading costs about 4 s per MB of Chinese text (5 MB is read and summarised in
# seconds: benchmarks/robustness.py) and a page's parse about 40 times its size in memory (20 MB of
# HTML took 70 s and 860 MB). Word's XML costs about 150 bytes a paragraph besides the text: 16,000
# paragraphs are 2.4 MB, so 16 MB is some 100,000 paragraphs (52 MB of XML took 1.5 GB and a minute).
MAX_TEXT_BYTES = 16 * MB
# Everything a container holds once unpacked (python-docx loads every part, pictures included).
MAX_UNPACKED_BYTES = 256 * MB
# Front matter is a few lines of metadata; a block not closed within this many characters is left
# in the body, unparsed (and it is parsed without YAML aliases, whatever its size).
MAX_FRONT_MATTER_CHARS = 64 * 1024
# Wall-clock time for reading one file into articles. Generous: 5 MB takes seconds; this stops a
# pathological file, not a slow machine. Enforced where a timer can interrupt (see ``time_limit``).
MAX_SECONDS_PER_FILE = 120


class ReadTimeout(BaseException):
    """Reading one file took longer than its time limit (``seconds``).

    A BaseException, like KeyboardInterrupt, so that a reader's own ``except Exception`` (around a
    third-party extractor, say) cannot swallow it and read on without a limit.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"reading took longer than {seconds:g} s")
        self.seconds = seconds


def read_regular(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file within ``MAX_FILE_BYTES``.

    Opened non-blocking and checked on the open descriptor, so a FIFO never blocks and a file
    swapped for one after the check is still caught.

    Raises:
        UnreadableFileError: not a regular file, too large, or the system refuses to read it.
    """
    too_large = UnreadableFileError(path, SkipKind.TOO_LARGE, f"over {_size(MAX_FILE_BYTES)}")
    try:
        with open(path, "rb", opener=_nonblocking) as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise UnreadableFileError(path, SkipKind.NOT_A_FILE, _file_type(info.st_mode))
            if info.st_size > MAX_FILE_BYTES:
                raise too_large
            data = handle.read(MAX_FILE_BYTES + 1)  # bounded, should the file have grown since
    except OSError as exc:
        raise UnreadableFileError(path, SkipKind.UNREADABLE, error=exc.strerror or type(exc).__name__) from exc
    if len(data) > MAX_FILE_BYTES:
        raise too_large
    return data


def _nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def check_archive(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse a container whose members declare more than the limits, before anything is inflated.

    Raises:
        UnreadableFileError: an XML part over ``MAX_TEXT_BYTES``, or all over ``MAX_UNPACKED_BYTES``.
    """
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    for member in members:
        if member.filename.endswith((".xml", ".rels")) and member.file_size > MAX_TEXT_BYTES:
            raise UnreadableFileError(path, SkipKind.TOO_LARGE_UNPACKED,
                                      f"{member.filename}: {_size(member.file_size)} > {_size(MAX_TEXT_BYTES)}")
    if total > MAX_UNPACKED_BYTES:
        raise UnreadableFileError(path, SkipKind.TOO_LARGE_UNPACKED, f"{_size(total)} > {_size(MAX_UNPACKED_BYTES)}")


def check_text(data: bytes, path: object) -> None:
    """Refuse text over ``MAX_TEXT_BYTES`` before it is decoded and parsed.

    Raises:
        UnreadableFileError: ``data`` is larger.
    """
    if len(data) > MAX_TEXT_BYTES:
        raise UnreadableFileError(path, SkipKind.TOO_LARGE, f"{_size(len(data))} of text > {_size(MAX_TEXT_BYTES)}")


def _size(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``ReadTimeout`` in the block after ``seconds`` of wall-clock time.

    A POSIX interval timer, so only in the main thread, and only when nobody else uses SIGALRM
    (the caller's handler and timer are left alone). It interrupts Python code, not a single long
    call into C (one regex match, one XML parse); the size limits bound those.
    """
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
              and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise ReadTimeout(seconds)

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def failure(path: Path, exc: BaseException) -> SkippedFile:
    """The entry for a file whose reader failed: a timeout, or an error named by its type."""
    if isinstance(exc, ReadTimeout):
        return SkippedFile(path, SkipKind.TIMEOUT, f"{exc.seconds:g} s")
    message = str(exc).splitlines()[0][:200] if str(exc) else ""
    return SkippedFile(path, SkipKind.READ_FAILED, type(exc).__name__, error=message)


def safe_document(doc: RawDocument | SkippedFile) -> RawDocument | SkippedFile:
    """A reader's document with its text and metadata made ``safe_text``: where text enters."""
    if isinstance(doc, SkippedFile):
        return doc
    return dataclasses.replace(doc, body=safe_text(doc.body),
                               meta={safe_text(str(k)): safe_text(str(v)) for k, v in doc.meta.items()})
