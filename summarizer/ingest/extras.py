"""Optional dependencies of the format readers: imported when a file needs one, else a skip naming the extra."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from ..errors import UnreadableFileError
from ..types import SkipKind


def require(module: str, extra: str, path: Path) -> ModuleType:
    """Import ``module``, or say which extra to install.

    Raises:
        UnreadableFileError: the module is not installed (kind ``MISSING_EXTRA``, detail the extra).
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise UnreadableFileError(path, SkipKind.MISSING_EXTRA, extra, error=str(exc)) from exc
