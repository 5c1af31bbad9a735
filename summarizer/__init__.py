"""summarizer: Chinese news articles → a Word briefing (简报) grouped by region.

    >>> from summarizer import load_articles, brief
    >>> briefing = brief(load_articles("seeds/"))
    >>> briefing.write("outputs/briefing.docx")

Importing this package is light: torch and transformers load only inside the model engines.
"""

from .backends import BACKENDS, Summarizer, get_backend, register_backend
from .config import Settings, load_settings
from .errors import (
    BackendError,
    ConfigError,
    InputError,
    ModelLoadError,
    OutputError,
    SummarizerError,
    UnknownBackendError,
    UnreadableFileError,
)
from .ingest import load_articles
from .pipeline import brief, summarize, summarize_articles
from .regions import resolve as resolve_region
from .types import Article, Briefing, KeyFigure, Region, SkippedFile, Summary

__version__ = "0.1.0"

__all__ = [
    "BACKENDS",
    "Article",
    "BackendError",
    "Briefing",
    "ConfigError",
    "InputError",
    "KeyFigure",
    "ModelLoadError",
    "OutputError",
    "Region",
    "Settings",
    "SkippedFile",
    "Summarizer",
    "SummarizerError",
    "Summary",
    "UnknownBackendError",
    "UnreadableFileError",
    "__version__",
    "brief",
    "get_backend",
    "load_articles",
    "load_settings",
    "register_backend",
    "resolve_region",
    "summarize",
    "summarize_articles",
]
