"""Dictionaries that jionlp ships, read as files: the division tree, renamings, word IDF.

Importing jionlp would load its own segmenter and dictionaries for nothing, so its data folder is
located without importing the package, and each file is read once, when first needed.
"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from functools import cache
from pathlib import Path


def jionlp_dir() -> Path:
    """The folder of jionlp's dictionaries.

    Raises:
        RuntimeError: jionlp is not installed.
    """
    spec = importlib.util.find_spec("jionlp")  # locate, don't import
    if spec is None or spec.origin is None:
        raise RuntimeError("the jionlp package (division data and word list) is not installed: "
                           "pip install 'jionlp>=1.5.31'")
    return Path(spec.origin).parent / "dictionary"


def jionlp_lines(name: str) -> list[str]:
    """The lines of one of jionlp's dictionary files; ``x.zip`` is read as its member ``x.txt``."""
    path = jionlp_dir() / name
    if path.suffix != ".zip":
        return path.read_text(encoding="utf-8").splitlines()
    with zipfile.ZipFile(path) as zf, zf.open(f"{path.stem}.txt") as fh:
        return io.TextIOWrapper(fh, encoding="utf-8").read().splitlines()


@cache
def word_idf() -> dict[str, float]:
    """jionlp's word list with each word's inverse document frequency (270,000 words; 的 0.9, 内江市 11.7)."""
    out: dict[str, float] = {}
    for line in jionlp_lines("idf.zip"):
        word, _, value = line.partition("\t")
        if value:
            out[word] = float(value)
    return out


@cache
def stopwords() -> frozenset[str]:
    """jionlp's stop words: function words, pronouns and stock phrases (我们, 大家, 积极, 谢谢)."""
    return frozenset(w.strip() for w in jionlp_lines("stopwords.txt") if w.strip())
