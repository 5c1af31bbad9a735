"""A bar chart of articles per province, as PNG bytes (matplotlib, imported only here).

Needs the ``chart`` extra (matplotlib) and a font that covers Chinese; without either the chart
is skipped with a logged warning (the CLI shows it): boxes instead of province names are worse
than no chart.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

log = logging.getLogger(__name__)

# Families tried first, in order; any other installed font that covers 省 and 市 comes after.
PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Microsoft YaHei", "SimHei",
             "PingFang SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans SC", "Heiti SC")


def cjk_font() -> str | None:
    """The file of an installed font that has Chinese glyphs, or None."""
    from matplotlib import font_manager

    fonts = font_manager.fontManager.ttflist
    by_name = {f.name: f.fname for f in fonts}
    for name in PREFERRED:
        if name in by_name:
            return by_name[name]
    for font in fonts:
        if any(k in font.name for k in ("CJK", "Hei", "Song", "Kai", "Fang", "Ming", "Gothic")):
            return font.fname
    return None


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
    # 0.45 in a bar up to ~13 provinces, then bars get thinner so the chart stays under half a page.
    height = min(0.45 * len(counts) + 0.9, 6.5)
    size = 10 if len(counts) <= 13 else 7
    fig, ax = plt.subplots(figsize=(6.0, height), dpi=200)
    try:
        bars = ax.barh(names, values, color="#1F3A5F", height=0.6)
        ax.bar_label(bars, labels=[str(v) for v in values], padding=3, fontproperties=prop, fontsize=size - 1)
        ax.set_yticks(range(len(names)), names, fontproperties=prop, fontsize=size)
        ax.set_xlabel("篇数", fontproperties=prop, fontsize=9)
        ax.set_title("各省份新闻篇数", fontproperties=prop, fontsize=11)
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
