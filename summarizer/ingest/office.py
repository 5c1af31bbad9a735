"""Word 97 (.doc), WPS, RTF and OpenDocument files: converted to .docx by LibreOffice, then read as Word.

LibreOffice runs headless with a private profile (``-env:UserInstallation``) in a temporary folder, so
parallel runs never share or lock a profile, and with a time limit. Kingsoft WPS Writer's .wps files
are Word 97 binary documents inside; LibreOffice recognises them by content. An .odt is read without
LibreOffice: its text is XML in a zip (``content.xml``).
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ..errors import UnreadableFileError
from ..types import SkipKind, SkippedFile
from .guard import check_archive
from .readers import RawDocument, _read_docx

TIMEOUT = 180  # seconds for one conversion (LibreOffice's first start in a new profile takes ~5-10 s)
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def soffice() -> str | None:
    """LibreOffice's command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_office(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
    """An Office file's text, through LibreOffice (an .odt directly).

    Raises:
        UnreadableFileError: LibreOffice is not installed, the conversion failed or timed out.
    """
    suffix = path.suffix.lower()
    if suffix == ".odt":
        return _read_odt(path, data)
    exe = soffice()
    if exe is None:
        raise UnreadableFileError(path, SkipKind.NEEDS_LIBREOFFICE, suffix)
    docs = _read_docx(path, convert(exe, path, data, "docx"))
    # A converted file's title property is often a placeholder ("Word Document", 文档1): kept only when
    # the text bears it out.
    return [dataclasses.replace(d, meta={k: v for k, v in d.meta.items() if k != "title" or v in d.body})
            if isinstance(d, RawDocument) else d for d in docs]


def convert(exe: str, path: Path, data: bytes, target: str) -> bytes:
    """``data`` (a file named like ``path``) converted by LibreOffice to ``target`` (a suffix).

    Raises:
        UnreadableFileError: the conversion failed or took longer than ``TIMEOUT``.
    """
    with tempfile.TemporaryDirectory(prefix="summarizer-office-") as tmp:
        folder = Path(tmp)
        source = folder / f"input{path.suffix.lower()}"
        source.write_bytes(data)
        command = [exe, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nologo", "--convert-to", target, "--outdir", str(folder / "out"), str(source)]
        # A session of its own, so a timeout ends LibreOffice's whole process group, not just the launcher.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise UnreadableFileError(path, SkipKind.CONVERSION_FAILED, error=f"timed out after {TIMEOUT} s") from None
        result = folder / "out" / f"input.{target}"
        if not result.is_file():
            message = err.decode("utf-8", "replace").strip().splitlines()
            raise UnreadableFileError(path, SkipKind.CONVERSION_FAILED,
                                      error=message[-1] if message else f"exit code {process.returncode}")
        return result.read_bytes()


def _read_odt(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
    """Headings (``text:h``, marked ``#`` by level) and paragraphs of an OpenDocument text, in order."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive, path)  # declared sizes first: an .odt is a zip too
            root = ElementTree.fromstring(archive.read("content.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise UnreadableFileError(path, SkipKind.BAD_DOCX, error=str(exc)) from exc
    lines = []
    for element in root.iter():
        if element.tag == f"{{{_ODF_TEXT}}}h":
            level = int(element.get(f"{{{_ODF_TEXT}}}outline-level", "1") or 1)
            lines.append("#" * min(level, 6) + " " + "".join(element.itertext()))
        elif element.tag == f"{{{_ODF_TEXT}}}p":
            lines.append("".join(element.itertext()))
    return [RawDocument(path, "\n".join(lines), False, {}, "odt")]
