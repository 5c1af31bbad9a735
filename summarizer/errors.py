"""Errors raised by summarizer. Their messages are written to be shown to people as they are.

    SummarizerError
    ├── InputError            a path is missing, a folder is empty, nothing could be read
    │   └── UnreadableFileError   one file is binary, undecodable or empty (skipped, not fatal)
    ├── BackendError          an engine is unknown, cannot be loaded, or failed
    │   ├── UnknownBackendError
    │   └── ModelLoadError
    ├── ConfigError           the config file is malformed
    └── OutputError           the output format is unknown or the file cannot be written

The library raises and logs; only the CLI prints and picks exit codes.
"""

from pathlib import Path

from .types import SkipKind, SkippedFile


class SummarizerError(Exception):
    """Base class: anything the CLI turns into one clear line and a non-zero exit."""


class InputError(SummarizerError):
    pass


class UnreadableFileError(InputError):
    """One input file cannot be used. The pipeline skips it and lists it in the briefing.

    ``skipped`` is that entry: a ``types.SkipKind`` (whose wording table gives the reason in English
    and Chinese), the detail that fills it, and the underlying error message.
    """

    def __init__(self, path: object, kind: SkipKind, detail: str = "", *, error: str = "") -> None:
        self.skipped = SkippedFile(Path(str(path)), kind, detail, error)
        super().__init__(f"{path}: {self.skipped.reason}")
        self.path = path

    @property
    def reason(self) -> str:
        return self.skipped.reason


class BackendError(SummarizerError):
    pass


class UnknownBackendError(BackendError):
    pass


class ModelLoadError(BackendError):
    pass


class ConfigError(SummarizerError, ValueError):
    """A setting that cannot be used (TOML, CLI or Python alike); also a ValueError for Python callers."""


class OutputError(SummarizerError):
    pass
