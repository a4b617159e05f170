"""Codes entered against a video's timeline, turned into the sampled sequence the S-T and FIAS
analyses read (analytics.md §1.1: a code every interval; §2.1: FIAS every 3 s).

A mark [seconds, code] says "from this moment of the video the behaviour is `code`". The
observer scrubs, pauses and replays, so marks arrive in any order; a mark entered within
`SAME_MOMENT` seconds of another replaces it. The sample at each tick k·interval (k = 1, 2, …,
up to the moment coded to) is the code of the last mark at or before the tick; ticks before the
first mark have no code. The same rule as live timed sampling, with the video's clock.

Plain Python, no Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

SAME_MOMENT = 0.25
MAX_MARKS = 5000
MAX_SECONDS = 6 * 3600.0

Mark = tuple[float, str]


class MarksError(ValueError):
    """The marks are not a list of [seconds, code] with known codes; the message is Chinese."""


def clean_marks(raw: Any, codes: Iterable[str], *, duration: float | None = None) -> list[Mark]:
    """Marks checked (times within the video, codes of the scheme), sorted by time, one a moment."""
    allowed = set(codes)
    if not isinstance(raw, list):
        raise MarksError("编码应为 [秒, 编码] 的列表")
    if len(raw) > MAX_MARKS:
        raise MarksError(f"编码不能超过 {MAX_MARKS} 个")
    limit = min(duration + 1.0, MAX_SECONDS) if duration else MAX_SECONDS
    out: list[Mark] = []
    for i, item in enumerate(raw, start=1):
        if not (isinstance(item, list | tuple) and len(item) == 2):
            raise MarksError(f"第 {i} 个编码应为 [秒, 编码]")
        t, code = item
        if isinstance(t, bool) or not isinstance(t, int | float) or not math.isfinite(t):
            raise MarksError(f"第 {i} 个编码的时间不是数字")
        if t < 0 or t > limit:
            raise MarksError(f"第 {i} 个编码的时间 {t:g} 秒不在录像时长之内")
        code = str(code).strip().upper() if not str(code).strip().isdigit() else str(int(str(code).strip()))
        if code not in allowed:
            raise MarksError(f"第 {i} 个编码“{code}”不是本方案的编码（可用：{'、'.join(sorted(allowed))}）")
        out.append((round(float(t), 2), code))
    return merge(out)


def merge(marks: Iterable[Mark]) -> list[Mark]:
    """Sorted by time; of marks within SAME_MOMENT of each other the later-entered one stays."""
    kept: list[Mark] = []
    for t, code in marks:
        kept = [m for m in kept if abs(m[0] - t) >= SAME_MOMENT]
        kept.append((t, code))
    return sorted(kept)


def sample(marks: Sequence[Mark], interval: float, until: float) -> list[str]:
    """The code current at every tick interval, 2·interval, … ≤ until (ticks before the first
    mark are skipped: nothing had been coded yet)."""
    if interval <= 0:
        raise MarksError("采样间隔必须大于 0")
    ordered = sorted(marks)
    out: list[str] = []
    j = -1
    k = 1
    while k * interval <= until + 1e-9:
        tick = k * interval
        while j + 1 < len(ordered) and ordered[j + 1][0] <= tick + 1e-9:
            j += 1
        if j >= 0:
            out.append(ordered[j][1])
        k += 1
    return out


def segments(marks: Sequence[Mark], until: float) -> list[tuple[float, float, str]]:
    """(start, end, code) spans of the timeline, each mark to the next, the last to `until`."""
    ordered = sorted(marks)
    spans = []
    for i, (t, code) in enumerate(ordered):
        end = ordered[i + 1][0] if i + 1 < len(ordered) else max(until, t)
        if end > t:
            spans.append((t, end, code))
    return spans


def clock(seconds: float) -> str:
    """mm:ss (h:mm:ss past an hour) of a video time."""
    s = max(int(seconds), 0)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"
