"""PNG charts for the Word reports, drawn directly with Pillow (issue 9).

A county report has two charts per subject (score bands, schools' box plot). matplotlib spent
0.25–0.75 s on each (artists per box and tick, text layout, ``tight_layout`` drawing twice):
83 % of the report. These charts are simple enough to draw with Pillow in a few
milliseconds: a fixed layout (title, y grid with "nice" ticks, x labels rotated when they do
not fit), the Noto Sans CJK font the documents use, fast PNG compression.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

W, H = 880, 440  # pixels; 15 cm wide in the document (≈ 150 dpi)
LEFT, RIGHT, TOP, BOTTOM = 72, 20, 46, 96
INK, GRID, AXIS, FILL, BOX_FILL = (34, 34, 34), (226, 226, 226), (120, 120, 120), (11, 110, 79), (185, 220, 205)
FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc")
FAMILY = "Noto Sans CJK SC"

Font = Any  # ImageFont.FreeTypeFont or the built-in fallback


@lru_cache(maxsize=8)
def _font(size: int) -> Font:
    for path in FONT_FILES:
        if not Path(path).exists():
            continue
        for index in range(10):  # the collection holds JP, KR, SC, TC, HK …: pick SC
            try:
                f = ImageFont.truetype(path, size, index=index)
            except OSError:
                break
            if f.getname()[0] == FAMILY:
                return f
    return ImageFont.load_default(size=size)


@dataclass
class _Plot:
    img: Image.Image
    draw: ImageDraw.ImageDraw
    lo: float
    hi: float

    @property
    def x0(self) -> int:
        return LEFT

    @property
    def x1(self) -> int:
        return W - RIGHT

    @property
    def y0(self) -> int:
        return TOP

    @property
    def y1(self) -> int:
        return H - BOTTOM

    def y(self, v: float) -> float:
        span = self.hi - self.lo or 1.0
        return self.y1 - (v - self.lo) / span * (self.y1 - self.y0)


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (steps of 1, 2, 2.5 or 5 × 10^k)."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v < hi + step * 0.999:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e6 else f"{v:.3g}"


def _frame(title: str, y_label: str, lo: float, hi: float) -> _Plot:
    ticks = nice_ticks(lo, hi)
    img = Image.new("RGB", (W, H), "white")
    draw = ImageDraw.Draw(img)
    plot = _Plot(img, draw, ticks[0], ticks[-1])
    small = _font(16)
    for t in ticks:
        y = plot.y(t)
        draw.line([(plot.x0, y), (plot.x1, y)], fill=GRID, width=1)
        draw.text((plot.x0 - 10, y), _fmt(t), font=small, fill=INK, anchor="rm")
    draw.line([(plot.x0, plot.y0), (plot.x0, plot.y1), (plot.x1, plot.y1)], fill=AXIS, width=2)
    draw.text((W / 2, 10), title, font=_font(21), fill=INK, anchor="mt")
    if y_label:
        draw.text((plot.x0, plot.y0 - 10), y_label, font=small, fill=INK, anchor="md")
    return plot


def _x_labels(plot: _Plot, centers: Sequence[float], labels: Sequence[str], slot: float) -> None:
    font = _font(14 if len(labels) > 20 else 16)
    widths = [plot.draw.textlength(lab, font=font) for lab in labels]
    if max(widths, default=0) <= slot * 0.95:
        for cx, lab in zip(centers, labels, strict=True):
            plot.draw.text((cx, plot.y1 + 8), lab, font=font, fill=INK, anchor="mt")
        return
    for cx, lab, w in zip(centers, labels, widths, strict=True):  # rotated 35°, ending under the tick
        tile = Image.new("L", (int(w) + 4, 22), 0)
        ImageDraw.Draw(tile).text((2, 2), lab, font=font, fill=255)
        rot = tile.rotate(35, expand=True, resample=Image.Resampling.BILINEAR)
        ink = Image.new("RGB", rot.size, INK)
        plot.img.paste(ink, (int(cx - rot.size[0] + 6), int(plot.y1 + 6)), rot)


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def bars(labels: Sequence[str], values: Sequence[float], title: str, y_label: str = "") -> bytes:
    """A bar chart (e.g. the number of students per score band)."""
    vals = [float(v or 0) for v in values]
    plot = _frame(title, y_label, min(0.0, min(vals, default=0.0)), max(vals, default=1.0) or 1.0)
    n = max(len(vals), 1)
    slot = (plot.x1 - plot.x0) / n
    centers = [plot.x0 + slot * (i + 0.5) for i in range(n)]
    base = plot.y(0.0)
    for cx, v in zip(centers, vals, strict=False):
        top = plot.y(v)
        plot.draw.rectangle([cx - slot * 0.35, min(top, base), cx + slot * 0.35, max(top, base)], fill=FILL)
    _x_labels(plot, centers, list(labels), slot)
    return _png(plot.img)


def boxes(names: Sequence[str], quantiles: Sequence[Sequence[float | None]], title: str,
          y_label: str = "分数") -> bytes:
    """Box plots from (min, Q1, median, Q3, max) per unit, whiskers at min and max."""
    qs = [[float(v) if v is not None else 0.0 for v in q] for q in quantiles]
    lo = min((q[0] for q in qs), default=0.0)
    hi = max((q[-1] for q in qs), default=1.0)
    plot = _frame(title, y_label, lo, hi)
    n = max(len(qs), 1)
    slot = (plot.x1 - plot.x0) / n
    centers = [plot.x0 + slot * (i + 0.5) for i in range(n)]
    half = max(slot * 0.3, 2.0)
    d = plot.draw
    for cx, (q0, q1, q2, q3, q4) in zip(centers, qs, strict=False):
        d.line([(cx, plot.y(q4)), (cx, plot.y(q3))], fill=AXIS, width=2)
        d.line([(cx, plot.y(q1)), (cx, plot.y(q0))], fill=AXIS, width=2)
        for v in (q0, q4):
            d.line([(cx - half / 2, plot.y(v)), (cx + half / 2, plot.y(v))], fill=AXIS, width=2)
        d.rectangle([cx - half, plot.y(q3), cx + half, plot.y(q1)], fill=BOX_FILL, outline=FILL, width=2)
        d.line([(cx - half, plot.y(q2)), (cx + half, plot.y(q2))], fill=(200, 80, 40), width=3)
    _x_labels(plot, centers, list(names), slot)
    return _png(plot.img)
