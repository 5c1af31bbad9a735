"""A bar chart of articles per province, as PNG bytes (matplotlib, imported only here).

Needs the ``chart`` extra (matplotlib) and a font that covers Chinese; without either the chart
is skipped with a logged warning (the CLI shows it): boxes instead of province names are worse
than no chart.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)

# Families tried first, in order; any other installed font that covers 省 and 市 comes after.
PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Microsoft YaHei", "SimHei",
             "PingFang SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans SC", "Heiti SC")
# Words in the family names of fonts made for Chinese (and Japanese and Korean).
_CJK_HINTS = ("CJK", "Han", "Hei", "Song", "Kai", "Fang", "Ming", "Gothic", "YaHei", "WenQuanYi", "Droid Sans Fallback")


def cjk_font() -> str | None:
    """The file of an installed font that has Chinese glyphs, or None.

    First from matplotlib's font list; then from fontconfig (``fc-list :lang=zh``), which also sees
    fonts installed after matplotlib built its cache (its cache is not rebuilt when fonts come later,
    so a freshly installed fonts-noto-cjk was missed); then from the usual font folders. Every
    candidate must really have the glyphs (省, 市).
    """
    from matplotlib import font_manager

    fonts = [(f.name, f.fname) for f in font_manager.fontManager.ttflist]
    for found in (fonts, _fontconfig_fonts(), _folder_fonts()):
        if (file := _best(found)) is not None:
            return file
    return None


def _best(fonts: list[tuple[str, str]]) -> str | None:
    """The preferred family among (family, file) pairs, else any CJK-looking one, that covers Chinese."""
    by_name = {name: file for name, file in fonts}
    ranked = [by_name[n] for n in PREFERRED if n in by_name]
    ranked += [file for name, file in fonts if any(k in name for k in _CJK_HINTS)]
    return next((file for file in dict.fromkeys(ranked) if _covers(file)), None)


def _fontconfig_fonts() -> list[tuple[str, str]]:
    """(family, file) of the fonts fontconfig knows to cover Chinese; [] without fontconfig."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family", "file"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    fonts = []
    for line in out.splitlines():  # …/NotoSansCJK-Regular.ttc: Noto Sans CJK SC,Noto Sans CJK SC Regular
        file, _, families = line.partition(": ")
        fonts += [(family.strip(), file.strip()) for family in families.split(",") if family.strip()]
    return fonts


def _folder_fonts() -> list[tuple[str, str]]:
    """(file name, file) of font files in the usual folders whose names suggest Chinese glyphs."""
    folders = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
               Path.home() / ".local/share/fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts"),
               Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"]
    names = (*_CJK_HINTS, "msyh", "simhei", "simsun", "PingFang", "wqy", "Droid")
    out = []
    for folder in folders:
        if folder.is_dir():
            out += [(f.stem, str(f)) for f in sorted(folder.rglob("*.tt[fc]")) + sorted(folder.rglob("*.otf"))
                    if any(n.lower() in f.name.lower() for n in names)]
    return [(name if any(k in name for k in _CJK_HINTS) else f"{name} CJK", file) for name, file in out]


def _covers(file: str) -> bool:
    """Whether the font file has glyphs for 省 and 市 (boxes instead of names are worse than no chart)."""
    try:
        from matplotlib.ft2font import FT2Font

        font = FT2Font(file)
        return all(font.get_char_index(ord(c)) for c in "省市")
    except (OSError, RuntimeError, ValueError):
        return False


def province_chart(counts: Sequence[tuple[str, int]]) -> bytes | None:
    """A horizontal bar chart (PNG) of ``(province, articles)``; None, with a log note, if it can't be drawn."""
    if not counts:
        return None
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display; must precede pyplot
        from matplotlib import font_manager
        from matplotlib import pyplot as plt
    except ImportError:
        log.warning("chart skipped: matplotlib is not installed (pip install 'summarizer[chart]')")
        return None
    font_file = cjk_font()
    if font_file is None:
        log.warning("chart skipped: no font with Chinese glyphs found (install fonts-noto-cjk)")
        return None
    prop = font_manager.FontProperties(fname=font_file)
    names = [name for name, _ in counts][::-1]  # first province at the top
    values = [n for _, n in counts][::-1]
    # 0.4 in a bar up to ~11 provinces, then bars get thinner so the chart stays under half a page.
    height = min(0.4 * len(counts) + 0.7, 5.2)
    size = 10 if len(counts) <= 13 else 7
    fig, ax = plt.subplots(figsize=(6.0, height), dpi=200)
    try:
        bars = ax.barh(names, values, color="#1F3A5F", height=0.6)
        ax.bar_label(bars, labels=[str(v) for v in values], padding=3, fontproperties=prop, fontsize=size - 1)
        ax.set_yticks(range(len(names)), names, fontproperties=prop, fontsize=size)
        ax.set_xlabel("篇数", fontproperties=prop, fontsize=9)  # the caption under the picture names the chart
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlim(0, max(values) * 1.15 + 0.5)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png", metadata={"Software": None}, transparent=True)
        return out.getvalue()
    finally:
        plt.close(fig)
