"""Report charts drawn with Pillow (issue 9): real PNGs, round axis ticks, no matplotlib."""

from __future__ import annotations

import io

from PIL import Image

from quality import chart_png


def test_charts_are_pngs_of_the_fixed_size() -> None:
    bars = chart_png.bars(["[0,10)", "[10,20)", "[20,30]"], [3, 10, 5], "数学 分数段分布", "人数")
    boxes = chart_png.boxes([f"第{i}中学" for i in range(30)], [[0, 20, 40, 60, 95]] * 29 + [[None] * 5],
                            "数学 各校成绩分布（箱线图）")
    for png in (bars, boxes):
        img = Image.open(io.BytesIO(png))
        assert img.format == "PNG" and img.size == (chart_png.W, chart_png.H)
        assert len(img.getcolors(maxcolors=1 << 16) or []) > 10  # something is drawn


def test_nice_ticks_cover_the_range_with_round_steps() -> None:
    assert chart_png.nice_ticks(0, 1093) == [0, 250, 500, 750, 1000, 1250]
    assert chart_png.nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert chart_png.nice_ticks(3, 3) == [3, 3.2, 3.4, 3.6, 3.8, 4.0]
