"""Zip and tar archives (and one gzipped file): each member read, in memory, as a file named
``archive.zip!inner/path.html``.

Nothing is ever written to disk, so a member named ``../evil`` or ``/etc/passwd`` cannot land
anywhere; such names are still refused, since no honest archive holds them. Limits keep a zip bomb
out: at most ``MAX_MEMBERS`` members and ``MAX_BYTES`` unpacked in all, archives inside it included
(counted from the sizes the archive declares before anything is unpacked, and again while reading,
since a header can lie); an archive inside an archive is read, one inside that is not.
"""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import UnreadableFileError
from ..types import SkipKind, SkippedFile
from .readers import RawDocument, Reader, ignored, read_bytes

MAX_MEMBERS = 10_000
MAX_BYTES = 512 << 20  # 512 MiB unpacked, all members together (each is read in memory)
MAX_DEPTH = 1  # archives inside an archive are read; deeper ones are not
_ARCHIVES = (".zip", ".tar", ".tgz", ".gz")


@dataclass
class _Budget:
    """What an archive, with the archives inside it, may still unpack (the limits read when it is opened)."""

    members: int = field(default_factory=lambda: MAX_MEMBERS)
    size: int = field(default_factory=lambda: MAX_BYTES)

    def check(self, path: Path, members: int, size: int) -> None:
        """Raises ``UnreadableFileError`` if ``members`` more files of ``size`` bytes are over the limits."""
        if members > self.members:
            raise UnreadableFileError(path, SkipKind.TOO_MANY_MEMBERS, str(MAX_MEMBERS))
        if size > self.size:
            raise UnreadableFileError(path, SkipKind.ARCHIVE_LIMIT, str(MAX_BYTES >> 20))

    def spend(self, path: Path, members: int, size: int) -> None:
        self.check(path, members, size)
        self.members -= members
        self.size -= size


def read_archive(path: Path, data: bytes, depth: int = 0,
                 budget: _Budget | None = None) -> list[RawDocument | SkippedFile]:
    """Every member's documents, and an entry for each member that gave none.

    Raises:
        UnreadableFileError: not an archive, or over a limit (the whole archive is skipped).
    """
    budget = budget or _Budget()
    out: list[RawDocument | SkippedFile] = []
    for name, blob in _members(path, data, budget):
        member = Path(f"{path}!{name}")
        if _unsafe(name):
            out.append(SkippedFile(member, SkipKind.UNSAFE_MEMBER, name))
        elif blob is None:
            out.append(SkippedFile(member, SkipKind.ENCRYPTED))
        elif kind := next(filter(None, map(ignored, PurePosixPath(name).parts)), None):  # as in a folder
            out.append(SkippedFile(member, kind))
        elif member.suffix.lower() in _ARCHIVES:
            if depth >= MAX_DEPTH:
                out.append(SkippedFile(member, SkipKind.NESTED_ARCHIVE))
            else:
                out.extend(_read_member(member, blob, lambda p, b: read_archive(p, b, depth + 1, budget)))
        else:  # the file readers, as for a file on disk: unsupported and empty members are entries
            out.extend(_read_member(member, blob, read_bytes))
    if not out:
        raise UnreadableFileError(path, SkipKind.EMPTY_FILE)
    return out


def _read_member(member: Path, blob: bytes, reader: Reader) -> list[RawDocument | SkippedFile]:
    try:
        return reader(member, blob)
    except UnreadableFileError as exc:
        return [exc.skipped]


def _unsafe(name: str) -> bool:
    """An absolute name, a drive letter, or a ``..`` part: names that would write outside a folder."""
    pure = PurePosixPath(name.replace("\\", "/"))
    return pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":")


def _members(path: Path, data: bytes, budget: _Budget) -> Iterator[tuple[str, bytes | None]]:
    """(name, bytes) of each file in a zip or tar archive, within the limits; None for a member that is
    encrypted (or compressed in a way zipfile cannot undo).

    Raises:
        UnreadableFileError: not an archive, or over a limit.
    """
    if zipfile.is_zipfile(io.BytesIO(data)):
        yield from _zip_members(path, data, budget)
        return
    if data[:2] == b"\x1f\x8b" and not _is_tar_gz(data):  # one gzipped file (a.txt.gz): the file inside
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
                blob = handle.read(budget.size + 1)
        except (OSError, EOFError) as exc:
            raise UnreadableFileError(path, SkipKind.BAD_ARCHIVE, error=str(exc)) from exc
        budget.spend(path, 1, len(blob))
        yield path.stem if path.suffix.lower() == ".gz" else path.name, blob
        return
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for info in archive:  # streamed: a bomb is stopped by its declared sizes before it is unpacked
                if not info.isfile():
                    continue
                budget.spend(path, 1, info.size)
                handle = archive.extractfile(info)
                yield info.name, handle.read(info.size + 1) if handle else b""
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise UnreadableFileError(path, SkipKind.BAD_ARCHIVE, error=str(exc)) from exc


def _is_tar_gz(data: bytes) -> bool:
    """Whether gzipped bytes hold a tar archive (its header's ``ustar`` magic at offset 257)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            head = handle.read(512)
    except (OSError, EOFError):
        return False
    return head[257:262] == b"ustar"


def _zip_members(path: Path, data: bytes, budget: _Budget) -> Iterator[tuple[str, bytes | None]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFileError(path, SkipKind.BAD_ARCHIVE, error=str(exc)) from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        budget.check(path, len(infos), sum(i.file_size for i in infos))
        for info in infos:
            try:
                with archive.open(info) as handle:
                    blob = handle.read(budget.size + 1)  # the declared size may lie: read no further
            except (RuntimeError, NotImplementedError):  # encrypted, or a compression zipfile lacks
                yield _zip_name(info), None
                continue
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise UnreadableFileError(path, SkipKind.BAD_ARCHIVE, error=str(exc)) from exc
            budget.spend(path, 1, len(blob))
            yield _zip_name(info), blob


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's name; zips made on Chinese Windows store GBK names without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename
