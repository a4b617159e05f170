"""Benchmark: a county's Word analysis report (issue 9: "a county report under 1 s").

    cd /work/main && PYTHONPATH=. .venv/bin/python bench/bench_quality_report.py [--subjects 3] [--schools 30]

Builds a county exam in memory (``--schools`` schools × 6 classes × 42 students, ``--subjects``
papers of 20 items, so two charts per paper: six for three subjects), summarised by the real
pipeline (quality.blocks.block_moments + quality.analysis.summary.paper_summary), then times,
best of five:

1. the report as built now (quality.reports.analysis_docx, with the written analysis of
   quality.analysis.written): charts drawn by quality.chart_png (Pillow, fixed layout);
2. the same report with the chart route it replaced (a new pyplot figure per chart and
   ``tight_layout``), swapped in for the measurement: the "before" figure, in the same run;
3. the charts alone, both ways, and a bare python-docx document with the same tables and no
   charts (the floor).

No database is needed. The machine is shared: compare the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyan.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from quality import chart_png, reports  # noqa: E402
from quality.analysis.summary import ItemInfo, SchoolPart, paper_summary  # noqa: E402
from quality.analysis.written import generate  # noqa: E402
from quality.blocks import Block, block_moments  # noqa: E402

ITEM_MAX = np.array([3.0] * 12 + [5.0] * 4 + [10.0] * 4)
FULL = float(ITEM_MAX.sum())
KPS = ["数与代数", "图形与几何", "统计与概率", "综合与实践"]


def county(n_schools: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    parts = []
    for s in range(n_schools):
        n = 6 * 42
        th = rng.normal(rng.normal(0, 0.4), 1, n)
        b = np.linspace(-1.5, 1.5, ITEM_MAX.size)
        p = 1 / (1 + np.exp(-(th[:, None] - b[None])))
        x = np.minimum(np.floor(p * (ITEM_MAX + 1) + rng.random(p.shape) - 0.5), ITEM_MAX).clip(0).astype(np.uint16)
        x[:, :12] = (x[:, :12] >= 2) * 3
        status = (rng.random(n) < 0.02).astype(np.uint8)
        block = Block(student_ids=np.arange(n, dtype=np.int64) + 1000 * s,
                      class_labels=tuple(f"8({c + 1})班" for c in range(6)),
                      class_idx=(np.arange(n) // 42).astype(np.int32), status=status, items=x,
                      totals=x.sum(axis=1).astype(np.int32))
        m = block_moments(block, full_mark=FULL, step=1.0, item_max=ITEM_MAX, cheat_as_zero=False)
        parts.append(SchoolPart(f"S{s:03d}", f"第{s + 1}中学", (("140105", "小店区"),), m))
    items = [ItemInfo(str(j + 1), "objective" if j < 12 else "subjective", float(ITEM_MAX[j]), KPS[j % 4],
                      "理解") for j in range(ITEM_MAX.size)]
    return paper_summary(parts, top=("140105", "小店区"), full_mark=FULL, step=1.0, items=items)


def legacy_fig_bytes(draw: Any) -> bytes:
    """The chart route before issue 9: a pyplot figure per chart and tight_layout."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.sans-serif"] = [reports.FONT, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=110)
    draw(ax)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def legacy_bars(labels: Any, counts: Any, title: str, y_label: str = "") -> bytes:
    return legacy_fig_bytes(lambda ax: (ax.bar(range(len(counts)), counts, color="#0b6e4f"),
                                        ax.set_xticks(range(len(labels)), labels, rotation=30, fontsize=7),
                                        ax.set_title(title), ax.set_ylabel(y_label)))


def legacy_boxes(names: Any, quantiles: Any, title: str, y_label: str = "分数") -> bytes:
    return legacy_fig_bytes(lambda ax: (
        ax.boxplot([[q if q is not None else 0 for q in qs] for qs in quantiles], tick_labels=names, whis=(0, 100)),
        ax.set_title(title), ax.tick_params(axis="x", labelsize=7)))


def best(fn: Any, reps: int = 5) -> float:
    out = np.inf
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t)
    return float(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subjects", type=int, default=3)
    ap.add_argument("--schools", type=int, default=30)
    args = ap.parse_args()
    names = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治"][: args.subjects]
    papers = []
    for i, name in enumerate(names):
        data = county(args.schools, i)
        rows = [u for u in data["units"]]
        papers.append((name, data, rows))
    exam = SimpleNamespace(name="八年级期末质量监测", org=SimpleNamespace(name="小店区"), held_on=dt.date(2026, 1, 10),
                           grade=8, get_kind_display=lambda: "期末", settings_lines=lambda: ["标准差：总体标准差（÷n）"])
    analysis = {name: generate(name, data, rows) for name, data, rows in papers}

    def report() -> bytes:
        return reports.analysis_docx(exam, papers, title="小店区质量分析报告", balance={}, warnings=[],  # type: ignore[arg-type]
                                     analysis=analysis)

    def charts(bars: Any, boxes: Any) -> None:
        for name, data, rows in papers:
            top = next(u for u in rows if u["key"] == data["top"])
            bars(data["band_labels"], top["bands"], f"{name} 分数段分布", "人数")
            schools = [u for u in rows if u["level"] == "school"]
            boxes([s["name"][:6] for s in schools], [s["quantiles"] for s in schools], f"{name} 各校成绩分布（箱线图）")

    def swapped(bars: Any, boxes: Any) -> float:
        saved = (chart_png.bars, chart_png.boxes)
        chart_png.bars, chart_png.boxes = bars, boxes
        try:
            return best(report)
        finally:
            chart_png.bars, chart_png.boxes = saved

    report()  # warm: fonts loaded (a worker does this once)
    legacy_fig_bytes(lambda ax: ax.plot([0, 1]))
    n_charts = 2 * len(papers)
    t_new = best(report)
    t_charts_new = best(lambda: charts(chart_png.bars, chart_png.boxes))
    t_charts_old = best(lambda: charts(legacy_bars, legacy_boxes))
    t_old = swapped(legacy_bars, legacy_boxes)
    from PIL import Image

    tiny = io.BytesIO()
    Image.new("RGB", (1, 1)).save(tiny, format="PNG")
    t_floor = swapped(lambda *a, **k: tiny.getvalue(), lambda *a, **k: tiny.getvalue())
    size = len(report())
    print(f"county report: {args.schools} schools, {len(papers)} subjects, {n_charts} charts, {size / 1024:.0f} kB")
    print(f"report now (Pillow charts):                     {t_new:.3f} s")
    print(f"report with the old charts (pyplot+tight_layout): {t_old:.3f} s  (old/now = {t_old / t_new:.1f}x)")
    print(f"report without charts (floor):                 {t_floor:.3f} s  (now/floor = {t_new / t_floor:.2f}x)")
    print(f"{n_charts} charts alone: now {t_charts_new:.3f} s, old {t_charts_old:.3f} s "
          f"(old/now = {t_charts_old / t_charts_new:.0f}x); charts' share of the report now "
          f"{max(t_new - t_floor, 0) / t_new:.0%}, before {(t_old - t_floor) / t_old:.0%}")


if __name__ == "__main__":
    main()
